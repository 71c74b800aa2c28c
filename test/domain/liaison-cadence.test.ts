import { describe, expect, it } from 'vitest';
import {
  assessLink,
  daysLeft,
  EVERY_DAY,
  halfYearOf,
  linkStatus,
  missedDay,
  needsLink,
  previousPeriod,
  officialReminderKey,
  reminderDay,
  remindersDue,
  symposiumReminderKey,
  symposiumStatus,
  tallyVisits,
  yearOf,
} from '../../src/domain/liaison-cadence.ts';
import { createWorkingCalendar } from '../../src/domain/working-days.ts';

const working = createWorkingCalendar();
const rules = { linkVisitsPerHalfYear: 1, leadershipVisitsPerYear: 2, symposiumsPerYear: 1, reminderDaysBeforePeriodEnd: [30, 14, 3] };
const link = { official: 'rf-works-01', enterprise: '91410100MA40A00014', leadership: false };
const leader = { ...link, official: 'rf-leader-01', leadership: true };

describe('periods', () => {
  it.each([
    ['2026-01-01', '2026-H1'],
    ['2026-06-30', '2026-H1'],
    ['2026-07-01', '2026-H2'],
    ['2026-12-31', '2026-H2'],
    ['2028-02-29', '2028-H1'],
  ])('%s is in %s', (date, key) => {
    expect(halfYearOf(date).key).toBe(key);
  });

  it('knows the bounds of half-years and years, and the one before', () => {
    expect(halfYearOf('2026-03-02')).toEqual({ key: '2026-H1', start: '2026-01-01', end: '2026-06-30' });
    expect(previousPeriod(halfYearOf('2026-03-02'), halfYearOf)).toEqual({ key: '2025-H2', start: '2025-07-01', end: '2025-12-31' });
    expect(previousPeriod(halfYearOf('2026-07-01'), halfYearOf).key).toBe('2026-H1');
    expect(previousPeriod(yearOf('2026-07-01'), yearOf)).toEqual({ key: '2025', start: '2025-01-01', end: '2025-12-31' });
  });
});

describe('days left', () => {
  it('counts calendar days, today included, leap years too', () => {
    expect(daysLeft(EVERY_DAY, '2026-01-01', halfYearOf('2026-01-01'))).toBe(181);
    expect(daysLeft(EVERY_DAY, '2028-01-01', halfYearOf('2028-01-01'))).toBe(182);
    expect(daysLeft(EVERY_DAY, '2028-02-29', halfYearOf('2028-02-29'))).toBe(123);
    expect(daysLeft(EVERY_DAY, '2028-03-01', halfYearOf('2028-03-01'))).toBe(122);
    expect(daysLeft(EVERY_DAY, '2026-06-30', halfYearOf('2026-06-30'))).toBe(1);
    expect(daysLeft(EVERY_DAY, '2026-07-01', halfYearOf('2026-07-01'))).toBe(184);
  });

  it('counts working days with the Chinese holiday calendar', () => {
    // Tuesday 30 June is the last working day of the first half; Monday 29 June one before it.
    expect(daysLeft(working, '2026-06-30', halfYearOf('2026-06-30'))).toBe(1);
    expect(daysLeft(working, '2026-06-27', halfYearOf('2026-06-27'))).toBe(2);
    expect(daysLeft(working, '2026-07-01', halfYearOf('2026-07-01'))).toBe(128);
    expect(daysLeft(working, '2026-08-01', halfYearOf('2026-03-01'))).toBe(0);
  });
});

describe('reminder days', () => {
  it('falls 30, 14 and 3 working days before the end, and on the first working day after it', () => {
    const h1 = halfYearOf('2026-03-02');
    expect([30, 14, 3].map((n) => reminderDay(working, h1, n))).toEqual(['2026-05-19', '2026-06-10', '2026-06-26']);
    for (const n of [30, 14, 3]) expect(daysLeft(working, reminderDay(working, h1, n) ?? '', h1)).toBe(n);
    expect(missedDay(working, h1)).toBe('2026-07-01');
    // 1 January is a holiday; 2027's first working day is Monday 4 January.
    expect(missedDay(working, halfYearOf('2026-12-01'))).toBe('2027-01-04');
  });

  it('in calendar days is the plain subtraction, and the missed day is the day after', () => {
    const h1 = halfYearOf('2028-03-01');
    expect([30, 14, 3].map((n) => reminderDay(EVERY_DAY, h1, n))).toEqual(['2028-06-01', '2028-06-17', '2028-06-28']);
    expect(missedDay(EVERY_DAY, h1)).toBe('2028-07-01');
    expect(missedDay(EVERY_DAY, halfYearOf('2026-12-01'))).toBe('2027-01-01');
  });

  it('a threshold longer than the period falls on its first day; shared days send the tightest only', () => {
    const h1 = halfYearOf('2026-03-02');
    expect(reminderDay(EVERY_DAY, h1, 200)).toBe('2026-01-01');
    expect(remindersDue(EVERY_DAY, [300, 200], '2026-01-01', halfYearOf)).toEqual([
      { period: { key: '2025-H2', start: '2025-07-01', end: '2025-12-31' }, kind: 'missed' },
      { period: h1, kind: 'before-200', days: 200 },
    ]);
  });

  it.each([
    ['2026-05-18', []],
    ['2026-05-19', ['2026-H1.before-30']],
    ['2026-06-10', ['2026-H1.before-14']],
    ['2026-06-25', []],
    ['2026-06-26', ['2026-H1.before-3']],
    ['2026-06-27', []],
    ['2026-06-30', []],
    ['2026-07-01', ['2026-H1.missed']],
    ['2026-07-02', []],
    ['2027-01-01', []],
    ['2027-01-04', ['2026-H2.missed']],
  ])('on %s the due reminders are %j', (today, expected) => {
    expect(remindersDue(working, rules.reminderDaysBeforePeriodEnd, today, halfYearOf).map((s) => `${s.period.key}.${s.kind}`)).toEqual(expected);
  });
});

describe('a link over the half-year boundary', () => {
  it('a visit on the last day counts for the half-year it ends, and no missed reminder follows', () => {
    const onJul1 = assessLink(working, rules, '2026-07-01', link, ['2026-06-30']);
    expect(onJul1.reminder).toBeUndefined();
    // Nothing was due on 1 July, so the status is the new half-year's, with nothing done yet.
    expect(onJul1.status).toMatchObject({ period: { key: '2026-H2' }, done: 0, satisfied: false });
    expect(onJul1.daysLeft).toBe(128);
  });

  it('a visit on the first day of the next half-year does not rescue the one before', () => {
    const a = assessLink(working, rules, '2026-07-01', link, ['2026-07-01']);
    expect(a.status).toMatchObject({ period: { key: '2026-H1' }, done: 0, missing: 1, satisfied: false });
    expect(a.reminder).toEqual({ slot: { period: halfYearOf('2026-06-30'), kind: 'missed' }, key: 'liaison.remind.2026-H1.missed.rf-works-01' });
  });

  it('reminds only a link still short, and says how many days are left', () => {
    const due = assessLink(working, rules, '2026-06-26', link, ['2025-12-30']);
    expect(due.reminder?.key).toBe('liaison.remind.2026-H1.before-3.rf-works-01');
    expect(due.daysLeft).toBe(3);
    expect(assessLink(working, rules, '2026-06-26', link, ['2026-01-05']).reminder).toBeUndefined();
    expect(assessLink(working, rules, '2026-06-25', link, []).reminder).toBeUndefined();
  });

  it('gives each official one reminder key per slot, the same every time', () => {
    const h1 = halfYearOf('2026-01-01');
    const keys = new Set([
      officialReminderKey(link.official, { period: h1, kind: 'before-30' }),
      officialReminderKey(link.official, { period: h1, kind: 'before-14' }),
      officialReminderKey(link.official, { period: h1, kind: 'missed' }),
      officialReminderKey(link.official, { period: halfYearOf('2026-07-01'), kind: 'before-30' }),
      officialReminderKey('rf-works-02', { period: h1, kind: 'before-30' }),
      // A code with a dot cannot pass for another official's key: the fixed-shape parts come first.
      officialReminderKey('before-30.rf-works-01', { period: h1, kind: 'missed' }),
      symposiumReminderKey('rf-works-01', { period: yearOf('2026-01-01'), kind: 'before-30' }),
    ]);
    expect(keys.size).toBe(7);
    expect(officialReminderKey(link.official, { period: h1, kind: 'before-30' })).toBe(officialReminderKey('rf-works-01', { period: halfYearOf('2026-06-30'), kind: 'before-30' }));
    expect(officialReminderKey(link.official, { period: h1, kind: 'before-30' })).toBe('liaison.remind.2026-H1.before-30.rf-works-01');
    for (const key of keys) expect(key).not.toContain(':');
  });

  it('two short links of one official point to the same reminder', () => {
    const other = { ...link, enterprise: '91410300MA40C00034' };
    const a = assessLink(working, rules, '2026-06-26', link, []);
    const b = assessLink(working, rules, '2026-06-26', other, []);
    expect(a.reminder?.key).toBe('liaison.remind.2026-H1.before-3.rf-works-01');
    expect(b.reminder?.key).toBe(a.reminder?.key);
  });
});

describe('rules', () => {
  it('a leadership member owes two visits a year, judged in the second half', () => {
    const h1 = halfYearOf('2026-03-02');
    const h2 = halfYearOf('2026-09-01');
    expect(linkStatus(rules, h1, tallyVisits(['2026-02-01'], h1), true)).toMatchObject({ satisfied: true, missing: 0 });
    expect(linkStatus(rules, h2, tallyVisits(['2026-09-01'], h2), true)).toMatchObject({ done: 1, yearRequired: 2, yearDone: 1, missing: 1, satisfied: false });
    expect(linkStatus(rules, h2, tallyVisits(['2026-02-01', '2026-09-01'], h2), true)).toMatchObject({ yearDone: 2, satisfied: true });
    expect(linkStatus(rules, h2, tallyVisits(['2026-02-01', '2026-03-01'], h2), true)).toMatchObject({ done: 0, missing: 1, satisfied: false });
    expect(linkStatus(rules, h2, tallyVisits(['2026-09-01'], h2), false)).toMatchObject({ satisfied: true });
    expect(linkStatus(rules, h2, tallyVisits(['2025-09-01', '2026-09-01'], h2), true).yearDone).toBe(1);
    expect(assessLink(working, rules, '2026-12-29', leader, ['2026-09-01']).reminder?.key).toBe('liaison.remind.2026-H2.before-3.rf-leader-01');
  });

  it('a rule of zero visits is always met', () => {
    expect(linkStatus({ ...rules, linkVisitsPerHalfYear: 0 }, halfYearOf('2026-03-02'), { halfYear: 0, year: 0 }, false).satisfied).toBe(true);
  });

  it('the leading group owes a symposium a year', () => {
    expect(symposiumStatus(rules, 0)).toEqual({ required: 1, held: 0, missing: 1, satisfied: false });
    expect(symposiumStatus(rules, 2)).toMatchObject({ missing: 0, satisfied: true });
  });

  it('officials of the province, city and county offices must hold a link (R(8) 省市县三级)', () => {
    expect(needsLink({ level: 'province', active: true })).toBe(true);
    expect(needsLink({ level: 'city', active: true })).toBe(true);
    expect(needsLink({ level: 'county', active: true })).toBe(true);
    expect(needsLink({ level: 'township', active: true })).toBe(false);
    expect(needsLink({ level: 'province', active: false })).toBe(false);
    expect(needsLink({ level: 'province', active: true, inspector: true })).toBe(false);
  });
});
