import { Redis, type RedisOptions } from 'ioredis';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * The one Redis connection factory. `worker` connections block on long commands, so BullMQ requires
 * `maxRetriesPerRequest: null` for them; `client` connections fail a command fast so a request never hangs.
 * Both reconnect for as long as the process lives.
 */
export function createRedis(url: string, role: 'client' | 'worker' = 'client', extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker' ? { maxRetriesPerRequest: null, enableReadyCheck: false } : { maxRetriesPerRequest: 2, connectTimeout: 3000 };
  return new Redis(url, { ...options, ...extra });
}

/**
 * Checks once that Redis answers PING, failing with one plain sentence: start-up and `doctor` call this
 * before anything else so a wrong REDIS_URL is a clear message, not an endless reconnect loop.
 */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<{ version: string }> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let lastError: Error | undefined;
  probe.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
    const info = await probe.info('server');
    return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } catch (error) {
    const reason = (lastError ?? (error as Error)).message;
    throw new RedisUnavailableError(`Redis at ${redactRedisUrl(url)} is not reachable: ${reason}`);
  } finally {
    probe.disconnect();
  }
}

/**
 * A Redis key of one database's own state (counters, marks): namespaced by the database name, so two
 * deployments, or two test files, sharing one Redis never mix them. The braces keep them in one cluster slot.
 */
export function databaseKey(db: { connection: { name: string } }, ...parts: string[]): string {
  return [`qinqing:{${db.connection.name}}`, ...parts].join(':');
}
