/** Discipline inspection's own acts on misconduct reports (P-1..P-9, S, R(22), R(23)). */
import { DomainError } from '../../domain/errors.ts';
import { rolesOn, type Actor } from '../../domain/ticket-state.ts';
import { unseal } from '../../shared/seal.ts';
import type { ContactDoc } from '../../db/models/index.ts';
import { act, factsOf, findTicket } from './act.ts';
import { checkText, type SealedReporter, type TicketServiceContext } from './create-ticket.ts';
import { enterpriseRecipient, notice } from './ticket-notices.ts';
import { commitTicket, type TicketRecord } from './ticket-store.ts';

/**
 * 澄清正名: a report found untrue is closed as `unfounded`, and the clearing of the official (or unit)
 * is recorded with the same care as a finding would be.
 */
export async function closeUnfounded(
  ctx: TicketServiceContext,
  ref: string,
  actor: Actor,
  conclusion: string,
  cleared: { official?: string; unit?: string } = {},
): Promise<TicketRecord> {
  const why = checkText(conclusion, 1, 2000);
  return act(ctx, ref, actor, 'close-unfounded', (ticket) => ({
    set: { outcome: 'unfounded', closedAt: ctx.clock.now(), respondedAt: ticket.respondedAt ?? ctx.clock.now(), result: why },
    event: { reason: why, data: { outcome: 'unfounded', cleared: { official: cleared.official ?? null, unit: cleared.unit ?? ticket.accusedUnit ?? null } } },
    jobs: (seq) => notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.unfounded', { number: ticket.number, reason: why }),
  }));
}

export type RevealedReporter =
  | { anonymous: true }
  | { anonymous: false; enterprise: { creditCode: string; name: string } | null; contact: { name: string; phone: string } | null };

/**
 * Opens a report's sealed identity for a discipline inspector. The read itself becomes a history event, so
 * every look at a whistle-blower's identity is on the record.
 */
export async function revealReporter(ctx: TicketServiceContext, ref: string, actor: Actor): Promise<RevealedReporter> {
  const ticket = await findTicket(ctx, ref);
  if (!ticket.sealedReporter || !rolesOn(factsOf(ticket, ctx.profile), actor).has('inspector')) {
    throw new DomainError('identity.forbidden', 'only discipline inspectors may read a reporter identity');
  }
  if (!ctx.dataKey) throw new DomainError('config.no-data-key', 'DATA_KEY is not configured');
  const sealed = unseal<SealedReporter>(ticket.sealedReporter, ctx.dataKey);
  await commitTicket(ctx, ticket, {
    set: {},
    event: { actor: actor.kind === 'official' ? actor.code : 'system', role: 'inspector', action: 'identity-read', data: { anonymous: sealed.anonymous } },
  });
  if (sealed.anonymous) return { anonymous: true };
  const [enterprise, contact] = await Promise.all([
    ctx.db.models.Enterprise.findOne({ creditCode: { $eq: sealed.enterprise } }).lean(),
    ctx.db.models.Contact.findById(sealed.contact).lean<ContactDoc>(),
  ]);
  return {
    anonymous: false,
    enterprise: enterprise ? { creditCode: enterprise.creditCode, name: enterprise.name } : null,
    contact: contact ? { name: contact.name, phone: contact.phone } : null,
  };
}
