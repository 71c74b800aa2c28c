/**
 * Which tickets a caller of the admin API may see, as one database filter, and what of a ticket they are
 * shown. The same filter serves lists, details and actions, so a ticket outside it is "not found" to the
 * caller on every route: nobody learns a number is in use from a 403.
 */
import type { EnterpriseDoc, HistoryEventDoc, OfficialDoc } from '../../db/models/index.ts';
import { DomainError } from '../../domain/errors.ts';
import { canView, isOpen, TICKET_STATUSES, type Actor, type TicketStatus } from '../../domain/ticket-state.ts';
import { negativeListCategories } from '../../domain/profile.ts';
import { factsOf } from '../../services/tickets/act.ts';
import { currentDeadline } from '../../services/tickets/officer-queries.ts';
import { normalizeTicketNumber } from '../../services/tickets/ticket-queries.ts';
import type { TicketRecord } from '../../services/tickets/ticket-store.ts';
import type { Principal } from './auth.ts';
import type { AdminDeps } from './context.ts';

export type OfficialActor = Actor & { kind: 'official' };
type Filter = Record<string, unknown>;

/** The tickets a caller may see, and the official they act as when the key is bound to one. */
export interface TicketScope {
  filter: Filter;
  actor?: OfficialActor;
}

export const OPEN_STATUSES: TicketStatus[] = TICKET_STATUSES.filter(isOpen);

/**
 * The official a key is bound to, as the state machine sees them. The official must still be active and,
 * for a supervisor or inspector key, still hold that role: a demotion takes effect on the next request.
 */
export async function boundActor(deps: AdminDeps, principal: Principal): Promise<OfficialActor> {
  const code = principal.official;
  if (!code) throw new DomainError('apikey.no-official', `key ${principal.id} is not bound to an official`);
  const official = await deps.db.models.Official.findOne({ code: { $eq: code } }).lean<OfficialDoc>();
  const needs = principal.role === 'supervisor' || principal.role === 'inspector' ? principal.role : undefined;
  if (!official || !official.active || (needs && !official.roles.includes(needs))) {
    throw new DomainError('apikey.official', `official ${code} cannot act for key ${principal.id}`, { official: code, role: principal.role });
  }
  return { kind: 'official', code: official.code, unit: official.unit, roles: official.roles };
}

/**
 * The caller's scope: everything for admins and auditors, the unit for supervisors, misconduct reports and
 * the negative list for inspectors (what the state machine lets them see in chat too).
 */
export async function ticketScope(deps: AdminDeps, principal: Principal): Promise<TicketScope> {
  if (principal.role === 'admin' || principal.role === 'auditor') return { filter: {} };
  const actor = await boundActor(deps, principal);
  if (principal.role === 'inspector') return { filter: { $or: [{ discipline: true }, { category: { $in: negativeListCategories(deps.profile) } }] }, actor };
  // A supervisor: its unit's tickets and any assigned to it; misconduct reports only if it also inspects
  // (the state machine hides them from everyone else, even the accused unit's own supervisor).
  const units = [{ unit: { $eq: actor.unit } }, { assignee: { $eq: actor.code } }];
  return { filter: { $or: units, ...(actor.roles.includes('inspector') ? {} : { discipline: false }) }, actor };
}

/** Both filters at once; `$and` because each may carry its own `$or`. */
export function within(scope: TicketScope, filter: Filter): Filter {
  const parts = [scope.filter, filter].filter((f) => Object.keys(f).length > 0);
  return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] ?? {}) : { $and: parts };
}

/**
 * Open tickets past the deadline they are working towards (the rule of `currentDeadline`), or flagged by
 * an escalation: exact in the database, so pages and counts agree.
 */
export function overdueFilter(now: Date): Filter {
  const past = { $lte: now };
  return {
    status: { $in: OPEN_STATUSES },
    $or: [
      { overdue: true },
      { status: 'reopened', 'deadlines.rectifyBy': past },
      { status: 'reopened', 'deadlines.rectifyBy': { $exists: false }, 'deadlines.resolveBy': past },
      { status: { $in: ['submitted', 'assigned'] }, respondedAt: { $exists: false }, 'deadlines.respondBy': past },
      { status: { $in: ['submitted', 'assigned'] }, respondedAt: { $exists: true }, 'deadlines.resolveBy': past },
      { status: 'accepted', 'deadlines.resolveBy': past },
    ],
  };
}

/**
 * A ticket by number if the caller may see it.
 * @throws {DomainError} `ticket.not-found` whether it does not exist or lies outside the caller's scope.
 */
export async function findVisibleTicket(deps: AdminDeps, principal: Principal, number: string): Promise<{ ticket: TicketRecord; scope: TicketScope }> {
  const scope = await ticketScope(deps, principal);
  const ref = normalizeTicketNumber(number);
  const ticket = await deps.db.models.Ticket.findOne(within(scope, { number: { $eq: ref } })).lean<TicketRecord>();
  // The state machine has the last word on sight, whatever the filter says.
  if (!ticket || (scope.actor && !canView(factsOf(ticket, deps.profile), scope.actor))) {
    throw new DomainError('ticket.not-found', `no ticket ${ref} visible to key ${principal.id}`, { number: ref });
  }
  return { ticket, scope };
}

/** Names of the enterprises the tickets name in clear (sealed reports name none). */
export async function enterpriseNames(deps: AdminDeps, tickets: readonly TicketRecord[]): Promise<Map<string, string>> {
  const codes = [...new Set(tickets.flatMap((t) => (t.enterprise && !t.sealedReporter ? [t.enterprise] : [])))];
  if (codes.length === 0) return new Map();
  const docs = await deps.db.models.Enterprise.find({ creditCode: { $in: codes } }).lean<EnterpriseDoc[]>();
  return new Map(docs.map((d) => [d.creditCode, d.name]));
}

/** A ticket in a list: never the sealed identity, the reply chat, or the contact. */
export function ticketItem(ticket: TicketRecord, now: Date, names: ReadonlyMap<string, string>) {
  const due = currentDeadline(ticket);
  const sealed = Boolean(ticket.sealedReporter);
  const enterprise = !sealed && ticket.enterprise ? { creditCode: ticket.enterprise, name: names.get(ticket.enterprise) ?? null } : null;
  return {
    number: ticket.number,
    category: ticket.category,
    kind: ticket.kind,
    unit: ticket.unit,
    coUnits: ticket.coUnits,
    discipline: ticket.discipline,
    sealed,
    anonymous: ticket.anonymous,
    accusedUnit: ticket.accusedUnit ?? null,
    enterprise,
    assignee: ticket.assignee ?? null,
    status: ticket.status,
    due,
    overdue: isOpen(ticket.status) && (ticket.overdue || due.at.getTime() <= now.getTime()),
    escalationLevel: ticket.escalationLevel,
    transfers: ticket.transfers,
    submittedAt: ticket.submittedAt,
    updatedAt: ticket.updatedAt,
  };
}

/** A ticket with its text, outcome and whole history. */
export function ticketDetail(ticket: TicketRecord, now: Date, names: ReadonlyMap<string, string>, history: readonly HistoryEventDoc[]) {
  return {
    ...ticketItem(ticket, now, names),
    text: ticket.text,
    // Kinds and names only: the platform's file references are the bot's business.
    attachments: ticket.attachments.map((a) => ({ kind: a.kind, platform: a.platform, fileName: a.fileName ?? null })),
    deadlines: ticket.deadlines,
    extension: ticket.extension ?? null,
    result: ticket.result ?? null,
    outcome: ticket.outcome ?? null,
    ratings: ticket.ratings,
    assignedAt: ticket.assignedAt ?? null,
    respondedAt: ticket.respondedAt ?? null,
    resolvedAt: ticket.resolvedAt ?? null,
    closedAt: ticket.closedAt ?? null,
    history: history.map((e) => ({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      role: e.role,
      action: e.action,
      from: e.from ?? null,
      to: e.to ?? null,
      reason: e.reason ?? null,
      data: e.data,
    })),
  };
}
