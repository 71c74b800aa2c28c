import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Env } from '../config/env.ts';
import { calendarOverrides, loadProfile } from '../config/profiles.ts';
import { connectDatabase, type Database } from '../db/connection.ts';
import type { Profile } from '../domain/profile.ts';
import { createWorkingCalendar, type WorkingCalendar } from '../domain/working-days.ts';
import { createHttpServer, type HttpDeps } from '../http/server.ts';
import { openQueues, queuePrefix, type Queues } from '../queue/queues.ts';
import { createRedis, probeRedis } from '../queue/redis.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { resolveEndpoints, type Endpoints } from './endpoints.ts';
import { syncProfileUnits } from '../services/profile-units.ts';
import { loadDataKey } from './data-key.ts';
import { adaptersFromEnv } from '../platforms/index.ts';
import { createBot } from './bot.ts';
import { startWorkers } from '../workers/runtime.ts';
import { noChannels } from '../workers/notify.worker.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../platforms/playground/playground.adapter.ts';
import { playgroundUrl } from '../http/playground/routes.ts';

export const ROLES = ['all', 'bot', 'worker', 'api'] as const;
export type Role = (typeof ROLES)[number];

/** What every service and worker is handed: the servers, the profile, the clock. */
export interface AppContext {
  env: Env;
  profile: Profile;
  calendar: WorkingCalendar;
  db: Database;
  redis: Redis;
  queues: Queues;
  logger: Logger;
  clock: Clock;
  /** Seals reporters' identities; absent means reports of misconduct cannot be taken. */
  dataKey?: Buffer | undefined;
}

/** Connects to both servers (after checking each answers, for a one-line reason when one does not). */
export async function openContext(
  env: Env,
  logger: Logger,
  options: { endpoints?: Endpoints; clock?: Clock; prefix?: string; profile?: Profile } = {},
): Promise<AppContext & { endpoints: Endpoints; close(): Promise<void> }> {
  const profile = options.profile ?? loadProfile(env.QINQING_PROFILE);
  const endpoints = options.endpoints ?? (await resolveEndpoints(env));
  await probeRedis(endpoints.redisUrl);
  const db = await connectDatabase(endpoints.mongoUri, { dbName: endpoints.dbName });
  await syncProfileUnits(db.models, profile);
  const redis = createRedis(endpoints.redisUrl, 'client');
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  const queueConnection = createRedis(endpoints.redisUrl, 'worker');
  queueConnection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis (queues) connection error'));
  const queues = openQueues(queueConnection, options.prefix ?? queuePrefix());
  const context: AppContext = {
    env,
    profile,
    calendar: createWorkingCalendar(calendarOverrides(profile)),
    db,
    redis,
    queues,
    logger,
    clock: options.clock ?? systemClock,
    dataKey: loadDataKey(env, endpoints.embedded),
  };
  return {
    ...context,
    endpoints,
    close: async () => {
      await queues.close();
      // BullMQ leaves a connection it was handed open: it is ours to close.
      queueConnection.disconnect();
      redis.disconnect();
      await db.close();
    },
  };
}

export interface RunningService {
  http?: FastifyInstance;
  stop(): Promise<void>;
}

/** Keys of flow sessions, dedupe and flood counters. */
export const KEY_PREFIX = 'qinqing:';

/**
 * Starts the parts of qinqing the role asks for. `bot` holds the chat adapters, so it also sends the
 * notices; `worker` assigns, reminds, escalates and sweeps; `api` serves HTTP (and the Telegram webhook).
 */
export async function startService(env: Env, role: Role, logger: Logger): Promise<RunningService> {
  const context = await openContext(env, logger);
  logger.info(
    { role, profile: context.profile.code, embedded: context.endpoints.embedded, mongodb: context.endpoints.dbName },
    'qinqing starting',
  );
  const stops: (() => Promise<void>)[] = [];
  const has = (part: Role) => role === 'all' || role === part;
  const connection = createRedis(context.endpoints.redisUrl, 'worker');
  stops.push(async () => connection.disconnect());

  let bot: ReturnType<typeof createBot> | undefined;
  let telegramWebhook: HttpDeps['telegramWebhook'];
  let playground: PlaygroundAdapter | undefined;
  if (has('bot')) {
    const configured = adaptersFromEnv(env, { redis: context.redis, keyPrefix: KEY_PREFIX, logger });
    const telegram = configured.telegram;
    if (telegram && env.TELEGRAM_WEBHOOK_URL) telegramWebhook = (update, secret) => telegram.handleWebhook(update, secret);
    if (configured.adapters.length === 0) logger.info('no chat channel is configured: set TELEGRAM_BOT_TOKEN or WECHATY_PUPPET to connect one');
    // Playground: with no chat platform, the browser stands in for one (PLAYGROUND=off turns it off).
    if (configured.adapters.length === 0 && env.PLAYGROUND === 'on') playground = createPlaygroundAdapter();
    bot = createBot(context, playground ? [playground] : configured.adapters, { keyPrefix: KEY_PREFIX });
    const running = bot;
    await running.start();
    stops.push(() => running.stop());
  }
  const queues = [...(has('worker') ? (['tickets', 'sla', 'maintenance', 'liaison'] as const) : []), ...(has('bot') ? (['notify'] as const) : [])];
  if (queues.length > 0) {
    const workers = await startWorkers(context, { connection, prefix: queuePrefix(), channels: bot?.channels ?? noChannels, queues });
    stops.push(() => workers.close());
  }
  let http: FastifyInstance | undefined;
  if (has('api') || (has('bot') && env.TELEGRAM_WEBHOOK_URL) || playground) {
    // Playground: its routes read the adapter's in-memory streams, so they are served by this same process.
    const playgroundDeps = playground && { adapter: playground, models: context.db.models, profile: context.profile, host: env.HTTP_HOST, adminToken: env.ADMIN_TOKEN };
    http = createHttpServer({
      connection: context.db.connection,
      redis: context.redis,
      logger,
      ...(telegramWebhook ? { telegramWebhook } : {}),
      ...(playgroundDeps ? { playground: playgroundDeps } : {}),
      ...(has('api') ? { admin: context } : {}),
    });
    await http.listen({ port: env.HTTP_PORT, host: env.HTTP_HOST });
    const server = http;
    stops.push(() => server.close());
    const { port } = server.server.address() as { port: number };
    logger.info({ url: `http://${env.HTTP_HOST}:${port}` }, 'http listening');
    if (playground) logger.info(`open ${playgroundUrl(env.HTTP_HOST, port)}`);
  }
  return {
    ...(http ? { http } : {}),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
      await context.close();
    },
  };
}
