import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.ts';
import type { NoticeJob } from '../../../src/queue/notice.ts';
import { createTicketFromVisit } from '../../../src/services/liaison/visit-tickets.ts';
import { giftNoticeKey, logVisit, problemTicketId, type VisitInput } from '../../../src/services/liaison/visits.ts';
import { loadTicketByNumber } from '../../../src/services/tickets/ticket-store.ts';
import { renderNotice } from '../../../src/services/notices/render-notice.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { addContact, historyOf, LUOYANG, noticesOf, ZHONGYUAN } from '../../support/fixtures.ts';
import { runJobs } from '../../support/jobs.ts';

const SHOP = '92410100MA40D0004H';

function visit(overrides: Partial<VisitInput> = {}): VisitInput {
  return { enterprise: ZHONGYUAN, form: 'on-site', learnt: '企业在建人防工程进展顺利，反映审批环节材料要求不清。', problems: [], meal: 'no', giftsAccepted: false, ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('logging visits', () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await createTestApp('visits');
  });
  afterEach(() => app.close());

  async function queuedNotices(key: string): Promise<NoticeJob[]> {
    const jobs = await app.queues.notify.getJobs(['waiting', 'delayed', 'prioritized', 'completed']);
    return jobs.map((job) => job.data).filter((data) => data.message.key === key);
  }

  it('a problem found on a visit becomes a visit-issue ticket, assigned like any other, and the enterprise is told', async () => {
    const { contactId } = await addContact(app, ZHONGYUAN, '800001');
    const logged = await logVisit(app, { code: 'rf-works-01' }, visit({ problems: ['人防工程竣工验收材料清单不明确，希望给出书面清单。', '易地建设费减免政策咨询'] }));

    expect(logged.visit).toMatchObject({ official: 'rf-works-01', unit: 'works', enterprise: ZHONGYUAN, linked: true, leadership: false, date: '2026-03-02', meal: 'no', giftsAccepted: false });
    expect(logged.tickets.map((t) => t.number)).toEqual(['RF-2026-000001', 'RF-2026-000002']);
    const ticket = await loadTicketByNumber(app, 'RF-2026-000001');
    expect(ticket).toMatchObject({ category: 'visit-issue', kind: 'request', unit: 'office', enterprise: ZHONGYUAN, contact: contactId, status: 'submitted', text: '人防工程竣工验收材料清单不明确，希望给出书面清单。' });
    expect(String(ticket?._id)).toBe(logged.visit.problems[0]?.ticket);

    await runJobs(app);
    const assigned = await loadTicketByNumber(app, 'RF-2026-000001');
    expect(assigned).toMatchObject({ status: 'assigned', unit: 'office' });
    expect(['rf-office-01', 'rf-office-sup']).toContain(assigned?.assignee);
    // No chat channel runs in tests: the notices are held, and the history says so after these two.
    expect((await historyOf(app, String(ticket?._id))).slice(0, 2)).toEqual(['submit', 'assign']);
    const first = await app.db.models.HistoryEvent.findOne({ ticket: String(ticket?._id), seq: 1 }).lean();
    expect(first).toMatchObject({ actor: 'rf-works-01', role: 'official', data: { category: 'visit-issue', channel: 'visit', visit: logged.visit._id } });
    expect(await noticesOf(app, String(ticket?._id))).toEqual(expect.arrayContaining([`${contactId}:liaison.notice.visit-issue`, `${assigned?.assignee}:notice.assigned`, `${contactId}:notice.enterprise.assigned`]));
    const told = await app.db.models.Notice.findOne({ ticket: String(ticket?._id), 'message.key': 'liaison.notice.visit-issue' }).lean();
    expect(told?.text).toContain('王建国走访时记录了贵单位反映的问题，已列入台账（编号 RF-2026-000001）');
  });

  it('an enterprise without an active contact still gets its ticket, told to nobody', async () => {
    const logged = await logVisit(app, { code: 'rf-works-01' }, visit({ problems: ['消防与人防联合验收时间长'] }));
    const ticket = await loadTicketByNumber(app, logged.tickets[0]?.number ?? '');
    expect(ticket?.contact).toBeUndefined();
    await runJobs(app);
    expect(await noticesOf(app, String(ticket?._id))).toEqual([`${(await loadTicketByNumber(app, ticket?.number ?? ''))?.assignee}:notice.assigned`]);
  });

  it('only the official’s own links, except for leadership members; bad dates and missing details are refused', async () => {
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ enterprise: LUOYANG })))).toBe('visit.not-linked');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ enterprise: '91410100MA40Z9999X' })))).toBe('visit.unknown-enterprise');
    expect(await refusal(logVisit(app, { code: 'nobody' }, visit()))).toBe('visit.forbidden');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ date: '2026-03-03' })))).toBe('visit.future-date');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ date: '2026-01-30' })))).toBe('visit.too-old');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ giftsAccepted: true })))).toBe('visit.gift-detail');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ learnt: '  ' })))).toBe('text.empty');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ problems: ['慢'] })))).toBe('text.too-short');
    expect(await refusal(logVisit(app, { code: 'rf-works-01' }, visit({ problems: Array.from({ length: 21 }, (_, i) => `问题${i}`) })))).toBe('visit.too-many-problems');
    expect(await app.db.models.Visit.countDocuments()).toBe(0);

    const leader = await logVisit(app, { code: 'rf-leader-01' }, visit({ date: '2026-02-27', form: 'symposium', meal: 'none' }));
    expect(leader.visit).toMatchObject({ official: 'rf-leader-01', enterprise: ZHONGYUAN, linked: false, leadership: true, date: '2026-02-27', form: 'symposium' });
    const own = await logVisit(app, { code: 'rf-leader-01' }, visit({ enterprise: SHOP, meal: 'canteen-paid' }));
    expect(own.visit).toMatchObject({ linked: true, meal: 'canteen-paid' });
  });

  it('a declared gift is recorded and reaches discipline inspection', async () => {
    const logged = await logVisit(app, { code: 'rf-works-01' }, visit({ giftsAccepted: true, giftDetail: '企业赠送茶叶两盒，约 600 元，已登记待上交' }));
    expect(logged.visit).toMatchObject({ giftsAccepted: true, giftDetail: '企业赠送茶叶两盒，约 600 元，已登记待上交' });
    expect(logged.inspectorsTold).toEqual(['rf-discipline-01']);

    const queued = await queuedNotices('notice.gift-declared');
    expect(queued).toEqual([
      expect.objectContaining({ recipient: { kind: 'official', ref: 'rf-discipline-01' }, dedupeKey: giftNoticeKey(logged.visit._id, 'rf-discipline-01') }),
    ]);
    expect(renderNotice(queued[0] as NoticeJob, 'zh-CN').text).toBe(
      '【廉政提醒】王建国（rf-works-01） 在走访 郑州中原建设工程有限公司 时申报收受了礼品或宴请：企业赠送茶叶两盒，约 600 元，已登记待上交（2026-03-02）',
    );
    await runJobs(app);
    const notice = await app.db.models.Notice.findOne({ dedupeKey: giftNoticeKey(logged.visit._id, 'rf-discipline-01') }).lean();
    expect(notice).toMatchObject({ recipient: { kind: 'official', ref: 'rf-discipline-01' }, message: { key: 'notice.gift-declared' } });

    // Confirmed again (the same draft): the notice is queued under the same id, so nothing new is sent.
    await logVisit(app, { code: 'rf-works-01' }, visit({ id: logged.visit._id, giftsAccepted: true, giftDetail: '企业赠送茶叶两盒，约 600 元，已登记待上交' }));
    expect(await queuedNotices('notice.gift-declared')).toHaveLength(1);
    expect(await app.db.models.Visit.countDocuments()).toBe(1);
  });

  it('visits are append-only', async () => {
    await logVisit(app, { code: 'rf-works-01' }, visit());
    await expect(app.db.models.Visit.updateOne({ official: 'rf-works-01' }, { $set: { date: '2026-01-01' } })).rejects.toThrow(/append-only/);
    await expect(app.db.models.Visit.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(app.db.models.Visit.findOneAndUpdate({}, { $set: { giftsAccepted: false } })).rejects.toThrow(/append-only/);
    expect(await app.db.models.Visit.findOne().lean()).toMatchObject({ date: '2026-03-02' });
  });

  it('a draft confirmed twice at once records one visit and one ticket per problem', async () => {
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const input = visit({ id, problems: ['人防设备检测收费标准不清楚'] });
    const [a, b] = await Promise.all([logVisit(app, { code: 'rf-works-01' }, input), logVisit(app, { code: 'rf-works-01' }, input)]);
    expect(a.tickets.map((t) => t.number)).toEqual(b.tickets.map((t) => t.number));
    expect(await app.db.models.Visit.countDocuments()).toBe(1);
    expect(await app.db.models.Ticket.countDocuments()).toBe(1);
    expect(await refusal(logVisit(app, { code: 'rf-works-02' }, input))).toBe('visit.forbidden');
  });

  it('a crash after the first ticket: confirming the draft again finishes the visit without a second ticket', async () => {
    const id = 'cccccccccccccccccccccccc';
    // What the first attempt wrote before it died: the ticket of the first problem, and no visit.
    await createTicketFromVisit(app, { ticketId: problemTicketId(id, 0), visitId: id, official: { code: 'rf-works-01', name: '王建国' }, enterprise: ZHONGYUAN, text: '施工图审查周期长' });
    expect(await app.db.models.Visit.countDocuments()).toBe(0);

    const logged = await logVisit(app, { code: 'rf-works-01' }, visit({ id, problems: ['施工图审查周期长', '希望简化竣工验收备案'] }));
    expect(logged.tickets.map((t) => t.number)).toEqual(['RF-2026-000001', 'RF-2026-000002']);
    expect(await app.db.models.Ticket.countDocuments()).toBe(2);
    expect(await app.db.models.Visit.findById(id).lean()).toMatchObject({ problems: [{ text: '施工图审查周期长', ticket: problemTicketId(id, 0) }, { ticket: problemTicketId(id, 1) }] });
  });
});
