import { verifyChain, type ChainCheck } from '../../domain/history-chain.ts';
import type { HistoryEventDoc } from '../../db/models/index.ts';
import { findTicket } from './act.ts';
import type { TicketServiceContext } from './create-ticket.ts';

/**
 * Checks a ticket's whole history against the head the ticket records. Events still waiting in the
 * ticket's outbox count: they are committed, only not yet copied out.
 */
export async function verifyTicketHistory(ctx: TicketServiceContext, ref: string): Promise<{ number: string } & ChainCheck> {
  const ticket = await findTicket(ctx, ref);
  const stored = await ctx.db.models.HistoryEvent.find({ ticket: String(ticket._id) }).sort({ seq: 1 }).lean<HistoryEventDoc[]>();
  const raw = await ctx.db.connection.db?.collection<{ _id: string; outbox?: { kind: string; event?: HistoryEventDoc }[] }>('tickets').findOne({ _id: String(ticket._id) }, { projection: { outbox: 1 } });
  const pending = (raw?.outbox ?? []).flatMap((item) => (item.kind === 'history' && item.event ? [item.event] : []));
  const bySeq = new Map<number, HistoryEventDoc>();
  for (const event of [...pending, ...stored]) bySeq.set(event.seq, event);
  return { number: ticket.number, ...verifyChain([...bySeq.values()], { seq: ticket.historySeq, hash: ticket.historyHead }) };
}
