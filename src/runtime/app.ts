import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Env } from '../config/env.ts';
import { calendarOverrides, loadProfile } from '../config/profiles.ts';
import { connectDatabase, type Database } from '../db/connection.ts';
import type { Profile } from '../domain/profile.ts';
import { createWorkingCalendar, type WorkingCalendar } from '../domain/working-days.ts';
import { createHttpServer } from '../http/server.ts';
import { openQueues, queuePrefix, type Queues } from '../queue/queues.ts';
import { createRedis, probeRedis } from '../queue/redis.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { resolveEndpoints, type Endpoints } from './endpoints.ts';
import { syncProfileUnits } from '../services/profile-units.ts';

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

/** Starts the parts of qinqing the role asks for. */
export async function startService(env: Env, role: Role, logger: Logger): Promise<RunningService> {
  const context = await openContext(env, logger);
  logger.info(
    { role, profile: context.profile.code, embedded: context.endpoints.embedded, mongodb: context.endpoints.dbName },
    'qinqing starting',
  );
  const stops: (() => Promise<void>)[] = [];
  let http: FastifyInstance | undefined;
  if (role === 'all' || role === 'api') {
    http = createHttpServer({ connection: context.db.connection, redis: context.redis, logger });
    await http.listen({ port: env.HTTP_PORT, host: env.HTTP_HOST });
    const server = http;
    stops.push(() => server.close());
  }
  if (role === 'all' || role === 'bot') {
    if (!env.TELEGRAM_BOT_TOKEN && !env.WECHATY_PUPPET) {
      logger.info('no chat channel is configured: set TELEGRAM_BOT_TOKEN or WECHATY_PUPPET to connect one');
    }
  }
  return {
    ...(http ? { http } : {}),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
      await context.close();
    },
  };
}
