/**
 * Working-day deadlines for government replies. A deadline of N working days ends at the close of
 * business (18:00 Asia/Shanghai by default) of the Nth working day after the day a request
 * arrived, whatever the process TZ. Pure: every moment is passed in by the caller.
 */
import {
  addLocalDays,
  createHolidayCalendar,
  formatUtcDate,
  parseLocalDate,
  type HolidayCalendar,
  type HolidayOverrides,
  type LocalDate,
} from './holiday-calendar.ts';

export { statutoryHolidays, type Coverage, type HolidayOverrides, type LocalDate, type YearOverrides } from './holiday-calendar.ts';

/**
 * Asia/Shanghai has been UTC+8 without DST since 1991, so a fixed offset is exact for every date
 * a deadline can touch and spares us ICU time-zone data and any dependence on the process TZ.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Close of business in Asia/Shanghai. */
export const DEFAULT_END_OF_DAY_HOUR = 18;

/** Guards against a typo such as 1e9 turning one call into a near-endless walk. */
const MAX_WORKING_DAYS = 10_000;

/** The Asia/Shanghai calendar date of an instant. */
export function toShanghaiDate(d: Date): LocalDate {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  return formatUtcDate(new Date(ms + SHANGHAI_OFFSET_MS));
}

/** The instant `hour`:00 Asia/Shanghai on `date` (default 18:00, i.e. 10:00 UTC). `hour` is 0–24. */
export function shanghaiEndOfDay(date: LocalDate, hour: number = DEFAULT_END_OF_DAY_HOUR): Date {
  if (!Number.isInteger(hour) || hour < 0 || hour > 24) throw new RangeError(`End-of-day hour must be an integer 0–24, got ${hour}`);
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day, hour) - SHANGHAI_OFFSET_MS);
}

/** A computed deadline. */
export interface Deadline {
  /** End of the last working day counted. */
  due: Date;
  /** True when a day consulted lies in a `statutory-fallback` year: 调休 may still move it. */
  provisional: boolean;
}

/** Working-day arithmetic on top of a {@link HolidayCalendar}. */
export interface WorkingCalendar extends HolidayCalendar {
  /**
   * The end (`endOfDayHour` Asia/Shanghai) of the `days`-th working day after the start's local
   * date; the start's own day never counts, even when it is a working day or the start is early.
   * `days = 0` means "by the end of today": the start's date if it is a working day whose end has
   * not passed, otherwise the next working day, so `due >= start` always holds.
   * Throws a RangeError unless `days` is an integer 0–10000.
   */
  addWorkingDays(start: Date, days: number, endOfDayHour?: number): Deadline;
  /**
   * Whole working days elapsed between two instants, for reports: working days after `from`'s
   * local date up to `to`'s local date, the latter only once its `endOfDayHour` has passed.
   * Inverse of addWorkingDays (`workingDaysBetween(s, addWorkingDays(s, n).due) === n` for n ≥ 1);
   * 0 when `to` is not after `from`.
   */
  workingDaysBetween(from: Date, to: Date, endOfDayHour?: number): number;
  /**
   * The instant `fraction` of the way from `start` to `due` in wall-clock time (0.75 → the 75 %
   * reminder; values above 1 give points after the deadline).
   *
   * Wall-clock is deliberate: reminders are nudges, not legal limits. The legal limit is `due`,
   * already computed in working days; a reminder that lands on a weekend just waits in the
   * officer's chat, and a plain instant is trivial to schedule as a queue delay. Over a span
   * containing a long holiday the remaining working time may differ from `1 - fraction`.
   */
  fractionPoint(start: Date, due: Date, fraction: number): Date;
}

function walk(
  calendar: HolidayCalendar,
  from: LocalDate,
  count: number,
): { date: LocalDate; provisional: boolean } {
  let date = from;
  let provisional = false;
  let remaining = count;
  while (remaining > 0) {
    date = addLocalDays(date, 1);
    if (calendar.coverage(parseLocalDate(date).year) === 'statutory-fallback') provisional = true;
    if (calendar.isWorkingDay(date)) remaining -= 1;
  }
  return { date, provisional };
}

/**
 * Creates the calendar used for deadlines. `overrides` (from a department profile) take
 * precedence day by day for the years they list; see {@link createHolidayCalendar}.
 */
export function createWorkingCalendar(overrides: HolidayOverrides = {}): WorkingCalendar {
  const calendar = createHolidayCalendar(overrides);
  const isFallback = (date: LocalDate): boolean => calendar.coverage(parseLocalDate(date).year) === 'statutory-fallback';

  return {
    isWorkingDay: (date) => calendar.isWorkingDay(date),
    coverage: (year) => calendar.coverage(year),

    addWorkingDays(start, days, endOfDayHour = DEFAULT_END_OF_DAY_HOUR) {
      if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS) {
        throw new RangeError(`Working days must be an integer 0–${MAX_WORKING_DAYS}, got ${days}`);
      }
      const startDate = toShanghaiDate(start);
      if (days === 0) {
        const todayEnd = shanghaiEndOfDay(startDate, endOfDayHour);
        if (calendar.isWorkingDay(startDate) && todayEnd.getTime() >= start.getTime()) {
          return { due: todayEnd, provisional: isFallback(startDate) };
        }
        const next = walk(calendar, startDate, 1);
        return { due: shanghaiEndOfDay(next.date, endOfDayHour), provisional: isFallback(startDate) || next.provisional };
      }
      const { date, provisional } = walk(calendar, startDate, days);
      return { due: shanghaiEndOfDay(date, endOfDayHour), provisional };
    },

    workingDaysBetween(from, to, endOfDayHour = DEFAULT_END_OF_DAY_HOUR) {
      if (to.getTime() <= from.getTime()) return 0;
      const last = toShanghaiDate(to);
      let count = 0;
      for (let date = addLocalDays(toShanghaiDate(from), 1); date < last; date = addLocalDays(date, 1)) {
        if (calendar.isWorkingDay(date)) count += 1;
      }
      const lastCounts = last > toShanghaiDate(from) && to.getTime() >= shanghaiEndOfDay(last, endOfDayHour).getTime();
      return count + (lastCounts && calendar.isWorkingDay(last) ? 1 : 0);
    },

    fractionPoint(start, due, fraction) {
      if (!Number.isFinite(fraction) || fraction < 0) throw new RangeError(`Fraction must be a finite number ≥ 0, got ${fraction}`);
      return new Date(start.getTime() + Math.round((due.getTime() - start.getTime()) * fraction));
    },
  };
}
