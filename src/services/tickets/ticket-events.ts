import { DomainError } from '../../domain/errors.ts';
import type { TicketServiceContext } from './create-ticket.ts';
import { commitTicket, loadTicket } from './ticket-store.ts';

/** Records a system fact (a notice held, delivered late) in a ticket's history, retrying on a concurrent change. */
export async function appendTicketEvent(ctx: TicketServiceContext, ticketId: string, event: { action: string; data: Record<string, unknown> }): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const ticket = await loadTicket(ctx, ticketId);
    if (!ticket) return;
    try {
      await commitTicket(ctx, ticket, { set: {}, event: { actor: 'system', role: 'system', ...event } });
      return;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'ticket.conflict') || attempt === 5) throw error;
    }
  }
}
