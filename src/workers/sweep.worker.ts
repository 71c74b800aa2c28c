/**
 * The sweeper: what a crash or an outage left half done is finished here. Tickets whose outbox was
 * not flushed are flushed; a ticket still `submitted` whose assign job is gone or failed gets it again.
 */
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { assignJob } from '../services/tickets/create-ticket.ts';
import { flushOutbox, ticketsWithPendingOutbox } from '../services/tickets/ticket-store.ts';
import { loadsOlderThan, recountLoads } from '../services/tickets/officer-load.ts';

/** Grace before a ticket counts as stuck: a healthy flush or assignment takes milliseconds. */
export const SWEEP_GRACE_MS = 30_000;

/** How often officers' open-ticket counters are recounted from the tickets. */
export const LOAD_RECOUNT_MS = 15 * 60_000;

export interface SweepResult {
  flushed: number;
  requeued: number;
}

export async function sweepUnqueuedTickets(ctx: TicketServiceContext): Promise<SweepResult> {
  const before = new Date(ctx.clock.now().getTime() - SWEEP_GRACE_MS);
  const result = await requeueUnqueuedTickets(ctx, before);
  // Officers' loads are counters moved by each change: recounted from the tickets now and then, so one
  // lost between a write and its count (a crash) skews routing for minutes, not for ever.
  if (await loadsOlderThan(ctx, LOAD_RECOUNT_MS)) await recountLoads(ctx);
  return result;
}

/**
 * Flushes the outboxes of tickets last written before `before`, and queues again the assign job of every
 * ticket submitted before it that is still unassigned and has no live job. The sweep waits a grace period
 * (a healthy change finishes in milliseconds); after a Redis restart nothing written before it is in flight.
 */
export async function requeueUnqueuedTickets(ctx: TicketServiceContext, before: Date): Promise<SweepResult> {
  let flushed = 0;
  for (const id of await ticketsWithPendingOutbox(ctx, before)) {
    if ((await flushOutbox(ctx, id)) > 0) flushed += 1;
  }
  let requeued = 0;
  const stuck = await ctx.db.models.Ticket.find({ status: 'submitted', submittedAt: { $lte: before } }, { _id: 1 }).limit(1000).lean<{ _id: string }[]>();
  for (const { _id } of stuck) {
    const job = assignJob(String(_id), 0);
    const existing = await ctx.queues.tickets.getJob(job.jobId);
    const state = existing ? await existing.getState() : 'missing';
    if (state === 'failed' && existing) {
      await existing.retry('failed');
      requeued += 1;
    } else if (state === 'missing' || state === 'unknown' || state === 'completed') {
      // A completed job with the ticket still submitted means its work was lost: remove it so the id is free.
      if (existing && state === 'completed') await existing.remove();
      await ctx.queues.tickets.add(job.name, job.data, { jobId: job.jobId });
      requeued += 1;
    }
  }
  return { flushed, requeued };
}
