/**
 * Handling a message with a time limit. A message that keeps the event loop busy (a 10 MB text run
 * through a slow routine) would stall the test itself, and no timer can fire in a blocked thread: so the
 * message is handled in a worker thread on the same servers, which is terminated when the limit passes.
 */
import { Worker } from 'node:worker_threads';
import type { InboundMessage, OutboundMessage } from '../../../src/platforms/types.ts';
import type { TestApp } from '../../support/app-context.ts';
import { mongoUri, redisUrl } from '../../support/servers.ts';
import type { IsolatedJob } from './isolated-message.worker.ts';

export type IsolatedOutcome =
  | { kind: 'done'; replies: OutboundMessage[]; ms: number }
  | { kind: 'error'; error: string }
  /** Not handled within the limit: the worker was terminated. */
  | { kind: 'timeout'; ms: number };

export async function handleIsolated(app: TestApp, message: InboundMessage, options: { keyPrefix: string; floodLimit?: number; limitMs: number }): Promise<IsolatedOutcome> {
  const { raw: _raw, receivedAt: _at, ...plain } = message;
  const job: IsolatedJob = {
    mongoUri: mongoUri(),
    dbName: app.db.connection.name,
    redisUrl: redisUrl(),
    queuePrefix: app.prefix,
    keyPrefix: options.keyPrefix,
    profile: app.profile.code,
    dataKey: app.dataKey.toString('hex'),
    now: app.clock.now().toISOString(),
    ...(options.floodLimit ? { floodLimit: options.floodLimit } : {}),
    message: plain,
  };
  // The thread loads TypeScript through tsx's loader, registered in the thread before the worker module.
  const entry = JSON.stringify(new URL('./isolated-message.worker.ts', import.meta.url).href);
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData: job });
  return new Promise<IsolatedOutcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let started = 0;
    const finish = (outcome: IsolatedOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    worker.on('message', (data: { kind: 'ready' } | Exclude<IsolatedOutcome, { kind: 'timeout' }>) => {
      if (data.kind !== 'ready') return finish(data);
      // The limit counts from the moment the worker is connected: starting a thread is not the product's time.
      started = performance.now();
      timer = setTimeout(() => {
        void worker.terminate();
        finish({ kind: 'timeout', ms: performance.now() - started });
      }, options.limitMs);
    });
    worker.on('error', (error) => finish({ kind: 'error', error: String(error.stack ?? error) }));
    worker.on('exit', () => finish({ kind: 'error', error: 'the worker exited without an answer' }));
  });
}
