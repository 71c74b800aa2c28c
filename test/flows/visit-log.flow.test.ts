import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowDeps } from '../../flows/deps.ts';
import { createFlowRunner, MemorySessionStore, type FlowRunner, type HandleResult, type Reply, type TurnContext } from '../../flows/engine/index.ts';
import { parseVisitDate, visitLogFlow } from '../../flows/visit-log.flow.ts';
import type { OfficialDoc } from '../../src/db/models/index.ts';
import { t, type Lang, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { loadTicketByNumber } from '../../src/services/tickets/ticket-store.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { ZHONGYUAN } from '../support/fixtures.ts';

const zh = (key: MessageKey, params?: Params) => t('zh-CN', key, params);

describe('reading a visit date (no servers)', () => {
  it.each([
    ['今天', '2026-03-02'],
    ['昨天。', '2026-03-01'],
    ['yesterday', '2026-03-01'],
    ['2026-02-27', '2026-02-27'],
    ['２０２６－０２－２７', '2026-02-27'],
    ['2026/2/7', '2026-02-07'],
    ['2026年2月7日', '2026-02-07'],
  ])('%j is %s', (text, date) => {
    expect(parseVisitDate(text, '2026-03-02')).toBe(date);
  });

  it.each(['明天', '2026-02-30', '2-27', '上周五', ''])('%j is no date', (text) => {
    expect(parseVisitDate(text, '2026-03-02')).toBeUndefined();
  });
});

describe('the visit log flow', () => {
  let app: TestApp;
  let runner: FlowRunner;

  beforeEach(async () => {
    app = await createTestApp('visitflow');
    runner = createFlowRunner({ store: new MemorySessionStore(), flows: [visitLogFlow], clock: app.clock });
  });
  afterEach(() => app.close());

  async function official(code: string, lang: Lang = 'zh-CN'): Promise<FlowDeps> {
    const doc = await app.db.models.Official.findOne({ code }).lean<OfficialDoc>();
    if (!doc) throw new Error(`no official ${code}`);
    return { lang, sender: { platform: 'telegram', senderId: `tg-${code}`, chatId: `tg-${code}` }, identity: { kind: 'official', official: doc }, app };
  }

  function chat(deps: FlowDeps) {
    const key = { platform: deps.sender.platform, senderId: deps.sender.senderId };
    const context: TurnContext = { lang: deps.lang, depsFor: () => deps };
    return {
      begin: () => runner.begin(key, 'visit-log', context),
      say: (text: string) => runner.handle(key, { text, attachments: [] }, context),
      tap: (action: string) => runner.handle(key, { text: '', action, attachments: [] }, context),
      active: () => runner.active(key),
    };
  }

  const texts = (result: HandleResult | Reply[]) => (Array.isArray(result) ? result : result.replies).map((r) => r.text).join('\n');
  const actions = (result: HandleResult | Reply[]) => (Array.isArray(result) ? result : result.replies).flatMap((r) => r.buttons?.flat().map((b) => b.action) ?? []);

  it('records a visit end to end: problems become tickets, a declared gift goes to discipline inspection', async () => {
    const officer = chat(await official('rf-works-01'));
    const start = await officer.begin();
    expect(texts(start)).toBe(zh('liaison.visit.ask-enterprise'));
    expect(actions(start)).toEqual([`lv:ent:${ZHONGYUAN}`]);
    expect(await officer.say('2')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('liaison.visit.bad-enterprise')) }] });
    expect(actions(await officer.say('1'))).toEqual(['lv:today', 'lv:yesterday']);

    expect(await officer.say('明天')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('liaison.visit.bad-date')) }] });
    expect(await officer.say('2026-03-05')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('error.visit.future-date')) }] });
    expect(actions(await officer.tap('lv:yesterday'))).toEqual(['lv:form:on-site', 'lv:form:online', 'lv:form:symposium']);
    expect(texts(await officer.say('实地走访'))).toBe(zh('liaison.visit.ask-learnt', { max: 2000 }));
    expect(texts(await officer.say('企业生产经营正常，人防工程建设按计划推进。'))).toBe(zh('liaison.visit.ask-problems'));
    expect(texts(await officer.say('人防工程竣工验收材料清单不明确'))).toBe(zh('liaison.visit.problem-added', { count: 1 }));
    expect(await officer.say('。')).toMatchObject({ outcome: 'retried' });
    expect(texts(await officer.say('易地建设费缴纳流程咨询'))).toBe(zh('liaison.visit.problem-added', { count: 2 }));
    expect(actions(await officer.say('完成'))).toEqual(['lv:meal:canteen-paid', 'lv:meal:no', 'lv:meal:none']);
    expect(texts(await officer.tap('lv:meal:canteen-paid'))).toBe(zh('liaison.visit.ask-gifts'));
    expect(await officer.say('也许')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('liaison.visit.bad-gifts')) }] });
    const detail = await officer.say('是');
    expect(texts(detail)).toBe(zh('liaison.visit.ask-gift-detail'));
    expect(texts(detail)).toContain('报送纪检监察组');
    const confirm = await officer.say('企业赠送茶叶两盒，约 600 元');
    expect(texts(confirm)).toBe(
      zh('liaison.visit.confirm', {
        enterprise: '郑州中原建设工程有限公司',
        date: '2026-03-01',
        form: '实地走访',
        learnt: '企业生产经营正常，人防工程建设按计划推进。',
        problems: '1. 人防工程竣工验收材料清单不明确；2. 易地建设费缴纳流程咨询',
        meal: zh('liaison.meal.canteen-paid'),
        gifts: zh('liaison.visit.gifts-declared', { detail: '企业赠送茶叶两盒，约 600 元' }),
      }),
    );

    const done = await officer.tap('of:yes');
    expect(done).toEqual({
      handled: true,
      outcome: 'done',
      replies: [
        {
          text: [
            zh('liaison.visit.done', { enterprise: '郑州中原建设工程有限公司', date: '2026-03-01' }),
            zh('liaison.visit.done-tickets', { numbers: 'RF-2026-000001、RF-2026-000002' }),
            zh('liaison.visit.done-gift'),
          ].join('\n'),
        },
      ],
    });
    expect(await officer.active()).toBeUndefined();

    const stored = await app.db.models.Visit.find().lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ official: 'rf-works-01', enterprise: ZHONGYUAN, date: '2026-03-01', form: 'on-site', meal: 'canteen-paid', giftsAccepted: true, giftDetail: '企业赠送茶叶两盒，约 600 元' });
    expect(await loadTicketByNumber(app, 'RF-2026-000002')).toMatchObject({ category: 'visit-issue', text: '易地建设费缴纳流程咨询', enterprise: ZHONGYUAN });
    const gifts = (await app.queues.notify.getJobs(['waiting'])).map((job) => job.data as NoticeJob).filter((data) => data.message.key === 'notice.gift-declared');
    expect(gifts.map((data) => data.recipient)).toEqual([{ kind: 'official', ref: 'rf-discipline-01' }]);

    // A stale confirm tap after the end starts nothing and records nothing.
    expect(await officer.tap('of:yes')).toMatchObject({ handled: false });
    expect(await app.db.models.Visit.countDocuments()).toBe(1);
  });

  it('a leadership member may record a visit to any enterprise by its code; no problems and no gifts make no tickets', async () => {
    const leader = chat(await official('rf-leader-01', 'en'));
    const start = await leader.begin();
    expect(texts(start)).toBe(t('en', 'liaison.visit.ask-enterprise') + t('en', 'liaison.visit.ask-enterprise-any'));
    expect(actions(start)).toHaveLength(2);
    await leader.say(ZHONGYUAN.toLowerCase());
    await leader.say('today');
    await leader.tap('lv:form:symposium');
    await leader.say('Entrepreneurs discussed approval times and fees.');
    await leader.tap('lv:none');
    await leader.tap('lv:meal:none');
    const confirm = await leader.say('no');
    expect(texts(confirm)).toContain(`Gifts or hospitality: ${t('en', 'liaison.visit.gifts-none')}`);
    // "Edit" starts over with everything cleared.
    expect(texts(await leader.tap('of:edit'))).toContain(t('en', 'liaison.visit.ask-enterprise'));
    expect(await leader.active()).toMatchObject({ step: 'enterprise' });
    await leader.say(ZHONGYUAN);
    await leader.say('today');
    await leader.say('3');
    await leader.say('Entrepreneurs discussed approval times and fees.');
    await leader.say('none');
    await leader.say('2');
    await leader.tap('lv:gifts:no');
    expect(texts(await leader.say('yes'))).toBe(t('en', 'liaison.visit.done', { enterprise: '郑州中原建设工程有限公司', date: '2026-03-02' }));
    expect(await app.db.models.Visit.findOne().lean()).toMatchObject({ official: 'rf-leader-01', linked: false, form: 'symposium', meal: 'no', giftsAccepted: false, problems: [] });
    expect(await app.db.models.Ticket.countDocuments()).toBe(0);
  });

  it('an official with no link, another official’s enterprise, and a contact are turned away', async () => {
    expect(texts(await chat(await official('rf-works-sup')).begin())).toBe(zh('liaison.visit.no-links'));
    const officer = chat(await official('rf-works-01'));
    await officer.begin();
    expect(await officer.say('91410300MA40C00034')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('liaison.visit.bad-enterprise')) }] });
    const contact: FlowDeps = {
      lang: 'zh-CN',
      sender: { platform: 'telegram', senderId: 'tg-c', chatId: 'tg-c' },
      identity: { kind: 'contact', contactId: 'c1', name: '张经理', status: 'active', enterprise: { creditCode: ZHONGYUAN, name: '郑州中原建设工程有限公司', ownership: 'private', size: 'medium', region: '郑州市' } },
      app,
    };
    expect(texts(await chat(contact).begin())).toBe(zh('officer.only-officials'));
  });
});
