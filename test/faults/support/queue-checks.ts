/** What the queues hold for the stored tickets: the jobs a crash may have taken, and what the sweeper did. */
import { assignJob, deadlineJobs } from '../../../src/services/tickets/create-ticket.ts';
import { ticketsWithPendingOutbox } from '../../../src/services/tickets/ticket-store.ts';
import type { SweepResult } from '../../../src/workers/sweep.worker.ts';
import type { RecoverySummary } from '../../../src/workers/redis-recovery.ts';
import type { FaultContext } from './fault-servers.ts';

/** Tickets still `submitted` with no assign job, and tickets whose outbox was not flushed. */
export async function unqueuedTickets(ctx: FaultContext): Promise<{ jobless: string[]; unflushed: string[] }> {
  const submitted = await ctx.db.models.Ticket.find({ status: 'submitted' }, { _id: 1 }).lean<{ _id: string }[]>();
  const jobless: string[] = [];
  for (const { _id } of submitted) {
    if (!(await ctx.queues.tickets.getJob(assignJob(String(_id), 0).jobId))) jobless.push(String(_id));
  }
  return { jobless, unflushed: await ticketsWithPendingOutbox(ctx, new Date(), 1000) };
}

/** The numbers of tickets missing any of their deadline jobs (respond and resolve: remind at 75 %, escalate at 100 %). */
export async function ticketsWithoutDeadlineJobs(ctx: FaultContext): Promise<string[]> {
  const missing: string[] = [];
  for (const ticket of await ctx.db.models.Ticket.find({}, { number: 1, submittedAt: 1, deadlines: 1 }).lean()) {
    const id = String(ticket._id);
    const jobs = [...deadlineJobs(ctx, id, 'respond', ticket.submittedAt, ticket.deadlines.respondBy), ...deadlineJobs(ctx, id, 'resolve', ticket.submittedAt, ticket.deadlines.resolveBy)];
    const present = await Promise.all(jobs.map(async (job) => (await ctx.queues.sla.getJob(job.jobId)) !== undefined));
    if (present.includes(false)) missing.push(ticket.number);
  }
  return missing;
}

/** What the sweeps that finished since `at` report they did. */
export async function sweptSince(ctx: FaultContext, at: number): Promise<SweepResult & { runs: number; recovered: RecoverySummary }> {
  const sweeps = (await ctx.queues.maintenance.getJobs(['completed'], 0, -1)).filter((job) => (job.finishedOn ?? 0) >= at);
  const recovered: RecoverySummary = { assignJobs: 0, outboxes: 0, deadlineJobs: 0, notices: 0, heldChats: 0 };
  let flushed = 0;
  let requeued = 0;
  for (const job of sweeps) {
    const result = job.returnvalue as (SweepResult & { recovered?: RecoverySummary }) | null;
    flushed += result?.flushed ?? 0;
    requeued += result?.requeued ?? 0;
    for (const key of Object.keys(recovered) as (keyof RecoverySummary)[]) recovered[key] += result?.recovered?.[key] ?? 0;
  }
  return { runs: sweeps.length, flushed, requeued, recovered };
}

/**
 * Sets the sweep's period, once the worker has scheduled it: the same scheduler entry `startWorkers({ sweepEveryMs })`
 * writes (the `--role worker` process always asks for the default, 60 s).
 */
export async function setSweepPeriod(ctx: FaultContext, everyMs: number): Promise<void> {
  await ctx.queues.maintenance.upsertJobScheduler('sweep', { every: everyMs }, { name: 'sweep', data: { sweep: 'unqueued-tickets' } });
}
