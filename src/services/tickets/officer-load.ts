/**
 * Officers' open-ticket loads and last assignments, kept in Redis for routing. Counting them from the
 * tickets on every assignment made FerretDB read the whole collection each time; the counters move with
 * each committed change instead (see `commitTicket`), and are recounted from the tickets when missing
 * (a Redis without its data) and by the sweeper now and then, so a crash between a write and its count
 * only skews a tie-breaker for a while.
 */
import type { TicketDoc } from '../../db/models/index.ts';
import type { TicketContext } from './ticket-store.ts';
import { databaseKey } from '../../queue/redis.ts';

/** The statuses in which a ticket weighs on its assignee. */
export const OPEN_STATUSES: readonly TicketDoc['status'][] = ['assigned', 'accepted', 'reopened'];

/** Keys are per database: two deployments (or two test files) sharing one Redis never mix their counts. */
function keys(ctx: TicketContext): { load: string; last: string; counted: string } {
  return { load: databaseKey(ctx.db, 'officers', 'load'), last: databaseKey(ctx.db, 'officers', 'last-assigned'), counted: databaseKey(ctx.db, 'officers', 'counted-at') };
}

function weighsOn(ticket: Pick<TicketDoc, 'status' | 'assignee'>): string | undefined {
  return ticket.assignee && OPEN_STATUSES.includes(ticket.status) ? ticket.assignee : undefined;
}

/** Moves the counts from what a ticket was to what it became (either side may be nothing). */
export async function countChange(ctx: TicketContext, before: Pick<TicketDoc, 'status' | 'assignee'> | undefined, after: Pick<TicketDoc, 'status' | 'assignee'>): Promise<void> {
  const from = before ? weighsOn(before) : undefined;
  const to = weighsOn(after);
  if (from === to) return;
  const { load } = keys(ctx);
  const pipeline = ctx.redis.multi();
  if (from) pipeline.hincrby(load, from, -1);
  if (to) pipeline.hincrby(load, to, 1);
  await pipeline.exec();
}

/** Remembers when an officer last received a ticket: routing's tie-breaker. */
export async function markAssignedAt(ctx: TicketContext, code: string, at: Date): Promise<void> {
  await ctx.redis.hset(keys(ctx).last, code, String(at.getTime()));
}

/** Counts open tickets per assignee from the tickets themselves and replaces the counters. */
export async function recountLoads(ctx: TicketContext): Promise<number> {
  const counts = await ctx.db.models.Ticket.aggregate<{ _id: string; n: number }>([
    { $match: { status: { $in: [...OPEN_STATUSES] }, assignee: { $exists: true } } },
    { $group: { _id: '$assignee', n: { $sum: 1 } } },
  ]);
  const { load, counted } = keys(ctx);
  const pipeline = ctx.redis.multi().del(load);
  for (const { _id, n } of counts) if (_id) pipeline.hset(load, _id, String(n));
  // Marks the count as present even when nobody has open tickets (an empty hash does not exist in Redis).
  pipeline.set(counted, String(Date.now()));
  await pipeline.exec();
  return counts.length;
}

/** Whether the counters were last recounted longer ago than `maxAgeMs` (or never, or lost). */
export async function loadsOlderThan(ctx: TicketContext, maxAgeMs: number): Promise<boolean> {
  const at = Number(await ctx.redis.get(keys(ctx).counted));
  return !Number.isFinite(at) || at === 0 || Date.now() - at > maxAgeMs;
}

/** Open tickets and last assignment per officer code; recounts first when the counters are gone. */
export async function readLoads(ctx: TicketContext, codes: readonly string[]): Promise<Map<string, { open: number; lastAssignedAt?: Date }>> {
  const result = new Map<string, { open: number; lastAssignedAt?: Date }>();
  if (codes.length === 0) return result;
  const { load, last, counted } = keys(ctx);
  if (!(await ctx.redis.exists(counted))) await recountLoads(ctx);
  const [opens, lasts] = await Promise.all([ctx.redis.hmget(load, ...codes), ctx.redis.hmget(last, ...codes)]);
  codes.forEach((code, i) => {
    const at = Number(lasts[i]);
    result.set(code, { open: Math.max(0, Number(opens[i] ?? 0) || 0), ...(lasts[i] && Number.isFinite(at) ? { lastAssignedAt: new Date(at) } : {}) });
  });
  return result;
}
