/**
 * The read side of tickets, access-checked: what an enterprise contact (or an official) may see, and the
 * short texts that show it. Every filter compares with `$eq` on a `String()`, so nothing a person typed
 * can become a query operator.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.ts';
import type { Profile } from '../../domain/profile.ts';
import { canView, TICKET_STATUSES, type Actor, type TicketFacts, type TicketStatus } from '../../domain/ticket-state.ts';
import { t, type Lang } from '../../i18n/index.ts';
import { excerpt, formatShanghai } from '../../shared/format.ts';
import { unseal } from '../../shared/seal.ts';
import { actorOf, type Identity } from '../identity.ts';
import { factsOf } from './act.ts';
import { createTicket, type SealedReporter, type TicketServiceContext } from './create-ticket.ts';
import type { SubmissionInput } from './submission.schema.ts';
import { loadTicket, loadTicketByNumber, type TicketRecord } from './ticket-store.ts';

/** Sealed reports are found by opening each seal, so only the recent ones are scanned. */
const SEALED_LOOKBACK_DAYS = 180;
const DAY_MS = 86_400_000;
const MAX_LIST = 100;

export interface ListOptions {
  /** Only tickets not yet closed (a resolved ticket still waits for the enterprise's rating). */
  open?: boolean;
  /** Only these statuses (combined with `open`). */
  statuses?: readonly TicketStatus[];
  /** At most this many, newest first (1–100). */
  limit: number;
}

/** The enterprise side of an identity, or undefined for anyone who does not act for an enterprise now. */
function enterpriseActor(identity: Identity): (Actor & { kind: 'enterprise' }) | undefined {
  const actor = actorOf(identity);
  return actor?.kind === 'enterprise' ? actor : undefined;
}

/** Whether a sealed report was made by `contact`. A seal that no longer opens (a rotated key) is nobody's. */
function sealedBy(ctx: TicketServiceContext, ticket: TicketRecord, contact: string): boolean {
  if (!ticket.sealedReporter || !ctx.dataKey) return false;
  try {
    return unseal<SealedReporter>(ticket.sealedReporter, ctx.dataKey).contact === contact;
  } catch {
    return false;
  }
}

function statusFilter(options: Pick<ListOptions, 'open' | 'statuses'>): { status?: { $in: TicketStatus[] } } {
  const wanted = TICKET_STATUSES.filter((s) => (options.statuses ?? TICKET_STATUSES).includes(s) && !(options.open && s === 'closed'));
  return wanted.length === TICKET_STATUSES.length ? {} : { status: { $in: wanted } };
}

/** Sealed reports of the last 180 days whose reporter is `contact`, newest first. */
async function sealedReportsOf(ctx: TicketServiceContext, contact: string, filter: object, limit: number): Promise<TicketRecord[]> {
  if (!ctx.dataKey) return [];
  const since = new Date(ctx.clock.now().getTime() - SEALED_LOOKBACK_DAYS * DAY_MS);
  const docs = await ctx.db.models.Ticket.find({ sealedReporter: { $exists: true }, submittedAt: { $gte: since }, ...filter })
    .sort({ submittedAt: -1 })
    .lean<TicketRecord[]>();
  return docs.filter((doc) => sealedBy(ctx, doc, contact)).slice(0, limit);
}

/**
 * The tickets an enterprise contact may follow, newest first: all of its enterprise's tickets, and the
 * misconduct reports this contact made (sealed, so found by opening recent seals, never by a clear field).
 * Anyone who is not an active contact gets an empty list.
 */
export async function listTicketsForContact(ctx: TicketServiceContext, identity: Identity, options: ListOptions): Promise<TicketRecord[]> {
  const actor = enterpriseActor(identity);
  if (!actor) return [];
  const limit = Math.min(Math.max(1, Math.trunc(options.limit)), MAX_LIST);
  const filter = statusFilter(options);
  const own = await ctx.db.models.Ticket.find({ enterprise: { $eq: String(actor.enterprise) }, ...filter })
    .sort({ submittedAt: -1 })
    .limit(limit)
    .lean<TicketRecord[]>();
  const sealed = await sealedReportsOf(ctx, actor.contact, filter, limit);
  return [...own, ...sealed].sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime()).slice(0, limit);
}

/**
 * The facts the viewer is judged on: a sealed report's reporter counts as its enterprise, which the report
 * does not carry in clear; nobody else of that enterprise does.
 */
function viewerFacts(ctx: TicketServiceContext, ticket: TicketRecord, actor: Actor): TicketFacts {
  const facts = factsOf(ticket, ctx.profile);
  return actor.kind === 'enterprise' && sealedBy(ctx, ticket, actor.contact) ? { ...facts, enterprise: actor.enterprise } : facts;
}

/** A typed ticket number as stored: trimmed, upper case, and cut so an error never echoes a novel back. */
export function normalizeTicketNumber(number: string): string {
  return String(number).normalize('NFKC').trim().toUpperCase().slice(0, 40);
}

/**
 * A ticket by its public number, if the viewer may see it.
 * @throws {DomainError} `ticket.not-found` also when it exists but the viewer may not see it: a stranger
 *   learns nothing, not even that the number is in use.
 */
export async function getTicketForViewer(ctx: TicketServiceContext, identity: Identity, number: string): Promise<TicketRecord> {
  const ref = normalizeTicketNumber(number);
  const actor = actorOf(identity);
  const ticket = actor && ref !== '' ? await loadTicketByNumber(ctx, ref) : undefined;
  if (!ticket || !actor || !canView(viewerFacts(ctx, ticket, actor), actor)) {
    throw new DomainError('ticket.not-found', `no ticket ${ref} visible to this viewer`, { number: ref });
  }
  return ticket;
}

/** The deadline that matters now, with its label: what the enterprise is waiting for. */
function currentDeadline(ticket: TicketRecord): { label: 'resolve' | 'rectify' | 'rate' | 'closed'; at: Date } | undefined {
  if (ticket.status === 'closed') return ticket.closedAt ? { label: 'closed', at: ticket.closedAt } : undefined;
  if (ticket.status === 'resolved' && ticket.deadlines.rateBy) return { label: 'rate', at: ticket.deadlines.rateBy };
  if (ticket.status === 'reopened' && ticket.deadlines.rectifyBy) return { label: 'rectify', at: ticket.deadlines.rectifyBy };
  return { label: 'resolve', at: ticket.deadlines.resolveBy };
}

function names(ticket: TicketRecord, lang: Lang, profile: Pick<Profile, 'categories' | 'units'>): { category: string; unit: string; state: string } {
  const pick = (text: { zh: string; en: string } | undefined, fallback: string) => (text ? (lang === 'en' ? text.en : text.zh) : fallback);
  return {
    category: pick(profile.categories.find((c) => c.code === ticket.category)?.name, ticket.category),
    unit: pick(profile.units.find((u) => u.code === ticket.unit)?.name, ticket.unit),
    state: t(lang, `ticket.status.${ticket.status}`),
  };
}

/** A ticket in a few lines: number, category, state in words, unit, the deadline that matters, the result if any. */
export function ticketSummary(ticket: TicketRecord, lang: Lang, profile: Pick<Profile, 'categories' | 'units'>): string {
  const lines = [t(lang, 'status.summary', { number: ticket.number, ...names(ticket, lang, profile) })];
  const deadline = currentDeadline(ticket);
  if (deadline) lines.push(t(lang, 'status.summary-deadline', { label: t(lang, `status.deadline.${deadline.label}`), at: formatShanghai(deadline.at) }));
  if (ticket.result) lines.push(t(lang, 'status.summary-result', { result: excerpt(ticket.result, 300) }));
  return lines.join('\n');
}

/** A ticket in one line, for lists: `RF-2026-000001 投诉｜办理中｜办公室｜办结时限 2026-03-16 17:00`. */
export function ticketLine(ticket: TicketRecord, lang: Lang, profile: Pick<Profile, 'categories' | 'units'>): string {
  const deadline = currentDeadline(ticket);
  const due = deadline ? t(lang, 'status.list-due', { label: t(lang, `status.deadline.${deadline.label}`), at: formatShanghai(deadline.at) }) : '';
  return t(lang, 'status.list-item', { number: ticket.number, ...names(ticket, lang, profile), due });
}

// --- Submitting once ------------------------------------------------------------------------------------

/** A draft's identity: a random key per flow session, and when the session began. */
export interface Draft {
  key: string;
  startedAt: Date;
}

export type SubmitOutcome = { kind: 'created' | 'existing'; ticket: TicketRecord };

/** The ticket id a draft always maps to: its idempotency key, in the 24-hex form ticket ids take. */
export function draftTicketId(draft: Pick<Draft, 'key'>): string {
  return createHash('sha256').update(`draft:${draft.key}`).digest('hex').slice(0, 24);
}

/**
 * Creates the draft's ticket unless it exists, so a double "确认" (two messages processed at once) makes one
 * ticket: the draft's key is the ticket's id, and the database refuses a second insert of it. A lookup by
 * `_id` is the one FerretDB v1 answers without reading the whole collection.
 */
export async function submitOnce(ctx: TicketServiceContext, draft: Draft, input: SubmissionInput): Promise<SubmitOutcome> {
  const id = draftTicketId(draft);
  const existing = await loadTicket(ctx, id);
  if (existing) return { kind: 'existing', ticket: existing };
  // A message that lost the race to insert gets the winner's ticket back from createTicket.
  return { kind: 'created', ticket: await createTicket(ctx, input, { id }) };
}
