import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { adminPlugin, type AdminDeps } from './admin/index.ts';
import { playgroundRoutes, type PlaygroundOptions } from './playground/routes.ts';

export interface HttpDeps {
  connection: Connection;
  redis: Redis;
  logger: Logger;
  /** Telegram in webhook mode: updates arrive at POST /telegram/webhook. */
  telegramWebhook?: (update: unknown, secretHeader: string | undefined) => Promise<'ok' | 'unauthorized'>;
  /** The browser playground (`GET /`, `/playground/*`): only in a process whose bot runs the playground adapter. */
  playground?: PlaygroundOptions;
  /** The admin API (/admin/*, /metrics, /openapi.json); absent where only the webhook is served. */
  admin?: AdminDeps;
}

async function checkMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('not connected');
  await db.command({ ping: 1 });
}

/** Builds the HTTP server: health, readiness, and whatever routes the roles add. */
export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app = Fastify({ loggerInstance, disableRequestLogging: true, bodyLimit: 1024 * 1024 });

  // Liveness: the process answers. Nothing external is consulted, so a slow database never restarts us.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: both servers answer within a second; a load balancer stops sending traffic otherwise.
  app.get('/readyz', async (_request, reply) => {
    const within = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 1000))]);
    const [mongo, redis] = await Promise.allSettled([within(checkMongo(deps.connection)), within(deps.redis.ping())]);
    const status = {
      mongodb: mongo.status === 'fulfilled' ? 'ok' : `unavailable: ${(mongo.reason as Error).message}`,
      redis: redis.status === 'fulfilled' ? 'ok' : `unavailable: ${(redis.reason as Error).message}`,
    };
    const ready = mongo.status === 'fulfilled' && redis.status === 'fulfilled';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...status });
  });

  if (deps.telegramWebhook) {
    const handle = deps.telegramWebhook;
    // 401 without the right secret (nothing processed); 5xx when processing fails, so Telegram redelivers.
    app.post('/telegram/webhook', async (request, reply) => {
      const secret = request.headers['x-telegram-bot-api-secret-token'];
      const outcome = await handle(request.body, typeof secret === 'string' ? secret : undefined);
      return outcome === 'ok' ? reply.code(200).send({ ok: true }) : reply.code(401).send({ ok: false });
    });
  }

  if (deps.playground) app.register(playgroundRoutes, deps.playground);
  if (deps.admin) app.register(adminPlugin(deps.admin));

  return app;
}
