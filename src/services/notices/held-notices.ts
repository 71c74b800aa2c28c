import type { NoticeJob } from '../../queue/notice.ts';
import type { TicketServiceContext } from '../tickets/create-ticket.ts';

/**
 * Queues again the notices held for a chat (the channel refused them earlier). Their dedupe keys stay the
 * same, so a notice that meanwhile went out is not sent twice.
 */
export async function redeliverHeldNotices(ctx: Pick<TicketServiceContext, 'db' | 'queues'>, platform: string, chatId: string): Promise<number> {
  const held = await ctx.db.models.Notice.find({ status: 'held', platform: { $eq: platform }, chatId: { $eq: String(chatId) } }).limit(50).lean();
  for (const notice of held) {
    const job: NoticeJob = {
      recipient: { kind: notice.recipient.kind as NoticeJob['recipient']['kind'], ref: notice.recipient.ref },
      message: { key: notice.message.key, params: notice.message.params as NoticeJob['message']['params'] },
      dedupeKey: notice.dedupeKey,
      ...(notice.buttons ? { buttons: JSON.parse(notice.buttons) as NoticeJob['buttons'] } : {}),
      ...(notice.ticket ? { ticketId: notice.ticket } : {}),
    };
    await ctx.queues.notify.add(notice.message.key, job, { jobId: `${notice.dedupeKey}.retry${notice.attempts}` });
  }
  return held.length;
}
