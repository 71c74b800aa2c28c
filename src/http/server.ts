import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';

export interface HttpDeps {
  connection: Connection;
  redis: Redis;
  logger: Logger;
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

  return app;
}
