/** The notify job: deliver a notice once, through the recipient's channel, and record what happened. */
import { isDuplicateKey } from '../db/duplicate-key.ts';
import type { NoticeJob } from '../queue/notice.ts';
import type { NoticeDoc } from '../db/models/index.ts';
import type { OutboundMessage, PlatformName, SendResult } from '../platforms/types.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { renderNotice } from '../services/notices/render-notice.ts';
import { resolveRecipient, type ResolvedChat } from '../services/notices/recipients.ts';
import { appendTicketEvent } from '../services/tickets/ticket-events.ts';
import { markHeldChat } from '../services/notices/held-notices.ts';
import { recordFields } from '../services/notices/notice-record.ts';
import { databaseKey } from '../queue/redis.ts';

/** The running chat channels, by platform. */
export interface Channels {
  send(platform: PlatformName, chatId: string, message: OutboundMessage): Promise<SendResult> | undefined;
  /** Whether a platform's channel runs in this process (default: assume it does). */
  running?(platform: PlatformName): boolean;
  /**
   * False while the channel runs here but cannot send yet (a WeChat instance waiting for the account held
   * by another): the notice is left for later, or for the instance that holds it.
   */
  ready?(platform: PlatformName): boolean;
}

/** Thrown to put a notice back for a while: its channel is not ready in this process. */
export class ChannelNotReadyError extends Error {
  override name = 'ChannelNotReadyError';
}

export const noChannels: Channels = { send: () => undefined, running: () => false };

/** Thrown to make BullMQ wait: the platform asked us to slow down. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

export type NoticeOutcome = 'sent' | 'duplicate' | 'held' | 'no-channel';

/**
 * Sends a notice unless its dedupe key was sent before. A channel that cannot deliver now (not running,
 * or refusing this chat, like an Official Account outside its 48 h window) keeps it as `held`; it is
 * delivered when that person next writes, and the ticket's history says so.
 */
export async function processNotice(
  ctx: TicketServiceContext,
  job: NoticeJob,
  channels: Channels,
  /** Waits (or defers the job) until the chat may receive another message. */
  pace?: (chat: ResolvedChat) => Promise<void>,
): Promise<NoticeOutcome> {
  const { Notice } = ctx.db.models;
  const existing = await Notice.findOne({ _id: job.dedupeKey }).lean();
  if (existing?.status === 'sent') return 'duplicate';
  const now = ctx.clock.now();
  const chat = job.chat ?? (await resolveRecipient(ctx, job.recipient, (platform) => channels.running?.(platform) ?? true));
  const base = recordFields(job);
  if (!chat) {
    await Notice.updateOne({ _id: job.dedupeKey }, { $set: { ...base, status: 'no-channel', detail: 'the recipient has no chat account' }, $setOnInsert: { createdAt: now, attempts: 0 } }, { upsert: true });
    if (job.ticketId) await appendTicketEvent(ctx, job.ticketId, { action: 'notice-undeliverable', data: { notice: job.message.key, recipient: job.recipient.kind, reason: 'no-channel' } });
    return 'no-channel';
  }
  if (channels.ready?.(chat.platform) === false) throw new ChannelNotReadyError(`the ${chat.platform} channel is not ready in this process`);
  if (pace) await pace(chat);
  const message = renderNotice(job, chat.lang);
  // One write per attempt, after it: a crash during the send leaves the job to be retried (stalled), and
  // only a recorded `sent` stops a resend. A notice queued with its record updates it; one without (queued
  // before records were written at queueing) inserts it, FerretDB inserting far faster than it upserts.
  const record = async (status: NoticeDoc['status'], more: Partial<NoticeDoc> = {}, unset = false): Promise<void> => {
    const fields = { ...base, platform: chat.platform, chatId: chat.chatId, text: message.text, status, ...more };
    if (!existing) {
      try {
        await Notice.collection.insertOne({ _id: job.dedupeKey, ...fields, createdAt: now, attempts: 1 } as never);
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    await Notice.updateOne({ _id: job.dedupeKey }, { $set: fields, $inc: { attempts: 1 }, ...(unset ? { $unset: { detail: '' } } : {}) });
  };
  // A send whose record could not be written (the database failing right after it) is remembered in Redis:
  // the retry records it instead of sending it again.
  const sentMark = databaseKey(ctx.db, 'notice-sent', job.dedupeKey);
  const sentBefore = await ctx.redis.get(sentMark);
  if (sentBefore !== null) {
    await record('sent', { sentAt: new Date(Number(sentBefore)) }, true);
    return 'duplicate';
  }
  const sending = channels.send(chat.platform, chat.chatId, message);
  const result: SendResult = sending ? await sending : { ok: false, reason: 'unreachable', detail: `no ${chat.platform} channel is running` };
  if (result.ok) {
    await ctx.redis.set(sentMark, String(ctx.clock.now().getTime()), 'EX', 7 * 24 * 3600);
    await record('sent', { sentAt: ctx.clock.now() }, true);
    if (job.ticketId && existing?.status === 'held') {
      await appendTicketEvent(ctx, job.ticketId, { action: 'notice-delivered', data: { notice: job.message.key, recipient: job.recipient.kind, platform: chat.platform, late: true } });
    }
    return 'sent';
  }
  if (result.reason === 'rate-limited') {
    await record('pending', { detail: `rate limited: retry after ${result.retryAfterMs} ms` });
    throw new RateLimitedError(result.retryAfterMs);
  }
  if (result.reason === 'failed') {
    await record('failed', { detail: result.detail });
    throw new Error(`send failed: ${result.detail}`);
  }
  await record('held', { detail: result.detail });
  await markHeldChat(ctx, chat.platform, chat.chatId);
  if (job.ticketId && existing?.status !== 'held') {
    await appendTicketEvent(ctx, job.ticketId, { action: 'notice-held', data: { notice: job.message.key, recipient: job.recipient.kind, platform: chat.platform, reason: result.detail } });
  }
  return 'held';
}
