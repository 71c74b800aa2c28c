/** Starts the BullMQ workers of every queue and the periodic sweep. */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type AssignJob, type DeadlineJob, type SweepJob } from '../queue/queues.ts';
import type { NoticeJob } from '../queue/notice.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { processAssign } from './assign.worker.ts';
import { processDeadline } from './deadline.worker.ts';
import { ChannelNotReadyError, processNotice, RateLimitedError, type Channels } from './notify.worker.ts';
import { sweepUnqueuedTickets } from './sweep.worker.ts';
import { recoverAfterRedisRestart } from './redis-recovery.ts';
import { scheduleLiaison, startLiaisonWorker } from './liaison.worker.ts';
import type { ResolvedChat } from '../services/notices/recipients.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  channels: Channels;
  /** Per-chat spacing for sends, by platform (ms); Telegram allows about one message a second per chat. */
  chatGapMs?: Partial<Record<string, number>>;
  concurrency?: number;
  /** Notices in hand at once (most of them only wait for their send slot). */
  notifyConcurrency?: number;
  /** Sends per second over all chats, by platform (0: no limit). Telegram allows about 30. */
  sendsPerSecond?: Partial<Record<string, number>>;
  sweepEveryMs?: number;
  /** How often the scheduler entries are checked for (default 15 s). */
  scheduleCheckMs?: number;
  /** Which queues this process works (default all): notices need the chat adapters, so they run with the bot. */
  queues?: readonly ('tickets' | 'sla' | 'notify' | 'maintenance' | 'liaison')[];
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

// Telegram allows one message a second per chat: a little more, for the jitter between leaving and arriving.
const DEFAULT_GAPS: Record<string, number> = { telegram: 1050, wechat: 2000, playground: 0 };
/** A little under Telegram's 30/s: sends leave on their slots, but arrive with some jitter. */
const DEFAULT_RATES: Record<string, number> = { telegram: 28, wechat: 20, playground: 0 };

/**
 * Reserves the send slot of one notice: the first instant that is at least a chat gap after the chat's
 * previous notice and has room in the platform's per-second budget. The budget is kept per wall-clock
 * second (a hash field per second holding that second's next free instant), slots inside a second one
 * `spacing` apart, so no sliding second holds more than the rate. Each caller gets a slot of its own:
 * notices to one chat go out in the order they asked.
 * KEYS: chat's next free instant, the platform's per-second budget. ARGV: now, chat gap, spacing (ms).
 */
const RESERVE_SLOT = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local spacing = tonumber(ARGV[3])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if spacing > 0 then
  for _ = 1, 3600 do
    local second = math.floor(slot / 1000)
    local free = tonumber(redis.call('HGET', KEYS[2], second) or '0')
    local candidate = math.max(slot, free, second * 1000)
    if candidate < (second + 1) * 1000 then
      slot = candidate
      redis.call('HSET', KEYS[2], second, math.ceil(candidate + spacing))
      break
    end
    slot = (second + 1) * 1000
  end
  local current = math.floor(now / 1000)
  for old = current - 10, current - 2 do redis.call('HDEL', KEYS[2], old) end
  redis.call('PEXPIRE', KEYS[2], math.max(slot - now, 0) + 10000)
end
if gap > 0 then redis.call('SET', KEYS[1], slot + gap, 'PX', math.max(slot + gap - now, 0) + 1000) end
return slot`;

/** A slot this close is waited for in the process: a timer keeps the schedule, a queue round trip would not. */
const WAIT_IN_PROCESS_MS = 2500;
/** A later slot is waited for in BullMQ's delayed set, coming back this much early to wait the rest here. */
const COME_BACK_EARLY_MS = 1500;

/**
 * Paces a notice. The first time a job comes it reserves a slot (and remembers its chat). A near slot is
 * waited for here; a far one in BullMQ's delayed set (without using up an attempt), returning a little
 * early so the send still leaves on time: sends that leave late bunch up, and bunches meet the limit.
 * BullMQ's own limiter is not used: it would count the pass that only reserves.
 */
async function waitForSendSlot(
  redis: Redis,
  job: Job<NoticeJob>,
  token: string | undefined,
  chat: ResolvedChat,
  keys: { chat: string; budget: string },
  pacing: { gapMs: number; perSecond: number },
): Promise<void> {
  if (pacing.gapMs <= 0 && pacing.perSecond <= 0) return;
  const reserved = job.data.sendAt;
  const spacing = pacing.perSecond > 0 ? 1000 / pacing.perSecond : 0;
  const slot = reserved ?? Number(await redis.eval(RESERVE_SLOT, 2, keys.chat, keys.budget, Date.now(), pacing.gapMs, spacing));
  const wait = slot - Date.now();
  if (wait <= 0) return;
  if (wait <= WAIT_IN_PROCESS_MS) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    return;
  }
  if (reserved === undefined) await job.updateData({ ...job.data, sendAt: slot, chat });
  await job.moveToDelayed(slot - COME_BACK_EARLY_MS, token);
  throw new DelayedError();
}

/** How often the scheduler entries are checked for (and put back when Redis lost them). */
const SCHEDULE_CHECK_MS = 15_000;

type WorkerName = 'tickets' | 'sla' | 'notify' | 'maintenance' | 'liaison';

export async function startWorkers(ctx: TicketServiceContext & { redis: Redis }, options: WorkerOptions): Promise<RunningWorkers> {
  const { connection, prefix } = options;
  const concurrency = options.concurrency ?? 4;
  const gaps = { ...DEFAULT_GAPS, ...options.chatGapMs };
  const base = { connection, prefix };
  const wanted = new Set<WorkerName>(options.queues ?? ['tickets', 'sla', 'notify', 'maintenance']);
  const workers: Worker[] = [];
  const schedules: (() => Promise<void>)[] = [];
  const cleanups: (() => void)[] = [];

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
    const rates = { ...DEFAULT_RATES, ...options.sendsPerSecond };
    const notify: Worker<NoticeJob> = new Worker<NoticeJob>(
      QUEUE_NAMES.notify,
      async (job, token) => {
        const pace = (chat: ResolvedChat) =>
          waitForSendSlot(
            ctx.redis,
            job,
            token,
            chat,
            { chat: `${prefix}:chat-gap:${chat.platform}:${chat.chatId}`, budget: `${prefix}:send-budget:${chat.platform}` },
            { gapMs: gaps[chat.platform] ?? 1000, perSecond: rates[chat.platform] ?? 0 },
          );
        try {
          return await processNotice(ctx, job.data, options.channels, pace);
        } catch (error) {
          if (error instanceof ChannelNotReadyError) {
            // Not an attempt: the notice comes back in a while (or another instance, holding the channel, takes it).
            await job.moveToDelayed(Date.now() + 5000, token);
            throw new DelayedError();
          }
          if (error instanceof RateLimitedError) {
            // The platform said how long to wait: the whole queue waits, and this job is not charged an
            // attempt. Its slot has passed: it reserves a new one when it comes back.
            const { sendAt: _passed, ...rest } = job.data;
            await job.updateData(rest);
            await notify.rateLimit(error.retryAfterMs);
            throw Worker.RateLimitError();
          }
          throw error;
        }
      },
      // Most notices in hand are only waiting for their slot (up to WAIT_IN_PROCESS_MS): room for a few seconds' worth.
      { ...base, concurrency: options.notifyConcurrency ?? 64 },
    );
    workers.push(notify);
  }
  if (wanted.has('maintenance')) {
    workers.push(
      new Worker<SweepJob>(
        QUEUE_NAMES.maintenance,
        async () => {
          const swept = await sweepUnqueuedTickets(ctx);
          const recovered = await recoverAfterRedisRestart(ctx);
          return { ...swept, ...(recovered !== undefined ? { recovered } : {}) };
        },
        { ...base, concurrency: 1 },
      ),
    );
    // One scheduler entry however many worker processes start: upsert by id is idempotent.
    const scheduleSweep = () => ctx.queues.maintenance.upsertJobScheduler('sweep', { every: options.sweepEveryMs ?? 60_000 }, { name: 'sweep', data: { sweep: 'unqueued-tickets' } });
    await scheduleSweep();
    schedules.push(async () => {
      if (!(await ctx.queues.maintenance.getJobScheduler('sweep'))) await scheduleSweep();
    });
    // Redis back after an outage may have lost jobs: sweep at once (the sweep notices a restart by its run id
    // and puts back what was lost) rather than at the next period, up to a minute later.
    const sweepNow = () => {
      ctx.queues.maintenance
        .add('sweep', { sweep: 'unqueued-tickets' }, { jobId: `sweep-on-reconnect-${Date.now()}` })
        .catch((error: unknown) => ctx.logger.debug({ err: (error as Error).message }, 'sweep after reconnect not queued'));
    };
    ctx.redis.on('ready', sweepNow);
    cleanups.push(() => ctx.redis.off('ready', sweepNow));
  }

  if (wanted.has('liaison')) {
    workers.push(startLiaisonWorker(ctx, { connection, prefix }));
    await scheduleLiaison(ctx.queues);
    schedules.push(async () => {
      if (!(await ctx.queues.liaison.getJobScheduler('liaison-daily'))) await scheduleLiaison(ctx.queues);
    });
  }

  // Scheduler entries live in Redis alone: a Redis back empty (or from a snapshot older than them) would
  // otherwise never sweep again, and the sweep is what puts back everything else Redis lost.
  const keeper = setInterval(() => {
    for (const ensure of schedules) ensure().catch((error: unknown) => ctx.logger.debug({ err: (error as Error).message }, 'scheduler check failed'));
  }, options.scheduleCheckMs ?? SCHEDULE_CHECK_MS);
  keeper.unref();

  for (const worker of workers) {
    worker.on('failed', (job, error) => ctx.logger.warn({ queue: worker.name, job: job?.id, err: error.message }, 'job failed'));
    worker.on('error', (error) => ctx.logger.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  return {
    workers,
    close: async () => {
      clearInterval(keeper);
      for (const cleanup of cleanups) cleanup();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
