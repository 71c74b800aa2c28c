/**
 * The ticket state machine: the one place that says which action moves a ticket from which state to
 * which, and who may take it. Services never set `status` themselves; they ask `decide`.
 *
 * submitted → assigned → accepted → resolved → closed; a transfer goes back to assigned; a bad rating
 * reopens a resolved ticket to the supervisor, whose rectification resolves it again. Overdue and the
 * escalation level are facts on the ticket, not states.
 */
import { DomainError } from './errors.ts';

export const TICKET_STATUSES = ['submitted', 'assigned', 'accepted', 'resolved', 'reopened', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_ACTIONS = [
  'assign',
  'accept',
  'progress',
  'transfer',
  'request-extension',
  'decide-extension',
  'reassign',
  'resolve',
  'rate',
  'expire-rating',
  'close-unfounded',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Who may act, as a role relative to the ticket. */
export type ActorRole = 'assignee' | 'supervisor' | 'leadership' | 'inspector' | 'enterprise' | 'system';

/** The acting party as the service resolved it. */
export type Actor =
  | { kind: 'official'; code: string; unit: string; roles: readonly string[] }
  | { kind: 'enterprise'; enterprise: string; contact: string }
  | { kind: 'system' };

/** The facts of a ticket the rules look at. */
export interface TicketFacts {
  status: TicketStatus;
  unit: string;
  assignee?: string | undefined;
  enterprise?: string | undefined;
  /** For a misconduct report: only discipline inspection may handle it. */
  discipline: boolean;
  /** A negative-list case (P-1…P-9): overseen by discipline inspection, who may see it. */
  negativeList?: boolean;
  transfers: number;
  extensionPending: boolean;
  /** A reopened ticket has had its one rectification round; the follow-up rating closes it. */
  reopenedBefore: boolean;
}

interface Rule {
  from: readonly TicketStatus[];
  /** `same` keeps the status (a note, a pending request). */
  to: TicketStatus | 'same';
  who: readonly ActorRole[];
}

const OFFICER_SIDE: readonly ActorRole[] = ['assignee', 'supervisor', 'leadership'];

/** The transition table. Rating and resolution outcomes that branch are settled in `decide`. */
export const TRANSITIONS: Readonly<Record<TicketAction, Rule>> = {
  assign: { from: ['submitted'], to: 'assigned', who: ['system'] },
  accept: { from: ['assigned'], to: 'accepted', who: OFFICER_SIDE },
  progress: { from: ['accepted', 'reopened'], to: 'same', who: OFFICER_SIDE },
  transfer: { from: ['assigned', 'accepted'], to: 'assigned', who: OFFICER_SIDE },
  'request-extension': { from: ['assigned', 'accepted', 'reopened'], to: 'same', who: ['assignee'] },
  'decide-extension': { from: ['assigned', 'accepted', 'reopened'], to: 'same', who: ['supervisor', 'leadership'] },
  reassign: { from: ['assigned', 'accepted', 'reopened'], to: 'assigned', who: ['supervisor', 'leadership'] },
  resolve: { from: ['accepted', 'reopened'], to: 'resolved', who: OFFICER_SIDE },
  rate: { from: ['resolved'], to: 'closed', who: ['enterprise'] },
  'expire-rating': { from: ['resolved'], to: 'closed', who: ['system'] },
  'close-unfounded': { from: ['assigned', 'accepted'], to: 'closed', who: ['inspector'] },
};

/** The roles an actor holds on this ticket. */
export function rolesOn(ticket: TicketFacts, actor: Actor): Set<ActorRole> {
  const roles = new Set<ActorRole>();
  if (actor.kind === 'system') roles.add('system');
  if (actor.kind === 'enterprise' && ticket.enterprise !== undefined && actor.enterprise === ticket.enterprise) roles.add('enterprise');
  if (actor.kind === 'official') {
    const inspector = actor.roles.includes('inspector');
    // A misconduct report belongs to discipline inspection alone: even the accused's own leadership
    // must not see or steer it.
    if (ticket.discipline && !inspector) return roles;
    if (ticket.assignee === actor.code) roles.add('assignee');
    if (actor.roles.includes('supervisor') && actor.unit === ticket.unit) roles.add('supervisor');
    if (actor.roles.includes('leadership') && !ticket.discipline) roles.add('leadership');
    // Discipline inspection oversees misconduct reports and the negative list, not every case.
    if (inspector && (ticket.discipline || ticket.negativeList === true)) roles.add('inspector');
  }
  return roles;
}

/** Whether the actor may see the ticket at all (the basis of every read). */
export function canView(ticket: TicketFacts, actor: Actor): boolean {
  if (actor.kind === 'system') return true;
  const roles = rolesOn(ticket, actor);
  return roles.size > 0;
}

export interface Decision {
  to: TicketStatus;
  /** The role under which the actor acted, for the history. */
  as: ActorRole;
}

/**
 * Decides an action: the next status and the role it was taken under.
 * @throws {DomainError} `ticket.illegal-transition` when the status does not allow it,
 *   `ticket.forbidden` when the actor may not take it, `ticket.transfer-limit`, `ticket.extension-pending`,
 *   `ticket.no-extension-pending`.
 */
export function decide(
  ticket: TicketFacts,
  action: TicketAction,
  actor: Actor,
  options: { maxTransfers?: number; bad?: boolean } = {},
): Decision {
  const rule = TRANSITIONS[action];
  const roles = rolesOn(ticket, actor);
  const as = rule.who.find((role) => roles.has(role));
  if (!as) throw new DomainError('ticket.forbidden', `${describe(actor)} may not ${action} this ticket`, { action });
  if (!rule.from.includes(ticket.status)) {
    throw new DomainError('ticket.illegal-transition', `cannot ${action} a ${ticket.status} ticket`, { action, status: ticket.status });
  }
  // Only a report of misconduct can be found untrue; an ordinary demand is answered with a result.
  if (action === 'close-unfounded' && !ticket.discipline) {
    throw new DomainError('ticket.illegal-transition', 'only a misconduct report can be closed as unfounded', { action, status: ticket.status });
  }
  if (action === 'transfer' && ticket.transfers >= (options.maxTransfers ?? 2)) {
    throw new DomainError('ticket.transfer-limit', `the ticket was transferred ${ticket.transfers} times already`, {
      transfers: ticket.transfers,
    });
  }
  if (action === 'request-extension' && ticket.extensionPending) {
    throw new DomainError('ticket.extension-pending', 'an extension request is already waiting for a decision');
  }
  if (action === 'decide-extension' && !ticket.extensionPending) {
    throw new DomainError('ticket.no-extension-pending', 'there is no extension request to decide');
  }
  // A bad first rating reopens the ticket for rectification; the follow-up (回访) rating closes it whatever it says.
  if (action === 'rate' && options.bad && !ticket.reopenedBefore) return { to: 'reopened', as };
  return { to: rule.to === 'same' ? ticket.status : rule.to, as };
}

/** Whether a ticket still needs work (for load counts and overdue lists). */
export function isOpen(status: TicketStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

function describe(actor: Actor): string {
  if (actor.kind === 'official') return `official ${actor.code}`;
  if (actor.kind === 'enterprise') return `a contact of ${actor.enterprise}`;
  return 'the system';
}
