import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCounts, monthPeriod, previousWeeks, type RateCounts } from '../../../src/domain/three-rates.ts';
import { threeRatesReport, type NamedRateRow } from '../../../src/services/reports/three-rates.ts';
import { accept, resolve } from '../../../src/services/tickets/officer-actions.ts';
import { rate } from '../../../src/services/tickets/rating-actions.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { addContact, official, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { DAY, runJobs } from '../../support/jobs.ts';
import { at, seedTickets } from './seed.ts';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp('threerates');
  await seedTickets(app);
});
afterAll(() => app.close());

/**
 * Counts in the order submitted, respondDue, responded, respondedInTime, respondPending, resolveDue,
 * resolved, resolvedInTime, resolvePending, rated, satisfied.
 */
function c(...n: [number, number, number, number, number, number, number, number, number, number, number]): RateCounts {
  const keys = Object.keys(emptyCounts()) as (keyof RateCounts)[];
  return Object.fromEntries(keys.map((key, i) => [key, n[i]])) as unknown as RateCounts;
}

const byKey = (rows: NamedRateRow[]) => Object.fromEntries(rows.map((r) => [r.key, { name: r.name, counts: r.counts, rates: r.rates }]));

describe('三率 of March 2026 on the seeded set (POLICY §8)', () => {
  // March: T1–T10 and T12 submitted (T11 in February, T13 in January, T14/T15 in April).
  // Response due in March: T1 T2 T3 T4 T5 T7 T8 T9 T10 T12 — late: T2, T10; never: T4 → 7 of 10.
  // Resolution due in March: T1 T2 T3 T4 T7 T8 T9 T11 — late: T2, T8; never: T4 → 5 of 8
  //   (T3 is judged on its rectification against rectifyBy; T9 against its extended deadline).
  // First ratings in March: T1 T2 T3 T5 T7 T8 T11 — 不满意 T3, 非常不满意 T8 → 5 of 7.
  it('gives the department totals', async () => {
    const report = await threeRatesReport(app, { month: '2026-03' });
    expect(report.period).toEqual(monthPeriod('2026-03'));
    expect(report.period.from.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(report.total.counts).toEqual(c(11, 10, 9, 7, 0, 8, 7, 5, 0, 7, 5));
    expect(report.total.rates).toEqual({ respondedInTime: 0.7, resolvedInTime: 0.625, satisfied: 5 / 7 });
  });

  it('gives each unit, the discipline group included', async () => {
    const units = byKey((await threeRatesReport(app, { month: '2026-03' })).byUnit);
    expect(Object.keys(units)).toEqual(['discipline', 'office', 'works']);
    // works: T1–T6 submitted; respond T1✓ T2✗ T3✓ T4✗ T5✓; resolve T1✓ T2✗ T3✓ T4✗ T11✓; rated T1 T2 T3✗ T5 T11.
    expect(units.works).toEqual({ name: '工程管理处', counts: c(6, 5, 4, 3, 0, 5, 4, 3, 0, 5, 4), rates: { respondedInTime: 0.6, resolvedInTime: 0.6, satisfied: 0.8 } });
    // office: T7–T10; respond T7✓ T8✓ T9✓ T10✗; resolve T7✓ T8✗ T9✓; rated T7 T8✗.
    expect(units.office).toEqual({ name: '办公室', counts: c(4, 4, 4, 3, 0, 3, 3, 2, 0, 2, 1), rates: { respondedInTime: 0.75, resolvedInTime: 2 / 3, satisfied: 0.5 } });
    // discipline: T12 only; nothing due to resolve and nothing rated: no figure, not 0 %.
    expect(units.discipline).toEqual({ name: '驻办纪检监察组', counts: c(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), rates: { respondedInTime: 1, resolvedInTime: null, satisfied: null } });
  });

  it('gives each official under the current assignee, with names from the directory', async () => {
    const officials = byKey((await threeRatesReport(app, { month: '2026-03' })).byOfficial);
    expect(Object.keys(officials).sort()).toEqual(['rf-discipline-01', 'rf-office-01', 'rf-office-sup', 'rf-works-01', 'rf-works-02', 'rf-works-sup']);
    // 王建国: T1 T2 T6 T11. 李静: T4 T5. 赵敏: T3 (reopened to her). 陈晨: T7 T10. 周强: T8 T9. 吴刚: T12.
    expect(officials['rf-works-01']).toEqual({ name: '王建国', counts: c(3, 2, 2, 1, 0, 3, 3, 2, 0, 3, 3), rates: { respondedInTime: 0.5, resolvedInTime: 2 / 3, satisfied: 1 } });
    expect(officials['rf-works-02']).toEqual({ name: '李静', counts: c(2, 2, 1, 1, 0, 1, 0, 0, 0, 1, 1), rates: { respondedInTime: 0.5, resolvedInTime: 0, satisfied: 1 } });
    expect(officials['rf-works-sup']).toEqual({ name: '赵敏', counts: c(1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0), rates: { respondedInTime: 1, resolvedInTime: 1, satisfied: 0 } });
    expect(officials['rf-office-01']).toEqual({ name: '陈晨', counts: c(2, 2, 2, 1, 0, 1, 1, 1, 0, 1, 1), rates: { respondedInTime: 0.5, resolvedInTime: 1, satisfied: 1 } });
    expect(officials['rf-office-sup']).toEqual({ name: '周强', counts: c(2, 2, 2, 2, 0, 2, 2, 1, 0, 1, 0), rates: { respondedInTime: 1, resolvedInTime: 0.5, satisfied: 0 } });
    expect(officials['rf-discipline-01']).toEqual({ name: '吴刚', counts: c(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), rates: { respondedInTime: 1, resolvedInTime: null, satisfied: null } });
  });

  it('breaks down by ownership and size, leaving the sealed report out (P+2, §7)', async () => {
    const report = await threeRatesReport(app, { month: '2026-03' });
    const ownership = byKey(report.byOwnership);
    // No `unknown` row: the misconduct report, which carries no snapshot, is not counted here at all.
    expect(Object.keys(ownership)).toEqual(['individual', 'private', 'state']);
    // private: T1 T2 T5 T7 T10 (+T11 resolve/rating); state: T3 T4 T9; individual: T6 T8.
    expect(ownership.private).toEqual({ name: '民营', counts: c(5, 5, 5, 3, 0, 4, 4, 3, 0, 5, 5), rates: { respondedInTime: 0.6, resolvedInTime: 0.75, satisfied: 1 } });
    expect(ownership.state).toEqual({ name: '国有', counts: c(3, 3, 2, 2, 0, 3, 2, 2, 0, 1, 0), rates: { respondedInTime: 2 / 3, resolvedInTime: 2 / 3, satisfied: 0 } });
    expect(ownership.individual).toEqual({ name: '个体工商户', counts: c(2, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0), rates: { respondedInTime: 1, resolvedInTime: 0, satisfied: 0 } });
    const submittedByOwnership = report.byOwnership.reduce((sum, row) => sum + row.counts.submitted, 0);
    expect(submittedByOwnership).toBe(report.total.counts.submitted - 1);

    const size = byKey(report.bySize);
    expect(Object.keys(size)).toEqual(['large', 'medium', 'micro', 'small']);
    expect(size.medium).toEqual({ name: '中型', counts: c(3, 3, 3, 1, 0, 3, 3, 2, 0, 3, 3), rates: { respondedInTime: 1 / 3, resolvedInTime: 2 / 3, satisfied: 1 } });
    expect(size.large?.counts).toEqual(ownership.state?.counts);
    expect(size.micro?.counts).toEqual(ownership.individual?.counts);
    expect(size.small).toEqual({ name: '小型', counts: c(2, 2, 2, 2, 0, 1, 1, 1, 0, 2, 2), rates: { respondedInTime: 1, resolvedInTime: 1, satisfied: 1 } });
  });

  it('narrows to one unit', async () => {
    const report = await threeRatesReport(app, { month: '2026-03' }, { unit: 'office' });
    expect(report.byUnit.map((r) => r.key)).toEqual(['office']);
    expect(report.total.counts).toEqual(c(4, 4, 4, 3, 0, 3, 3, 2, 0, 2, 1));
  });
});

describe('三率 of a period still running', () => {
  // April at 04-10 10:00: submitted T14 T15. Respond due: T6✓ T15✗; T14 (due 18:00 today) pending.
  // Resolve due: T5✓ (early), T10 (passed, unresolved); pending T6 T12 T14 T15. Nothing rated: no figure.
  it('leaves deadlines not yet passed out of the rates and counts them as pending', async () => {
    const report = await threeRatesReport(app, { from: at('2026-04-01 00:00'), to: at('2026-05-01 00:00') });
    expect(report.asOf).toEqual(at('2026-04-10 10:00'));
    expect(report.total.counts).toEqual(c(2, 2, 2, 1, 1, 2, 1, 1, 4, 0, 0));
    expect(report.total.rates).toEqual({ respondedInTime: 0.5, resolvedInTime: 0.5, satisfied: null });
  });

  it('refuses a period that ends before it starts, and a malformed month', async () => {
    await expect(threeRatesReport(app, { from: at('2026-04-02 00:00'), to: at('2026-04-01 00:00') })).rejects.toThrow(RangeError);
    await expect(threeRatesReport(app, { month: '2026-3' })).rejects.toThrow(/YYYY-MM/);
  });

  it('gives an empty month all zero counts and no rates', async () => {
    const report = await threeRatesReport(app, { month: '2025-06' });
    expect(report.total.counts).toEqual(emptyCounts());
    expect(report.total.rates).toEqual({ respondedInTime: null, resolvedInTime: null, satisfied: null });
    expect(report.byUnit).toEqual([]);
  });
});

describe('三率 of a ticket moved through the services', () => {
  // The seeded set is inserted as documents; this checks that what the services store reads the same.
  it('counts a ticket submitted, accepted, resolved and rated by the real services', async () => {
    const live = await createTestApp('threerateslive');
    try {
      const zy = await addContact(live, ZHONGYUAN, '910001');
      const ticket = await submit(live, ZHONGYUAN, zy.contactId, '910001');
      await runJobs(live);
      live.clock.advance(3_600_000);
      await accept(live, ticket.number, await official(live, 'rf-works-01'));
      live.clock.advance(2 * DAY);
      await resolve(live, ticket.number, await official(live, 'rf-works-01'), '审批已办结。');
      live.clock.advance(3_600_000);
      await rate(live, ticket.number, zy.actor, 'very-satisfied');
      const report = await threeRatesReport(live, { month: '2026-03' });
      expect(report.total.counts).toEqual(c(1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1));
      expect(report.byOfficial.map((r) => [r.key, r.name])).toEqual([['rf-works-01', '王建国']]);
      expect(report.byOwnership.map((r) => r.key)).toEqual(['private']);
      expect(report.bySize.map((r) => r.key)).toEqual(['medium']);
    } finally {
      await live.close();
    }
  });
});

describe('weeks in Asia/Shanghai', () => {
  it('are the whole Monday–Sunday weeks before the current one', () => {
    const weeks = previousWeeks(at('2026-04-10 10:00'), 8);
    expect(weeks).toHaveLength(8);
    expect(weeks[0]?.from).toEqual(at('2026-02-09 00:00'));
    expect(weeks[7]).toEqual({ from: at('2026-03-30 00:00'), to: at('2026-04-06 00:00') });
    // Sunday 23:30 belongs to the week that started the Monday before.
    expect(previousWeeks(at('2026-04-12 23:30'), 1)[0]?.from).toEqual(at('2026-03-30 00:00'));
  });
});
