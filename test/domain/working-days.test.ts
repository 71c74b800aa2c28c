import { describe, it, expect } from 'vitest';
import { createWorkingCalendar, shanghaiEndOfDay, toShanghaiDate } from '../../src/domain/working-days.ts';

/** An instant written as Asia/Shanghai wall-clock time. */
const cst = (localDateTime: string): Date => new Date(`${localDateTime}+08:00`);

describe('Asia/Shanghai helpers', () => {
  it('takes the local date at UTC+8 regardless of the process TZ', () => {
    expect(toShanghaiDate(new Date('2026-02-16T15:59:59Z'))).toBe('2026-02-16');
    expect(toShanghaiDate(new Date('2026-02-16T16:00:00Z'))).toBe('2026-02-17');
    expect(() => toShanghaiDate(new Date('nope'))).toThrow(RangeError);
  });

  it('puts the end of a working day at 18:00 local, 10:00 UTC', () => {
    expect(shanghaiEndOfDay('2026-02-27').toISOString()).toBe('2026-02-27T10:00:00.000Z');
    expect(shanghaiEndOfDay('2026-02-27', 17).toISOString()).toBe('2026-02-27T09:00:00.000Z');
    expect(shanghaiEndOfDay('2026-02-27', 0).toISOString()).toBe('2026-02-26T16:00:00.000Z');
    expect(() => shanghaiEndOfDay('2026-02-27', 25)).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  const calendar = createWorkingCalendar();

  it('skips the 2026 Spring Festival week and counts the 调休 Saturdays', () => {
    // Start Fri 02-13. 2026 arrangement: Sat 02-14 worked, 02-15..02-23 off, Sat 02-28 worked.
    // 5: 02-14(1) 02-24(2) 02-25(3) 02-26(4) 02-27(5).
    const five = calendar.addWorkingDays(cst('2026-02-13T10:00:00'), 5);
    expect(five).toEqual({ due: new Date('2026-02-27T10:00:00Z'), provisional: false });
    // 15: ...02-27(5) 02-28(6) 03-02..03-06(7-11) 03-09..03-12(12-15).
    expect(calendar.addWorkingDays(cst('2026-02-13T10:00:00'), 15).due).toEqual(new Date('2026-03-12T10:00:00Z'));
  });

  it('skips Mid-Autumn and National Day 2026 over 20 working days', () => {
    // Start Mon 09-21. 09-25..09-27 off (中秋), 10-01..10-07 off (国庆), Sat 10-10 worked.
    // 09-22..09-24(1-3) 09-28..09-30(4-6) 10-08(7) 10-09(8) 10-10(9) 10-12..10-16(10-14)
    // 10-19..10-23(15-19) 10-26(20).
    const due = calendar.addWorkingDays(cst('2026-09-21T09:00:00'), 20);
    expect(due).toEqual({ due: new Date('2026-10-26T10:00:00Z'), provisional: false });
  });

  it('marks a deadline that walks into 2027 as provisional', () => {
    // Start Mon 2026-12-28. 12-29(1) 12-30(2) 12-31(3); 2027-01-01 statutory, 01-02/03 weekend; 01-04(4) 01-05(5).
    expect(calendar.addWorkingDays(cst('2026-12-28T10:00:00'), 5)).toEqual({
      due: new Date('2027-01-05T10:00:00Z'),
      provisional: true,
    });
    expect(calendar.addWorkingDays(cst('2026-12-28T10:00:00'), 3)).toEqual({
      due: new Date('2026-12-31T10:00:00Z'),
      provisional: false,
    });
  });

  it('starts counting after a Saturday start, whether or not that Saturday is worked', () => {
    expect(calendar.addWorkingDays(cst('2026-03-07T15:00:00'), 1).due).toEqual(new Date('2026-03-09T10:00:00Z'));
    expect(calendar.addWorkingDays(cst('2026-03-07T15:00:00'), 5).due).toEqual(new Date('2026-03-13T10:00:00Z'));
    // Sat 02-14 is a 调休 workday, but the start's own day never counts.
    expect(calendar.addWorkingDays(cst('2026-02-14T09:00:00'), 1).due).toEqual(new Date('2026-02-24T10:00:00Z'));
  });

  it('uses the Shanghai date of the start, not the UTC one', () => {
    // 2026-02-13T20:00Z is already Sat 02-14 04:00 in Shanghai.
    expect(calendar.addWorkingDays(new Date('2026-02-13T20:00:00Z'), 1).due).toEqual(new Date('2026-02-24T10:00:00Z'));
  });

  it('treats 0 days as the end of the current working day, never before the start', () => {
    expect(calendar.addWorkingDays(cst('2026-03-11T09:00:00'), 0).due).toEqual(new Date('2026-03-11T10:00:00Z'));
    expect(calendar.addWorkingDays(cst('2026-03-11T20:00:00'), 0).due).toEqual(new Date('2026-03-12T10:00:00Z'));
    expect(calendar.addWorkingDays(cst('2026-03-07T15:00:00'), 0).due).toEqual(new Date('2026-03-09T10:00:00Z'));
    expect(calendar.addWorkingDays(cst('2026-02-18T11:00:00'), 0).due).toEqual(new Date('2026-02-24T10:00:00Z'));
    expect(calendar.addWorkingDays(cst('2027-03-10T09:00:00'), 0).provisional).toBe(true);
  });

  it('takes the end-of-day hour as a parameter', () => {
    expect(calendar.addWorkingDays(cst('2026-02-13T10:00:00'), 5, 17).due).toEqual(new Date('2026-02-27T09:00:00Z'));
  });

  it('lets 2027 overrides beat the statutory fallback', () => {
    // Fallback: 02-05..02-08 off, so from Thu 02-04: 02-09(1) 02-10(2) 02-11(3), provisional.
    expect(calendar.addWorkingDays(cst('2027-02-04T10:00:00'), 3)).toEqual({
      due: new Date('2027-02-11T10:00:00Z'),
      provisional: true,
    });
    // A hypothetical published arrangement: 02-09..02-11 off too, Sat 02-13 worked.
    // 02-12(1) 02-13(2) 02-15(3), and no longer provisional.
    const withOverrides = createWorkingCalendar({
      2027: { holidays: ['2027-02-09', '2027-02-10', '2027-02-11'], workdays: ['2027-02-13'] },
    });
    expect(withOverrides.coverage(2027)).toBe('override');
    expect(withOverrides.addWorkingDays(cst('2027-02-04T10:00:00'), 3)).toEqual({
      due: new Date('2027-02-15T10:00:00Z'),
      provisional: false,
    });
  });

  it('rejects impossible day counts', () => {
    expect(() => calendar.addWorkingDays(cst('2026-03-11T09:00:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(cst('2026-03-11T09:00:00'), 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  const calendar = createWorkingCalendar();
  const start = cst('2026-02-13T10:00:00');

  it('inverts addWorkingDays', () => {
    for (const n of [1, 5, 15, 20]) {
      expect(calendar.workingDaysBetween(start, calendar.addWorkingDays(start, n).due), `n=${n}`).toBe(n);
    }
  });

  it('counts only whole working days', () => {
    expect(calendar.workingDaysBetween(start, cst('2026-02-27T17:59:00'))).toBe(4);
    expect(calendar.workingDaysBetween(start, cst('2026-02-23T23:00:00'))).toBe(1); // only Sat 02-14
    expect(calendar.workingDaysBetween(start, cst('2026-02-13T23:00:00'))).toBe(0);
    expect(calendar.workingDaysBetween(start, start)).toBe(0);
    expect(calendar.workingDaysBetween(cst('2026-02-27T18:00:00'), start)).toBe(0);
  });
});

describe('fractionPoint', () => {
  const calendar = createWorkingCalendar();

  it('takes the wall-clock fraction of the span', () => {
    const start = new Date('2026-03-02T02:00:00Z');
    const due = new Date('2026-03-06T10:00:00Z'); // 104 h later
    expect(calendar.fractionPoint(start, due, 0.75)).toEqual(new Date('2026-03-05T08:00:00Z'));
    expect(calendar.fractionPoint(start, due, 0)).toEqual(start);
    expect(calendar.fractionPoint(start, due, 1)).toEqual(due);
    expect(() => calendar.fractionPoint(start, due, Number.NaN)).toThrow(RangeError);
  });
});
