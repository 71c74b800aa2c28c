/**
 * After Redis restarts it may hold an older snapshot than the last writes (or nothing): jobs queued since
 * are gone — deadline jobs, and with them the reminders and escalations of those tickets, and notify
 * jobs. Redis's run id changes on every start; the sweeper compares it with the one it last saw (kept in
 * Redis itself, so a restored snapshot brings back the old one) and, when it changed, plans every open
 * ticket's deadline jobs again and queues again the notices recorded as on their way without a job. Job
 * ids are deterministic, the deadline worker acts once per id and the notify worker sends a dedupe key
 * once, so what was not lost is not doubled.
 */
import type { TicketRecord } from '../services/tickets/ticket-store.ts';
import { deadlineJobs, type TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { databaseKey } from '../queue/redis.ts';
import { requeueLostNotices } from '../services/notices/notice-queue.ts';
import { requeueUnqueuedTickets } from './sweep.worker.ts';

type Span = Parameters<typeof deadlineJobs>[2];

/** The deadline spans a ticket in this state still waits on, with when each began. */
function openSpans(ticket: TicketRecord): { kind: Span; start: Date; due: Date }[] {
  const { deadlines } = ticket;
  switch (ticket.status) {
    case 'submitted':
    case 'assigned':
      return [
        { kind: 'respond', start: ticket.submittedAt, due: deadlines.respondBy },
        { kind: 'resolve', start: ticket.submittedAt, due: deadlines.resolveBy },
      ];
    case 'accepted':
      return [{ kind: 'resolve', start: ticket.submittedAt, due: deadlines.resolveBy }];
    case 'reopened': {
      // Reopened by a bad rating: the rectification span starts with it.
      const start = ticket.ratings.at(-1)?.at ?? ticket.updatedAt;
      return deadlines.rectifyBy ? [{ kind: 'rectify', start, due: deadlines.rectifyBy }] : [];
    }
    case 'resolved':
      return deadlines.rateBy ? [{ kind: 'rating', start: ticket.resolvedAt ?? ticket.updatedAt, due: deadlines.rateBy }] : [];
    default:
      return [];
  }
}

export interface RecoverySummary {
  /** Unassigned tickets whose assign job was queued again, and outboxes flushed. */
  assignJobs: number;
  outboxes: number;
  /** Deadline jobs added again. */
  deadlineJobs: number;
  /** Notices queued again. */
  notices: number;
  /** Chats marked again as holding notices. */
  heldChats: number;
}

/** Puts back what Redis lost when it restarted since the last look; undefined when it did not. */
export async function recoverAfterRedisRestart(ctx: TicketServiceContext): Promise<RecoverySummary | undefined> {
  const runId = /run_id:(\w+)/.exec(await ctx.redis.info('server'))?.[1] ?? 'unknown';
  const key = databaseKey(ctx.db, 'redis-run-id');
  if ((await ctx.redis.get(key)) === runId) return undefined;
  // Nothing written before this moment is still on its way to Redis: no grace period is needed.
  const tickets = await requeueUnqueuedTickets(ctx, ctx.clock.now());
  const deadlineJobs = await replanDeadlineJobs(ctx);
  const { requeued, heldChats } = await requeueLostNotices(ctx);
  // Set last: a recovery cut short (Redis failing again) is run again in full by the next sweep.
  await ctx.redis.set(key, runId);
  const summary = { assignJobs: tickets.requeued, outboxes: tickets.flushed, deadlineJobs, notices: requeued, heldChats };
  if (tickets.requeued + tickets.flushed + deadlineJobs + requeued + heldChats > 0) ctx.logger.warn(summary, 'redis restarted: lost jobs queued again');
  return summary;
}

/** Adds every open ticket's deadline jobs that are neither done nor in Redis; returns how many. */
async function replanDeadlineJobs(ctx: TicketServiceContext): Promise<number> {
  const open = await ctx.db.models.Ticket.find({ status: { $in: ['submitted', 'assigned', 'accepted', 'reopened', 'resolved'] } }).lean<TicketRecord[]>();
  const now = ctx.clock.now().getTime();
  let added = 0;
  for (const ticket of open) {
    for (const span of openSpans(ticket)) {
      for (const job of deadlineJobs(ctx, String(ticket._id), span.kind, span.start, span.due)) {
        if (job.queue !== 'sla' || ticket.slaFired.includes(job.jobId)) continue;
        if (await ctx.queues.sla.getJob(job.jobId)) continue;
        await ctx.queues.sla.add(job.name, job.data, { jobId: job.jobId, delay: Math.max(0, (job.runAt?.getTime() ?? now) - now) });
        added += 1;
      }
    }
  }
  return added;
}
