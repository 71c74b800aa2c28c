/**
 * What officials read about tickets: one ticket before they act on it, their own open tickets, and a
 * supervisor's overview of the unit. Read-only; every filter compares with `$eq`/`$in` on stored values,
 * so nothing a person typed can become a query operator.
 */
import type { EnterpriseDoc, OfficialDoc } from '../../db/models/index.ts';
import { DomainError } from '../../domain/errors.ts';
import type { DeadlineKind } from '../../domain/sla-plan.ts';
import { canView, isOpen, TICKET_STATUSES, type Actor, type TicketFacts, type TicketStatus } from '../../domain/ticket-state.ts';
import type { Text } from '../../i18n/index.ts';
import { factsOf, findTicket } from './act.ts';
import type { TicketServiceContext } from './create-ticket.ts';
import type { TicketRecord } from './ticket-store.ts';

const OPEN_STATUSES: TicketStatus[] = TICKET_STATUSES.filter(isOpen);
/** A day of tasks is never this long; the cap keeps one busy unit from making a huge read. */
const LIST_LIMIT = 200;

/** What an official is shown of a ticket, and what a flow needs to decide whether an action may start. */
export interface TicketBrief {
  number: string;
  category: string;
  categoryName: Text;
  unit: string;
  status: TicketStatus;
  discipline: boolean;
  /** A misconduct report: who reported it is sealed, and no enterprise is shown. */
  sealed: boolean;
  accusedUnit?: string;
  assignee?: string;
  transfers: number;
  /** The category's resolution span: the most working days one extension may add. */
  resolveDays: number;
  extension?: { days: number; reason: string; requestedBy: string; status: 'pending' | 'approved' | 'refused' };
  /** The deadline the ticket is working towards now. */
  due: { kind: DeadlineKind; at: Date };
  /** Flagged by an escalation, or its current deadline has passed. */
  overdue: boolean;
  /** The enterprise's name; undefined for a sealed report or an enterprise no longer in the directory. */
  enterpriseName?: string;
  /** The state machine's view, for checking an action before asking for its inputs. */
  facts: TicketFacts;
}

/**
 * The deadline a ticket is working towards: the response until someone responded, the rectification
 * while reopened, else the resolution.
 */
export function currentDeadline(ticket: Pick<TicketRecord, 'status' | 'respondedAt' | 'deadlines'>): { kind: DeadlineKind; at: Date } {
  if (ticket.status === 'reopened' && ticket.deadlines.rectifyBy) return { kind: 'rectify', at: new Date(ticket.deadlines.rectifyBy) };
  if (!ticket.respondedAt && (ticket.status === 'submitted' || ticket.status === 'assigned')) return { kind: 'respond', at: new Date(ticket.deadlines.respondBy) };
  return { kind: 'resolve', at: new Date(ticket.deadlines.resolveBy) };
}

function brief(ctx: TicketServiceContext, ticket: TicketRecord, names: ReadonlyMap<string, string>): TicketBrief {
  const category = ctx.profile.categories.find((c) => c.code === ticket.category);
  const due = currentDeadline(ticket);
  const enterpriseName = ticket.sealedReporter || !ticket.enterprise ? undefined : names.get(ticket.enterprise);
  const extension = ticket.extension;
  return {
    number: ticket.number,
    category: ticket.category,
    categoryName: category?.name ?? { zh: ticket.category, en: ticket.category },
    unit: ticket.unit,
    status: ticket.status,
    discipline: ticket.discipline,
    sealed: Boolean(ticket.sealedReporter),
    transfers: ticket.transfers,
    resolveDays: category?.resolveDays ?? 30,
    due,
    overdue: ticket.overdue || due.at.getTime() <= ctx.clock.now().getTime(),
    facts: factsOf(ticket, ctx.profile),
    ...(ticket.accusedUnit ? { accusedUnit: ticket.accusedUnit } : {}),
    ...(ticket.assignee ? { assignee: ticket.assignee } : {}),
    ...(extension ? { extension: { days: extension.days, reason: extension.reason, requestedBy: extension.requestedBy, status: extension.status } } : {}),
    ...(enterpriseName ? { enterpriseName } : {}),
  };
}

/** Names of the enterprises the tickets name in clear (sealed reports name none). */
async function enterpriseNames(ctx: TicketServiceContext, tickets: readonly TicketRecord[]): Promise<Map<string, string>> {
  const codes = [...new Set(tickets.flatMap((t) => (t.enterprise && !t.sealedReporter ? [t.enterprise] : [])))];
  if (codes.length === 0) return new Map();
  const docs = await ctx.db.models.Enterprise.find({ creditCode: { $in: codes } }).lean<EnterpriseDoc[]>();
  return new Map(docs.map((d) => [d.creditCode, d.name]));
}

async function briefs(ctx: TicketServiceContext, tickets: TicketRecord[]): Promise<TicketBrief[]> {
  const names = await enterpriseNames(ctx, tickets);
  return tickets.map((t) => brief(ctx, t, names)).sort((a, b) => a.due.at.getTime() - b.due.at.getTime() || a.number.localeCompare(b.number));
}

/**
 * One ticket as the actor may see it.
 * @throws {DomainError} `ticket.not-found` whether it does not exist or the actor has no role on it (a
 *   misconduct report is invisible to everyone but discipline inspection), as the admin API answers: nobody
 *   learns from the refusal that a number is in use.
 */
export async function ticketBrief(ctx: TicketServiceContext, number: string, actor: Actor): Promise<TicketBrief> {
  const ticket = await findTicket(ctx, number);
  if (!canView(factsOf(ticket, ctx.profile), actor)) throw new DomainError('ticket.not-found', `${number} is not visible to this actor`, { number });
  return brief(ctx, ticket, await enterpriseNames(ctx, [ticket]));
}

/** The official's open tickets, nearest deadline first. */
export async function officerTasks(ctx: TicketServiceContext, code: string): Promise<TicketBrief[]> {
  const tickets = await ctx.db.models.Ticket.find({ assignee: { $eq: code }, status: { $in: OPEN_STATUSES } })
    .sort({ 'deadlines.respondBy': 1 })
    .limit(LIST_LIMIT)
    .lean<TicketRecord[]>();
  return briefs(ctx, tickets);
}

/** The unit's open tickets that are overdue (flagged, or past their current deadline), nearest first. */
export async function unitOverdue(ctx: TicketServiceContext, unit: string): Promise<TicketBrief[]> {
  const now = ctx.clock.now();
  // A loose filter in the database (any deadline passed), the exact rule (the current deadline) after.
  const tickets = await ctx.db.models.Ticket.find({
    unit: { $eq: unit },
    status: { $in: OPEN_STATUSES },
    $or: [{ overdue: true }, { 'deadlines.respondBy': { $lte: now } }, { 'deadlines.resolveBy': { $lte: now } }, { 'deadlines.rectifyBy': { $lte: now } }],
  })
    .limit(LIST_LIMIT)
    .lean<TicketRecord[]>();
  return (await briefs(ctx, tickets)).filter((t) => t.overdue);
}

/** The unit's extension requests waiting for a decision, oldest deadline first. */
export async function pendingExtensions(ctx: TicketServiceContext, unit: string): Promise<TicketBrief[]> {
  const tickets = await ctx.db.models.Ticket.find({ unit: { $eq: unit }, status: { $in: OPEN_STATUSES }, 'extension.status': { $eq: 'pending' } })
    .limit(LIST_LIMIT)
    .lean<TicketRecord[]>();
  return briefs(ctx, tickets);
}

/** Officials' display names by code; an unknown code stands for itself. */
export async function officialNames(ctx: TicketServiceContext, codes: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  const docs = unique.length === 0 ? [] : await ctx.db.models.Official.find({ code: { $in: unique } }).lean<OfficialDoc[]>();
  const names = new Map(docs.map((d) => [d.code, d.name]));
  return new Map(unique.map((code) => [code, names.get(code) ?? code]));
}
