/**
 * The WeChat story end to end: a new WeChat contact registers, submits a request with a picture, the
 * enterprise's chief service officer accepts and resolves it from WeChat, the enterprise rates it 不满意 and
 * the ticket goes back to the unit's supervisor. WeChat has no buttons: every choice is a numbered list, answered
 * with a number, a full-width number or the label. Around the story: rooms and the bot's own echoes, bad input,
 * and the notify worker's pacing of one chat. Real bot, real workers, FerretDB and Redis; the puppet is mocked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { RedisSessionStore } from '../../flows/engine/index.ts';
import type { CategoryKind } from '../../src/domain/profile.ts';
import { RATING_LABELS, RATING_LEVELS } from '../../src/domain/rating.ts';
import { t, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { resolveRecipient } from '../../src/services/notices/recipients.ts';
import { registerEnterprise } from '../../src/services/registration.ts';
import { MAX_ATTACHMENTS, MAX_TEXT, MIN_TEXT } from '../../src/services/tickets/submission.schema.ts';
import { loadTicketByNumber, type TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { excerpt, formatShanghai } from '../../src/shared/format.ts';
import { YUAN_EQUIPMENT, ZHONGYUAN } from '../support/fixtures.ts';
import { BOT_NAME, startWechatHarness, type WechatHarness } from '../support/wechat-harness.ts';

const zh = (key: MessageKey, params?: Params): string => t('zh-CN', key, params);

/** A text with its choices as the WeChat adapter renders them: "text\n\n1. a\n2. b". */
const numbered = (text: string, labels: readonly string[]): string => `${text}\n\n${labels.map((label, i) => `${i + 1}. ${label}`).join('\n')}`;

const ZHONGYUAN_NAME = '郑州中原建设工程有限公司';
const WORKS = '工程管理处';
const RATINGS = RATING_LEVELS.map((level) => RATING_LABELS[level].zh);

/**
 * WeChat ids for the officials the story needs besides rf-works-01 (`wx-wang-jianguo` in the demo directory).
 * They keep their Telegram ids; the WeChat account, imported last, is the newest and so the one notices use.
 */
const WECHAT_IDS = `
officials:
  - { code: rf-works-02, name: 李静, unit: works, roles: [officer], wechat: wx-li-jing }
  - { code: rf-works-sup, name: 赵敏, unit: works, roles: [officer, supervisor], wechat: wx-zhao-min }
`;

describe('WeChat end to end', () => {
  let h: WechatHarness;

  beforeAll(async () => {
    h = await startWechatHarness({ label: 'wechat-e2e', directory: WECHAT_IDS, chatGapMs: { wechat: 2000 } });
    // The story only works if these officials are reached on WeChat: check it once, plainly.
    for (const [code, wechatId] of [
      ['rf-works-01', 'wx-wang-jianguo'],
      ['rf-works-02', 'wx-li-jing'],
      ['rf-works-sup', 'wx-zhao-min'],
    ] as const) {
      await expect(resolveRecipient(h.app, { kind: 'official', ref: code })).resolves.toMatchObject({ platform: 'wechat', chatId: wechatId });
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    // No handler blew up, no job failed, the adapter logged no error (and a test's problems stay its own).
    expect(h.problems.splice(0)).toEqual([]);
  });

  /** The group labels and the request categories of the profile, in the order the submit flow offers them. */
  function groupLabels(): string[] {
    const order: CategoryKind[] = ['request', 'complaint', 'consultation', 'suggestion', 'misconduct'];
    return order.filter((kind) => h.app.profile.categories.some((c) => c.kind === kind)).map((kind) => zh(`submit.group.${kind}`));
  }

  function requestCategories(): string[] {
    return [...h.app.profile.categories.filter((c) => c.kind === 'request').map((c) => c.name.zh), zh('submit.back')];
  }

  /** A deadline as the texts show it; a missing one fails the test here rather than as an odd string. */
  function due(date: Date | undefined): string {
    if (!date) throw new Error('the ticket has no such deadline');
    return formatShanghai(date);
  }

  async function ticket(number: string): Promise<TicketRecord> {
    const found = await loadTicketByNumber(h.app, number);
    if (!found) throw new Error(`ticket ${number} not found`);
    return found;
  }

  it(
    'registers a new WeChat contact, takes a request with a picture, and runs it through accept, resolve and a bad rating',
    async () => {
      const { Contact, ChatAccount, Notice } = h.app.db.models;
      const liu = h.person('wx-liu-qiang', '刘强');
      const wang = h.person('wx-wang-jianguo', '王建国'); // rf-works-01, chief service officer of 中原建设
      const zhao = h.person('wx-zhao-min', '赵敏'); // rf-works-sup

      // --- Registration: the demo enterprise's credit code skips the company questions ------------------
      let turn = await liu.ask('你好');
      expect(turn.replies).toEqual([zh('register.welcome'), zh('register.ask.company-name')]);
      turn = await liu.ask(ZHONGYUAN);
      expect(turn.replies).toEqual([zh('register.known', { name: ZHONGYUAN_NAME }), zh('register.ask.contact-name')]);
      turn = await liu.ask('刘强');
      expect(turn.replies).toEqual([zh('register.ask.phone')]);
      turn = await liu.ask('138 0013 8000');
      const summary = (phone: string) =>
        numbered(zh('register.summary.known', { companyName: ZHONGYUAN_NAME, creditCode: ZHONGYUAN, contactName: '刘强', phone }), ['确认', '修改', '取消']);
      expect(turn.replies).toEqual([summary('13800138000')]);
      expect(await liu.choices()).toEqual(['确认', '修改', '取消']);

      // Answered by label…
      turn = await liu.ask('修改');
      expect(turn.inbound.callback).toEqual({ id: '', data: 'reg:edit' });
      expect(turn.replies).toEqual([numbered(zh('register.ask.edit'), ['信用代码', '联系人姓名', '联系电话'])]);
      // …by a full-width digit…
      turn = await liu.ask('３');
      expect(turn.inbound).toMatchObject({ text: '３', callback: { id: '', data: 'reg:edit:phone' } });
      expect(turn.replies).toEqual([zh('register.ask.phone')]);
      turn = await liu.ask('13900139000');
      expect(turn.replies).toEqual([summary('13900139000')]);
      // …and by a plain number.
      turn = await liu.ask('1');
      expect(turn.inbound.callback).toEqual({ id: '', data: 'reg:confirm' });
      expect(turn.replies).toEqual([zh('register.done.active', { enterprise: ZHONGYUAN_NAME })]);

      const contact = await Contact.findOne({ enterprise: ZHONGYUAN }).lean();
      expect(contact).toMatchObject({ name: '刘强', phone: '13900139000', status: 'active' });
      const contactId = String(contact?._id);
      expect(await ChatAccount.findOne({ platform: 'wechat', userId: liu.id }).lean()).toMatchObject({ chatId: liu.id, kind: 'contact', ref: contactId });

      // --- Submission: typed description, numbered group and category, a picture, confirm --------------
      const description = '我司郑州金水区地下车库人防工程的审批材料已提交二十个工作日，至今未收到答复，请帮助协调。';
      turn = await liu.ask(description);
      expect(turn.replies).toEqual([zh('submit.prefilled'), numbered(zh('submit.choose-group'), groupLabels())]);
      turn = await liu.ask('1');
      expect(turn.inbound.callback?.data).toBe('submit:group:request');
      expect(turn.replies).toEqual([numbered(zh('submit.choose-category'), requestCategories())]);
      turn = await liu.ask('1');
      expect(turn.inbound.callback?.data).toBe('submit:cat:project-approval');
      expect(turn.replies).toEqual([numbered(zh('submit.ask-attachments', { max: MAX_ATTACHMENTS }), ['完成', '跳过'])]);

      turn = await liu.askImage('现场照片.png');
      const imageId = turn.id;
      expect(turn.inbound).toMatchObject({ text: '', attachments: [{ kind: 'photo', fileRef: imageId }] });
      expect(turn.replies).toEqual([zh('submit.attachment-added', { count: 1 })]);
      // The reply to the picture had no list, so "1" still means the 完成 offered before it.
      turn = await liu.ask('1');
      expect(turn.inbound.callback?.data).toBe('submit:files-done');
      const check = [zh('submit.summary', { category: '人防工程审批', unit: WORKS, text: description, attachments: 1 }), zh('submit.confirm-question')].join('\n');
      expect(turn.replies).toEqual([numbered(check, ['确认提交', '修改', '取消'])]);

      turn = await liu.ask('1');
      expect(turn.inbound.callback?.data).toBe('submit:confirm');
      expect(turn.replies).toHaveLength(1);
      const number = /^受理成功！\n事项编号：(RF-2026-\d{6})\n/.exec(turn.replies[0] ?? '')?.[1] ?? '';
      expect(number).toMatch(/^RF-2026-\d{6}$/);
      let stored = await ticket(number);
      expect(turn.replies[0]).toBe(zh('submit.accepted', { number, unit: WORKS, resolveBy: formatShanghai(stored.deadlines.resolveBy) }));
      expect(stored).toMatchObject({
        category: 'project-approval',
        unit: 'works',
        enterprise: ZHONGYUAN,
        contact: contactId,
        text: description,
        replyTo: { platform: 'wechat', chatId: liu.id },
        attachments: [{ kind: 'photo', fileRef: imageId, platform: 'wechat' }],
      });

      // --- The chief service officer gets it on WeChat as a numbered list, and accepts with "1" ----------
      const assignment = await wang.next(number);
      stored = await ticket(number);
      expect(stored).toMatchObject({ status: 'assigned', assignee: 'rf-works-01' });
      const resolveBy = formatShanghai(stored.deadlines.resolveBy);
      expect(assignment.text).toBe(
        numbered(
          zh('notice.assigned', {
            number,
            category: '人防工程审批',
            enterprise: ZHONGYUAN_NAME,
            text: excerpt(description, 300),
            respondBy: formatShanghai(stored.deadlines.respondBy),
            resolveBy,
          }),
          ['受理', '进展', '转办', '延期', '办结'],
        ),
      );
      await liu.next((text) => text === zh('notice.enterprise.assigned', { number, unit: WORKS, officer: '王建国', resolveBy }));
      // The list is remembered once the send returns; only then does a typed "1" mean 受理.
      await vi.waitFor(async () => expect(await wang.choices()).toEqual(['受理', '进展', '转办', '延期', '办结']));

      turn = await wang.ask('1');
      expect(turn.inbound.callback).toEqual({ id: '', data: `t:accept:${number}` });
      expect(turn.replies).toEqual([numbered(zh('officer.accept.done', { number, resolveBy }), ['进展', '转办', '延期', '办结'])]);
      expect((await ticket(number)).status).toBe('accepted');
      await liu.next((text) => text === zh('notice.enterprise.accepted', { number, officer: '王建国' }));

      // --- 办结: "4" on the list that came with the acceptance, the result, "1" to confirm ---------------
      turn = await wang.ask('4');
      expect(turn.inbound.callback?.data).toBe(`t:resolve:${number}`);
      expect(turn.replies).toEqual([zh('officer.resolve.ask-result', { number })]);
      const result = '已协调审批窗口加快办理，审批意见书已于今日出具，请到市政务服务大厅人防窗口领取。';
      turn = await wang.ask(result);
      expect(turn.replies).toEqual([numbered(zh('officer.resolve.confirm', { number, result }), ['确认', '修改'])]);
      turn = await wang.ask('1');
      expect(turn.inbound.callback?.data).toBe('of:yes');
      expect(turn.replies).toEqual([zh('officer.resolve.done', { number })]);
      stored = await ticket(number);
      expect(stored).toMatchObject({ status: 'resolved', result });

      // --- The enterprise gets the result with the five ratings, and answers "4" (不满意) -----------------
      const rateBy = due(stored.deadlines.rateBy);
      await liu.next((text) => text === numbered(zh('notice.enterprise.resolved', { number, result, rateBy }), RATINGS));
      await vi.waitFor(async () => expect(await liu.choices()).toEqual(RATINGS));
      turn = await liu.ask('4');
      expect(turn.inbound.callback).toEqual({ id: '', data: `r:dissatisfied:${number}` });
      expect(turn.replies).toEqual([numbered(zh('rate.ask-comment-bad', { level: '不满意' }), ['跳过'])]);
      const comment = '意见书只能到现场领取，没有电子版，又多跑了一趟。';
      turn = await liu.ask(comment);
      expect(turn.replies).toEqual([zh('rate.thanks-bad', { number, unit: WORKS })]);

      stored = await ticket(number);
      expect(stored).toMatchObject({ status: 'reopened', assignee: 'rf-works-sup', ratings: [{ level: 'dissatisfied', round: 'first', comment }] });
      const rectifyBy = due(stored.deadlines.rectifyBy);
      await zhao.next((text) => text === zh('notice.rectify', { number, rating: '不满意', rectifyBy, comment }));

      // Every notice of the story went out on WeChat, once (marked sent just after the message lands).
      const ticketId = stored._id;
      await vi.waitFor(async () => {
        const notices = await Notice.find({ ticket: ticketId }).lean();
        expect(notices.map((n) => `${n.recipient?.ref}:${n.message?.key}:${n.platform}:${n.status}:${n.attempts}`).sort()).toEqual(
          [
            `${contactId}:notice.enterprise.accepted:wechat:sent:1`,
            `${contactId}:notice.enterprise.assigned:wechat:sent:1`,
            `${contactId}:notice.enterprise.resolved:wechat:sent:1`,
            'rf-works-01:notice.assigned:wechat:sent:1',
            'rf-works-sup:notice.rectify:wechat:sent:1',
          ].sort(),
        );
      });
      expect(zhao.received).toHaveLength(1);
    },
    45_000,
  );

  it('ignores room chatter that does not @-mention the bot, and never acts on its own echoed messages', async () => {
    const chen = h.person('wx-chen-lei', '陈磊');
    const sun = h.person('wx-sun-yue', '孙悦');
    const group = h.room('郑州人防企业交流群', [chen, sun]);
    const handledBefore = h.handled.length;
    const echoesBefore = h.echoes.length;

    const chatter = [chen.sayIn(group, '大家中午吃什么？'), sun.sayIn(group, '@陈磊\u2005楼下新开了一家烩面馆', [chen]), chen.sayIn(group, '1')];
    // The control: an @-mention of the bot in the same room, sent after the chatter, is answered in the room.
    const mention = sun.sayIn(group, `@${BOT_NAME}\u2005你好`, 'bot');
    expect(await h.handledMessage(mention)).toMatchObject({ chatId: group.chatId, senderId: sun.id, text: '你好' });
    expect(group.texts()).toEqual([zh('register.welcome'), zh('register.ask.company-name')]);
    // A later message from someone else has been handled: anything sent before it was handled or dropped by now.
    const echoesSettled = h.echoes.length;
    const sentinel = h.person('wx-sentinel-1', '路人甲');
    const sentinelTurn = await sentinel.ask('你好');

    expect(h.handled.slice(handledBefore).map((m) => m.platformMessageId)).toEqual([mention, sentinelTurn.id]);
    for (const id of chatter) expect(await h.seen(id)).toBe(false);
    expect(await h.seen(mention)).toBe(true);
    // Nothing about chen, who only chatted, exists anywhere: no account, no session, no Redis key.
    expect(chen.received).toEqual([]);
    expect(await h.app.db.models.ChatAccount.countDocuments({ userId: chen.id })).toBe(0);
    expect(await h.app.redisClient.keys(`${h.keyPrefix}*${chen.id}*`)).toEqual([]);

    // The puppet handed every reply of this test back as a message from the bot's own account…
    const echoed = h.echoes.slice(echoesBefore).map((id) => h.mocker.cacheMessagePayload.get(id)?.text ?? '');
    expect(echoed.sort()).toEqual([...group.texts(), ...sentinel.texts()].sort());
    // …and none of the echoes handed back before the sentinel (in this file so far) reached the pipeline.
    const settled = h.echoes.slice(0, echoesSettled);
    const seen = await Promise.all(settled.map((id) => h.seen(id)));
    expect(settled.length).toBeGreaterThanOrEqual(3);
    expect(settled.filter((_id, i) => seen[i])).toEqual([]);
    expect(h.handled.filter((m) => m.senderId === h.self.id)).toEqual([]);
  });

  it('answers an emoji-only description, a 10,000-character message and a sticker plainly, and stores none of them', async () => {
    const zhou = h.person('wx-zhou-ping', '周平');
    await registerEnterprise(h.app, {
      sender: { platform: 'wechat', senderId: zhou.id, chatId: zhou.id },
      lang: 'zh-CN',
      enterprise: { creditCode: YUAN_EQUIPMENT },
      contact: { name: '周平', phone: '13700137000' },
    });
    const describePrompt = zh('submit.describe', { min: MIN_TEXT, max: MAX_TEXT });

    let turn = await zhou.ask('新建'); // WeChat has no command menu: the word stands for /new
    expect(turn.replies).toEqual([numbered(zh('submit.choose-group'), groupLabels())]);
    await zhou.ask('1');
    turn = await zhou.ask('1');
    expect(turn.replies).toEqual([describePrompt]);

    turn = await zhou.ask('😂😂😂👍🙏');
    expect(turn.replies).toEqual([zh('submit.text-emoji', { min: MIN_TEXT })]);

    const long = '人防工程竣工验收备案材料'.repeat(1000).slice(0, 10_000);
    turn = await zhou.ask(long);
    expect(turn.inbound.text).toHaveLength(10_000); // delivered whole
    expect(turn.replies).toEqual([zh('submit.text-too-long', { max: MAX_TEXT, length: 10_000 })]);

    turn = await zhou.askSticker();
    expect(turn.inbound).toMatchObject({ text: '', attachments: [{ kind: 'sticker', fileRef: turn.id }] });
    expect(turn.replies).toEqual([`${zh('flow.hint-prefix')}\n${describePrompt}`]);

    // Still waiting for the description, with nothing kept from the three.
    const store = new RedisSessionStore(h.ctx.redis, { prefix: h.keyPrefix });
    const session = await store.read({ platform: 'wechat', senderId: zhou.id });
    expect(session).toMatchObject({ flow: 'submit', step: 'describe', state: { category: 'project-approval', attachments: [], attachmentsDone: false } });
    expect(session?.state).not.toHaveProperty('text');

    // The flow is intact: a real description moves on, and 取消 leaves without a ticket.
    turn = await zhou.ask('人防工程竣工验收备案需要准备哪些材料，办理时限是多久？');
    expect(turn.replies).toEqual([numbered(zh('submit.ask-attachments', { max: MAX_ATTACHMENTS }), ['完成', '跳过'])]);
    turn = await zhou.ask('取消');
    expect(turn.replies).toEqual([zh('flow.cancelled')]);
    expect(await h.app.db.models.Ticket.countDocuments({ enterprise: YUAN_EQUIPMENT })).toBe(0);
  });

  it('spaces two notices to one WeChat chat by chatGapMs (2 s)', async () => {
    const li = h.person('wx-li-jing', '李静'); // rf-works-02
    const reminder = (n: number): NoticeJob => ({
      recipient: { kind: 'official', ref: 'rf-works-02' },
      message: { key: 'notice.reminder', params: { number: `RF-2026-90000${n}`, deadline: { zh: '办结时限', en: 'resolution' }, due: '2026-03-16 17:00' } },
      dedupeKey: `pace.rf-works-02.${n}`,
    });
    const queuedAt = Date.now();
    await h.app.queues.notify.addBulk([1, 2].map((n) => ({ name: 'notice.reminder', data: reminder(n), opts: { jobId: reminder(n).dedupeKey } })));

    const arrivals = await Promise.all([li.next('RF-2026-900001'), li.next('RF-2026-900002')]);
    const [first = Number.NaN, second = Number.NaN] = arrivals.map((r) => r.at).sort((a, b) => a - b);
    // Slots are 2 s apart when they leave; a timer and the event loop add a few ms either way on arrival.
    expect(second - first).toBeGreaterThanOrEqual(1950);
    // The first went at once, so the gap is pacing and not a slow worker; the second waited one slot, not two.
    expect(first - queuedAt).toBeLessThan(1500);
    expect(second - first).toBeLessThan(4000);
    expect(li.received.map((r) => r.notice)).toEqual([true, true]);
    // Waiting for the slot cost no attempt: each notice was tried once and sent.
    await vi.waitFor(async () => {
      const notices = await h.app.db.models.Notice.find({ dedupeKey: { $in: ['pace.rf-works-02.1', 'pace.rf-works-02.2'] } }).lean();
      expect(notices.map((n) => `${n.chatId}:${n.status}:${n.attempts}`)).toEqual(['wx-li-jing:sent:1', 'wx-li-jing:sent:1']);
    });
  });
});
