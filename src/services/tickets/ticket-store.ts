/**
 * Writing tickets: every change is one conditional update of the ticket document that also sets the
 * history head and appends the change's effects (its history event, its jobs) to the ticket's outbox.
 * The outbox is then flushed — events inserted, jobs added with deterministic ids — and emptied. A crash
 * between the two leaves the outbox full, and the sweeper flushes it: nothing is lost and, because event
 * positions are unique and job ids deterministic, nothing is doubled.
 */
import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import type { JobsOptions } from 'bullmq';
import type { AppContext } from '../../runtime/app.ts';
import type { TicketDoc, HistoryEventDoc } from '../../db/models/index.ts';
import { hashEvent } from '../../domain/history-chain.ts';
import { DomainError } from '../../domain/errors.ts';
import { withLock } from '../locks.ts';
import { countChange } from './officer-load.ts';
import { recordQueuedNotices } from '../notices/notice-queue.ts';
import { onlyDuplicates } from '../../db/duplicate-key.ts';
import type { JobPayloads } from '../../queue/queues.ts';

export type TicketRecord = TicketDoc & { _id: string };

/** A job the change wants queued once it is stored. */
export type OutboxJob = {
  [Q in keyof JobPayloads]: { queue: Q; name: string; jobId: string; data: JobPayloads[Q]; runAt?: Date };
}[keyof JobPayloads];

/**
 * A job is kept as JSON text in the outbox: FerretDB v1 refuses nested arrays (button rows), and the
 * payload is only ever read back whole.
 */
type OutboxItem = { id: string; kind: 'history'; event: HistoryEventDoc } | { id: string; kind: 'job'; job: string };

function outboxItems(event: HistoryEventDoc, jobs: OutboxJob[]): OutboxItem[] {
  return [{ id: randomUUID(), kind: 'history', event }, ...jobs.map((job) => ({ id: randomUUID(), kind: 'job' as const, job: JSON.stringify(job) }))];
}

export interface EventInput {
  actor: string;
  role: string;
  action: string;
  reason?: string | undefined;
  data?: Record<string, unknown>;
}

export type TicketContext = Pick<AppContext, 'db' | 'queues' | 'clock' | 'logger' | 'redis'>;

/** The lock every writer of one ticket document holds (see `withLock`). */
function ticketLock<T>(ctx: TicketContext, ticketId: string, fn: () => Promise<T>): Promise<T> {
  return withLock(ctx.redis, `qinqing:lock:ticket:${ticketId}`, fn);
}

type StoredTicket = TicketRecord & { outbox: OutboxItem[] };

/** The driver's collection: outbox operations need exact array values, which mongoose would cast. */
function collection(ctx: TicketContext): mongo.Collection<StoredTicket> {
  const db = ctx.db.connection.db;
  if (!db) throw new Error('database not connected');
  return db.collection<StoredTicket>('tickets');
}

export async function loadTicket(ctx: TicketContext, id: string): Promise<TicketRecord | undefined> {
  const doc = await ctx.db.models.Ticket.findById(id).lean<TicketRecord>();
  return doc ?? undefined;
}

export async function loadTicketByNumber(ctx: TicketContext, number: string): Promise<TicketRecord | undefined> {
  // A number is matched as a plain string: a typed `{"$ne": null}` must never become an operator.
  const doc = await ctx.db.models.Ticket.findOne({ number: { $eq: String(number) } }).lean<TicketRecord>();
  return doc ?? undefined;
}

function historyEvent(ticket: TicketRecord, input: EventInput, at: Date, from: string, to: string): HistoryEventDoc {
  const base = {
    ticket: String(ticket._id),
    seq: ticket.historySeq + 1,
    at,
    actor: input.actor,
    role: input.role,
    action: input.action,
    ...(from !== to || input.action !== 'note' ? { from, to } : {}),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    data: input.data ?? {},
    prevHash: ticket.historyHead,
  };
  return { ...base, hash: hashEvent(base) };
}

/** Inserts a new ticket together with its first event and jobs in its outbox, then flushes. */
export async function insertTicket(ctx: TicketContext, ticket: TicketRecord, event: EventInput, jobs: OutboxJob[]): Promise<TicketRecord> {
  const first = historyEvent(ticket, event, ticket.submittedAt, '', ticket.status);
  const outbox = outboxItems(first, jobs);
  const stored: TicketRecord = { ...ticket, historyHead: first.hash, historySeq: first.seq };
  await collection(ctx).insertOne({ ...stored, outbox });
  await countChange(ctx, undefined, stored);
  await ticketLock(ctx, String(ticket._id), () => carryOut(ctx, String(ticket._id), outbox));
  return stored;
}

/**
 * Applies a change conditionally on the revision the caller read; throws `ticket.conflict` when someone
 * else changed the ticket first (the caller re-reads and decides again). Returns the ticket as stored,
 * computed from the change rather than read back: the update is top-level `$set`/`$unset` only.
 */
export async function commitTicket(
  ctx: TicketContext,
  ticket: TicketRecord,
  change: { set: Partial<TicketDoc>; unset?: (keyof TicketDoc)[]; event: EventInput; jobs?: OutboxJob[] },
): Promise<TicketRecord> {
  const now = ctx.clock.now();
  const to = change.set.status ?? ticket.status;
  const event = historyEvent(ticket, change.event, now, ticket.status, to);
  const outbox = outboxItems(event, change.jobs ?? []);
  const set = { ...change.set, historyHead: event.hash, historySeq: event.seq, updatedAt: now, rev: ticket.rev + 1 };
  const update: mongo.UpdateFilter<StoredTicket> = { $set: set, $push: { outbox: { $each: outbox } } };
  if (change.unset && change.unset.length > 0) update.$unset = Object.fromEntries(change.unset.map((k) => [k, '']));
  const id = String(ticket._id);
  const applied = await ticketLock(ctx, id, async () => {
    // Under the lock nobody else writes this ticket, so the filter on the revision cannot race whatever
    // the server's own isolation; the outbox is carried out before the lock is let go.
    const result = await collection(ctx).updateOne({ _id: ticket._id, rev: ticket.rev }, update);
    if (result.matchedCount !== 1) return false;
    await countChange(ctx, ticket, { status: to, assignee: 'assignee' in change.set ? change.set.assignee : change.unset?.includes('assignee') ? undefined : ticket.assignee });
    await carryOut(ctx, id, outbox);
    return true;
  });
  if (!applied) {
    throw new DomainError('ticket.conflict', `ticket ${ticket.number} changed since revision ${ticket.rev}`, { number: ticket.number });
  }
  const updated: TicketRecord = { ...ticket, ...set };
  for (const key of change.unset ?? []) delete updated[key];
  return updated;
}

/**
 * Carries out what a ticket's outbox holds, then removes exactly the items carried out. Safe to run
 * twice or concurrently: events have unique positions, jobs deterministic ids.
 */
export async function flushOutbox(ctx: TicketContext, ticketId: string): Promise<number> {
  return ticketLock(ctx, ticketId, () => flushLocked(ctx, ticketId));
}

async function flushLocked(ctx: TicketContext, ticketId: string): Promise<number> {
  const doc = await collection(ctx).findOne({ _id: ticketId }, { projection: { outbox: 1 } });
  const items = doc?.outbox ?? [];
  if (items.length === 0) return 0;
  await carryOut(ctx, ticketId, items);
  return items.length;
}

/** Inserts the items' events, adds their jobs, then removes exactly those items from the outbox. */
async function carryOut(ctx: TicketContext, ticketId: string, items: readonly OutboxItem[]): Promise<void> {
  const events = items.flatMap((item) => (item.kind === 'history' ? [{ ...item.event }] : []));
  if (events.length > 0) {
    try {
      // Unordered: an event already stored (a flush repeated after a crash) does not stop the others.
      await ctx.db.models.HistoryEvent.collection.insertMany(events, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  }
  const jobs = items.flatMap((item) => (item.kind === 'job' ? [JSON.parse(item.job) as OutboxJob] : []));
  // A notice's record goes first: once the outbox is emptied, it is all that is left if Redis loses the job.
  await recordQueuedNotices(ctx, jobs.flatMap((job) => (job.queue === 'notify' ? [job.data] : [])));
  await Promise.all(jobs.map((job) => addJob(ctx, job)));
  // $pullAll with the items exactly as stored: FerretDB v1 ignores $pull conditions, but matches whole values.
  await collection(ctx).updateOne({ _id: ticketId }, { $pullAll: { outbox: [...items] } });
}

async function addJob(ctx: TicketContext, job: OutboxJob): Promise<void> {
  const options: JobsOptions = { jobId: job.jobId };
  // runAt went through JSON: it is an ISO string here.
  if (job.runAt) options.delay = Math.max(0, new Date(job.runAt).getTime() - ctx.clock.now().getTime());
  // Each queue is typed by its payload; the union is narrowed by the queue name.
  switch (job.queue) {
    case 'tickets':
      await ctx.queues.tickets.add(job.name, job.data, options);
      break;
    case 'sla':
      await ctx.queues.sla.add(job.name, job.data, options);
      break;
    case 'notify':
      await ctx.queues.notify.add(job.name, job.data, options);
      break;
    case 'liaison':
      await ctx.queues.liaison.add(job.name, job.data, options);
      break;
    case 'reports':
      await ctx.queues.reports.add(job.name, job.data, options);
      break;
    case 'maintenance':
      await ctx.queues.maintenance.add(job.name, job.data, options);
      break;
  }
}

/** Tickets whose outbox was left full (a crash or an outage between write and flush). */
export async function ticketsWithPendingOutbox(ctx: TicketContext, olderThan: Date, limit = 500): Promise<string[]> {
  const docs = await collection(ctx)
    .find({ 'outbox.0': { $exists: true }, updatedAt: { $lte: olderThan } }, { projection: { _id: 1 } })
    .limit(limit)
    .toArray();
  return docs.map((d) => String(d._id));
}
