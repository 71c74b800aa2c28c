/**
 * The bull-board dashboard of every queue at `/admin/queues`. Its routes are bull-board's, declared
 * without our config, so this scope stamps roles on each as it is registered: reading (GET) for admins
 * and auditors, changing anything (retry, clean, pause, remove: every other method) for admins only.
 * The admin scope's auth hook then checks them like any other route. In a browser, the dashboard asks
 * for the token as an HTTP Basic password (any user name) to read; changes need a Bearer header.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { QUEUE_NAMES, type JobPayloads } from '../../queue/queues.ts';
import type { ApiRole } from './auth.ts';
import type { AdminDeps } from './context.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_READERS: readonly ApiRole[] = ['admin', 'auditor'];
const QUEUE_BOARD_WRITERS: readonly ApiRole[] = ['admin'];

function readsOnly(method: string | string[]): boolean {
  return [method].flat().every((m) => m === 'GET' || m === 'HEAD');
}

/** Registers the dashboard in its own scope of `app` (which must be the un-prefixed admin scope). */
export async function registerQueueBoard(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      // basicForReads: a browser opening the dashboard is asked for the token (as a password) to read it.
      route.config = { ...route.config, roles: readsOnly(route.method) ? QUEUE_BOARD_READERS : QUEUE_BOARD_WRITERS, basicForReads: true };
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    const names = Object.keys(QUEUE_NAMES) as (keyof JobPayloads)[];
    createBullBoard({
      queues: names.map((name) => new BullMQAdapter(deps.queues[name])),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'qinqing' } },
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
