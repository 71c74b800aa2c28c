/** An HTTP server with the admin API over a test services context, as the runtime builds it. */
import { Writable } from 'node:stream';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { expect } from 'vitest';
import { createHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-bootstrap';

export interface AdminServer {
  app: TestApp;
  server: FastifyInstance;
  /** Every route registered once the test began watching: the admin plugin's, bull-board's. */
  routes: RouteOptions[];
  /** The server's log lines (JSON), for checking what a denial records. */
  logs: string[];
  close(): Promise<void>;
}

export async function adminServer(label: string): Promise<AdminServer> {
  const app = await createTestApp(label);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const server = createHttpServer({
    connection: app.db.connection,
    redis: app.redisClient,
    logger,
    admin: { ...app, logger, env: { ADMIN_TOKEN } },
  });
  // The admin plugin loads at ready(), so this sees each of its routes (and bull-board's) as it is added.
  const routes: RouteOptions[] = [];
  server.addHook('onRoute', (route) => {
    routes.push(route);
  });
  await server.ready();
  return {
    app,
    server,
    routes,
    logs,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Makes an API key as the bootstrap admin and returns it. */
export async function createKey(server: FastifyInstance, body: { name: string; role: string; official?: string }): Promise<string> {
  const response = await server.inject({ method: 'POST', url: '/admin/api-keys', headers: bearer(ADMIN_TOKEN), payload: body });
  expect(response.statusCode).toBe(201);
  return response.json<{ key: string }>().key;
}
