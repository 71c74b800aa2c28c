import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthPeriod, type RateCounts, type RateRow } from '../../../src/domain/three-rates.ts';
import { ledgerCsv, ledgerXlsx, type LedgerRow } from '../../../src/services/reports/ledger.ts';
import { threeRatesReport } from '../../../src/services/reports/three-rates.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { syntheticTickets } from './synthetic.ts';

let app: TestApp;
const MARCH = monthPeriod('2026-03');

beforeAll(async () => {
  app = await createTestApp('reportscale');
  // 2,000 tickets over February–April; the report is asked in mid-May, so every deadline has passed.
  await app.db.models.Ticket.collection.insertMany(syntheticTickets(2000, new Date('2026-02-01T00:00:00+08:00'), 90) as never[]);
  app.clock.set(new Date('2026-05-15T00:00:00+08:00'));
}, 120_000);
afterAll(() => app.close());

function sum(rows: readonly RateRow[]): RateCounts {
  const total = { ...rows[0]?.counts } as RateCounts;
  for (const key of Object.keys(total) as (keyof RateCounts)[]) total[key] = rows.reduce((s, row) => s + row.counts[key], 0);
  return total;
}

describe('三率 on 2,000 tickets', () => {
  it('agrees with the database counts and adds up across every breakdown', async () => {
    const cpu = process.cpuUsage();
    const report = await threeRatesReport(app, { month: '2026-03' });
    const { user, system } = process.cpuUsage(cpu);
    const range = { $gte: MARCH.from, $lt: MARCH.to };
    const { Ticket } = app.db.models;
    expect(report.total.counts.submitted).toBe(await Ticket.countDocuments({ submittedAt: range }));
    expect(report.total.counts.respondDue).toBe(await Ticket.countDocuments({ 'deadlines.respondBy': range }));
    expect(report.total.counts.resolved).toBe(await Ticket.countDocuments({ 'deadlines.resolveBy': range, resolvedAt: { $exists: true } }));
    expect(report.total.counts.rated).toBe(await Ticket.countDocuments({ 'ratings.at': range }));
    expect(report.total.counts.respondPending + report.total.counts.resolvePending).toBe(0);

    expect(sum(report.byUnit)).toEqual(report.total.counts);
    // Every synthetic ticket has an assignee; misconduct reports are only left out of ownership and size.
    expect(sum(report.byOfficial)).toEqual(report.total.counts);
    const discipline = report.byUnit.find((row) => row.key === 'discipline')?.counts;
    expect(discipline?.submitted).toBeGreaterThan(0);
    const withoutDiscipline = Object.fromEntries(Object.entries(report.total.counts).map(([key, n]) => [key, n - (discipline?.[key as keyof RateCounts] ?? 0)]));
    expect(sum(report.byOwnership)).toEqual(withoutDiscipline);
    expect(sum(report.bySize)).toEqual(withoutDiscipline);
    // Our own CPU time (decoding and counting), not FerretDB's nor the wall clock, which other test runs
    // on the machine inflate: a guard against per-ticket work creeping in, not a benchmark.
    expect((user + system) / 1000).toBeLessThan(3_000);
  }, 120_000);
});

describe('台账 of 10,000 rows', () => {
  const rows: LedgerRow[] = Array.from({ length: 10_000 }, (_, i) => {
    const submittedAt = new Date(MARCH.from.getTime() + i * 60_000);
    return {
      number: `RF-2026-${String(i + 1).padStart(6, '0')}`,
      enterprise: '郑州中原建设工程有限公司',
      category: '人防工程审批',
      unit: '工程管理处',
      assignee: '王建国',
      submittedAt,
      respondBy: new Date(submittedAt.getTime() + 2 * 86_400_000),
      resolveBy: new Date(submittedAt.getTime() + 21 * 86_400_000),
      resolvedAt: i % 3 === 0 ? undefined : new Date(submittedAt.getTime() + 10 * 86_400_000),
      status: '已关闭',
      result: `审批已办结，批复文件已寄出（第${i}号，含"引号"与逗号,）。`,
      rating: '满意',
    };
  });

  it('is written as XLSX and as CSV within seconds', async () => {
    // CPU time of this process, not wall time: other test runs share the machine.
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const { user, system } = process.cpuUsage(since);
      return (user + system) / 1000;
    };
    let started = process.cpuUsage();
    const xlsx = await ledgerXlsx(rows);
    const xlsxMs = cpuMs(started);
    started = process.cpuUsage();
    const csv = ledgerCsv(rows);
    const csvMs = cpuMs(started);
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(csv.toString('utf8').split('\r\n')).toHaveLength(1 + rows.length + 1);
    expect(xlsxMs).toBeLessThan(5_000);
    expect(csvMs).toBeLessThan(1_000);
  }, 120_000);
});
