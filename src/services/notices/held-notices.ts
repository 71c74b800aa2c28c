import { noticeFromRecord } from './notice-record.ts';
import type { TicketServiceContext } from '../tickets/create-ticket.ts';

/** The set of chats with notices waiting, beside the queues (and so per deployment, and per test). */
function heldChatsKey(queues: Pick<TicketServiceContext['queues'], 'notify'>): string {
  return `${queues.notify.opts.prefix ?? 'bull'}:held-chats`;
}

/** Remembers that a chat has notices waiting, so a message from anyone else costs one Redis lookup. */
export async function markHeldChat(ctx: Pick<TicketServiceContext, 'queues' | 'redis'>, platform: string, chatId: string): Promise<void> {
  await ctx.redis.sadd(heldChatsKey(ctx.queues), `${platform}:${chatId}`);
}

/**
 * Queues again the notices held for a chat (the channel refused them earlier). Their dedupe keys stay the
 * same, so a notice that meanwhile went out is not sent twice.
 */
export async function redeliverHeldNotices(ctx: Pick<TicketServiceContext, 'db' | 'queues' | 'redis'>, platform: string, chatId: string): Promise<number> {
  // Forget the mark first: a notice held again meanwhile marks the chat again.
  if ((await ctx.redis.srem(heldChatsKey(ctx.queues), `${platform}:${chatId}`)) === 0) return 0;
  const held = await ctx.db.models.Notice.find({ status: 'held', platform: { $eq: platform }, chatId: { $eq: String(chatId) } }).limit(50).lean();
  for (const notice of held) {
    await ctx.queues.notify.add(notice.message.key, noticeFromRecord(notice), { jobId: `${notice.dedupeKey}.retry${notice.attempts}` });
  }
  return held.length;
}
