/**
 * 三率 (POLICY §8): responded in time, resolved in time, satisfied — per unit, per official, and by
 * enterprise ownership and size so unequal treatment shows (P+2). Pure: tickets, the period and the
 * moment of evaluation are passed in.
 *
 * Tickets are counted by what falls due in the period, not by when they were submitted: a March report
 * judges the deadlines that ended in March, whenever those tickets came in.
 */
import { isSatisfied, type RatingLevel } from './rating.ts';
import { addLocalDays, parseLocalDate, type LocalDate } from './holiday-calendar.ts';
import { shanghaiEndOfDay, toShanghaiDate } from './working-days.ts';

/** A half-open span of time `[from, to)`. */
export interface Period {
  from: Date;
  to: Date;
}

/** The facts of a ticket the rates look at (a subset of the stored ticket). */
export interface RateTicket {
  unit: string;
  assignee?: string | undefined;
  /** A misconduct report: counted for its (discipline) unit and official, never by ownership or size. */
  discipline: boolean;
  ownership?: string | undefined;
  size?: string | undefined;
  submittedAt: Date;
  respondedAt?: Date | undefined;
  resolvedAt?: Date | undefined;
  deadlines: { respondBy: Date; resolveBy: Date; rectifyBy?: Date | undefined };
  ratings: readonly { level: RatingLevel; at: Date; round: 'first' | 'follow-up' }[];
}

/**
 * Counts for one group of tickets in one period. "Due" means the deadline lies in the period; a due
 * ticket is "decided" once it was answered or its deadline passed before the moment of evaluation.
 */
export interface RateCounts {
  /** Submitted in the period. */
  submitted: number;
  /** Response deadline in the period and decided: responded, or the deadline passed unanswered. */
  respondDue: number;
  /** Of `respondDue`, responded (in time or late). */
  responded: number;
  /** Of `respondDue`, responded at or before `respondBy`. */
  respondedInTime: number;
  /** Response deadline in the period, not responded, deadline not passed yet: left out of the rate. */
  respondPending: number;
  /** Resolution deadline (`resolveBy`, as extended) in the period and decided. */
  resolveDue: number;
  /** Of `resolveDue`, resolved (in time or late). */
  resolved: number;
  /** Of `resolveDue`, resolved by the deadline in force ({@link resolutionDeadline}). */
  resolvedInTime: number;
  /** Resolution deadline in the period, unresolved, deadline not passed yet: left out of the rate. */
  resolvePending: number;
  /** First ratings (not the 回访 after 整改) given in the period. */
  rated: number;
  /** Of `rated`, 非常满意, 满意 or 基本满意. */
  satisfied: number;
}

/**
 * The three rates, each a fraction 0–1, or `null` when its denominator is zero (nothing fell due, nothing
 * was rated): "no figure", which a report must not show as 0 % or 100 %.
 * - `respondedInTime` = respondedInTime / respondDue
 * - `resolvedInTime` = resolvedInTime / resolveDue
 * - `satisfied` = satisfied / rated
 */
export interface Rates {
  respondedInTime: number | null;
  resolvedInTime: number | null;
  satisfied: number | null;
}

/** One row of a report: a group's key (unit code, official code, ownership, size) with its figures. */
export interface RateRow {
  key: string;
  counts: RateCounts;
  rates: Rates;
}

/** The 三率 of one period, evaluated at `asOf`. */
export interface ThreeRatesReport {
  period: Period;
  asOf: Date;
  /** Every ticket, misconduct reports included. */
  total: RateRow;
  /** By the ticket's current unit (after transfers, the unit holding it). */
  byUnit: RateRow[];
  /** By the ticket's current assignee; tickets never assigned are in no row. */
  byOfficial: RateRow[];
  /** By ownership at submission; misconduct reports are sealed and left out; unknown is `unknown`. */
  byOwnership: RateRow[];
  /** By size at submission, as `byOwnership`. */
  bySize: RateRow[];
}

/** The ownership or size of a ticket that carries no snapshot (older data). */
export const UNKNOWN_GROUP = 'unknown';

/** The name of one count. */
type Flag = keyof RateCounts;

/** All counts zero. */
export function emptyCounts(): RateCounts {
  return {
    submitted: 0,
    respondDue: 0,
    responded: 0,
    respondedInTime: 0,
    respondPending: 0,
    resolveDue: 0,
    resolved: 0,
    resolvedInTime: 0,
    resolvePending: 0,
    rated: 0,
    satisfied: 0,
  };
}

const within = (at: Date | undefined, period: Period): boolean => at !== undefined && at >= period.from && at < period.to;

/** The first rating: the enterprise's verdict on the result as delivered, which a later 回访 does not undo. */
export function firstRating(ticket: Pick<RateTicket, 'ratings'>): RateTicket['ratings'][number] | undefined {
  return ticket.ratings.find((r) => r.round === 'first') ?? ticket.ratings[0];
}

/**
 * The resolution deadline in force for `resolvedAt`: `resolveBy` (moved by an approved extension), except
 * when the stored resolution is the 整改 that followed a bad rating — then `rectifyBy`. A reopened ticket not
 * yet rectified keeps its first resolution time, which is still judged against `resolveBy`.
 */
export function resolutionDeadline(ticket: Pick<RateTicket, 'resolvedAt' | 'deadlines' | 'ratings'>): Date {
  const first = firstRating(ticket);
  const rectified = ticket.deadlines.rectifyBy !== undefined && ticket.resolvedAt !== undefined && first !== undefined && ticket.resolvedAt > first.at;
  return rectified && ticket.deadlines.rectifyBy ? ticket.deadlines.rectifyBy : ticket.deadlines.resolveBy;
}

/**
 * Which counts one ticket adds to in `period`, judged at `asOf`. Comparisons are inclusive: an answer at
 * the very instant of the deadline is in time, and a deadline equal to `asOf` has not passed yet.
 */
export function ticketFlags(ticket: RateTicket, period: Period, asOf: Date): Flag[] {
  const flags: Flag[] = [];
  if (within(ticket.submittedAt, period)) flags.push('submitted');

  const { respondBy, resolveBy } = ticket.deadlines;
  if (within(respondBy, period)) {
    const at = ticket.respondedAt;
    if (at) flags.push('respondDue', 'responded', ...(at <= respondBy ? (['respondedInTime'] as const) : []));
    else flags.push(respondBy < asOf ? 'respondDue' : 'respondPending');
  }
  if (within(resolveBy, period)) {
    const at = ticket.resolvedAt;
    if (at) flags.push('resolveDue', 'resolved', ...(at <= resolutionDeadline(ticket) ? (['resolvedInTime'] as const) : []));
    else flags.push(resolveBy < asOf ? 'resolveDue' : 'resolvePending');
  }
  const rating = firstRating(ticket);
  if (rating && within(rating.at, period)) flags.push('rated', ...(isSatisfied(rating.level) ? (['satisfied'] as const) : []));
  return flags;
}

/** The rates of a group's counts; see {@link Rates} for the denominators and the zero case. */
export function ratesOf(counts: RateCounts): Rates {
  const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);
  return {
    respondedInTime: ratio(counts.respondedInTime, counts.respondDue),
    resolvedInTime: ratio(counts.resolvedInTime, counts.resolveDue),
    satisfied: ratio(counts.satisfied, counts.rated),
  };
}

class Groups {
  private readonly map = new Map<string, RateCounts>();
  add(key: string, flags: readonly Flag[]): void {
    let counts = this.map.get(key);
    if (!counts) this.map.set(key, (counts = emptyCounts()));
    for (const flag of flags) counts[flag] += 1;
  }
  rows(): RateRow[] {
    return [...this.map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, counts]) => ({ key, counts, rates: ratesOf(counts) }));
  }
}

/**
 * The 三率 of `period` at `asOf`. Tickets that have nothing in the period are ignored, so a caller may
 * pass a superset (e.g. one fetch for eight weekly reports). A group appears only if some ticket of it
 * counts in the period.
 */
export function computeThreeRates(tickets: Iterable<RateTicket>, period: Period, asOf: Date): ThreeRatesReport {
  const total = emptyCounts();
  const units = new Groups();
  const officials = new Groups();
  const ownerships = new Groups();
  const sizes = new Groups();
  for (const ticket of tickets) {
    const flags = ticketFlags(ticket, period, asOf);
    if (flags.length === 0) continue;
    for (const flag of flags) total[flag] += 1;
    units.add(ticket.unit, flags);
    if (ticket.assignee) officials.add(ticket.assignee, flags);
    // Sealed reports: a breakdown by the reporter's ownership or size would help identify the reporter.
    if (ticket.discipline) continue;
    ownerships.add(ticket.ownership ?? UNKNOWN_GROUP, flags);
    sizes.add(ticket.size ?? UNKNOWN_GROUP, flags);
  }
  return {
    period,
    asOf,
    total: { key: 'total', counts: total, rates: ratesOf(total) },
    byUnit: units.rows(),
    byOfficial: officials.rows(),
    byOwnership: ownerships.rows(),
    bySize: sizes.rows(),
  };
}

// --- Periods in Asia/Shanghai -----------------------------------------------------------------------

/** A calendar month in Asia/Shanghai, `2026-03` → [03-01 00:00, 04-01 00:00) +08:00. */
export function monthPeriod(month: string): Period {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new RangeError(`Not a YYYY-MM month: ${JSON.stringify(month)}`);
  const { year, month: m } = parseLocalDate(`${month}-01`);
  const next = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: shanghaiEndOfDay(`${month}-01`, 0), to: shanghaiEndOfDay(next, 0) };
}

/** Local days `[from, to)` in Asia/Shanghai, midnight to midnight. */
export function localDaysPeriod(from: LocalDate, toExclusive: LocalDate): Period {
  return { from: shanghaiEndOfDay(from, 0), to: shanghaiEndOfDay(toExclusive, 0) };
}

/** The Monday-to-Sunday week (Asia/Shanghai) containing `at`. */
export function weekPeriod(at: Date): Period {
  const date = toShanghaiDate(at);
  const { year, month, day } = parseLocalDate(date);
  const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7; // Monday = 0
  const monday = addLocalDays(date, -weekday);
  return localDaysPeriod(monday, addLocalDays(monday, 7));
}

/** The `count` whole weeks before the week containing `at`, oldest first. */
export function previousWeeks(at: Date, count: number): Period[] {
  const current = weekPeriod(at);
  const monday = toShanghaiDate(current.from);
  return Array.from({ length: count }, (_, i) => {
    const start = addLocalDays(monday, -7 * (count - i));
    return localDaysPeriod(start, addLocalDays(start, 7));
  });
}
