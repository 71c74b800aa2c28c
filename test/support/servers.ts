import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Redis } from 'ioredis';
import { connectDatabase, type Database } from '../../src/db/connection.ts';
import { createRedis } from '../../src/queue/redis.ts';

/** A unique name for this test's database or queue prefix: tests never share state. */
export function uniqueName(label: string): string {
  return `t_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomUUID().slice(0, 8)}`;
}

export function mongoUri(): string {
  return inject('mongoUri');
}

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A fresh database on the real server; `drop()` removes it. */
export async function testDatabase(label: string): Promise<Database & { name: string; drop(): Promise<void> }> {
  const name = uniqueName(label);
  const db = await connectDatabase(mongoUri(), { dbName: name });
  return {
    ...db,
    name,
    drop: async () => {
      await db.connection.dropDatabase();
      await db.close();
    },
  };
}

/** A Redis client on the real server, and a BullMQ prefix no other test uses. */
export function testRedis(label: string): { redis: Redis; prefix: string; close(): Promise<void> } {
  const redis = createRedis(redisUrl(), 'worker');
  const prefix = `{${uniqueName(label)}}`;
  return {
    redis,
    prefix,
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
