/**
 * Each fault test's own Redis and FerretDB (persistent, in a temporary folder, so data survives a restart),
 * a services context on them for setup and checks, and the environment its qinqing processes get.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServers, stopLocalServers, type ServerState } from '../../../scripts/local-servers.ts';
import { loadEnv } from '../../../src/config/env.ts';
import { openContext, type AppContext } from '../../../src/runtime/app.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import type { ProcessEnv } from './processes.ts';

export const FAULT_DB = 'qinqing_faults';

export interface FaultServers {
  home: string;
  logDir: string;
  redis: ServerState;
  ferretdb: ServerState;
  mongoUri: string;
  redisUrl: string;
  /** The environment of a qinqing process on these servers (add `telegram` for the bot). */
  processEnv(telegram?: ProcessEnv['telegram']): ProcessEnv;
  /** Stops both servers and removes the folder, unless KEEP_FAULT_HOME=1 (then its path is printed). */
  stop(): Promise<void>;
}

export async function startFaultServers(label: string): Promise<FaultServers> {
  const home = mkdtempSync(join(tmpdir(), `qinqing-fault-${label}-`));
  const logDir = join(home, 'logs');
  mkdirSync(logDir, { recursive: true });
  const { redis, ferretdb } = await startLocalServers({ home, persist: true });
  const mongoUri = `${ferretdb.url}${FAULT_DB}`;
  return {
    home,
    logDir,
    redis,
    ferretdb,
    mongoUri,
    redisUrl: redis.url,
    processEnv: (telegram) => ({ mongoUri, redisUrl: redis.url, logDir, ...(telegram ? { telegram } : {}) }),
    async stop() {
      await stopLocalServers(home);
      if (process.env.KEEP_FAULT_HOME === '1') process.stderr.write(`fault home kept: ${home}\n`);
      else rmSync(home, { recursive: true, force: true });
    },
  };
}

export type FaultContext = AppContext & { close(): Promise<void> };

/** A services context in the test process, on the same database and queue prefix as the qinqing processes. */
export async function openFaultContext(servers: Pick<FaultServers, 'mongoUri' | 'redisUrl'>): Promise<FaultContext> {
  const env = loadEnv({ MONGODB_URI: servers.mongoUri, REDIS_URL: servers.redisUrl, PLAYGROUND: 'off', LOG_LEVEL: 'silent' });
  const ctx = await openContext(env, createLogger({ level: 'silent' }), { endpoints: { mongoUri: servers.mongoUri, dbName: FAULT_DB, redisUrl: servers.redisUrl, embedded: false } });
  // While a test has Redis down, BullMQ would print every reconnect error of an unwatched queue.
  for (const queue of [ctx.queues.tickets, ctx.queues.sla, ctx.queues.notify, ctx.queues.liaison, ctx.queues.reports, ctx.queues.maintenance]) queue.on('error', () => undefined);
  return ctx;
}
