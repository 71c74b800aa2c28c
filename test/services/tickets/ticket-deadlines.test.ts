import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { advance, DAY, runJobs } from '../../support/jobs.ts';
import { addContact, historyOf, noticesOf, official, submit, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { accept, decideExtension, requestExtension, resolve } from '../../../src/services/tickets/officer-actions.ts';
import { rate } from '../../../src/services/tickets/rating-actions.ts';
import { findTicket } from '../../../src/services/tickets/act.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;
let yuan: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('deadlines');
  zy = await addContact(app, ZHONGYUAN, '910001');
  yuan = await addContact(app, YUAN_EQUIPMENT, '910002');
});
afterAll(() => app.close());

describe('reminders and escalation as time passes (POLICY §4: nothing overdue is silent)', () => {
  it('reminds at 75 %, escalates to the supervisor, then to the leadership', async () => {
    app.clock.set(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 Shanghai
    const t = await submit(app, ZHONGYUAN, zy.contactId, '910001');
    await runJobs(app);
    expect((await findTicket(app, t.number)).assignee).toBe('rf-works-01');

    // Respond deadline Wed 2026-03-04 18:00; 75 % of the 57 h span is Wed 03:45.
    await advance(app, 1.5 * DAY); // Tue 21:00
    expect(await noticesOf(app, t._id)).not.toContain('rf-works-01:notice.reminder');
    await advance(app, 0.3 * DAY); // Wed 04:12
    expect(await noticesOf(app, t._id)).toContain('rf-works-01:notice.reminder');

    await advance(app, 1.2 * DAY); // Thu 2026-03-05 09:00: respond deadline passed
    const level1 = await findTicket(app, t.number);
    expect(level1).toMatchObject({ overdue: true, escalationLevel: 1 });
    expect(await noticesOf(app, t._id)).toEqual(expect.arrayContaining(['rf-works-sup:notice.escalated', 'rf-works-01:notice.overdue-officer']));

    // Resolve deadline Mon 2026-03-23 18:00, second level two working days later (Wed 03-25).
    await advance(app, 18.5 * DAY); // Mon 2026-03-23 21:00
    expect((await findTicket(app, t.number)).escalationLevel).toBe(1);
    await advance(app, 3 * DAY); // Thu 2026-03-26
    const level2 = await findTicket(app, t.number);
    expect(level2.escalationLevel).toBe(2);
    expect(await noticesOf(app, t._id)).toContain('rf-leader-01:notice.escalated');
    const escalations = (await historyOf(app, t._id)).filter((a) => a === 'escalate');
    expect(escalations).toHaveLength(3); // respond L1, resolve L1, resolve L2 — each once

    // Running everything again changes nothing: each deadline job acts once.
    await advance(app, DAY);
    expect((await historyOf(app, t._id)).filter((a) => a === 'escalate')).toHaveLength(3);
  });

  it('lets nobody approve their own extension', async () => {
    app.clock.set(new Date('2026-04-13T01:00:00Z'));
    const t = await submit(app, ZHONGYUAN, zy.contactId, '910001');
    await runJobs(app);
    const supervisor = await official(app, 'rf-works-sup');
    await accept(app, t.number, await official(app, 'rf-works-01'));
    // The supervisor holding a ticket (here by reassignment after a bounce) asks like anyone else.
    await app.db.models.Ticket.updateOne({ _id: t._id }, { $set: { assignee: 'rf-works-sup' } });
    await requestExtension(app, t.number, supervisor, 2, '需要协调两个处室');
    await expect(decideExtension(app, t.number, supervisor, true)).rejects.toMatchObject({ code: 'ticket.forbidden' });
    expect((await findTicket(app, t.number)).extension?.status).toBe('pending');
  });

  it('never escalates a ticket resolved in time', async () => {
    app.clock.set(new Date('2026-04-01T01:00:00Z'));
    const t = await submit(app, YUAN_EQUIPMENT, yuan.contactId, '910002');
    await runJobs(app);
    const officer = await official(app, (await findTicket(app, t.number)).assignee ?? '');
    await accept(app, t.number, officer);
    await resolve(app, t.number, officer, '已现场答复并办结。');
    await advance(app, 40 * DAY);
    const after = await findTicket(app, t.number);
    expect(after).toMatchObject({ overdue: false, escalationLevel: 0 });
    expect(await historyOf(app, t._id)).not.toContain('escalate');
    // No rating within three working days: closed as unrated.
    expect(after).toMatchObject({ status: 'closed', outcome: 'unrated' });
  });

  it('moves the deadline on an approved extension, and the old deadline never fires', async () => {
    app.clock.set(new Date('2026-05-06T01:00:00Z')); // Wed, after Labour Day
    const t = await submit(app, ZHONGYUAN, zy.contactId, '910001');
    await runJobs(app);
    const officer = await official(app, 'rf-works-01');
    await accept(app, t.number, officer);
    const before = await findTicket(app, t.number);
    await requestExtension(app, t.number, officer, 5, '需要等待设计单位补充图纸');
    await runJobs(app);
    expect(await noticesOf(app, t._id)).toContain('rf-works-sup:notice.extension-requested');
    await expect(requestExtension(app, t.number, officer, 3, '再等等')).rejects.toMatchObject({ code: 'ticket.extension-pending' });
    await decideExtension(app, t.number, await official(app, 'rf-works-sup'), true);
    const after = await findTicket(app, t.number);
    expect(after.deadlines.resolveBy.getTime()).toBe(app.calendar.addWorkingDays(before.deadlines.resolveBy, 5).due.getTime());
    await runJobs(app);
    expect(await noticesOf(app, t._id)).toContain(`${zy.contactId}:notice.enterprise.extended`);

    // Just past the original deadline (and before the new one): no escalation.
    await advance(app, before.deadlines.resolveBy.getTime() - app.clock.now().getTime() + 3600_000);
    expect((await findTicket(app, t.number)).escalationLevel).toBe(0);
    await advance(app, 8 * DAY);
    expect((await findTicket(app, t.number)).escalationLevel).toBe(1);
  });
});

describe('好差评: a bad rating reopens to the supervisor (POLICY §5)', () => {
  it('reopens with a rectification deadline, asks again, and tells the leadership if still bad', async () => {
    app.clock.set(new Date('2026-06-01T01:00:00Z'));
    const t = await submit(app, ZHONGYUAN, zy.contactId, '910001');
    await runJobs(app);
    const officer = await official(app, 'rf-works-01');
    await accept(app, t.number, officer);
    await resolve(app, t.number, officer, '已答复。');
    await rate(app, t.number, zy.actor, 'dissatisfied', '答复敷衍，问题没有解决');
    const reopened = await findTicket(app, t.number);
    expect(reopened).toMatchObject({ status: 'reopened', assignee: 'rf-works-sup' });
    // 15 working days from Mon 2026-06-01, over the Dragon Boat holiday (Fri 06-19): Tue 2026-06-23.
    expect(reopened.deadlines.rectifyBy?.toISOString()).toBe('2026-06-23T10:00:00.000Z');
    await runJobs(app);
    expect(await noticesOf(app, t._id)).toContain('rf-works-sup:notice.rectify');
    // The rater is answered in the conversation; no second message repeats it.
    expect(await noticesOf(app, t._id)).not.toContain(`${zy.contactId}:notice.enterprise.reopened`);

    const supervisor = await official(app, 'rf-works-sup');
    await resolve(app, t.number, supervisor, '已整改：重新出具书面答复并当面解释。');
    await rate(app, t.number, zy.actor, 'very-dissatisfied');
    await runJobs(app);
    const closed = await findTicket(app, t.number);
    expect(closed.status).toBe('closed');
    expect(closed.ratings.map((r) => [r.level, r.round])).toEqual([
      ['dissatisfied', 'first'],
      ['very-dissatisfied', 'follow-up'],
    ]);
    expect(await noticesOf(app, t._id)).toContain('rf-leader-01:notice.follow-up-bad');
  });
});
