/**
 * The bulk reads the liaison scan and digest share. Each collection is read at most once per run,
 * through a cursor, and nothing is read per link.
 *
 * Why visits are counted here and not with `$group`: FerretDB v1 (SQLite) answers every filter except
 * `{ _id }` by reading the whole collection, and its `$group` finds each document's group by a linear
 * search over the groups found so far (`groupMap.addOrAppend`), so grouping 50,000 visits by 10,000
 * links took minutes. Streaming the projected visits once and counting in a Map is linear.
 */
import { yearOf, type LinkTally, type Period } from '../../domain/liaison-cadence.ts';
import type { OfficialDoc } from '../../db/models/index.ts';
import type { TicketServiceContext } from '../tickets/create-ticket.ts';

type Ctx = Pick<TicketServiceContext, 'db'>;

/** What the scan needs of an official. */
export interface OfficialFacts {
  code: string;
  name: string;
  unit: string;
  level: string;
  active: boolean;
  leadership: boolean;
  supervisor: boolean;
  inspector: boolean;
}

/** Every official, by code (a department has thousands at most; links can be a hundred times more). */
export async function officialFacts(ctx: Ctx): Promise<Map<string, OfficialFacts>> {
  const docs = await ctx.db.models.Official.find({}, { code: 1, name: 1, unit: 1, level: 1, active: 1, roles: 1 }).lean<OfficialDoc[]>();
  return new Map(
    docs.map((o) => {
      const has = (role: string) => o.roles.includes(role as OfficialDoc['roles'][number]);
      return [o.code, { code: o.code, name: o.name, unit: o.unit, level: o.level, active: o.active, leadership: has('leadership'), supervisor: has('supervisor'), inspector: has('inspector') }];
    }),
  );
}

/** The key of a link in the counts: codes hold no space, so a space cannot make two links one. */
export function linkKey(official: string, enterprise: string): string {
  return `${official} ${enterprise}`;
}

/** Visits counted for one half-year. */
export interface VisitCounts {
  /** A link's visits in the half-year, and in its year up to the half-year's end. */
  tally(official: string, enterprise: string): LinkTally;
  /** Days with a symposium in the year up to the half-year's end (several leaders may record one). */
  symposiumDays: number;
  /** Visits read. */
  read: number;
}

const ZERO: LinkTally = { halfYear: 0, year: 0 };

/**
 * Reads the visits from the start of `period`'s year to its end once, and counts them per link: in the
 * half-year and in the year (the leadership's rule, R(2)), plus the year's symposium days. Memory holds
 * one entry per link visited, never the visits.
 */
export async function countVisits(ctx: Ctx, period: Period): Promise<VisitCounts> {
  const from = yearOf(period.start).start;
  const counts = new Map<string, LinkTally>();
  const symposiums = new Set<string>();
  let read = 0;
  const cursor = ctx.db.models.Visit.find({ date: { $gte: from, $lte: period.end } }, { _id: 0, official: 1, enterprise: 1, date: 1, form: 1 })
    .lean<{ official: string; enterprise: string; date: string; form: string }>()
    .cursor({ batchSize: 2000 });
  for await (const visit of cursor) {
    read += 1;
    if (visit.form === 'symposium') symposiums.add(visit.date);
    const key = linkKey(visit.official, visit.enterprise);
    const tally = counts.get(key) ?? { halfYear: 0, year: 0 };
    tally.year += 1;
    if (visit.date >= period.start) tally.halfYear += 1;
    counts.set(key, tally);
  }
  return { tally: (official, enterprise) => counts.get(linkKey(official, enterprise)) ?? ZERO, symposiumDays: symposiums.size, read };
}

/** Streams every link, `batch` at a time, in the order stored: bounded memory however many there are. */
export async function* linkBatches(ctx: Ctx, batch = 1000): AsyncGenerator<{ official: string; enterprise: string }[]> {
  const cursor = ctx.db.models.Link.find({}, { _id: 0, official: 1, enterprise: 1 }).lean<{ official: string; enterprise: string }>().cursor({ batchSize: batch });
  let items: { official: string; enterprise: string }[] = [];
  for await (const link of cursor) {
    items.push({ official: link.official, enterprise: link.enterprise });
    if (items.length >= batch) {
      yield items;
      items = [];
    }
  }
  if (items.length > 0) yield items;
}

/**
 * Every enterprise's name, read once. A lookup per batch of links (`$in`) would make FerretDB v1 read
 * the whole collection for each batch; one read and a Map of names is far cheaper.
 */
export async function enterpriseNames(ctx: Ctx): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const cursor = ctx.db.models.Enterprise.find({}, { _id: 0, creditCode: 1, name: 1 }).lean<{ creditCode: string; name: string }>().cursor({ batchSize: 2000 });
  for await (const enterprise of cursor) names.set(enterprise.creditCode, enterprise.name);
  return names;
}
