import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countByUnit, overdueTickets } from '../../../src/services/reports/overdue.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { at, SEEDS, seedDoc, seedTickets, ticketNumber } from './seed.ts';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp('overdue');
  await seedTickets(app);
});
afterAll(() => app.close());

describe('逾期清单 at Friday 2026-04-10 10:00 (POLICY §4)', () => {
  // Open tickets: T4 T6 T8 T10 T12 T14 T15. Overdue: T4 (response due 03-12, never given), T10
  // (resolution due 04-03); flagged with a deadline ahead: T8 (reopened, rectify by 04-14), T15 (late
  // response). Not overdue: T6, T12, T14 (response due 18:00 today). T9 is closed, resolved ones wait
  // for the enterprise.
  it('lists every unit, the highest escalation level first, then the oldest deadline', async () => {
    const items = await overdueTickets(app);
    expect(items.map((i) => i.number)).toEqual([4, 10, 8, 15].map(ticketNumber));
    expect(items.map((i) => [i.escalationLevel, i.due.kind, i.due.at, i.workingDaysLate, i.flagged])).toEqual([
      // 03-13, five weeks of five days, 04-07..04-09 (04-04..06 is 清明): 1 + 15 + 3 = 19 working days.
      [2, 'respond', at('2026-03-12 18:00'), 19, true],
      [2, 'resolve', at('2026-04-03 18:00'), 3, true],
      [1, 'rectify', at('2026-04-14 18:00'), 0, true],
      [1, 'resolve', at('2026-04-22 18:00'), 0, true],
    ]);
    expect(items[0]).toMatchObject({
      category: 'project-approval',
      categoryName: '人防工程审批',
      unit: 'works',
      unitName: '工程管理处',
      assignee: 'rf-works-02',
      assigneeName: '李静',
      status: 'assigned',
      sealed: false,
      enterpriseName: '洛阳城建集团有限公司',
    });
  });

  it('narrows to one unit', async () => {
    expect((await overdueTickets(app, { unit: 'works' })).map((i) => i.number)).toEqual([4, 15].map(ticketNumber));
    expect((await overdueTickets(app, { unit: 'office', limit: 1 })).map((i) => i.number)).toEqual([ticketNumber(10)]);
  });

  it('keeps misconduct reports out of the department list, and shows them sealed to their own unit', async () => {
    const seed = SEEDS.find((s) => s.n === 12);
    if (!seed) throw new Error('seed T12 missing');
    // A second report, its response overdue since 03-20.
    await app.db.models.Ticket.collection.insertOne(
      seedDoc({ ...seed, n: 16, sub: '2026-03-16 09:00', respondBy: '2026-03-19 18:00', respondedAt: undefined, status: 'assigned', level: 1 }, 'seed-t16') as never,
    );
    expect((await overdueTickets(app)).map((i) => i.number)).not.toContain(ticketNumber(16));
    const own = await overdueTickets(app, { unit: 'discipline' });
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ number: ticketNumber(16), sealed: true, unitName: '驻办纪检监察组', assigneeName: '吴刚' });
    expect(own[0]?.enterpriseName).toBeUndefined();
    expect((await overdueTickets(app, { includeDiscipline: true })).map((i) => i.number)).toContain(ticketNumber(16));
    await app.db.models.Ticket.deleteOne({ _id: 'seed-t16' });
  });

  it('counts the overdue tickets of each unit by escalation level', async () => {
    const counts = countByUnit(await overdueTickets(app));
    expect(Object.fromEntries(counts)).toEqual({
      works: { total: 2, byLevel: [0, 1, 1] },
      office: { total: 2, byLevel: [0, 1, 1] },
    });
  });
});
