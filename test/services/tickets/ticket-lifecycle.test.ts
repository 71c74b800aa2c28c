import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, historyOf, LUOYANG, noticesOf, official, submit, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { accept, addProgress, resolve, transfer } from '../../../src/services/tickets/officer-actions.ts';
import { rate } from '../../../src/services/tickets/rating-actions.ts';
import { findTicket } from '../../../src/services/tickets/act.ts';
import { verifyTicketHistory } from '../../../src/services/tickets/verify-history.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;
let yuan: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('lifecycle');
  zy = await addContact(app, ZHONGYUAN, '900001');
  yuan = await addContact(app, YUAN_EQUIPMENT, '900002');
});
afterAll(() => app.close());

describe('a ticket from submission to rating (POLICY §1, §3, §5)', () => {
  it('is numbered, routed to the chief service officer, answered back and closed by a good rating', async () => {
    const created = await submit(app, ZHONGYUAN, zy.contactId, '900001');
    expect(created.number).toMatch(/^RF-2026-\d{6}$/);
    expect(created).toMatchObject({ status: 'submitted', unit: 'works', enterprise: ZHONGYUAN, ownership: 'private', size: 'medium' });
    // Monday 2026-03-02: respond in 2 working days, resolve in 15 (profile), both at 18:00 Shanghai.
    expect(created.deadlines.respondBy.toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(created.deadlines.resolveBy.toISOString()).toBe('2026-03-23T10:00:00.000Z');
    expect(await app.queues.tickets.getJob(`assign.${created._id}.0`)).toBeDefined();

    await runJobs(app);
    const assigned = await findTicket(app, created.number);
    // The enterprise's own chief service officer (首席服务员) gets it first (R(11), P+8).
    expect(assigned).toMatchObject({ status: 'assigned', assignee: 'rf-works-01' });

    await accept(app, created.number, await official(app, 'rf-works-01'));
    await addProgress(app, created.number, await official(app, 'rf-works-01'), '已联系审批窗口，材料齐全，正在走会签流程。');
    await resolve(app, created.number, await official(app, 'rf-works-01'), '审批已办结，批复文件已寄出。');
    await runJobs(app);
    const resolved = await findTicket(app, created.number);
    expect(resolved).toMatchObject({ status: 'resolved', result: '审批已办结，批复文件已寄出。' });
    expect(resolved.deadlines.rateBy).toBeInstanceOf(Date);

    await rate(app, created.number, zy.actor, 'satisfied', '效率很高');
    await runJobs(app);
    const closed = await findTicket(app, created.number);
    expect(closed).toMatchObject({ status: 'closed', outcome: 'rated' });
    expect(closed.ratings).toMatchObject([{ level: 'satisfied', comment: '效率很高', round: 'first' }]);

    // The enterprise was told of every change that concerns it, through its own chat (R(2), R(8)).
    expect(await noticesOf(app, created._id)).toEqual(
      expect.arrayContaining([
        'rf-works-01:notice.assigned',
        `${zy.contactId}:notice.enterprise.assigned`,
        `${zy.contactId}:notice.enterprise.accepted`,
        `${zy.contactId}:notice.enterprise.progress`,
        `${zy.contactId}:notice.enterprise.resolved`,
      ]),
    );
    const history = await historyOf(app, created._id);
    expect(history.filter((a) => a !== 'notice-held')).toEqual(['submit', 'assign', 'accept', 'progress', 'resolve', 'rate']);
    // No chat channel runs in this test: every notice is kept, and the history says so rather than staying silent.
    expect(history.filter((a) => a === 'notice-held')).toHaveLength(5);
    expect(await verifyTicketHistory(app, created.number)).toMatchObject({ ok: true, events: 11 });
  });

  it('goes to the least-loaded officer when the enterprise has no chief officer, ties to the longest idle', async () => {
    const luoyang = await addContact(app, LUOYANG, '900003');
    const a = await submit(app, LUOYANG, luoyang.contactId, '900003');
    const b = await submit(app, LUOYANG, luoyang.contactId, '900003');
    await runJobs(app);
    expect((await findTicket(app, a.number)).assignee).toBe('rf-works-02');
    expect((await findTicket(app, b.number)).assignee).toBe('rf-works-02');
    const c = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002');
    await runJobs(app);
    // Open tickets in works: rf-works-01 0 (its one is closed), rf-works-02 2, rf-works-sup 0 and never
    // assigned, so the longest idle of the two least loaded.
    expect((await findTicket(app, c.number)).assignee).toBe('rf-works-sup');
    const d = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002');
    await runJobs(app);
    expect((await findTicket(app, d.number)).assignee).toBe('rf-works-01');
  });

  it('refuses a submission from a contact who does not speak for the enterprise', async () => {
    const before = await app.db.models.Ticket.countDocuments();
    await expect(submit(app, LUOYANG, zy.contactId, '900001')).rejects.toMatchObject({ code: 'ticket.forbidden' });
    expect(await app.db.models.Ticket.countDocuments()).toBe(before);
  });

  it('refuses an official of another unit and changes nothing', async () => {
    const t = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002');
    await runJobs(app);
    const before = await findTicket(app, t.number);
    // Refused as if there were no such ticket: the refusal does not tell that the number is in use.
    await expect(accept(app, t.number, await official(app, 'rf-office-01'))).rejects.toMatchObject({ code: 'ticket.not-found' });
    await expect(rate(app, t.number, zy.actor, 'satisfied')).rejects.toMatchObject({ code: 'ticket.not-found' });
    const after = await findTicket(app, t.number);
    expect(after.rev).toBe(before.rev);
    expect(after.status).toBe('assigned');
  });

  it('requires a result to resolve and a reason to transfer', async () => {
    const t = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002');
    await runJobs(app);
    const officer = await official(app, (await findTicket(app, t.number)).assignee ?? '');
    await accept(app, t.number, officer);
    await expect(resolve(app, t.number, officer, '   ')).rejects.toMatchObject({ code: 'result.required' });
    await expect(transfer(app, t.number, officer, 'quality', '')).rejects.toMatchObject({ code: 'text.empty' });
    await expect(transfer(app, t.number, officer, 'nowhere', '不属于本处')).rejects.toMatchObject({ code: 'transfer.unit' });
    expect((await findTicket(app, t.number)).status).toBe('accepted');
  });
});

describe('concurrent writers (FerretDB v1 has no isolation of its own)', () => {
  it('numbers simultaneous submissions distinctly and lets only one of two simultaneous accepts through', async () => {
    const created = await Promise.all(Array.from({ length: 8 }, () => submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002')));
    expect(new Set(created.map((t) => t.number)).size).toBe(8);
    await runJobs(app);
    const t = await findTicket(app, created[0]?.number ?? '');
    const officer = await official(app, t.assignee ?? '');
    const outcomes = await Promise.allSettled([accept(app, t.number, officer), accept(app, t.number, officer), addProgress(app, t.number, officer, '同时到达的进展')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const history = (await historyOf(app, t._id)).filter((a) => a === 'accept');
    expect(history).toHaveLength(1);
    expect(await verifyTicketHistory(app, t.number)).toMatchObject({ ok: true });
  });
});

describe('推诿扯皮: transfers are limited (POLICY §4, P-4)', () => {
  it('sends the second transfer to the target unit supervisor and refuses a third', async () => {
    const t = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '900002');
    await runJobs(app);
    const first = await official(app, (await findTicket(app, t.number)).assignee ?? '');
    await transfer(app, t.number, first, 'office', '属于综合协调事项');
    const atOffice = await findTicket(app, t.number);
    expect(atOffice).toMatchObject({ unit: 'office', assignee: 'rf-office-01', transfers: 1, status: 'assigned' });

    await transfer(app, t.number, await official(app, 'rf-office-01'), 'quality', '涉及工程质量');
    const atQuality = await findTicket(app, t.number);
    // Bounced twice: the quality unit's supervisor coordinates it personally.
    expect(atQuality).toMatchObject({ unit: 'quality', assignee: 'rf-quality-01', transfers: 2 });
    await runJobs(app);
    expect(await noticesOf(app, t._id)).toContain('rf-quality-01:notice.bounced-to-supervisor');

    await expect(transfer(app, t.number, await official(app, 'rf-quality-01'), 'works', '再转回去')).rejects.toMatchObject({
      code: 'ticket.transfer-limit',
    });
    expect((await findTicket(app, t.number)).unit).toBe('quality');
  });
});
