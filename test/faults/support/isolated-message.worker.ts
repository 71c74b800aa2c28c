/**
 * Handles one message in a worker thread, on the test's database and Redis, so the test can give up on a
 * message that blocks the event loop (a worker can be terminated; the test's own thread cannot interrupt
 * itself). See `handleIsolated`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFlowRunner, RedisSessionStore } from '../../../flows/engine/index.ts';
import { allFlows } from '../../../flows/index.ts';
import { handleMessage } from '../../../handlers/pipeline.ts';
import { calendarOverrides, loadProfile } from '../../../src/config/profiles.ts';
import { connectDatabase } from '../../../src/db/connection.ts';
import { createWorkingCalendar } from '../../../src/domain/working-days.ts';
import type { InboundMessage } from '../../../src/platforms/types.ts';
import { openQueues } from '../../../src/queue/queues.ts';
import { createRedis } from '../../../src/queue/redis.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/shared/logger.ts';

export interface IsolatedJob {
  mongoUri: string;
  dbName: string;
  redisUrl: string;
  queuePrefix: string;
  keyPrefix: string;
  profile: string;
  dataKey: string;
  now: string;
  floodLimit?: number;
  message: Omit<InboundMessage, 'raw' | 'receivedAt'>;
}

const job = workerData as IsolatedJob;
const db = await connectDatabase(job.mongoUri, { dbName: job.dbName, buildIndexes: false });
const redis = createRedis(job.redisUrl, 'worker');
const queues = openQueues(redis, job.queuePrefix);
const profile = loadProfile(job.profile);
const clock = new ManualClock(new Date(job.now));
const app = { db, queues, clock, logger: createLogger({ level: 'silent' }), profile, calendar: createWorkingCalendar(calendarOverrides(profile)), redis, dataKey: Buffer.from(job.dataKey, 'hex') };
const runner = createFlowRunner({ store: new RedisSessionStore(redis, { prefix: job.keyPrefix }), flows: allFlows, clock });
const services = { app, redis, runner, keyPrefix: job.keyPrefix, ...(job.floodLimit ? { floodLimit: job.floodLimit } : {}), send: async () => ({ ok: true }) };
parentPort?.postMessage({ kind: 'ready' });
try {
  const started = performance.now();
  const replies = await handleMessage(services, { ...job.message, receivedAt: new Date(), raw: null });
  parentPort?.postMessage({ kind: 'done', replies, ms: performance.now() - started });
} catch (error) {
  parentPort?.postMessage({ kind: 'error', error: String((error as Error).stack ?? error) });
} finally {
  await queues.close();
  redis.disconnect();
  await db.close();
}
