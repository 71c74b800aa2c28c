import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, historyOf, official, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { findTicket } from '../../../src/services/tickets/act.ts';
import { accept, resolve } from '../../../src/services/tickets/officer-actions.ts';
import { closeUnfounded, revealReporter } from '../../../src/services/tickets/discipline-actions.ts';
import { rate } from '../../../src/services/tickets/rating-actions.ts';
import { createTicket } from '../../../src/services/tickets/create-ticket.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('misconduct');
  zy = await addContact(app, ZHONGYUAN, '920001', '匿名者');
});
afterAll(() => app.close());

const report = (anonymous: boolean) => ({
  category: 'gifts-banquets',
  accusedUnit: 'works',
  anonymous,
  text: '工程管理处某工作人员在验收前暗示企业安排宴请，并收受购物卡。',
});

describe('reports of misconduct (POLICY §2, §7)', () => {
  it('go to discipline inspection only, never the accused unit, with the reporter sealed', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001', report(true));
    expect(t).toMatchObject({ unit: 'discipline', discipline: true, coUnits: [], anonymous: true });
    // Nothing in clear points at the reporter: not the enterprise, the contact, the chat, or its size.
    for (const field of ['enterprise', 'contact', 'replyTo', 'ownership', 'size'] as const) expect(t[field]).toBeUndefined();
    expect(t.sealedReporter).toMatch(/^v1\./);
    expect(JSON.stringify(t)).not.toContain(ZHONGYUAN);

    await runJobs(app);
    const assigned = await findTicket(app, t.number);
    expect(assigned.assignee).toBe('rf-discipline-01');
    const recipients = (await app.db.models.Notice.find({ ticket: t._id }).lean()).map((n) => n.recipient.ref);
    expect(recipients).toContain('rf-discipline-01');
    for (const worksOfficial of ['rf-works-01', 'rf-works-02', 'rf-works-sup']) expect(recipients).not.toContain(worksOfficial);
    const history = await app.db.models.HistoryEvent.find({ ticket: t._id }).lean();
    expect(JSON.stringify(history)).not.toContain(zy.contactId);

    // Not even the leadership or the accused unit's supervisor may act on it, or learn that it exists.
    await expect(accept(app, t.number, await official(app, 'rf-works-sup'))).rejects.toMatchObject({ code: 'ticket.not-found' });
    await expect(accept(app, t.number, await official(app, 'rf-leader-01'))).rejects.toMatchObject({ code: 'ticket.not-found' });
  });

  it('lets only a discipline inspector read a named reporter, and records every read', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001', report(false));
    await expect(revealReporter(app, t.number, await official(app, 'rf-leader-01'))).rejects.toMatchObject({ code: 'identity.forbidden' });
    await expect(revealReporter(app, t.number, await official(app, 'rf-works-sup'))).rejects.toMatchObject({ code: 'identity.forbidden' });
    const revealed = await revealReporter(app, t.number, await official(app, 'rf-discipline-01'));
    expect(revealed).toEqual({
      anonymous: false,
      enterprise: { creditCode: ZHONGYUAN, name: '郑州中原建设工程有限公司' },
      contact: { name: '匿名者', phone: '13800138000' },
    });
    const reads = await app.db.models.HistoryEvent.find({ ticket: t._id, action: 'identity-read' }).lean();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor: 'rf-discipline-01', role: 'inspector' });
  });

  it('keeps an anonymous reporter anonymous even to discipline inspection', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001', report(true));
    expect(await revealReporter(app, t.number, await official(app, 'rf-discipline-01'))).toEqual({ anonymous: true });
  });

  it('closes an untrue report as unfounded and records the clearing of the official (澄清正名)', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001', report(true));
    await runJobs(app);
    const inspector = await official(app, 'rf-discipline-01');
    await accept(app, t.number, inspector);
    await closeUnfounded(app, t.number, inspector, '经调取监控与询问当事人，未发现收受礼品宴请的情况。', { official: 'rf-works-02' });
    const closed = await findTicket(app, t.number);
    expect(closed).toMatchObject({ status: 'closed', outcome: 'unfounded' });
    const event = await app.db.models.HistoryEvent.findOne({ ticket: t._id, action: 'close-unfounded' }).lean();
    expect(event?.data).toEqual({ outcome: 'unfounded', cleared: { official: 'rf-works-02', unit: 'works' } });
    expect(event?.reason).toContain('未发现');
    await runJobs(app);
    // The reporter is told through the chat the report came from, opened from the seal.
    const toReporter = await app.db.models.Notice.findOne({ ticket: t._id, 'message.key': 'notice.enterprise.unfounded' }).lean();
    expect(toReporter).toMatchObject({ recipient: { kind: 'reporter', ref: t._id }, platform: 'telegram', chatId: '920001' });
  });

  it('lets the reporter rate a substantiated result, named only as "reporter" in the history', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001', report(false));
    await runJobs(app);
    const inspector = await official(app, 'rf-discipline-01');
    await accept(app, t.number, inspector);
    await resolve(app, t.number, inspector, '问题属实，已对相关人员立案审查并退还购物卡。', 'substantiated');
    await rate(app, t.number, zy.actor, 'very-satisfied');
    const closed = await findTicket(app, t.number);
    expect(closed).toMatchObject({ status: 'closed', outcome: 'rated' });
    const rated = await app.db.models.HistoryEvent.findOne({ ticket: t._id, action: 'rate' }).lean();
    expect(rated?.actor).toBe('reporter');
    expect(await historyOf(app, t._id)).toContain('resolve');
  });

  it('refuses a report when no data key is configured, and stores nothing', async () => {
    const before = await app.db.models.Ticket.countDocuments();
    const { dataKey: _unused, ...withoutKey } = app;
    await expect(createTicket({ ...withoutKey }, { enterprise: ZHONGYUAN, contact: zy.contactId, replyTo: { platform: 'telegram', chatId: '920001' }, ...report(true) })).rejects.toMatchObject({
      code: 'config.no-data-key',
    });
    expect(await app.db.models.Ticket.countDocuments()).toBe(before);
  });
});
