/**
 * Routing: which unit is responsible for a submission, and which officer of it gets the ticket.
 * Pure functions over a validated profile and a snapshot of officers' loads; the assign worker supplies
 * the snapshot and records the result.
 */
import { DomainError } from './errors.ts';
import type { Category, Profile, Unit } from './profile.ts';

/** Where a submission of one category goes. */
export interface Route {
  category: Category;
  /** The unit that answers for the ticket and whose officer is assigned. */
  leadUnit: Unit;
  /** Units that contribute; never the accused unit, and none at all when discipline handles it. */
  coUnits: Unit[];
  /**
   * Handled under discipline-inspection rules: the reporter's identity is shown to the discipline unit
   * only, and escalations go to discipline rather than to a unit's own supervisor.
   */
  discipline: boolean;
}

/**
 * Routes a category of a profile.
 *
 * - A misconduct category goes to its discipline unit alone: co-units listed in the profile are dropped,
 *   since every unit told about a report is one more place the reporter can leak to the accused.
 * - `accusedUnit` (a report or complaint about a unit) is removed from the co-units; if it is the lead,
 *   the ticket goes to a discipline unit instead, else to the leadership, never to the accused itself.
 *
 * @throws {DomainError} `category.unknown` for a code the profile lacks; `routing.no-independent-unit` if
 *   every unit that could take the ticket is the accused one.
 */
export function routeCategory(profile: Profile, categoryCode: string, accusedUnit?: string): Route {
  const category = profile.categories.find((c) => c.code === categoryCode);
  if (!category) {
    throw new DomainError('category.unknown', `unknown category "${categoryCode}" in profile "${profile.code}"`, {
      category: categoryCode,
      profile: profile.code,
    });
  }
  let leadUnit = unitOf(profile, category.lead);
  // parseProfile already enforces this; the guard keeps hand-built profiles from sending a report to a department.
  if (category.kind === 'misconduct' && leadUnit.kind !== 'discipline') leadUnit = independentUnit(profile, leadUnit.code);
  if (leadUnit.code === accusedUnit) leadUnit = independentUnit(profile, accusedUnit);

  const discipline = category.kind === 'misconduct' || leadUnit.kind === 'discipline';
  const coUnits = discipline
    ? []
    : category.coUnits.filter((code) => code !== accusedUnit && code !== leadUnit.code).map((code) => unitOf(profile, code));
  return { category, leadUnit, coUnits, discipline };
}

/** The first unit, discipline before leadership, that is not the accused one. */
function independentUnit(profile: Profile, accusedUnit: string): Unit {
  for (const kind of ['discipline', 'leadership'] as const) {
    const unit = profile.units.find((u) => u.kind === kind && u.code !== accusedUnit);
    if (unit) return unit;
  }
  throw new DomainError('routing.no-independent-unit', `no unit of profile "${profile.code}" can take a report about "${accusedUnit}"`, {
    profile: profile.code,
    unit: accusedUnit,
  });
}

function unitOf(profile: Profile, code: string): Unit {
  const unit = profile.units.find((u) => u.code === code);
  // parseProfile guarantees references; this guards profiles built by hand in code.
  if (!unit) throw new DomainError('unit.unknown', `unknown unit "${code}" in profile "${profile.code}"`, { unit: code });
  return unit;
}

/** What the assigner needs to know about one officer. */
export interface OfficerLoad {
  code: string;
  unit: string;
  active: boolean;
  /** Tickets assigned to the officer and not yet resolved. */
  openTickets: number;
  /** When the officer last received a ticket; absent if never. */
  lastAssignedAt?: Date;
}

/**
 * Drops the officers of an accused unit. `pickAssignee` applies it itself; anything else that picks or
 * notifies officers for a ticket with an `accusedUnit` (supervisors, co-units) must apply it too.
 */
export function excludeAccusedUnit<T extends { unit: string }>(officers: readonly T[], accusedUnit: string | undefined): T[] {
  return accusedUnit === undefined ? [...officers] : officers.filter((o) => o.unit !== accusedUnit);
}

/**
 * Picks the officer for a ticket of `leadUnit` (from `routeCategory`):
 * 1. the enterprise's own chief service officer (首席服务员), if active and in the lead unit;
 * 2. otherwise the active officer of the lead unit with the fewest open tickets,
 *    then the longest idle (never assigned counts as idlest), then the smallest code, so a retry of the
 *    same job picks the same officer.
 *
 * No officer of `accusedUnit` is ever returned, not even the chief officer.
 * @returns `undefined` when the lead unit has no eligible officer; the caller escalates to a supervisor.
 */
export function pickAssignee<T extends OfficerLoad>(
  candidates: readonly T[],
  chiefOfficerCode: string | undefined,
  leadUnit: string,
  accusedUnit?: string,
): T | undefined {
  const eligible = excludeAccusedUnit(candidates, accusedUnit).filter((o) => o.active && o.unit === leadUnit);
  const chief = chiefOfficerCode === undefined ? undefined : eligible.find((o) => o.code === chiefOfficerCode);
  if (chief) return chief;
  return eligible.reduce<T | undefined>((best, o) => (best === undefined || compareLoad(o, best) < 0 ? o : best), undefined);
}

function compareLoad(a: OfficerLoad, b: OfficerLoad): number {
  return compare(a.openTickets, b.openTickets) || compare(idleSince(a), idleSince(b)) || compare(a.code, b.code);
}

function idleSince(o: OfficerLoad): number {
  const t = o.lastAssignedAt?.getTime();
  // An invalid date is treated like "never": better to give that officer work than to starve them.
  return t === undefined || Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Plain `<` comparison: code-unit order for strings, so the result does not depend on the locale. */
function compare<V extends number | string>(a: V, b: V): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
