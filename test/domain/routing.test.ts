import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DomainError } from '../../src/domain/errors.ts';
import { parseProfile, type Profile } from '../../src/domain/profile.ts';
import { excludeAccusedUnit, pickAssignee, routeCategory, type OfficerLoad } from '../../src/domain/routing.ts';

function loadShipped(name: string): Profile {
  return parseProfile(parse(readFileSync(new URL(`../../config/profiles/${name}.yaml`, import.meta.url), 'utf8')));
}

const rfb = loadShipped('henan-rfb');
const province = loadShipped('henan-province');

/** A profile whose misconduct category lists co-units, as a careless YAML edit might. */
const careless = parseProfile({
  code: 'careless',
  name: { zh: '测试', en: 'Test' },
  ticketPrefix: 'TT',
  units: [
    { code: 'office', name: { zh: '办公室', en: 'Office' }, kind: 'department' },
    { code: 'works', name: { zh: '工程处', en: 'Works' }, kind: 'department' },
    { code: 'discipline', name: { zh: '纪检组', en: 'Discipline' }, kind: 'discipline' },
    { code: 'leadership', name: { zh: '领导班子', en: 'Leadership' }, kind: 'leadership' },
  ],
  categories: [
    { code: 'gifts', name: { zh: '收礼', en: 'Gifts' }, kind: 'misconduct', lead: 'discipline', coUnits: ['works', 'office'], respondDays: 3, resolveDays: 30 },
    { code: 'complaint', name: { zh: '投诉', en: 'Complaint' }, kind: 'complaint', lead: 'office', coUnits: ['works', 'leadership'], respondDays: 1, resolveDays: 10 },
  ],
});

describe('routeCategory', () => {
  it('routes a service category to its lead and co-units', () => {
    const route = routeCategory(rfb, 'joint-acceptance');
    expect(route.category.code).toBe('joint-acceptance');
    expect(route.leadUnit.code).toBe('works');
    expect(route.coUnits.map((u) => u.code)).toEqual(['quality', 'equipment']);
    expect(route.discipline).toBe(false);
  });

  it('sends misconduct to discipline alone, whatever co-units the profile lists', () => {
    const route = routeCategory(careless, 'gifts');
    expect(route.leadUnit.code).toBe('discipline');
    expect(route.coUnits).toEqual([]);
    expect(route.discipline).toBe(true);

    const seizures = routeCategory(province, 'illegal-seizures');
    expect(province.categories.find((c) => c.code === 'illegal-seizures')?.coUnits).toHaveLength(3);
    expect(seizures.leadUnit.name.zh).toBe('省纪委监委');
    expect(seizures.coUnits).toEqual([]);
  });

  it.each(['shadow-company', 'gifts-banquets', 'market-interference', 'side-jobs-relatives', 'illegal-seizures'])(
    'routes %s to discipline in both shipped profiles',
    (code) => {
      for (const profile of [rfb, province]) {
        expect(routeCategory(profile, code)).toMatchObject({ leadUnit: { kind: 'discipline' }, coUnits: [], discipline: true });
      }
    },
  );

  it('never routes to the accused unit: dropped from co-units, replaced as lead', () => {
    expect(routeCategory(careless, 'complaint', 'works').coUnits.map((u) => u.code)).toEqual(['leadership']);
    const againstLead = routeCategory(careless, 'complaint', 'office');
    expect(againstLead.leadUnit.code).toBe('discipline');
    expect(againstLead.coUnits).toEqual([]);
    expect(againstLead.discipline).toBe(true);
    // A report about the discipline unit itself goes up to the leadership.
    expect(routeCategory(careless, 'gifts', 'discipline').leadUnit.code).toBe('leadership');
  });

  it('throws DomainError category.unknown for an unknown category', () => {
    let caught: unknown;
    try {
      routeCategory(rfb, 'no-such-thing');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'category.unknown', params: { category: 'no-such-thing', profile: 'henan-rfb' } });
  });
});

const at = (iso: string): Date => new Date(`${iso}T09:00:00+08:00`);

function officer(code: string, over: Partial<OfficerLoad> = {}): OfficerLoad {
  return { code, unit: 'works', active: true, openTickets: 0, ...over };
}

describe('pickAssignee', () => {
  const team = [
    officer('w1', { openTickets: 4, lastAssignedAt: at('2026-03-01') }),
    officer('w2', { openTickets: 1, lastAssignedAt: at('2026-03-02') }),
    officer('w3', { openTickets: 2, lastAssignedAt: at('2026-01-01') }),
    officer('o1', { unit: 'office', openTickets: 0 }),
  ];

  it('picks the chief service officer when active and in the lead unit, even if busier', () => {
    expect(pickAssignee(team, 'w1', 'works')?.code).toBe('w1');
  });

  it('passes over the chief officer when inactive or in another unit', () => {
    const inactive = team.map((o) => (o.code === 'w1' ? { ...o, active: false } : o));
    expect(pickAssignee(inactive, 'w1', 'works')?.code).toBe('w2');
    expect(pickAssignee(team, 'o1', 'works')?.code).toBe('w2');
    expect(pickAssignee(team, 'nobody', 'works')?.code).toBe('w2');
  });

  it('otherwise picks the least-loaded active officer of the lead unit', () => {
    expect(pickAssignee(team, undefined, 'works')?.code).toBe('w2');
    const w2Away = team.map((o) => (o.code === 'w2' ? { ...o, active: false } : o));
    expect(pickAssignee(w2Away, undefined, 'works')?.code).toBe('w3');
  });

  it('breaks a load tie by longest idle, never-assigned first, then by code', () => {
    const tied = [
      officer('b', { openTickets: 1, lastAssignedAt: at('2026-03-05') }),
      officer('a', { openTickets: 1, lastAssignedAt: at('2026-03-04') }),
    ];
    expect(pickAssignee(tied, undefined, 'works')?.code).toBe('a');
    expect(pickAssignee([...tied, officer('z', { openTickets: 1 })], undefined, 'works')?.code).toBe('z');
    expect(pickAssignee([officer('n2'), officer('n1')], undefined, 'works')?.code).toBe('n1');
  });

  it('returns undefined when the lead unit has no active officer', () => {
    expect(pickAssignee(team, undefined, 'discipline')).toBeUndefined();
  });

  it('never picks an officer of the accused unit, not even the chief officer', () => {
    const withDiscipline = [...team, officer('d1', { unit: 'discipline', openTickets: 9 })];
    const route = routeCategory(careless, 'gifts');
    expect(pickAssignee(withDiscipline, 'w2', route.leadUnit.code, 'works')?.code).toBe('d1');
    expect(pickAssignee(team, 'w2', 'works', 'works')).toBeUndefined();
  });

  it('excludeAccusedUnit drops only the accused unit', () => {
    expect(excludeAccusedUnit(team, 'works').map((o) => o.code)).toEqual(['o1']);
    expect(excludeAccusedUnit(team, undefined)).toHaveLength(4);
  });
});
