import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DomainError, ProfileError } from '../../src/domain/errors.ts';
import { formatPath, parseProfile, type Profile, type ProfileInput } from '../../src/domain/profile.ts';

function loadShipped(name: string): Profile {
  const text = readFileSync(new URL(`../../config/profiles/${name}.yaml`, import.meta.url), 'utf8');
  return parseProfile(parse(text));
}

/** A small valid profile; each test breaks one copy of it. */
function minimal(): ProfileInput {
  return {
    code: 'test-dept',
    name: { zh: '测试部门', en: 'Test department' },
    ticketPrefix: 'TD',
    units: [
      { code: 'office', name: { zh: '办公室', en: 'Office' }, kind: 'department' },
      { code: 'works', name: { zh: '工程处', en: 'Works' }, kind: 'department' },
      { code: 'discipline', name: { zh: '纪检组', en: 'Discipline' }, kind: 'discipline' },
    ],
    categories: [
      { code: 'approval', name: { zh: '审批', en: 'Approval' }, kind: 'request', lead: 'works', coUnits: ['office'], respondDays: 2, resolveDays: 15 },
      { code: 'gifts', name: { zh: '收礼', en: 'Gifts' }, kind: 'misconduct', lead: 'discipline', respondDays: 3, resolveDays: 30, clause: 'P-5' },
    ],
  };
}

/** Runs parseProfile and returns the ProfileError it must throw. */
function issuesOf(data: unknown): ProfileError {
  try {
    parseProfile(data);
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('parseProfile accepted an invalid profile');
}

const NEGATIVE_CLAUSES = ['P-1', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6', 'P-7', 'P-8', 'P-9'];

describe('shipped profiles', () => {
  it.each(['henan-rfb', 'henan-province'])('%s validates, and its misconduct leads to discipline', (name) => {
    const profile = loadShipped(name);
    expect(profile.code).toBe(name);
    const clauses = new Set(profile.categories.map((c) => c.clause));
    for (const clause of NEGATIVE_CLAUSES) expect(clauses.has(clause), clause).toBe(true);
    const kindOf = new Map(profile.units.map((u) => [u.code, u.kind]));
    for (const category of profile.categories.filter((c) => c.kind === 'misconduct')) {
      expect(kindOf.get(category.lead), category.code).toBe('discipline');
    }
    for (const clause of ['P-5', 'P-6', 'P-7', 'P-8']) {
      expect(profile.categories.find((c) => c.clause === clause)?.kind, clause).toBe('misconduct');
    }
    expect(profile.categories.find((c) => c.code === 'shadow-company')?.kind).toBe('misconduct');
  });

  it('henan-rfb has the civil-air-defence services and the RF prefix', () => {
    const profile = loadShipped('henan-rfb');
    expect(profile.ticketPrefix).toBe('RF');
    expect(profile.categories.map((c) => c.code)).toEqual(
      expect.arrayContaining([
        'project-approval', 'joint-approval', 'joint-drawing-review', 'joint-acceptance', 'works-quality',
        'protective-equipment', 'fees', 'qualification', 'peacetime-use', 'policy-question', 'suggestion', 'complaint',
      ]),
    );
    expect(profile.categories.find((c) => c.code === 'policy-question')).toMatchObject({ kind: 'consultation', respondDays: 1, resolveDays: 5 });
    expect(profile.rules).toEqual({
      maxTransfers: 2, rectifyDays: 15, ratingWindowDays: 3, linkVisitsPerHalfYear: 1, leadershipVisitsPerYear: 2,
      symposiumsPerYear: 1, reminderDaysBeforePeriodEnd: [30, 14, 3],
    });
  });

  it('henan-province has every annex item, lead first and co-units in the annex order', () => {
    const profile = loadShipped('henan-province');
    expect(profile.ticketPrefix).toBe('YU');
    const clauses = profile.categories.map((c) => c.clause);
    expect(clauses).toEqual([
      'P+1.1', 'P+1.2', 'P+2', 'P+3.1', 'P+3.2', 'P+4.1', 'P+4.2', 'P+4.3', 'P+4.4', 'P+4.5', 'P+5', 'P+6.1', 'P+6.2',
      'P+7', 'P+8.1', 'P+8.2', 'P+8.3', 'P+8.4', 'P+9.1', 'P+9.2',
      'P-1', 'P-2', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6', 'P-7', 'P-8', 'P-9',
    ]);
    const byClause = (clause: string) => profile.categories.find((c) => c.clause === clause);
    expect(byClause('P+1.1')).toMatchObject({ lead: 'publicity', coUnits: ['development-reform', 'industry-it', 'commerce', 'market-regulation', 'human-resources'] });
    expect(byClause('P+4.2')).toMatchObject({ lead: 'justice', coUnits: [] });
    expect(byClause('P-9')).toMatchObject({ kind: 'complaint', lead: 'development-reform', coUnits: ['industry-it', 'finance'] });
    expect(byClause('P-8')).toMatchObject({ lead: 'discipline', coUnits: ['high-court', 'procuratorate', 'public-security'] });
    expect(profile.units.find((u) => u.code === 'discipline')).toMatchObject({ kind: 'discipline', name: { zh: '省纪委监委' } });
  });
});

describe('parseProfile', () => {
  it('applies the rule and calendar defaults', () => {
    const profile = parseProfile(minimal());
    expect(profile.rules.maxTransfers).toBe(2);
    expect(profile.rules.rectifyDays).toBe(15);
    expect(profile.rules.reminderDaysBeforePeriodEnd).toEqual([30, 14, 3]);
    expect(profile.calendar).toEqual({ overrides: {} });
    expect(profile.categories[1]?.coUnits).toEqual([]);
  });

  it('keeps given rules and sorts reminder days, latest first', () => {
    const profile = parseProfile({ ...minimal(), rules: { maxTransfers: 1, reminderDaysBeforePeriodEnd: [3, 30] } });
    expect(profile.rules).toMatchObject({ maxTransfers: 1, ratingWindowDays: 3, reminderDaysBeforePeriodEnd: [30, 3] });
  });

  it('reports a dangling unit, a duplicate category and schema errors all at once, with paths', () => {
    const data = minimal();
    const [approval, gifts] = data.categories;
    if (!approval || !gifts) throw new Error('fixture changed');
    data.categories = [
      { ...approval, lead: 'xyz' },
      { ...gifts, name: { zh: '收礼', en: '' } },
      { ...approval, respondDays: 0 },
    ];
    const error = issuesOf(data);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('profile.invalid');
    expect(error.issues).toEqual([
      { path: 'categories[1].name.en', message: 'must not be empty' },
      { path: 'categories[2].respondDays', message: expect.stringMatching(/>=\s*1/) },
      { path: 'categories[0].lead', message: 'unknown unit "xyz"' },
      { path: 'categories[2].code', message: 'duplicate category "approval" (first at categories[0])' },
    ]);
    expect(error.message).toContain('categories[0].lead: unknown unit "xyz"');
  });

  it('names each unknown field by its own path', () => {
    const data = { ...minimal(), colour: 'red', units: [...minimal().units, { code: 'x', name: { zh: '某', en: 'X' }, kind: 'department', typo: 1 }] };
    expect(issuesOf(data).issues).toEqual([
      { path: 'units[3].typo', message: 'unknown field' },
      { path: 'colour', message: 'unknown field' },
    ]);
  });

  it('requires a discipline unit, and misconduct to lead to one', () => {
    const data = minimal();
    data.units = data.units.filter((u) => u.kind !== 'discipline');
    data.categories = data.categories.map((c) => (c.kind === 'misconduct' ? { ...c, lead: 'office' } : c));
    expect(issuesOf(data).issues).toEqual([
      { path: 'units', message: 'no unit of kind "discipline": misconduct reports need one' },
      { path: 'categories[1].lead', message: 'a misconduct category must lead to a discipline unit, "office" is a department unit' },
    ]);
  });

  it('rejects a co-unit that is the lead or listed twice, resolve before respond, a bad clause, duplicate units', () => {
    const data = minimal();
    data.units = [...data.units, { code: 'works', name: { zh: '又一个', en: 'Again' }, kind: 'department' }];
    data.categories = [{ code: 'a', name: { zh: '甲', en: 'A' }, kind: 'request', lead: 'works', coUnits: ['works', 'office', 'office'], respondDays: 5, resolveDays: 2, clause: 'X9' }, ...data.categories.slice(1)];
    expect(issuesOf(data).issues.map((i) => i.path)).toEqual([
      'categories[0].clause', 'units[3].code', 'categories[0].coUnits[0]', 'categories[0].coUnits[2]', 'categories[0].resolveDays',
    ]);
  });

  it('checks calendar overrides against their year', () => {
    const data = { ...minimal(), calendar: { overrides: { '2026': { holidays: ['2026-10-08', '2025-12-31'], workdays: ['2026-10-08'] } } } };
    expect(issuesOf(data).issues).toEqual([
      { path: 'calendar.overrides.2026.holidays[1]', message: '2025-12-31 is not in 2026' },
      { path: 'calendar.overrides.2026.workdays[0]', message: '2026-10-08 is also listed as a holiday' },
    ]);
  });

  it('says "required" for a missing field', () => {
    const { ticketPrefix: _dropped, ...data } = minimal();
    expect(issuesOf(data).issues).toEqual([{ path: 'ticketPrefix', message: 'required' }]);
  });

  it('reports a non-object document at the root', () => {
    expect(issuesOf('nope').issues).toEqual([{ path: '(root)', message: expect.stringContaining('expected object') }]);
  });

  it('formats paths with indexes in brackets', () => {
    expect(formatPath(['categories', 3, 'coUnits', 0])).toBe('categories[3].coUnits[0]');
    expect(formatPath([])).toBe('(root)');
  });
});
