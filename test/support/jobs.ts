import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { TestApp } from './app-context.ts';
import { processAssign } from '../../src/workers/assign.worker.ts';
import { processDeadline } from '../../src/workers/deadline.worker.ts';
import { noChannels, processNotice, type Channels } from '../../src/workers/notify.worker.ts';
import { QUEUE_NAMES } from '../../src/queue/queues.ts';

type Processed = { queue: string; id: string; result: unknown };

/**
 * Runs queued jobs through the real processors with BullMQ's manual processing (a worker that does not
 * run by itself takes each job with its lock and completes it), until nothing is waiting. Time stands
 * still: delayed jobs wait for `advance`.
 */
export async function runJobs(app: TestApp, channels: Channels = noChannels): Promise<Processed[]> {
  const processed: Processed[] = [];
  const workers = (['tickets', 'sla', 'notify'] as const).map((name) => ({
    name,
    worker: new Worker(QUEUE_NAMES[name], null, { connection: app.redisClient.duplicate(), prefix: app.prefix, autorun: false }),
  }));
  try {
    for (let round = 0; round < 50; round++) {
      let any = false;
      for (const { name, worker } of workers) {
        const token = randomUUID();
        const job = (await worker.getNextJob(token, { block: false })) as Job | undefined;
        if (!job) continue;
        any = true;
        let result: unknown;
        if (name === 'tickets') result = await processAssign(app, job.data);
        else if (name === 'sla') result = await processDeadline(app, job.data, job.id ?? '');
        else result = await processNotice(app, job.data, channels);
        await job.moveToCompleted(result, token, false);
        processed.push({ queue: name, id: job.id ?? '', result });
      }
      if (!any) break;
    }
  } finally {
    await Promise.all(workers.map(({ worker }) => worker.close()));
  }
  return processed;
}

/** Moves the clock, promotes the delayed deadline jobs now due, and runs everything. */
export async function advance(app: TestApp, ms: number, channels: Channels = noChannels): Promise<Processed[]> {
  app.clock.advance(ms);
  const now = app.clock.now().getTime();
  for (const job of await app.queues.sla.getJobs(['delayed'])) {
    if (Date.parse(job.data.at) <= now) await job.promote();
  }
  return runJobs(app, channels);
}

export const DAY = 24 * 3600 * 1000;
