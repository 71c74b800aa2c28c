/** The common shape of every ticket action: read, decide, commit; again on a concurrent change. */
import { DomainError } from '../../domain/errors.ts';
import { canView, decide, type Actor, type Decision, type TicketAction, type TicketFacts } from '../../domain/ticket-state.ts';
import { commitTicket, loadTicket, loadTicketByNumber, type EventInput, type OutboxJob, type TicketRecord } from './ticket-store.ts';
import type { TicketDoc } from '../../db/models/index.ts';
import { negativeListCategories, type Profile } from '../../domain/profile.ts';
import type { TicketServiceContext } from './create-ticket.ts';

/** What the state machine needs of a ticket; `profile` tells whether its category is on the negative list. */
export function factsOf(ticket: TicketRecord, profile: Pick<Profile, 'categories'>): TicketFacts {
  return {
    negativeList: negativeListCategories(profile).includes(ticket.category),
    status: ticket.status,
    unit: ticket.unit,
    assignee: ticket.assignee,
    enterprise: ticket.enterprise,
    discipline: ticket.discipline,
    transfers: ticket.transfers,
    extensionPending: ticket.extension?.status === 'pending',
    reopenedBefore: ticket.ratings.length > 0,
  };
}

export function actorId(actor: Actor): string {
  if (actor.kind === 'official') return actor.code;
  if (actor.kind === 'enterprise') return `contact:${actor.contact}`;
  return 'system';
}

/** How the history names the actor: a sealed report's reporter is never named, even by contact id. */
function historyActor(ticket: TicketRecord, actor: Actor): string {
  return ticket.sealedReporter && actor.kind === 'enterprise' ? 'reporter' : actorId(actor);
}

export interface ActionPlan {
  set: Partial<TicketDoc>;
  unset?: (keyof TicketDoc)[];
  event: Omit<EventInput, 'actor' | 'role' | 'action'> & { action?: string };
  /** Jobs, given the history position the change will take (for notice ids). */
  jobs?: (seq: number) => OutboxJob[];
}

/** Finds a ticket by its id or public number. */
export async function findTicket(ctx: TicketServiceContext, ref: string): Promise<TicketRecord> {
  const ticket = /^[0-9a-f]{24}$/.test(ref) ? await loadTicket(ctx, ref) : await loadTicketByNumber(ctx, ref);
  if (!ticket) throw new DomainError('ticket.not-found', `no ticket ${ref}`, { number: ref });
  return ticket;
}

/**
 * Runs an action: the state machine decides, `plan` says what changes, and the change is committed
 * conditionally. A concurrent change makes it read and decide again (at most three times).
 */
export async function act(
  ctx: TicketServiceContext,
  ref: string,
  actor: Actor,
  action: TicketAction,
  plan: (ticket: TicketRecord, decision: Decision) => Promise<ActionPlan> | ActionPlan,
  options: { bad?: boolean; facts?: (ticket: TicketRecord) => TicketFacts; /** The ticket as the caller just read it: saves the first read. */ ticket?: TicketRecord } = {},
): Promise<TicketRecord> {
  for (let attempt = 1; ; attempt++) {
    const ticket = attempt === 1 && options.ticket ? options.ticket : await findTicket(ctx, ref);
    const facts = options.facts ? options.facts(ticket) : factsOf(ticket, ctx.profile);
    // A ticket the actor may not even see is refused as if it did not exist: the refusal must not tell that
    // the number is in use (the admin API's scope answers the same).
    if (!canView(facts, actor)) throw new DomainError('ticket.not-found', `no ticket ${ref} visible to this actor`, { number: ticket.number });
    const decision = decide(facts, action, actor, { maxTransfers: ctx.profile.rules.maxTransfers, ...(options.bad !== undefined ? { bad: options.bad } : {}) });
    const p = await plan(ticket, decision);
    try {
      return await commitTicket(ctx, ticket, {
        set: { ...p.set, status: decision.to },
        ...(p.unset ? { unset: p.unset } : {}),
        event: { actor: historyActor(ticket, actor), role: decision.as, action: p.event.action ?? action, reason: p.event.reason, ...(p.event.data ? { data: p.event.data } : {}) },
        jobs: p.jobs ? p.jobs(ticket.historySeq + 1) : [],
      });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'ticket.conflict') || attempt >= 3) throw error;
    }
  }
}
