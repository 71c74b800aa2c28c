import { describe, it, expect } from 'vitest';
import chineseDays from 'chinese-days';
import { LunarDay, LunarMonth } from 'tyme4ts';
import { addLocalDays, createHolidayCalendar, parseLocalDate, statutoryHolidays } from '../../src/domain/holiday-calendar.ts';

/** chinese-days lists the date as a day off in a published arrangement (not merely a weekend). */
function chineseDaysListsHoliday(date: string): boolean {
  const detail = chineseDays.getDayDetail(date);
  return !detail.work && detail.name.includes(',');
}

describe('statutoryHolidays', () => {
  it('computes the 13 statutory days of 2026 from the lunar calendar and solar terms', () => {
    expect(statutoryHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-02-16', // 除夕
      '2026-02-17', // 正月初一
      '2026-02-18',
      '2026-02-19', // 正月初三
      '2026-04-05', // 清明
      '2026-05-01',
      '2026-05-02',
      '2026-06-19', // 端午
      '2026-09-25', // 中秋
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
    ]);
  });

  it('computes 2027, a year chinese-days does not cover', () => {
    expect(statutoryHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-02-05', // 除夕 (lunar 丙午 month 12 has 29 days)
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
  });

  it.each([2025, 2026])('is a subset of chinese-days holidays for %i', (year) => {
    const days = statutoryHolidays(year);
    expect(days).toHaveLength(13);
    expect(days.filter((date) => !chineseDaysListsHoliday(date))).toEqual([]);
  });

  it('takes 除夕 as lunar 12/30 when the twelfth month is long', () => {
    expect(LunarMonth.fromYm(2032, 12).getDayCount()).toBe(30);
    const eve = LunarDay.fromYmd(2032, 12, 30).getSolarDay();
    expect(eve.toString()).toContain('2033');
    expect(statutoryHolidays(2033).slice(1, 5)).toEqual(['2033-01-30', '2033-01-31', '2033-02-01', '2033-02-02']);
  });

  it('merges Mid-Autumn into National Day when they coincide (2020)', () => {
    const days = statutoryHolidays(2020);
    expect(days).toHaveLength(12);
    expect(days).toContain('2020-10-01');
  });

  it('rejects nonsensical years', () => {
    expect(() => statutoryHolidays(2026.5)).toThrow(RangeError);
    expect(() => statutoryHolidays(99)).toThrow(RangeError);
  });
});

describe('date helpers', () => {
  it('parses and validates YYYY-MM-DD', () => {
    expect(parseLocalDate('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(() => parseLocalDate('2026-02-29')).toThrow(RangeError);
    expect(() => parseLocalDate('2026-2-3')).toThrow(RangeError);
    expect(() => parseLocalDate('2026-02-03T00:00')).toThrow(RangeError);
  });

  it('adds calendar days across month and year ends', () => {
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('createHolidayCalendar', () => {
  const calendar = createHolidayCalendar();

  it('reports where each year comes from', () => {
    expect(calendar.coverage(2026)).toBe('official');
    expect(calendar.coverage(2004)).toBe('official');
    expect(calendar.coverage(2027)).toBe('statutory-fallback');
    expect(calendar.coverage(2003)).toBe('statutory-fallback');
  });

  it('follows the 2026 arrangement including 调休 weekend workdays', () => {
    // chinese-days 2026: weekend workdays are 01-04 (Sun), 02-14 (Sat), 02-28 (Sat), 05-09 (Sat), 09-20 (Sun), 10-10 (Sat).
    for (const date of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(calendar.isWorkingDay(date), date).toBe(true);
    }
    for (const date of ['2026-02-15', '2026-02-16', '2026-02-20', '2026-02-23', '2026-10-06', '2026-10-07']) {
      expect(calendar.isWorkingDay(date), date).toBe(false);
    }
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true);
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // an ordinary Saturday
  });

  it('falls back to statutory days plus weekends for 2027, inventing no 调休', () => {
    for (const date of ['2027-01-01', '2027-02-05', '2027-02-08', '2027-04-05', '2027-06-09', '2027-09-15', '2027-10-01']) {
      expect(calendar.isWorkingDay(date), date).toBe(false);
    }
    expect(calendar.isWorkingDay('2027-02-09')).toBe(true); // Tuesday after 正月初三
    expect(calendar.isWorkingDay('2027-10-04')).toBe(true); // Monday; no bridging invented
    expect(calendar.isWorkingDay('2027-02-13')).toBe(false); // Saturday; no 调休 invented
  });

  it('lets overrides win day by day while unlisted days keep their source', () => {
    const custom = createHolidayCalendar({
      2026: { holidays: ['2026-03-09'], workdays: ['2026-02-23'] },
      2027: { holidays: ['2027-02-09'], workdays: ['2027-02-08', '2027-02-13'] },
    });
    expect(custom.coverage(2026)).toBe('override');
    expect(custom.coverage(2027)).toBe('override');
    expect(custom.isWorkingDay('2026-03-09')).toBe(false);
    expect(custom.isWorkingDay('2026-02-23')).toBe(true);
    expect(custom.isWorkingDay('2026-02-16')).toBe(false); // still chinese-days
    expect(custom.isWorkingDay('2027-02-08')).toBe(true);
    expect(custom.isWorkingDay('2027-02-09')).toBe(false);
    expect(custom.isWorkingDay('2027-02-13')).toBe(true);
    expect(custom.isWorkingDay('2027-02-05')).toBe(false); // still statutory
  });

  it('rejects malformed overrides', () => {
    expect(() => createHolidayCalendar({ 2027: { holidays: ['2026-12-31'], workdays: [] } })).toThrow(/not in year 2027/);
    expect(() => createHolidayCalendar({ 2027: { holidays: ['2027-02-13'], workdays: ['2027-02-13'] } })).toThrow(/both/);
    expect(() => createHolidayCalendar({ 2027: { holidays: ['2027/02/13'], workdays: [] } })).toThrow(RangeError);
  });
});
