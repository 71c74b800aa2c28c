/** Starts the BullMQ workers of every queue and the periodic sweep. */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type AssignJob, type DeadlineJob, type SweepJob } from '../queue/queues.ts';
import type { NoticeJob } from '../queue/notice.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { processAssign } from './assign.worker.ts';
import { processDeadline } from './deadline.worker.ts';
import { processNotice, RateLimitedError, type Channels } from './notify.worker.ts';
import { sweepUnqueuedTickets } from './sweep.worker.ts';
import { scheduleLiaison, startLiaisonWorker } from './liaison.worker.ts';
import type { ResolvedChat } from '../services/notices/recipients.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  channels: Channels;
  /** Per-chat spacing for sends, by platform (ms); Telegram allows about one message a second per chat. */
  chatGapMs?: Partial<Record<string, number>>;
  concurrency?: number;
  /** Telegram's overall limit is about 30 messages a second. */
  notifyPerSecond?: number;
  sweepEveryMs?: number;
  /** Which queues this process works (default all): notices need the chat adapters, so they run with the bot. */
  queues?: readonly ('tickets' | 'sla' | 'notify' | 'maintenance' | 'liaison')[];
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

const DEFAULT_GAPS: Record<string, number> = { telegram: 1000, wechat: 2000, playground: 0 };

/**
 * Reserves the next free send slot of a chat: returns when the caller may send (now, or later). Each
 * caller gets its own slot, so notices queued for one chat go out in the order they asked, one gap apart.
 */
const RESERVE_SLOT = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
redis.call('SET', KEYS[1], slot + gap, 'PX', slot + gap - now + 1000)
return slot`;

/**
 * Spaces sends to one chat. The first time a job comes it reserves a slot; if the slot is later, the job
 * waits for it (without using up an attempt) and, on waking, sends without reserving again.
 */
async function waitForChatSlot(redis: Redis, job: Job<NoticeJob>, token: string | undefined, key: string, gapMs: number): Promise<void> {
  if (gapMs <= 0) return;
  const now = Date.now();
  const reserved = job.data.sendAt;
  if (reserved !== undefined && reserved <= now + 50) return;
  const slot = reserved ?? Number(await redis.eval(RESERVE_SLOT, 1, key, now, gapMs));
  if (slot <= now) return;
  if (reserved === undefined) await job.updateData({ ...job.data, sendAt: slot });
  await job.moveToDelayed(slot, token);
  throw new DelayedError();
}

type WorkerName = 'tickets' | 'sla' | 'notify' | 'maintenance' | 'liaison';

export async function startWorkers(ctx: TicketServiceContext & { redis: Redis }, options: WorkerOptions): Promise<RunningWorkers> {
  const { connection, prefix } = options;
  const concurrency = options.concurrency ?? 4;
  const gaps = { ...DEFAULT_GAPS, ...options.chatGapMs };
  const base = { connection, prefix };
  const wanted = new Set<WorkerName>(options.queues ?? ['tickets', 'sla', 'notify', 'maintenance']);
  const workers: Worker[] = [];

  if (wanted.has('tickets')) workers.push(new Worker<AssignJob>(QUEUE_NAMES.tickets, (job) => processAssign(ctx, job.data), { ...base, concurrency }));
  if (wanted.has('sla')) {
    workers.push(
      new Worker<DeadlineJob>(
        QUEUE_NAMES.sla,
        async (job, token) => {
          const outcome = await processDeadline(ctx, job.data, job.id ?? '');
          // Clocks drift between machines: a job that arrives before its moment waits for it.
          if (outcome === 'early') {
            await job.moveToDelayed(Date.parse(job.data.at), token);
            throw new DelayedError();
          }
          return outcome;
        },
        { ...base, concurrency },
      ),
    );
  }
  if (wanted.has('notify')) {
    const notify: Worker<NoticeJob> = new Worker<NoticeJob>(
      QUEUE_NAMES.notify,
      async (job, token) => {
        const pace = (chat: ResolvedChat) => waitForChatSlot(ctx.redis, job, token, `${prefix}:chat-gap:${chat.platform}:${chat.chatId}`, gaps[chat.platform] ?? 1000);
        try {
          return await processNotice(ctx, job.data, options.channels, pace);
        } catch (error) {
          if (error instanceof RateLimitedError) {
            // The platform said how long to wait: the whole queue waits, and this job is not charged an attempt.
            await notify.rateLimit(error.retryAfterMs);
            throw Worker.RateLimitError();
          }
          throw error;
        }
      },
      { ...base, concurrency, limiter: { max: options.notifyPerSecond ?? 30, duration: 1000 } },
    );
    workers.push(notify);
  }
  if (wanted.has('maintenance')) {
    workers.push(new Worker<SweepJob>(QUEUE_NAMES.maintenance, async () => sweepUnqueuedTickets(ctx), { ...base, concurrency: 1 }));
    // One scheduler entry however many worker processes start: upsert by id is idempotent.
    await ctx.queues.maintenance.upsertJobScheduler('sweep', { every: options.sweepEveryMs ?? 60_000 }, { name: 'sweep', data: { sweep: 'unqueued-tickets' } });
  }

  if (wanted.has('liaison')) {
    workers.push(startLiaisonWorker(ctx, { connection, prefix }));
    await scheduleLiaison(ctx.queues);
  }

  for (const worker of workers) {
    worker.on('failed', (job, error) => ctx.logger.warn({ queue: worker.name, job: job?.id, err: error.message }, 'job failed'));
    worker.on('error', (error) => ctx.logger.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  return { workers, close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
}
