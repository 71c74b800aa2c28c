/**
 * Which calendar dates are working days in mainland China. Three sources, strongest first:
 * the caller's per-year overrides (a department profile), the State Council arrangements
 * shipped in `chinese-days` (2004–2026 in 1.5.7), and, for years nobody has published yet, the
 * statutory holidays of 《全国年节及纪念日放假办法》 (2024 amendment) computed with `tyme4ts`.
 * Pure: no I/O, no clock.
 */
import chineseDays from 'chinese-days';
import { LunarDay, SolarTerm, type SolarDay } from 'tyme4ts';

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export type LocalDate = string;

/** One year's arrangement as published for a department: days off and 调休 workdays. */
export interface YearOverrides {
  readonly holidays: readonly LocalDate[];
  readonly workdays: readonly LocalDate[];
}

/** Overrides keyed by Gregorian year; a listed year counts as officially covered. */
export type HolidayOverrides = Readonly<Record<number, YearOverrides>>;

/** Where a year's answers come from; only `statutory-fallback` makes a deadline provisional. */
export type Coverage = 'official' | 'override' | 'statutory-fallback';

/** Decides whether a date is worked. */
export interface HolidayCalendar {
  /** True when `date` is a working day: weekdays minus holidays, plus 调休 workdays. */
  isWorkingDay(date: LocalDate): boolean;
  /** Which source answers for `year`. */
  coverage(year: number): Coverage;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Splits a `YYYY-MM-DD` string; throws a RangeError for malformed or impossible dates (2026-02-30). */
export function parseLocalDate(date: LocalDate): DateParts {
  const match = LOCAL_DATE.exec(date);
  if (match) {
    const parts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (parts.year >= 1000 && formatParts(parts) === formatUtcDate(new Date(Date.UTC(parts.year, parts.month - 1, parts.day)))) {
      return parts;
    }
  }
  throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}

function formatParts({ year, month, day }: DateParts): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Formats the UTC calendar date of `d`; callers shift the instant first to get another zone's date. */
export function formatUtcDate(d: Date): LocalDate {
  return formatParts({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** `date` plus `n` calendar days (n may be negative). UTC arithmetic, so the process TZ cannot shift it. */
export function addLocalDays(date: LocalDate, n: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  return formatUtcDate(new Date(Date.UTC(year, month - 1, day) + n * DAY_MS));
}

function isWeekend(date: LocalDate): boolean {
  const { year, month, day } = parseLocalDate(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

const statutoryCache = new Map<number, ReadonlySet<LocalDate>>();

function solarDate(d: SolarDay): LocalDate {
  return formatParts({ year: d.getYear(), month: d.getMonth(), day: d.getDay() });
}

function statutorySet(year: number): ReadonlySet<LocalDate> {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`Year out of range: ${year}`);
  }
  const cached = statutoryCache.get(year);
  if (cached) return cached;
  // Positive LunarDay months are the regular (non-leap) month, which is what the law means; lunar
  // 1/1, 5/5 and 8/15 of lunar year Y always fall in Gregorian year Y.
  const springFestival = LunarDay.fromYmd(year, 1, 1).getSolarDay();
  const days = new Set<LocalDate>([
    `${year}-01-01`,
    // 除夕 is the day before 正月初一, so month 12 having 29 or 30 days never matters.
    solarDate(springFestival.next(-1)),
    solarDate(springFestival),
    solarDate(springFestival.next(1)),
    solarDate(springFestival.next(2)),
    // tyme4ts numbers a SolarTerm year from the previous 冬至, but 清明 always lands in April of `year`.
    solarDate(SolarTerm.fromName(year, '清明').getSolarDay()),
    `${year}-05-01`,
    `${year}-05-02`,
    solarDate(LunarDay.fromYmd(year, 5, 5).getSolarDay()),
    solarDate(LunarDay.fromYmd(year, 8, 15).getSolarDay()),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ]);
  statutoryCache.set(year, days);
  return days;
}

/**
 * The statutory public holidays of `year` under the 2024 amendment (13 days; fewer dates when
 * Mid-Autumn coincides with National Day), sorted. Bridging days and 调休 are decided yearly by
 * the State Council and cannot be computed, so none are included. Years before 2025 had other
 * rules; this is only meant for years without a published arrangement.
 */
export function statutoryHolidays(year: number): LocalDate[] {
  return [...statutorySet(year)].sort();
}

const WEEKDAY_NAMES = new Set(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);
const officialCache = new Map<number, ReadonlyMap<LocalDate, boolean> | null>();

/**
 * chinese-days' arrangement entries for `year` (date → worked), or null when it has none.
 *
 * chinese-days builds its tables at load time by parsing `Y-M-D` as UTC midnight and formatting
 * in the process TZ, so west of UTC every key is one day early. Querying with the same string form
 * goes through the identical transform and finds the right entry in any TZ; only its weekday
 * fallback (and the echoed `date`) are shifted, so entries are told apart by their name and
 * weekends are computed here.
 */
function officialEntries(year: number): ReadonlyMap<LocalDate, boolean> | null {
  const cached = officialCache.get(year);
  if (cached !== undefined) return cached;
  const entries = new Map<LocalDate, boolean>();
  for (let date = `${year}-01-01`; date.startsWith(`${year}-`); date = addLocalDays(date, 1)) {
    const detail = chineseDays.getDayDetail(date);
    if (!WEEKDAY_NAMES.has(detail.name)) entries.set(date, detail.work);
  }
  const result = entries.size > 0 ? entries : null;
  officialCache.set(year, result);
  return result;
}

function validateOverrides(overrides: HolidayOverrides): Map<number, { holidays: Set<LocalDate>; workdays: Set<LocalDate> }> {
  const result = new Map<number, { holidays: Set<LocalDate>; workdays: Set<LocalDate> }>();
  for (const [key, value] of Object.entries(overrides)) {
    const year = Number(key);
    // A date filed under the wrong year would silently never apply, so typos fail loudly here.
    const check = (date: LocalDate): LocalDate => {
      if (parseLocalDate(date).year !== year) throw new RangeError(`Override ${date} is not in year ${key}`);
      return date;
    };
    const holidays = new Set(value.holidays.map(check));
    const workdays = new Set(value.workdays.map(check));
    const clash = [...holidays].find((date) => workdays.has(date));
    if (clash !== undefined) throw new RangeError(`Override ${clash} is listed as both holiday and workday`);
    result.set(year, { holidays, workdays });
  }
  return result;
}

/**
 * Builds the date-level calendar. Overrides win day by day for their year: a listed holiday is
 * off and a listed workday is on; unlisted days of that year still follow chinese-days (or the
 * statutory fallback), so a profile that only adds a local holiday keeps the national ones.
 * Throws a RangeError for malformed overrides.
 */
export function createHolidayCalendar(overrides: HolidayOverrides = {}): HolidayCalendar {
  const byYear = validateOverrides(overrides);
  return {
    isWorkingDay(date) {
      const { year } = parseLocalDate(date);
      const own = byYear.get(year);
      if (own?.holidays.has(date)) return false;
      if (own?.workdays.has(date)) return true;
      const official = officialEntries(year);
      if (official) return official.get(date) ?? !isWeekend(date);
      return !statutorySet(year).has(date) && !isWeekend(date);
    },
    coverage(year) {
      if (byYear.has(year)) return 'override';
      return officialEntries(year) ? 'official' : 'statutory-fallback';
    },
  };
}
