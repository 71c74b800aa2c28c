import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createFlowRunner } from '../../flows/engine/runner.ts';
import type { FlowDefinition } from '../../flows/engine/flow.ts';
import { RedisSessionStore, SessionConflictError, type SessionData, type SessionKey } from '../../flows/engine/session-store.ts';
import { testRedis } from '../support/servers.ts';

const key: SessionKey = { platform: 'wechat', senderId: 'wxid_abc@chatroom' };
const session: SessionData = {
  flow: 'submit',
  flowVersion: 3,
  step: 'describe',
  // Empty arrays and objects, nulls and CJK must come back exactly as written.
  state: { category: '投诉', files: [], extra: {}, phone: null, nested: { items: [1, '二'] } },
  startedAt: '2025-03-03T09:00:00.000Z',
  updatedAt: '2025-03-03T09:05:00.000Z',
};

describe('RedisSessionStore on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let close: () => Promise<void>;
  let store: RedisSessionStore;

  beforeEach(() => {
    ({ redis, prefix, close } = testRedis('flowsession'));
    store = new RedisSessionStore(redis, { prefix });
  });

  afterEach(async () => {
    await close();
  });

  it('stores under `${prefix}flow:${platform}:${senderId}` and reads back what it wrote', async () => {
    const written = await store.write(key, session);
    expect(written).toEqual({ ...session, revision: 1 });
    expect(store.redisKey(key)).toBe(`${prefix}flow:wechat:wxid_abc@chatroom`);
    expect(await redis.exists(`${prefix}flow:wechat:wxid_abc@chatroom`)).toBe(1);
    expect(await store.read(key)).toEqual({ ...session, revision: 1 });
    expect(await store.read({ platform: 'telegram', senderId: 'wxid_abc@chatroom' })).toBeUndefined();
  });

  it('sets a one-day TTL and renews it on every write', async () => {
    await store.write(key, session);
    const redisKey = store.redisKey(key);
    expect(await redis.ttl(redisKey)).toBe(86_400);
    await redis.expire(redisKey, 100);
    expect(await redis.ttl(redisKey)).toBeLessThanOrEqual(100);
    await store.write(key, { ...session, step: 'confirm' }, 1);
    expect(await redis.ttl(redisKey)).toBe(86_400);
  });

  it('honours a custom TTL', async () => {
    const short = new RedisSessionStore(redis, { prefix, ttlSeconds: 600 });
    await short.write(key, session);
    expect(await redis.ttl(short.redisKey(key))).toBe(600);
  });

  it('advances with the revision it read and bumps it', async () => {
    await store.write(key, session);
    const next = await store.write(key, { ...session, step: 'confirm' }, 1);
    expect(next.revision).toBe(2);
    expect(await store.read(key)).toMatchObject({ step: 'confirm', revision: 2 });
    // An unconditional write (starting a flow) keeps counting, so no old reader can match by chance.
    expect((await store.write(key, session)).revision).toBe(3);
  });

  it('a write with a stale revision raises SessionConflictError and changes nothing', async () => {
    await store.write(key, session);
    await store.write(key, { ...session, step: 'confirm' }, 1);
    const before = await redis.hgetall(store.redisKey(key));
    const ttlBefore = await redis.ttl(store.redisKey(key));
    await redis.expire(store.redisKey(key), 500);

    const attempt = store.write(key, { ...session, step: 'stale', state: { lost: true } }, 1);
    await expect(attempt).rejects.toBeInstanceOf(SessionConflictError);
    await expect(attempt).rejects.toMatchObject({ expectedRevision: 1, actualRevision: 2, key });
    expect(await redis.hgetall(store.redisKey(key))).toEqual(before);
    expect(await store.read(key)).toMatchObject({ step: 'confirm', revision: 2 });
    expect(ttlBefore).toBe(86_400);
    expect(await redis.ttl(store.redisKey(key))).toBeLessThanOrEqual(500);
  });

  it('of two writers that read the same revision, exactly one wins', async () => {
    await store.write(key, session);
    const results = await Promise.allSettled([
      store.write(key, { ...session, step: 'a' }, 1),
      store.write(key, { ...session, step: 'b' }, 1),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = results.find((result) => result.status === 'rejected');
    expect(loser?.status === 'rejected' ? loser.reason : undefined).toBeInstanceOf(SessionConflictError);
    expect(await store.read(key)).toMatchObject({ revision: 2 });
  });

  it('a conditional write to a session that is gone is a conflict and creates nothing', async () => {
    await expect(store.write(key, session, 1)).rejects.toMatchObject({ name: 'SessionConflictError', actualRevision: 0 });
    expect(await redis.exists(store.redisKey(key))).toBe(0);
  });

  it('deletes, unconditionally or only at the expected revision', async () => {
    await store.write(key, session);
    await store.write(key, session, 1);
    await expect(store.delete(key, 1)).rejects.toBeInstanceOf(SessionConflictError);
    expect(await store.read(key)).toMatchObject({ revision: 2 });
    await store.delete(key, 2);
    expect(await store.read(key)).toBeUndefined();
    expect(await redis.exists(store.redisKey(key))).toBe(0);

    await store.write(key, session);
    await store.delete(key);
    expect(await store.read(key)).toBeUndefined();
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('treats an unreadable stored session as none', async () => {
    await redis.hset(store.redisKey(key), 'rev', '4', 'data', '{not json');
    expect(await store.read(key)).toBeUndefined();
    await redis.hset(store.redisKey(key), 'data', JSON.stringify({ flow: 'submit' }));
    expect(await store.read(key)).toBeUndefined();
  });

  it('a restarted process resumes where the sender was', async () => {
    const counter: FlowDefinition<{ count: number }, null> = {
      name: 'counter',
      version: 1,
      title: { zh: '计数', en: 'Counter' },
      start: async () => ({ kind: 'next', step: 'count', state: { count: 0 }, replies: [] }),
      steps: { count: async (state) => ({ kind: 'next', step: 'count', state: { count: state.count + 1 }, replies: [{ text: String(state.count + 1) }] }) },
      hint: () => ({ text: '' }),
    };
    const context = { lang: 'zh-CN' as const, depsFor: () => null };
    await createFlowRunner({ store, flows: [counter] }).begin(key, 'counter', context);
    await createFlowRunner({ store, flows: [counter] }).handle(key, { text: '+1', attachments: [] }, context);
    const restarted = createFlowRunner({ store: new RedisSessionStore(redis, { prefix }), flows: [counter] });
    expect(await restarted.handle(key, { text: '+1', attachments: [] }, context)).toEqual({ handled: true, outcome: 'advanced', replies: [{ text: '2' }] });
    expect(await restarted.active(key)).toMatchObject({ flow: 'counter', step: 'count' });
  });
});
