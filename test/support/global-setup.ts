import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServers, stopLocalServers } from '../../scripts/local-servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    redisUrl: string;
  }
}

/**
 * Starts a private Redis and FerretDB for this test run (no persistence, in a temporary folder), or uses
 * the servers named by MONGODB_URI and REDIS_URL — that is how the suite runs against real MongoDB.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI && process.env.REDIS_URL;
  if (external) {
    project.provide('mongoUri', process.env.MONGODB_URI ?? '');
    project.provide('redisUrl', process.env.REDIS_URL ?? '');
    return async () => undefined;
  }
  const home = mkdtempSync(join(tmpdir(), 'qinqing-test-'));
  const started = Date.now();
  const { redis, ferretdb } = await startLocalServers({ home, persist: false });
  process.stderr.write(`test servers: redis ${redis.url}, ferretdb ${ferretdb.url} (${Date.now() - started} ms)\n`);
  project.provide('mongoUri', ferretdb.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await stopLocalServers(home);
    rmSync(home, { recursive: true, force: true });
  };
}
