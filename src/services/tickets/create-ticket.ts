/** 受理: an enterprise's submission becomes a ticket with a number, deadlines, a first event and an assign job. */
import { isDuplicateKey } from '../../db/duplicate-key.ts';
import mongoose from 'mongoose';
import { DomainError } from '../../domain/errors.ts';
import { routeCategory, type Route } from '../../domain/routing.ts';
import { GENESIS_HASH } from '../../domain/history-chain.ts';
import { planDeadline, deadlineJobId } from '../../domain/sla-plan.ts';
import { toShanghaiDate } from '../../domain/working-days.ts';
import type { EnterpriseDoc, TicketDoc } from '../../db/models/index.ts';
import type { AppContext } from '../../runtime/app.ts';
import { seal } from '../../shared/seal.ts';
import { withLock } from '../locks.ts';
import { insertTicket, loadTicket, type OutboxJob, type TicketRecord } from './ticket-store.ts';
import { MAX_TEXT, MIN_TEXT, submissionSchema, type SubmissionInput } from './submission.schema.ts';

export type TicketServiceContext = Pick<AppContext, 'db' | 'queues' | 'clock' | 'logger' | 'profile' | 'calendar' | 'redis'> & { dataKey?: Buffer | undefined };

/** What a sealed misconduct report keeps about its reporter. */
export interface SealedReporter {
  anonymous: boolean;
  enterprise: string;
  contact: string;
  replyTo: { platform: string; chatId: string };
}

/** Checks a free text the way every flow and the API do: trimmed, not empty, within bounds. */
export function checkText(text: string, min = 1, max = MAX_TEXT): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new DomainError('text.empty', 'text is empty');
  const length = [...trimmed].length;
  if (length < min) throw new DomainError('text.too-short', `text shorter than ${min}`, { min });
  if (length > max) throw new DomainError('text.too-long', `text longer than ${max}`, { max });
  return trimmed;
}

/** The next public ticket number of the year `now` falls in (Asia/Shanghai): `RF-2026-000123`. */
export async function nextNumber(ctx: TicketServiceContext, now: Date): Promise<string> {
  const year = toShanghaiDate(now).slice(0, 4);
  const key = `ticket:${ctx.profile.ticketPrefix}:${year}`;
  // FerretDB v1 may lose one of two concurrent increments (and does not retry a racing upsert): the lock
  // makes the increment the only writer of its counter.
  return withLock(ctx.redis, `qinqing:lock:counter:${key}`, async () => {
    const counter = await ctx.db.models.Counter.findOneAndUpdate({ _id: key }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    return `${ctx.profile.ticketPrefix}-${year}-${String(counter?.value ?? 0).padStart(6, '0')}`;
    // Every submission passes here: under a burst on a slow server the queue for it can be long.
  }, { waitMs: 30_000 });
}

/** The assign job of a ticket; `round` counts transfers so each routing is a job of its own. */
export function assignJob(ticketId: string, round: number): Extract<OutboxJob, { queue: 'tickets' }> {
  return { queue: 'tickets', name: 'assign', jobId: `assign.${ticketId}.${round}`, data: { ticketId } };
}

/** Deadline jobs for one span, with deterministic ids. */
export function deadlineJobs(ctx: Pick<TicketServiceContext, 'calendar'>, ticketId: string, kind: 'respond' | 'resolve' | 'rectify' | 'rating', start: Date, due: Date): OutboxJob[] {
  return planDeadline(ctx.calendar, kind, start, due).map((job) => ({
    queue: 'sla' as const,
    name: `${job.kind}-${job.step}`,
    jobId: deadlineJobId(ticketId, job),
    data: { ticketId, kind: job.kind, step: job.step, level: job.level, due: job.due.toISOString(), at: job.at.toISOString() },
    runAt: job.at,
  }));
}

/**
 * Creates a ticket. Everything is validated first; then one insert stores the ticket with its first
 * history event and its jobs in the outbox, so a crash never leaves a ticket without its assign job.
 */
export async function createTicket(
  ctx: TicketServiceContext,
  input: SubmissionInput,
  /** An idempotency key as the ticket's id (24 hex): the same id twice makes one ticket, returned both times. */
  options: { id?: string } = {},
): Promise<TicketRecord> {
  if (options.id) {
    const existing = await loadTicket(ctx, options.id);
    if (existing) return existing;
  }
  const submission = submissionSchema.parse(input);
  const text = checkText(submission.text, MIN_TEXT);
  const route = routeCategory(ctx.profile, submission.category, submission.accusedUnit);
  const enterprise = await ctx.db.models.Enterprise.findById(submission.enterprise).lean<EnterpriseDoc>();
  if (!enterprise) throw new DomainError('ticket.forbidden', `unknown enterprise ${submission.enterprise}`, { action: 'submit' });
  // Only an active contact speaks for the enterprise; a pending one waits for approval.
  const contact = /^[0-9a-f]{24}$/.test(submission.contact)
    ? await ctx.db.models.Contact.exists({ _id: submission.contact, enterprise: { $eq: enterprise.creditCode }, status: 'active' })
    : null;
  if (!contact) throw new DomainError('ticket.forbidden', `contact ${submission.contact} may not submit for ${enterprise.creditCode}`, { action: 'submit' });

  const misconduct = route.category.kind === 'misconduct';
  if (misconduct && !ctx.dataKey) throw new DomainError('config.no-data-key', 'DATA_KEY is not configured');
  const id = options.id ?? new mongoose.Types.ObjectId().toHexString();
  const who: Partial<TicketDoc> =
    misconduct && ctx.dataKey
      ? {
          // Nothing that could point at the reporter stays in clear: not the enterprise, nor its size.
          sealedReporter: seal(
            { anonymous: submission.anonymous, enterprise: enterprise.creditCode, contact: submission.contact, replyTo: submission.replyTo } satisfies SealedReporter,
            ctx.dataKey,
          ),
        }
      : { enterprise: enterprise.creditCode, contact: submission.contact, replyTo: submission.replyTo, ownership: enterprise.ownership, size: enterprise.size };
  const { ticket, jobs } = await newTicket(ctx, id, route, text, {
    ...who,
    anonymous: misconduct && submission.anonymous,
    attachments: submission.attachments.map((a) => ({ kind: a.kind, fileRef: a.fileRef, platform: a.platform, ...(a.fileName ? { fileName: a.fileName } : {}) })),
    ...(submission.accusedUnit ? { accusedUnit: submission.accusedUnit } : {}),
  });
  const actor = misconduct ? 'reporter' : `contact:${submission.contact}`;
  try {
    return await insertTicket(ctx, ticket, { actor, role: 'enterprise', action: 'submit', data: { category: route.category.code, unit: route.leadUnit.code, channel: submission.replyTo.platform } }, jobs);
  } catch (error) {
    // The same idempotency key raced in from two messages: the first insert stands (its number is used,
    // this one's stays unused).
    const winner = options.id && isDuplicateKey(error) ? await loadTicket(ctx, options.id) : undefined;
    if (winner) return winner;
    throw error;
  }
}

/**
 * A new ticket as every path creates it (an enterprise's submission, a problem found on a visit): a number,
 * deadlines in working days from now, the routing, and its first jobs (assign, deadlines).
 */
export async function newTicket(
  ctx: TicketServiceContext,
  id: string,
  route: Route,
  text: string,
  parties: Partial<TicketDoc> & { anonymous: boolean; attachments: TicketDoc['attachments'] },
): Promise<{ ticket: TicketRecord; jobs: OutboxJob[] }> {
  const now = ctx.clock.now();
  const respond = ctx.calendar.addWorkingDays(now, route.category.respondDays);
  const resolve = ctx.calendar.addWorkingDays(now, route.category.resolveDays);
  const ticket: TicketRecord = {
    ...parties,
    _id: id,
    number: await nextNumber(ctx, now),
    profile: ctx.profile.code,
    category: route.category.code,
    kind: route.category.kind,
    text,
    unit: route.leadUnit.code,
    coUnits: route.coUnits.map((u) => u.code),
    discipline: route.discipline,
    status: 'submitted',
    deadlines: { respondBy: respond.due, resolveBy: resolve.due, provisional: respond.provisional || resolve.provisional },
    escalationLevel: 0,
    overdue: false,
    transfers: 0,
    ratings: [],
    slaFired: [],
    rev: 0,
    historyHead: GENESIS_HASH,
    historySeq: 0,
    submittedAt: now,
    updatedAt: now,
  };
  const jobs = [assignJob(id, 0), ...deadlineJobs(ctx, id, 'respond', now, respond.due), ...deadlineJobs(ctx, id, 'resolve', now, resolve.due)];
  return { ticket, jobs };
}
