import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowDeps } from '../../flows/deps.ts';
import { createFlowRunner, MemorySessionStore, type FlowRunner, type HandleResult, type Reply, type TurnContext } from '../../flows/engine/index.ts';
import { acceptTicket, approveExtension, officerActionOf, tasksReplies } from '../../flows/officer-commands.ts';
import { officerFlows, parseDays, type OfficerFlowName } from '../../flows/officer.flows.ts';
import type { OfficialDoc } from '../../src/db/models/index.ts';
import { deadlineJobId, planDeadline } from '../../src/domain/sla-plan.ts';
import { t, type Lang, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { createTicket } from '../../src/services/tickets/create-ticket.ts';
import { requestExtension } from '../../src/services/tickets/officer-actions.ts';
import type { SubmissionInput } from '../../src/services/tickets/submission.schema.ts';
import { officialActor } from '../../src/services/tickets/ticket-directory.ts';
import { loadTicketByNumber, type TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { formatShanghai } from '../../src/shared/format.ts';
import { processAssign } from '../../src/workers/assign.worker.ts';
import { processDeadline } from '../../src/workers/deadline.worker.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { addContact, LUOYANG, submission, ZHONGYUAN } from '../support/fixtures.ts';
import { DAY } from '../support/jobs.ts';

const zh = (key: MessageKey, params?: Params) => t('zh-CN', key, params);

describe('reading officers’ input (no servers)', () => {
  it.each([
    ['5', 5],
    ['５', 5],
    ['5天', 5],
    ['五', 5],
    ['两天', 2],
    ['十', 10],
    ['十五个工作日', 15],
    ['二十', 20],
    ['延期3天', 3],
    ['15 days', 15],
  ])('%j is %i days', (text, days) => {
    expect(parseDays(text)).toBe(days);
  });

  it.each(['', '五五', '三到五天', '下周一', 'abc', '1.5'])('%j is no number of days', (text) => {
    expect(parseDays(text)).toBeUndefined();
  });

  it('maps the ticket buttons and typed commands, and nothing else', () => {
    expect(officerActionOf({ text: '', action: 't:accept:RF-2026-000001' })).toEqual({ kind: 'accept', number: 'RF-2026-000001' });
    expect(officerActionOf({ text: '', action: 't:ext-no:RF-2026-000002' })).toEqual({ kind: 'flow', flow: 'extension-refuse', number: 'RF-2026-000002' });
    expect(officerActionOf({ text: '进展 RF-2026-000003' })).toEqual({ kind: 'flow', flow: 'officer-progress', number: 'RF-2026-000003' });
    expect(officerActionOf({ text: '办结ｒｆ-2026-000004' })).toEqual({ kind: 'flow', flow: 'officer-resolve', number: 'RF-2026-000004' });
    expect(officerActionOf({ text: '', action: 't:accept:{"$ne":null}' })).toBeUndefined();
    expect(officerActionOf({ text: '', action: 'r:satisfied:RF-2026-000001' })).toBeUndefined();
    expect(officerActionOf({ text: '你好 RF-2026-000001' })).toBeUndefined();
  });
});

describe('officer flows and commands', () => {
  let app: TestApp;
  let runner: FlowRunner;
  let contacts = 0;

  beforeEach(async () => {
    app = await createTestApp('officer');
    runner = createFlowRunner({ store: new MemorySessionStore(), flows: officerFlows, clock: app.clock });
  });
  afterEach(() => app.close());

  async function reload(number: string): Promise<TicketRecord> {
    const ticket = await loadTicketByNumber(app, number);
    if (!ticket) throw new Error(`ticket ${number} is gone`);
    return ticket;
  }

  /** An enterprise submission, routed by the assign worker as in production. */
  async function submit(category: string, enterprise: string, extra: Partial<SubmissionInput> = {}): Promise<TicketRecord> {
    const telegramId = `9${String(++contacts).padStart(5, '0')}`;
    const { contactId } = await addContact(app, enterprise, telegramId);
    const ticket = await createTicket(app, submission(enterprise, contactId, telegramId, { category, ...extra }));
    await processAssign(app, { ticketId: ticket._id });
    return reload(ticket.number);
  }

  async function official(code: string, lang: Lang = 'zh-CN'): Promise<FlowDeps> {
    const doc = await app.db.models.Official.findOne({ code }).lean<OfficialDoc>();
    if (!doc) throw new Error(`no official ${code}`);
    return { lang, sender: { platform: 'telegram', senderId: `tg-${code}`, chatId: `tg-${code}` }, identity: { kind: 'official', official: doc }, app };
  }

  function contact(): FlowDeps {
    const enterprise = { creditCode: ZHONGYUAN, name: '郑州中原建设工程有限公司', ownership: 'private', size: 'medium', region: '郑州市' } as const;
    return { lang: 'zh-CN', sender: { platform: 'telegram', senderId: 'tg-contact', chatId: 'tg-contact' }, identity: { kind: 'contact', contactId: 'c1', name: '张经理', status: 'active', enterprise }, app };
  }

  /** One person's chat with the runner. */
  function chat(deps: FlowDeps) {
    const key = { platform: deps.sender.platform, senderId: deps.sender.senderId };
    const context: TurnContext = { lang: deps.lang, depsFor: () => deps };
    return {
      begin: (flow: OfficerFlowName, number: string) => runner.begin(key, flow, context, { number }),
      say: (text: string) => runner.handle(key, { text, attachments: [] }, context),
      tap: (action: string) => runner.handle(key, { text: '', action, attachments: [] }, context),
      active: () => runner.active(key),
    };
  }

  function texts(result: HandleResult | Reply[]): string {
    const replies = Array.isArray(result) ? result : result.replies;
    return replies.map((r) => r.text).join('\n');
  }

  async function accepted(category: string, enterprise: string): Promise<TicketRecord> {
    const ticket = await submit(category, enterprise);
    await acceptTicket(await official(ticket.assignee ?? ''), ticket.number);
    return reload(ticket.number);
  }

  async function noticesFor(key: MessageKey): Promise<NoticeJob[]> {
    const jobs = await app.queues.notify.getJobs(['waiting', 'delayed', 'prioritized']);
    return jobs.map((job) => job.data).filter((data) => data.message.key === key);
  }

  it('the assignee accepts; an officer of another unit and a contact are refused and nothing changes', async () => {
    const ticket = await submit('project-approval', ZHONGYUAN);
    expect(ticket).toMatchObject({ status: 'assigned', unit: 'works', assignee: 'rf-works-01' });

    const office = await official('rf-office-01');
    // Another unit's ticket reads as no ticket at all: the refusal does not tell that the number is in use.
    expect(await acceptTicket(office, ticket.number)).toEqual([{ text: zh('error.ticket.not-found', { number: ticket.number }) }]);
    expect(texts(await chat(office).begin('officer-progress', ticket.number))).toBe(zh('error.ticket.not-found', { number: ticket.number }));
    expect(await chat(office).active()).toBeUndefined();
    expect(await acceptTicket(contact(), ticket.number)).toEqual([{ text: zh('officer.only-officials') }]);
    expect(texts(await chat(contact()).begin('officer-transfer', ticket.number))).toBe(zh('officer.only-officials'));
    expect(await acceptTicket(await official('rf-works-01'), '{"$ne":null}')).toEqual([{ text: zh('officer.bad-number') }]);
    expect((await reload(ticket.number)).rev).toBe(ticket.rev);

    const replies = await acceptTicket(await official('rf-works-01'), ticket.number);
    expect(replies[0]?.text).toBe(zh('officer.accept.done', { number: ticket.number, resolveBy: formatShanghai(ticket.deadlines.resolveBy) }));
    expect(replies[0]?.buttons?.flat().map((b) => b.action)).toEqual(['progress', 'transfer', 'extend', 'resolve'].map((verb) => `t:${verb}:${ticket.number}`));
    const after = await reload(ticket.number);
    expect(after).toMatchObject({ status: 'accepted', rev: ticket.rev + 1, respondedAt: app.clock.now() });
    expect(texts(await acceptTicket(await official('rf-works-01'), ticket.number))).toBe(zh('error.ticket.illegal-transition', { status: zh('ticket.status.accepted') }));
  });

  it('a progress note is re-asked when unusable, then stored in the history and queued for the enterprise', async () => {
    const fresh = await submit('project-approval', ZHONGYUAN);
    const officer = chat(await official('rf-works-01'));
    expect(texts(await officer.begin('officer-progress', fresh.number))).toBe(zh('officer.accept-first', { number: fresh.number }));

    const ticket = await accepted('project-approval', ZHONGYUAN);
    expect(texts(await officer.begin('officer-progress', ticket.number))).toBe(zh('officer.progress.ask', { number: ticket.number }));
    expect(await officer.say('👍')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('officer.words')) }] });
    expect(await officer.say('长'.repeat(2001))).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('error.text.too-long', { max: 2000 })) }] });
    const note = '已联系设计单位，\n补充材料预计周三送达。';
    expect(await officer.say(note)).toEqual({ handled: true, outcome: 'done', replies: [{ text: zh('officer.progress.done') }] });

    const event = await app.db.models.HistoryEvent.findOne({ ticket: ticket._id, action: 'progress' }).lean();
    expect(event).toMatchObject({ actor: 'rf-works-01', role: 'assignee', data: { note } });
    const notices = await noticesFor('notice.enterprise.progress');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ recipient: { kind: 'contact', ref: ticket.contact }, message: { params: { number: ticket.number, note } } });
  });

  it('transfers: a unit without officers is re-asked, the second lands with the supervisor, a third is refused', async () => {
    const ticket = await submit('project-approval', ZHONGYUAN);
    // Equipment's only official is away: the unit has nobody to take a transfer.
    await app.db.models.Official.updateOne({ code: 'rf-equipment-01' }, { $set: { active: false } });
    const works = chat(await official('rf-works-01'));
    const start = await works.begin('officer-transfer', ticket.number);
    expect(start[0]?.buttons?.flat().map((b) => b.action)).toEqual(['office', 'quality', 'equipment', 'finance', 'policy'].map((u) => `of:unit:${u}`));
    expect(await works.say('财务')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('officer.transfer.bad-unit')) }] });
    expect(await works.tap('of:unit:equipment')).toMatchObject({ outcome: 'advanced', replies: [{ text: zh('officer.transfer.ask-reason') }] });
    expect(await works.say('。')).toMatchObject({ outcome: 'retried' });
    expect(texts(await works.say('属于防护设备问题'))).toContain('防护设备管理处');
    const noOfficer = await works.say('确认');
    expect(noOfficer).toMatchObject({ outcome: 'advanced', replies: [{ text: expect.stringContaining(zh('error.unit.no-officer', { unit: '防护设备管理处' })) }] });
    expect(await works.active()).toMatchObject({ step: 'unit' });
    expect((await reload(ticket.number)).rev).toBe(ticket.rev);

    await works.say('1');
    await works.say('涉及收费标准，应由办公室牵头协调');
    expect(await works.tap('of:yes')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.transfer.done', { unit: '办公室', officer: '陈晨' }) }] });
    expect(await reload(ticket.number)).toMatchObject({ unit: 'office', assignee: 'rf-office-01', transfers: 1, status: 'assigned' });

    const office = chat(await official('rf-office-01'));
    await office.begin('officer-transfer', ticket.number);
    await office.say('人防工程质量监督站');
    const confirm = await office.say('属于工程质量问题');
    expect(texts(confirm)).toContain(zh('officer.transfer.warn-bounce', { transfers: 2, unit: '人防工程质量监督站' }));
    const bounced = await office.say('确认');
    expect(texts(bounced)).toBe(zh('officer.transfer.done-bounced', { unit: '人防工程质量监督站', officer: '孙丽', transfers: 2 }));
    const moved = await reload(ticket.number);
    expect(moved).toMatchObject({ unit: 'quality', assignee: 'rf-quality-01', transfers: 2 });
    const event = await app.db.models.HistoryEvent.findOne({ ticket: ticket._id, seq: moved.historySeq }).lean();
    expect(event).toMatchObject({ action: 'transfer', reason: '属于工程质量问题', data: { bounced: true } });

    const quality = chat(await official('rf-quality-01'));
    expect(texts(await quality.begin('officer-transfer', ticket.number))).toBe(zh('officer.transfer.limit', { max: 2, number: ticket.number, transfers: 2 }));
    expect(await quality.active()).toBeUndefined();
    expect((await reload(ticket.number)).rev).toBe(moved.rev);
  });

  it('an extension request is approved by the supervisor and moves the resolution deadline by working days', async () => {
    const ticket = await accepted('project-approval', ZHONGYUAN);
    const officer = chat(await official('rf-works-01'));
    expect(texts(await officer.begin('officer-extend', ticket.number))).toBe(zh('officer.extend.ask-days', { number: ticket.number, max: 15 }));
    expect(await officer.say('四十')).toMatchObject({ outcome: 'retried', replies: [{ text: expect.stringContaining(zh('officer.extend.bad-days', { max: 15 })) }] });
    expect(await officer.say('下周')).toMatchObject({ outcome: 'retried' });
    expect(await officer.say('五天')).toMatchObject({ outcome: 'advanced', replies: [{ text: zh('officer.extend.ask-reason') }] });
    expect(await officer.say('需等待设计单位补充图纸')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.extend.done', { days: 5 }) }] });
    expect((await reload(ticket.number)).extension).toMatchObject({ days: 5, status: 'pending', requestedBy: 'rf-works-01' });
    expect(await noticesFor('notice.extension-requested')).toMatchObject([{ recipient: { kind: 'official', ref: 'rf-works-sup' } }]);

    expect(texts(await officer.begin('officer-extend', ticket.number))).toBe(zh('error.ticket.extension-pending'));
    expect(texts(await approveExtension(await official('rf-works-02'), ticket.number))).toBe(zh('error.ticket.not-found', { number: ticket.number }));

    const supervisor = await official('rf-works-sup');
    const expected = app.calendar.addWorkingDays(ticket.deadlines.resolveBy, 5).due;
    expect(await approveExtension(supervisor, ticket.number)).toEqual([{ text: zh('officer.approve.done', { number: ticket.number, resolveBy: formatShanghai(expected) }) }]);
    const after = await reload(ticket.number);
    expect(after.deadlines.resolveBy).toEqual(expected);
    expect(after.extension?.status).toBe('approved');
    expect(texts(await approveExtension(supervisor, ticket.number))).toBe(zh('error.ticket.no-extension-pending'));
  });

  it('the supervisor refuses an extension with a reason, which the requester is sent', async () => {
    const ticket = await accepted('project-approval', ZHONGYUAN);
    await requestExtension(app, ticket.number, await officialActor(app, 'rf-works-01'), 3, '需补充勘察资料');
    expect(texts(await chat(await official('rf-works-01')).begin('extension-refuse', ticket.number))).toBe(zh('error.ticket.forbidden'));

    const supervisor = chat(await official('rf-works-sup'));
    expect(texts(await supervisor.begin('extension-refuse', ticket.number))).toBe(zh('officer.refuse.ask-reason', { number: ticket.number, days: 3, reason: '需补充勘察资料' }));
    expect(await supervisor.say('…')).toMatchObject({ outcome: 'retried' });
    expect(await supervisor.say('资料已齐全，请按期办结')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.refuse.done') }] });

    const after = await reload(ticket.number);
    expect(after.extension?.status).toBe('refused');
    expect(after.deadlines.resolveBy).toEqual(ticket.deadlines.resolveBy);
    expect(await app.db.models.HistoryEvent.findOne({ ticket: ticket._id, action: 'refuse-extension' }).lean()).toMatchObject({ actor: 'rf-works-sup', reason: '资料已齐全，请按期办结' });
    expect(await noticesFor('notice.extension-refused')).toMatchObject([{ recipient: { ref: 'rf-works-01' }, message: { params: { reason: '资料已齐全，请按期办结' } } }]);
  });

  it('resolve: an empty result is re-asked, the result is shown back, and the confirmed text resolves the ticket', async () => {
    const ticket = await accepted('project-approval', ZHONGYUAN);
    const officer = chat(await official('rf-works-01'));
    const ask = zh('officer.resolve.ask-result', { number: ticket.number });
    expect(texts(await officer.begin('officer-resolve', ticket.number))).toBe(ask);
    expect(await officer.say('   ')).toMatchObject({ outcome: 'hint', replies: [{ text: expect.stringContaining(ask) }] });
    expect(await officer.say('。。')).toMatchObject({ outcome: 'retried', replies: [{ text: `${zh('officer.resolve.empty')}\n${ask}` }] });
    expect(texts(await officer.say('初稿'))).toBe(zh('officer.resolve.confirm', { number: ticket.number, result: '初稿' }));
    expect(await officer.say('修改')).toMatchObject({ outcome: 'advanced', replies: [{ text: ask }] });
    const result = '审批已完成，批复文件已于今日送达企业。';
    expect(texts(await officer.say(result))).toBe(zh('officer.resolve.confirm', { number: ticket.number, result }));
    expect(await officer.say('是')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.resolve.done', { number: ticket.number }) }] });

    expect(await reload(ticket.number)).toMatchObject({ status: 'resolved', outcome: 'resolved', result });
    expect(await noticesFor('notice.enterprise.resolved')).toHaveLength(1);
  });

  it('/tasks lists by the nearest deadline with ⚠ on the overdue; the supervisor sees the unit', async () => {
    const later = await accepted('joint-approval', LUOYANG);
    app.clock.advance(DAY);
    const sooner = await submit('project-approval', LUOYANG);
    expect([later.assignee, sooner.assignee]).toEqual(['rf-works-02', 'rf-works-02']);
    const officer = await official('rf-works-02');

    const first = await tasksReplies(officer);
    const lines = first[0]?.text.split('\n') ?? [];
    expect(lines[0]).toBe(zh('officer.tasks.title', { count: 2 }));
    expect(lines[1]).toMatch(new RegExp(`^1\\. ${sooner.number}｜人防工程审批｜洛阳城建集团有限公司｜已分派｜响应时限 `));
    expect(lines[2]).toMatch(new RegExp(`^2\\. ${later.number}｜联审联批｜.*｜办理中｜办结时限 `));
    expect(first[0]?.text).not.toContain('⚠');
    expect(first[1]?.buttons?.[0]?.map((b) => b.action)).toEqual([`t:accept:${sooner.number}`, `t:transfer:${sooner.number}`, `t:extend:${sooner.number}`]);
    expect(first[2]?.buttons?.flat().map((b) => b.action)).toContain(`t:resolve:${later.number}`);

    const due = sooner.deadlines.respondBy;
    const escalation = planDeadline(app.calendar, 'respond', sooner.submittedAt, due).find((job) => job.step === 'escalate');
    if (!escalation) throw new Error('no respond escalation planned');
    const jobId = deadlineJobId(sooner._id, escalation);
    const job = await app.queues.sla.getJob(jobId);
    if (!job) throw new Error(`no queued job ${jobId}`);
    app.clock.set(new Date(due.getTime() + 60_000));
    expect(await processDeadline(app, job.data, jobId)).toBe('escalated');
    expect((await reload(sooner.number)).overdue).toBe(true);

    const second = await tasksReplies(officer);
    const [, soonerLine, laterLine] = second[0]?.text.split('\n') ?? [];
    expect(soonerLine).toMatch(/⚠ 已超期$/);
    expect(laterLine).not.toContain('⚠');
    expect(texts(await tasksReplies(await official('rf-works-02', 'en')))).toContain('⚠ overdue');

    await requestExtension(app, later.number, await officialActor(app, 'rf-works-02'), 4, '需协调消防部门');
    const supervisor = await tasksReplies(await official('rf-works-sup'));
    expect(texts(supervisor)).toContain(zh('officer.tasks.unit-overdue', { count: 1 }));
    expect(texts(supervisor)).toContain(`1. ${sooner.number}｜李静｜响应时限 ${formatShanghai(due)} ⚠`);
    const request = supervisor.find((reply) => reply.text.startsWith(`${later.number}：`));
    expect(request?.text).toBe(zh('officer.tasks.extension', { number: later.number, officer: '李静', days: 4, reason: '需协调消防部门' }));
    expect(request?.buttons?.flat().map((b) => b.action)).toEqual([`t:ext-yes:${later.number}`, `t:ext-no:${later.number}`]);
  });

  it('an inspector closes a misconduct report as unfounded, with the clearing on record', async () => {
    const report = await submit('gifts-banquets', ZHONGYUAN, { accusedUnit: 'works', text: '工程管理处某工作人员在验收前接受企业宴请，请核查。' });
    expect(report).toMatchObject({ unit: 'discipline', assignee: 'rf-discipline-01', discipline: true });

    expect(texts(await chat(await official('rf-works-sup')).begin('officer-resolve', report.number))).toBe(zh('error.ticket.not-found', { number: report.number }));
    expect(texts(await tasksReplies(await official('rf-works-sup')))).not.toContain(report.number);
    const inspectorDeps = await official('rf-discipline-01');
    expect(texts(await tasksReplies(inspectorDeps))).toContain(`｜${zh('officer.tasks.sealed')}｜`);

    const inspector = chat(inspectorDeps);
    expect(texts(await inspector.begin('officer-transfer', report.number))).toBe(zh('officer.transfer.discipline'));
    const start = await inspector.begin('officer-resolve', report.number);
    expect(start[0]?.buttons?.flat().map((b) => b.action)).toEqual(['of:out:substantiated', 'of:out:unfounded']);
    expect(await inspector.say('也许')).toMatchObject({ outcome: 'retried' });
    expect(texts(await inspector.say('不属实'))).toBe(zh('officer.resolve.ask-conclusion', { number: report.number }));
    const conclusion = '经调取监控与账目核查，当日系正常工作餐，费用已按标准缴纳，举报不实，予以澄清。';
    expect(texts(await inspector.say(conclusion))).toBe(zh('officer.resolve.confirm-unfounded', { number: report.number, result: conclusion }));
    expect(await inspector.tap('of:yes')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.resolve.done-unfounded', { number: report.number }) }] });

    expect(await reload(report.number)).toMatchObject({ status: 'closed', outcome: 'unfounded', result: conclusion });
    const event = await app.db.models.HistoryEvent.findOne({ ticket: report._id, action: 'close-unfounded' }).lean();
    expect(event).toMatchObject({ actor: 'rf-discipline-01', role: 'inspector', reason: conclusion, data: { outcome: 'unfounded', cleared: { unit: 'works' } } });
    expect(await noticesFor('notice.enterprise.unfounded')).toMatchObject([{ recipient: { kind: 'reporter', ref: report._id } }]);
  });

  it('a substantiated finding needs the report accepted first', async () => {
    const report = await submit('market-interference', ZHONGYUAN, { accusedUnit: 'works', text: '有工作人员要求我们指定某公司承接防护设备安装。' });
    const inspector = chat(await official('rf-discipline-01'));
    await inspector.begin('officer-resolve', report.number);
    expect(texts(await inspector.tap('of:out:substantiated'))).toBe(zh('officer.accept-first', { number: report.number }));
    expect(await inspector.active()).toBeUndefined();

    await acceptTicket(await official('rf-discipline-01'), report.number);
    await inspector.begin('officer-resolve', report.number);
    await inspector.say('属实');
    await inspector.say('经核查情况属实，已移送处理。');
    expect(await inspector.say('确认')).toMatchObject({ outcome: 'done', replies: [{ text: zh('officer.resolve.done-substantiated', { number: report.number }) }] });
    expect(await reload(report.number)).toMatchObject({ status: 'resolved', outcome: 'substantiated' });
  });
});
