/**
 * Queueing a notice writes its delivery record (`queued`) before its notify job. A job lives in Redis
 * alone, and Redis may come back from an older snapshot, or empty: the record is what is left of a job
 * lost that way, and `requeueLostNotices` queues it again. The record and the job share the dedupe key, so
 * a notice queued twice is still sent once.
 */
import type { Queue } from 'bullmq';
import type { AppContext } from '../../runtime/app.ts';
import type { NoticeDoc } from '../../db/models/index.ts';
import { JOB_ATTEMPTS } from '../../queue/queues.ts';
import { noticeJobId, type NoticeJob, type NoticeQueueJob } from '../../queue/notice.ts';
import { onlyDuplicates } from '../../db/duplicate-key.ts';
import { markHeldChat } from './held-notices.ts';
import { noticeFromRecord, recordFields } from './notice-record.ts';

type NoticeContext = Pick<AppContext, 'db' | 'queues' | 'clock'>;

/** Jobs per `addBulk`: one Redis round trip each, without one huge command. */
const BULK = 1000;

/** Writes the `queued` records of notices about to be queued; a notice recorded before keeps its record. */
export async function recordQueuedNotices(ctx: Pick<AppContext, 'db' | 'clock'>, notices: readonly NoticeJob[]): Promise<void> {
  if (notices.length === 0) return;
  const createdAt = ctx.clock.now();
  const records = notices.map((notice) => ({ _id: notice.dedupeKey, ...recordFields(notice), status: 'queued' as const, attempts: 0, createdAt }));
  try {
    // Unordered: a notice recorded before (queued again, or already sent) does not stop the others.
    await ctx.db.models.Notice.collection.insertMany(records as never[], { ordered: false });
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}

/** Records, then queues, notices that belong to no ticket change (those go through the ticket's outbox). */
export async function queueNotices(ctx: NoticeContext, jobs: readonly NoticeQueueJob[]): Promise<void> {
  for (let from = 0; from < jobs.length; from += BULK) {
    const slice = jobs.slice(from, from + BULK);
    await recordQueuedNotices(ctx, slice.map((job) => job.data));
    await ctx.queues.notify.addBulk([...slice]);
  }
}

/** Job states in which a notice is still on its way. */
const LIVE_STATES = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized']);

/** The notice's jobs under each id: undefined where there is none, else whether it is still on its way. */
async function jobStates(queue: Queue<NoticeJob>, ids: readonly string[]): Promise<(boolean | undefined)[]> {
  return Promise.all(
    ids.map(async (id) => {
      const job = await queue.getJob(id);
      return job ? LIVE_STATES.has(await job.getState()) : undefined;
    }),
  );
}

export interface RequeueSummary {
  /** Notices queued again: recorded as on their way, but without a job in Redis. */
  requeued: number;
  /** Chats marked again as holding notices (the mark lives in Redis too). */
  heldChats: number;
}

/**
 * After Redis lost data: queues again every notice recorded as on its way (queued, pending, or failed with
 * attempts left) that has no job any more, and marks again the chats that hold notices. Reads every such
 * record (a scan on FerretDB), so it runs when Redis is known to have restarted, not on every sweep.
 */
export async function requeueLostNotices(ctx: Pick<AppContext, 'db' | 'queues' | 'redis'>): Promise<RequeueSummary> {
  const { Notice } = ctx.db.models;
  const onTheirWay = await Notice.find({ status: { $in: ['queued', 'pending', 'failed'] } }).lean<(NoticeDoc & { _id: string })[]>();
  let requeued = 0;
  for (const record of onTheirWay) {
    if (record.status === 'failed' && record.attempts >= JOB_ATTEMPTS) continue;
    const id = noticeJobId(record.dedupeKey);
    // A held notice sent again went under a `.retry` id; either one still on its way will deliver it.
    const retryId = `${record.dedupeKey}.retry${record.attempts}`;
    const [main, retry] = await jobStates(ctx.queues.notify, [id, retryId]);
    if (main === true || retry === true) continue;
    // A finished job keeps its id for a day: a notice whose job finished without a final record gets a new id.
    await ctx.queues.notify.add(record.message.key, noticeFromRecord(record), { jobId: main === undefined ? id : `${id}.requeued${record.attempts}` });
    requeued += 1;
  }
  const held = await Notice.find({ status: 'held' }, { platform: 1, chatId: 1 }).lean<Pick<NoticeDoc, 'platform' | 'chatId'>[]>();
  const chats = new Set(held.flatMap((record) => (record.platform && record.chatId ? [`${record.platform}\u0000${record.chatId}`] : [])));
  for (const chat of chats) {
    const [platform = '', chatId = ''] = chat.split('\u0000');
    await markHeldChat(ctx, platform, chatId);
  }
  return { requeued, heldChats: chats.size };
}
