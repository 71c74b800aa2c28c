/**
 * Where each sender's active flow lives between messages: a three-method store (like grammY's), with
 * optimistic concurrency. Every write bumps `revision`; a write or delete that names the revision it read
 * fails with `SessionConflictError` if another message got there first, so two messages processed at once
 * for the same sender cannot both advance the flow.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PlatformName } from '../../src/platforms/types.ts';

/** Whose session: one active flow per sender and platform. */
export interface SessionKey {
  platform: PlatformName;
  senderId: string;
}

/** One sender's active flow. */
export interface Session {
  flow: string;
  flowVersion: number;
  step: string;
  /** The flow's state, as JSON gave it back. */
  state: unknown;
  /** Set by the store: 1 on the first write, +1 on every write after. */
  revision: number;
  /** ISO 8601. */
  startedAt: string;
  updatedAt: string;
}

/** What a caller writes; the store assigns the revision. */
export type SessionData = Omit<Session, 'revision'>;

/** Another write or delete changed the session since `expectedRevision` was read. Retry, or ask to repeat. */
export class SessionConflictError extends Error {
  override readonly name = 'SessionConflictError';
  constructor(
    readonly key: SessionKey,
    readonly expectedRevision: number,
    /** What the store holds now; 0 when the session is gone. */
    readonly actualRevision: number,
  ) {
    super(`flow session of ${key.platform}:${key.senderId} is at revision ${actualRevision}, expected ${expectedRevision}`);
  }
}

/** The storage behind the flow runner. */
export interface SessionStore {
  read(key: SessionKey): Promise<Session | undefined>;
  /**
   * Stores `session` and returns it with its new revision. With `expectedRevision`, the stored session must
   * still be at that revision (a missing one counts as a conflict: it was cancelled or finished meanwhile);
   * without it the write is unconditional (starting a flow).
   */
  write(key: SessionKey, session: SessionData, expectedRevision?: number): Promise<Session>;
  /** Removes the session; with `expectedRevision`, only if it is still at that revision. */
  delete(key: SessionKey, expectedRevision?: number): Promise<void>;
}

/** The key's name inside a store: `flow:${platform}:${senderId}` (Redis adds its prefix). */
export function sessionKeyName(key: SessionKey): string {
  return `flow:${key.platform}:${key.senderId}`;
}

const storedSchema = z.object({
  flow: z.string(),
  flowVersion: z.number().int(),
  step: z.string(),
  state: z.unknown(),
  startedAt: z.string(),
  updatedAt: z.string(),
});

/**
 * An in-process store for tests and the playground. States go through JSON like they do in Redis, so a
 * state that would not survive Redis (a `Date`, a `Map`) fails the same way here.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, string>();

  async read(key: SessionKey): Promise<Session | undefined> {
    return this.current(key);
  }

  // Compare and set happen with no `await` in between: that is what makes them atomic in one process.
  async write(key: SessionKey, session: SessionData, expectedRevision?: number): Promise<Session> {
    const current = this.current(key);
    const actual = current?.revision ?? 0;
    if (expectedRevision !== undefined && (current === undefined || actual !== expectedRevision)) {
      throw new SessionConflictError(key, expectedRevision, actual);
    }
    const stored: Session = { ...session, revision: actual + 1 };
    this.sessions.set(sessionKeyName(key), JSON.stringify(stored));
    return JSON.parse(JSON.stringify(stored)) as Session;
  }

  async delete(key: SessionKey, expectedRevision?: number): Promise<void> {
    const current = this.current(key);
    if (expectedRevision !== undefined && current?.revision !== expectedRevision) {
      throw new SessionConflictError(key, expectedRevision, current?.revision ?? 0);
    }
    this.sessions.delete(sessionKeyName(key));
  }

  private current(key: SessionKey): Session | undefined {
    const json = this.sessions.get(sessionKeyName(key));
    return json === undefined ? undefined : (JSON.parse(json) as Session);
  }
}

/**
 * Compare-and-set write. The session is a hash `{ rev, data }` so the script compares and bumps the revision
 * without decoding the state (cjson would turn an empty array into `{}`).
 * KEYS[1] session key; ARGV[1] data JSON; ARGV[2] expected revision, '' for none; ARGV[3] TTL in seconds.
 * Returns `{ 1, newRevision }`, or `{ 0, storedRevision }` on a conflict (0 when nothing is stored).
 */
const WRITE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'rev')
local revision = tonumber(current) or 0
if ARGV[2] ~= '' and current ~= ARGV[2] then return {0, revision} end
redis.call('HSET', KEYS[1], 'rev', revision + 1, 'data', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return {1, revision + 1}
`;

/**
 * Compare-and-delete. KEYS[1] session key; ARGV[1] expected revision, '' for none.
 * Returns `{ 1, 0 }` when deleted (or already absent without an expectation), `{ 0, storedRevision }` on a conflict.
 */
const DELETE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] ~= '' and current ~= ARGV[1] then return {0, tonumber(current) or 0} end
redis.call('DEL', KEYS[1])
return {1, 0}
`;

/** The scripts' status codes, turned into errors in one place (`checked`). */
enum ScriptStatus {
  Conflict = 0,
  Ok = 1,
}

export interface RedisSessionStoreOptions {
  /** Prepended to every key; a Redis Cluster deployment uses a hash tag here. */
  prefix: string;
  /** A session idle this long is forgotten; renewed on every write. Default one day. */
  ttlSeconds?: number;
}

/** The production store: one Redis hash per sender, expiring after `ttlSeconds` without a write. */
export class RedisSessionStore implements SessionStore {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    options: RedisSessionStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.ttlSeconds = options.ttlSeconds ?? 86_400;
  }

  /** The Redis key of a sender's session. */
  redisKey(key: SessionKey): string {
    return `${this.prefix}${sessionKeyName(key)}`;
  }

  async read(key: SessionKey): Promise<Session | undefined> {
    const [rev, data] = await this.redis.hmget(this.redisKey(key), 'rev', 'data');
    if (typeof rev !== 'string' || typeof data !== 'string') return undefined;
    const parsed = storedSchema.safeParse(safeJson(data));
    // A session we cannot read is treated as none, so the sender can start afresh instead of being stuck
    // on an error with every message until the TTL runs out.
    if (!parsed.success) return undefined;
    return { ...parsed.data, revision: Number(rev) };
  }

  async write(key: SessionKey, session: SessionData, expectedRevision?: number): Promise<Session> {
    const data: SessionData = {
      flow: session.flow,
      flowVersion: session.flowVersion,
      step: session.step,
      state: session.state,
      startedAt: session.startedAt,
      updatedAt: session.updatedAt,
    };
    const json = JSON.stringify(data);
    const reply = await this.redis.eval(WRITE_SCRIPT, 1, this.redisKey(key), json, expectedRevision ?? '', this.ttlSeconds);
    const revision = checked(reply, key, expectedRevision);
    return { ...(JSON.parse(json) as SessionData), revision };
  }

  async delete(key: SessionKey, expectedRevision?: number): Promise<void> {
    const reply = await this.redis.eval(DELETE_SCRIPT, 1, this.redisKey(key), expectedRevision ?? '');
    checked(reply, key, expectedRevision);
  }
}

function checked(reply: unknown, key: SessionKey, expectedRevision: number | undefined): number {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
    throw new Error(`unexpected reply from the flow session script: ${JSON.stringify(reply)}`);
  }
  const [status, revision] = reply as [number, number];
  if (status === ScriptStatus.Conflict) throw new SessionConflictError(key, expectedRevision ?? 0, revision);
  return revision;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
