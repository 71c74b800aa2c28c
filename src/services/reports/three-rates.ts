/**
 * 三率 for supervisors (POLICY §8): one query fetches the few fields the rates need for every ticket with
 * something in the period, and the pure domain module counts them.
 *
 * Why not `$group`: FerretDB v1 has no `$expr`/`$cond`, so "responded at or before respondBy" (two fields
 * compared) cannot be summed in the database; grouping by the dates themselves makes one group per
 * ticket anyway, and after `$unwind` FerretDB v1 returned `$group` ids without the ticket's other fields
 * (unit, assignee, ...), so the satisfaction rate could not be broken down at all. Measured on 2,000 tickets (FerretDB v1, SQLite): this
 * one projected read took a median 0.68 s and 0.77 s of server CPU; four `$match`+`$group` pipelines took
 * 1.96 s and 2.9 s. FerretDB v1 decodes every stored document for any filter but `_id`, so the cost grows
 * with the collection, not with the period.
 */
import { computeThreeRates, monthPeriod, type Period, type RateRow, type RateTicket, type ThreeRatesReport } from '../../domain/three-rates.ts';
import { officialNamesByCode, ownershipName, sizeName, unitNameZh, type ReportContext } from './report-names.ts';

/** The fields of a ticket the rates read; everything else (texts, history head, outbox) stays on the server. */
const RATE_FIELDS = {
  _id: 0,
  unit: 1,
  assignee: 1,
  discipline: 1,
  ownership: 1,
  size: 1,
  submittedAt: 1,
  respondedAt: 1,
  resolvedAt: 1,
  'deadlines.respondBy': 1,
  'deadlines.resolveBy': 1,
  'deadlines.rectifyBy': 1,
  'ratings.level': 1,
  'ratings.at': 1,
  'ratings.round': 1,
} as const;

/** A period given as a month (`2026-03`, Asia/Shanghai) or as explicit bounds `[from, to)`. */
export type PeriodInput = { month: string } | Period;

/** The bounds of a period input. */
export function toPeriod(input: PeriodInput): Period {
  if ('month' in input) return monthPeriod(input.month);
  if (!(input.from < input.to)) throw new RangeError('a period must end after it starts');
  return { from: input.from, to: input.to };
}

/**
 * Every ticket that may count in `period`: submitted, due to respond, due to resolve, or rated in it.
 * `unit` narrows to one unit (a supervisor's own view).
 */
export async function fetchRateTickets(ctx: Pick<ReportContext, 'db'>, period: Period, unit?: string): Promise<RateTicket[]> {
  const range = { $gte: period.from, $lt: period.to };
  const filter = {
    ...(unit === undefined ? {} : { unit: { $eq: String(unit) } }),
    $or: [{ submittedAt: range }, { 'deadlines.respondBy': range }, { 'deadlines.resolveBy': range }, { 'ratings.at': range }],
  };
  return ctx.db.models.Ticket.find(filter, RATE_FIELDS).lean<RateTicket[]>();
}

/** A report row with the group's display name. */
export type NamedRateRow = RateRow & { name: string };

/** The 三率 report with names: units from the profile, officials from the directory, ownership and size in Chinese. */
export interface NamedThreeRatesReport extends Omit<ThreeRatesReport, 'byUnit' | 'byOfficial' | 'byOwnership' | 'bySize'> {
  byUnit: NamedRateRow[];
  byOfficial: NamedRateRow[];
  byOwnership: NamedRateRow[];
  bySize: NamedRateRow[];
}

/** Adds display names to a computed report (one directory query for the officials). */
export async function nameReport(ctx: Pick<ReportContext, 'db' | 'profile'>, report: ThreeRatesReport): Promise<NamedThreeRatesReport> {
  const officials = await officialNamesByCode(ctx, report.byOfficial.map((r) => r.key));
  const named = (rows: RateRow[], name: (key: string) => string): NamedRateRow[] => rows.map((row) => ({ ...row, name: name(row.key) }));
  return {
    ...report,
    byUnit: named(report.byUnit, (key) => unitNameZh(ctx.profile, key)),
    byOfficial: named(report.byOfficial, (key) => officials.get(key) ?? key),
    byOwnership: named(report.byOwnership, ownershipName),
    bySize: named(report.bySize, sizeName),
  };
}

/**
 * The 三率 of a month or span, evaluated now (the context's clock): per unit, per official, by ownership
 * and by size. Rates and their denominators are defined in `src/domain/three-rates.ts` (`Rates`,
 * `RateCounts`); a rate with nothing in its denominator is `null`.
 */
export async function threeRatesReport(ctx: ReportContext, period: PeriodInput, options: { unit?: string } = {}): Promise<NamedThreeRatesReport> {
  const bounds = toPeriod(period);
  const tickets = await fetchRateTickets(ctx, bounds, options.unit);
  return nameReport(ctx, computeThreeRates(tickets, bounds, ctx.clock.now()));
}
