/**
 * One worker process of the scale-out benchmark: `startWorkers` with the tickets and notify queues on a
 * database and queue prefix the bench process already set up, and channels that record each delivery in
 * Redis instead of sending it. Prints `ready` once its workers listen; stops on SIGTERM.
 *
 * Environment: BENCH_MONGO_URI, BENCH_DB, BENCH_REDIS_URL, BENCH_PREFIX, BENCH_DATA_KEY (hex).
 */
import { createHash } from 'node:crypto';
import { calendarOverrides, loadProfile } from '../../src/config/profiles.ts';
import { connectDatabase } from '../../src/db/connection.ts';
import { createWorkingCalendar } from '../../src/domain/working-days.ts';
import type { PlatformName } from '../../src/platforms/types.ts';
import { openQueues } from '../../src/queue/queues.ts';
import { createRedis } from '../../src/queue/redis.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Channels } from '../../src/workers/notify.worker.ts';
import { startWorkers } from '../../src/workers/runtime.ts';
import { deliveryKeys } from './worker-processes.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const prefix = required('BENCH_PREFIX');
  const db = await connectDatabase(required('BENCH_MONGO_URI'), { dbName: required('BENCH_DB'), buildIndexes: false });
  const redis = createRedis(required('BENCH_REDIS_URL'), 'worker');
  // The same profile and calendar as createBenchApp; the directory is already in the database.
  const profile = loadProfile('henan-rfb');
  const queues = openQueues(redis, prefix);
  const ctx = {
    db,
    redis,
    queues,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    profile,
    calendar: createWorkingCalendar(calendarOverrides(profile)),
    dataKey: Buffer.from(required('BENCH_DATA_KEY'), 'hex'),
  };
  const officials = await db.models.ChatAccount.find({ kind: 'official' }, { platform: 1, chatId: 1 }).lean<{ platform: string; chatId: string }[]>();
  const officerChats = new Set(officials.map((a) => `${a.platform}:${a.chatId}`));
  const keys = deliveryKeys(prefix);
  const channels: Channels = {
    send: async (platform: PlatformName, chatId: string, message) => {
      const chat = `${platform}:${chatId}`;
      const digest = createHash('sha1').update(message.text).digest('hex').slice(0, 16);
      const record = redis.multi().hincrby(keys.delivered, `${chat}:${digest}`, 1);
      const number = /RF-\d{4}-\d{6}/.exec(message.text)?.[0];
      if (number !== undefined && officerChats.has(chat)) record.hsetnx(keys.officer, number, Date.now());
      await record.exec();
      return { ok: true };
    },
    running: () => true,
  };
  // No pacing: this measures the pipeline, not the platforms' limits (benchmark 2 does that).
  const workers = await startWorkers(ctx, {
    connection: redis,
    prefix,
    channels,
    queues: ['tickets', 'notify'],
    chatGapMs: { telegram: 0, wechat: 0, playground: 0 },
    sendsPerSecond: { telegram: 0, wechat: 0, playground: 0 },
  });
  await Promise.all(workers.workers.map((w) => w.waitUntilReady()));
  process.once('SIGTERM', () => {
    void (async () => {
      await workers.close();
      await queues.close();
      redis.disconnect();
      await db.close();
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
