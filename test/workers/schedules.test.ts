import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { noChannels } from '../../src/workers/notify.worker.ts';
import { startWorkers, type RunningWorkers } from '../../src/workers/runtime.ts';

let app: TestApp;
let workers: RunningWorkers;
let connection: TestApp['redisClient'];

beforeAll(async () => {
  app = await createTestApp('schedules', { directory: false });
  connection = app.redisClient.duplicate();
  workers = await startWorkers({ ...app, redis: app.redisClient }, { connection, prefix: app.prefix, channels: noChannels, queues: ['maintenance', 'liaison'], scheduleCheckMs: 100 });
});
afterAll(async () => {
  await workers.close();
  connection.disconnect();
  await app.close();
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    if (await check()) return true;
  }
  return false;
}

describe('scheduler entries, which live in Redis alone', () => {
  it('are put back by a running worker when Redis lost them (back empty, or from an older snapshot)', async () => {
    expect(await app.queues.maintenance.getJobScheduler('sweep')).toBeDefined();
    expect(await app.queues.liaison.getJobScheduler('liaison-daily')).toBeDefined();
    await app.queues.maintenance.removeJobScheduler('sweep');
    await app.queues.liaison.removeJobScheduler('liaison-daily');
    await app.queues.liaison.removeJobScheduler('liaison-weekly');

    expect(await eventually(async () => (await app.queues.maintenance.getJobScheduler('sweep')) !== undefined)).toBe(true);
    expect(await eventually(async () => (await app.queues.liaison.getJobScheduler('liaison-weekly')) !== undefined)).toBe(true);
    expect((await app.queues.maintenance.getJobSchedulers()).map((s) => s.key)).toEqual(['sweep']);
  });
});
