/**
 * R(2) 建立调研反馈交办机制: a problem an enterprise raises on a visit goes into the ledger (台账) as a
 * ticket of the `visit-issue` category, numbered, with deadlines and an assign job like any other. The
 * official writes it, not a contact, so `createTicket`'s contact check does not apply; the enterprise is
 * still told, through its active contact when it has one.
 */
import { isDuplicateKey } from '../../db/duplicate-key.ts';
import { DomainError } from '../../domain/errors.ts';
import { routeCategory } from '../../domain/routing.ts';
import type { ContactDoc, EnterpriseDoc } from '../../db/models/index.ts';
import { excerpt } from '../../shared/format.ts';
import { checkText, newTicket, type TicketServiceContext } from '../tickets/create-ticket.ts';
import { MAX_TEXT } from '../tickets/submission.schema.ts';
import { enterpriseRecipient, notice } from '../tickets/ticket-notices.ts';
import { flushOutbox, insertTicket, loadTicket, type TicketRecord } from '../tickets/ticket-store.ts';

/** The profile category of problems found on visits. */
export const VISIT_ISSUE_CATEGORY = 'visit-issue';

/** A problem is short by nature ("审批慢"), but a single character says nothing. */
export const MIN_PROBLEM = 2;

export interface VisitTicketInput {
  /** The id the ticket gets: chosen with the visit, so writing it twice finds the first one. */
  ticketId: string;
  visitId: string;
  /** The visiting official's code and name (the name goes into the enterprise's notice). */
  official: { code: string; name: string };
  enterprise: string;
  text: string;
}

/** The contact who speaks for the enterprise: its earliest active one. */
async function activeContact(ctx: TicketServiceContext, enterprise: string): Promise<string | undefined> {
  const contact = await ctx.db.models.Contact.findOne({ enterprise: { $eq: enterprise }, status: 'active' })
    .sort({ _id: 1 })
    .lean<ContactDoc & { _id: unknown }>();
  return contact ? String(contact._id) : undefined;
}

/**
 * Writes the ticket for one problem of a visit, through the same store, numbering, deadlines and assign
 * job as an enterprise's submission. Idempotent on `ticketId`: a ticket already written is returned
 * (its outbox flushed again, which is harmless), and no number is spent on it.
 */
export async function createTicketFromVisit(ctx: TicketServiceContext, input: VisitTicketInput): Promise<TicketRecord> {
  const existing = await loadTicket(ctx, input.ticketId);
  if (existing) {
    await flushOutbox(ctx, input.ticketId);
    return existing;
  }
  const text = checkText(input.text, MIN_PROBLEM, MAX_TEXT);
  const route = routeCategory(ctx.profile, VISIT_ISSUE_CATEGORY);
  const enterprise = await ctx.db.models.Enterprise.findOne({ creditCode: { $eq: input.enterprise } }).lean<EnterpriseDoc>();
  if (!enterprise) throw new DomainError('visit.unknown-enterprise', `unknown enterprise ${input.enterprise}`, { enterprise: input.enterprise });
  const contact = await activeContact(ctx, enterprise.creditCode);

  const { ticket, jobs: first } = await newTicket(ctx, input.ticketId, route, text, {
    enterprise: enterprise.creditCode,
    ...(contact ? { contact } : {}),
    ownership: enterprise.ownership,
    size: enterprise.size,
    anonymous: false,
    attachments: [],
  });
  const number = ticket.number;
  // The first event takes position 1: the enterprise's notice is caused by it.
  const told = notice(ticket, 1, enterpriseRecipient(ticket), 'liaison.notice.visit-issue', { officer: input.official.name, number, text: excerpt(text, 300) });
  const jobs = [...first, ...told];
  const event = { actor: input.official.code, role: 'official', action: 'submit', data: { category: route.category.code, unit: route.leadUnit.code, channel: 'visit', visit: input.visitId } };
  try {
    return await insertTicket(ctx, ticket, event, jobs);
  } catch (error) {
    // Two writers of the same visit raced: the other one's ticket stands (this number stays unused).
    if (!isDuplicateKey(error)) throw error;
    const winner = await loadTicket(ctx, input.ticketId);
    if (!winner) throw error;
    return winner;
  }
}
