/**
 * Short per-document locks in Redis. FerretDB v1 (the embedded default) applies an update as read, modify,
 * write without isolation: two conditional updates of one document can both succeed, and a `$pullAll` can
 * overwrite a concurrent `$set`. Every writer of a ticket therefore holds its lock; on MongoDB the lock is
 * redundant with the conditional update, and cheap.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/**
 * Runs `fn` holding `key`. The lock expires by itself after `ttlMs` (a crashed holder cannot block
 * forever); waiting longer than `waitMs` gives up with a LockTimeoutError.
 */
export async function withLock<T>(redis: Redis, key: string, fn: () => Promise<T>, options: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const token = randomUUID();
  const ttl = options.ttlMs ?? 15_000;
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
    if (Date.now() > deadline) throw new LockTimeoutError(`could not take ${key} within ${options.waitMs ?? 10_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
