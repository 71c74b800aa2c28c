/**
 * 联系企业制度 (R(8)) and 访百企 (R(2)) as arithmetic on dates: which period a day belongs to, whether a
 * link has been visited often enough, how many days are left, and which reminder falls on a given day.
 * Pure: every date is an Asia/Shanghai `YYYY-MM-DD` passed in by the caller, every count comes from the
 * caller's query.
 *
 * How days are counted: the profile documents `reminderDaysBeforePeriodEnd` (like every day count in a
 * profile) as Chinese working days, so reminders count the department's working days with its holiday
 * calendar. A department that wants calendar days passes {@link EVERY_DAY} instead: the arithmetic is the
 * same, only the calendar changes.
 */
import { addLocalDays, parseLocalDate, type HolidayCalendar, type LocalDate } from './holiday-calendar.ts';
import type { ProfileRules } from './profile.ts';

/** What the cadence needs of a calendar: which days count. */
export type DayCalendar = Pick<HolidayCalendar, 'isWorkingDay'>;

/** Every day counts: the calendar for a department that counts reminder days in calendar days. */
export const EVERY_DAY: DayCalendar = { isWorkingDay: () => true };

/**
 * A span of dates, both ends included: a half-year (`2026-H1` = Jan–Jun, `2026-H2` = Jul–Dec) for the
 * per-link rule, or a calendar year (`2026`) for the leadership and symposium rules.
 */
export interface Period {
  key: string;
  start: LocalDate;
  end: LocalDate;
}

/** A period's length in days never exceeds a year: the guard on every walk below. */
const MAX_WALK = 400;

/** The half-year `date` falls in: Jan 1–Jun 30 or Jul 1–Dec 31. */
export function halfYearOf(date: LocalDate): Period {
  const { year, month } = parseLocalDate(date);
  return month <= 6 ? { key: `${year}-H1`, start: `${year}-01-01`, end: `${year}-06-30` } : { key: `${year}-H2`, start: `${year}-07-01`, end: `${year}-12-31` };
}

/** The calendar year `date` falls in. */
export function yearOf(date: LocalDate): Period {
  const { year } = parseLocalDate(date);
  return { key: String(year), start: `${year}-01-01`, end: `${year}-12-31` };
}

/** The period before `period`, of the same kind (`2026-H1` → `2025-H2`, `2026` → `2025`). */
export function previousPeriod(period: Period, periodOf: (date: LocalDate) => Period): Period {
  return periodOf(addLocalDays(period.start, -1));
}

/** Whether `date` lies in `period`. ISO dates compare as strings. */
export function inPeriod(date: LocalDate, period: Period): boolean {
  return date >= period.start && date <= period.end;
}

/** Days that count from `date` to the period's end, both included (0 after the end). */
export function daysLeft(calendar: DayCalendar, date: LocalDate, period: Period): number {
  let count = 0;
  let day = date < period.start ? period.start : date;
  for (let walked = 0; day <= period.end && walked < MAX_WALK; walked++, day = addLocalDays(day, 1)) {
    if (calendar.isWorkingDay(day)) count += 1;
  }
  return count;
}

/**
 * The day the "`days` before the end" reminder falls on: the first counting day of the period with at
 * most `days` counting days left, today included. With working days, "3 days" before a period ending on
 * Tuesday 30 June is Friday 26 June (26, 29, 30 left). A period with fewer counting days than `days`
 * gets the reminder on its first counting day; a period with none gets none.
 */
export function reminderDay(calendar: DayCalendar, period: Period, days: number): LocalDate | undefined {
  let found: LocalDate | undefined;
  let counted = 0;
  // Walk back from the end: the `days`-th counting day from the end is the one with exactly `days` left.
  for (let day = period.end, walked = 0; day >= period.start && walked < MAX_WALK; walked++, day = addLocalDays(day, -1)) {
    if (!calendar.isWorkingDay(day)) continue;
    found = day;
    counted += 1;
    if (counted === days) break;
  }
  return found;
}

/** The day a period's shortfall is told: the first counting day after it ends ("the day after"). */
export function missedDay(calendar: DayCalendar, period: Period): LocalDate {
  let day = addLocalDays(period.end, 1);
  for (let walked = 0; !calendar.isWorkingDay(day) && walked < MAX_WALK; walked++) day = addLocalDays(day, 1);
  return day;
}

/** `before-30`: 30 days before the period ends; `missed`: the period ended short. */
export type ReminderKind = `before-${number}` | 'missed';

/** A reminder that falls on a day: which period it is about and which of its reminders it is. */
export interface ReminderSlot {
  period: Period;
  kind: ReminderKind;
  /** For `before-N`: N, the threshold; the days actually left may be fewer when a period is short. */
  days?: number;
}

/**
 * The reminders that fall on `today` for periods cut by `periodOf`: at most one `before-N` of today's
 * period (the tightest when two thresholds share a day) and the previous period's `missed`. The daily
 * scan acts on these; on any other day it has nothing to send.
 */
export function remindersDue(calendar: DayCalendar, thresholds: readonly number[], today: LocalDate, periodOf: (date: LocalDate) => Period): ReminderSlot[] {
  const slots: ReminderSlot[] = [];
  const previous = previousPeriod(periodOf(today), periodOf);
  if (missedDay(calendar, previous) === today) slots.push({ period: previous, kind: 'missed' });
  const period = periodOf(today);
  const due = [...thresholds].sort((a, b) => a - b).find((days) => reminderDay(calendar, period, days) === today);
  if (due !== undefined) slots.push({ period, kind: `before-${due}`, days: due });
  return slots;
}

/** Visits counted for one link: in the half-year assessed, and in that half-year's calendar year up to its end. */
export interface LinkTally {
  halfYear: number;
  year: number;
}

/** What a link owes in a half-year and how far it got. */
export interface LinkStatus {
  period: Period;
  /** Visits the half-year rule asks for, and made. */
  required: number;
  done: number;
  /** For a leadership member in the second half: the year's rule (R(2)), and visits that year. */
  yearRequired?: number;
  yearDone?: number;
  /** Visits still owed: the larger of the half-year's and (leadership, second half) the year's shortfall. */
  missing: number;
  satisfied: boolean;
}

type CadenceRules = Pick<ProfileRules, 'linkVisitsPerHalfYear' | 'leadershipVisitsPerYear'>;

/**
 * Whether a link met its rules for the half-year `period`. Every official owes each linked enterprise
 * `linkVisitsPerHalfYear` visits a half-year (R(8)); a leadership member also owes it
 * `leadershipVisitsPerYear` a year (R(2)), which can only fall due with the year, so it is judged in
 * the second half only.
 */
export function linkStatus(rules: CadenceRules, period: Period, tally: LinkTally, leadership: boolean): LinkStatus {
  const required = rules.linkVisitsPerHalfYear;
  let missing = Math.max(0, required - tally.halfYear);
  const status: LinkStatus = { period, required, done: tally.halfYear, missing, satisfied: false };
  if (leadership && period.key.endsWith('-H2')) {
    status.yearRequired = rules.leadershipVisitsPerYear;
    status.yearDone = tally.year;
    missing = Math.max(missing, rules.leadershipVisitsPerYear - tally.year);
  }
  return { ...status, missing, satisfied: missing === 0 };
}

/** Counts visit dates into a tally for the half-year `period` (dates outside it count for the year only). */
export function tallyVisits(dates: readonly LocalDate[], period: Period): LinkTally {
  const year = yearOf(period.start);
  return {
    halfYear: dates.filter((d) => inPeriod(d, period)).length,
    year: dates.filter((d) => d >= year.start && d <= period.end).length,
  };
}

/** A link as the cadence sees it: its official's roles matter (leadership), nothing else. */
export interface LinkFacts {
  official: string;
  enterprise: string;
  leadership: boolean;
}

/** What the cadence says about one link on one day. */
export interface LinkAssessment {
  status: LinkStatus;
  daysLeft: number;
  /**
   * The reminder due today, if one falls today and the link is short: its official's reminder for the
   * slot (which names this link among the official's short ones), keyed so it is sent once.
   */
  reminder?: { slot: ReminderSlot; key: string };
}

/**
 * Assesses a link on `today` from its visit dates: its status for today's half-year, the days left, and
 * the reminder due today. On the first day after a half-year the `missed` reminder is about the half-year
 * just ended, so `status` is then that half-year's.
 */
export function assessLink(
  calendar: DayCalendar,
  rules: CadenceRules & Pick<ProfileRules, 'reminderDaysBeforePeriodEnd'>,
  today: LocalDate,
  link: LinkFacts,
  visits: readonly LocalDate[],
): LinkAssessment {
  const slots = remindersDue(calendar, rules.reminderDaysBeforePeriodEnd, today, halfYearOf);
  for (const slot of slots) {
    const status = linkStatus(rules, slot.period, tallyVisits(visits, slot.period), link.leadership);
    if (!status.satisfied) return { status, daysLeft: daysLeft(calendar, today, slot.period), reminder: { slot, key: officialReminderKey(link.official, slot) } };
  }
  const period = halfYearOf(today);
  return { status: linkStatus(rules, period, tallyVisits(visits, period), link.leadership), daysLeft: daysLeft(calendar, today, period) };
}

/**
 * The stable identity of an official's reminder in a slot: (official, period, kind). One reminder lists
 * all the official's short links, so a scan run twice, or by two workers at once, queues it once. Used as
 * the notice's dedupe key and job id, so it holds no `:` (BullMQ refuses it in ids). The official code
 * comes last: it may hold a `.`, but the parts before it have fixed shapes (a period, a kind), so two
 * officials or slots never share a key.
 */
export function officialReminderKey(official: string, slot: Pick<ReminderSlot, 'period' | 'kind'>): string {
  return ['liaison', 'remind', slot.period.key, slot.kind, official].join('.');
}

/** The identity of a symposium reminder to one leadership member: (the leading group, year, kind, member). */
export function symposiumReminderKey(official: string, slot: Pick<ReminderSlot, 'period' | 'kind'>): string {
  return ['liaison', 'symposium', slot.period.key, slot.kind, official].join('.');
}

/** Whether the leading group held enough symposiums (R(2)) in a year: `held` counts distinct symposium days. */
export function symposiumStatus(rules: Pick<ProfileRules, 'symposiumsPerYear'>, held: number): { required: number; held: number; missing: number; satisfied: boolean } {
  const missing = Math.max(0, rules.symposiumsPerYear - held);
  return { required: rules.symposiumsPerYear, held, missing, satisfied: missing === 0 };
}

/**
 * Levels whose officials must hold at least one link. R(8) names the leaders and responsible officials of
 * the province, city and county offices (省市县三级); a township has no civil-air-defence office.
 */
export const LINK_REQUIRED_LEVELS: readonly string[] = ['province', 'city', 'county'];

/**
 * Whether an official must have at least one linked enterprise (R(8)). Discipline inspectors are not:
 * they look into how the others keep to these rules, and a link of their own would compromise that.
 */
export function needsLink(official: { level: string; active: boolean; inspector?: boolean }): boolean {
  return official.active && !official.inspector && LINK_REQUIRED_LEVELS.includes(official.level);
}
