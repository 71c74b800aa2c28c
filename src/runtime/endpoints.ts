import type { Env } from '../config/env.ts';
import { startLocalServers } from '../../scripts/local-servers.ts';
import { qinqingHome } from './paths.ts';

export interface Endpoints {
  mongoUri: string;
  dbName: string;
  redisUrl: string;
  /** True when qinqing started (or found) its own embedded servers. */
  embedded: boolean;
}

export const DEFAULT_DB_NAME = 'qinqing';

/** The database name a URI names in its path, or the default. */
export function dbNameOf(uri: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : DEFAULT_DB_NAME;
}

/**
 * Production names its servers with MONGODB_URI and REDIS_URL and nothing is started; without them the
 * embedded default starts local FerretDB and Redis (or finds them running) and keeps their data.
 */
export async function resolveEndpoints(env: Env): Promise<Endpoints> {
  if (env.MONGODB_URI && env.REDIS_URL) {
    return { mongoUri: env.MONGODB_URI, dbName: dbNameOf(env.MONGODB_URI), redisUrl: env.REDIS_URL, embedded: false };
  }
  const local = await startLocalServers({ home: qinqingHome(env), persist: true });
  const mongoUri = env.MONGODB_URI ?? local.ferretdb.url;
  return { mongoUri, dbName: dbNameOf(mongoUri), redisUrl: env.REDIS_URL ?? local.redis.url, embedded: true };
}
