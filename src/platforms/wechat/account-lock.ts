/**
 * One WeChat account, one instance. A WeChat account can be logged in only once, so the adapter holds a Redis
 * lease on it before wechaty starts: `SET key token NX PX ttl`, extended every ttl/3 by a compare-and-extend
 * script, and deleted by a compare-and-delete script on stop. An instance that finds the lease taken waits
 * and tries again; a holder that dies stops renewing, and its lease expires after the TTL.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** Extends the lease only while it is still ours; 1 when extended, 0 when someone else holds it or it expired. */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lease only while it is still ours. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export const DEFAULT_LEASE_TTL_MS = 30_000;
export const DEFAULT_RETRY_MS = 5_000;

/**
 * The account part of the lease key: the puppet's name and the first 16 hex digits of the SHA-256 of its
 * token, so two tokens (two accounts) on one puppet get two leases while the key never reveals the token.
 */
export function wechatAccountKey(puppet: string, token?: string): string {
  const name = puppet.replace(/[^\w.@-]/g, '_');
  if (token === undefined || token === '') return name;
  return `${name}:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16)}`;
}

/** The pino-compatible subset the lock logs through. */
export interface AccountLockLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Where the lease lives and how it is kept; see {@link createAccountLock}. */
export interface AccountLockConfig {
  redis: Redis;
  /** The bot's Redis key prefix; the lease is `${keyPrefix}wechat-owner:${accountKey}`. */
  keyPrefix: string;
  /** From {@link wechatAccountKey}. */
  accountKey: string;
  /** How long a lease outlives its last renewal (default 30 s): a dead holder's account is free after this. */
  ttlMs?: number;
  /** How often a waiting instance tries again (default 5 s). */
  retryMs?: number;
}

export interface AccountLockOptions extends AccountLockConfig {
  logger: AccountLockLogger;
  /** Called once the lease is ours: start serving the account. A rejection gives the lease back. */
  onAcquired(): Promise<void>;
  /** Called when the lease was lost (taken over, or not renewable before it expired): stop serving at once. */
  onLost(reason: string): Promise<void>;
}

export interface AccountLock {
  readonly key: string;
  /**
   * Tries to take the lease once. Holding it, `onAcquired` has run when this resolves (and its rejection is
   * this one's); otherwise waiting has begun. Either way the lease is then kept or retried in the background.
   */
  start(): Promise<void>;
  /** Ends renewing or waiting (after an `onAcquired`/`onLost` in progress), keeping the lease if held. */
  stop(): Promise<void>;
  /** Gives the lease back if it is still ours. Call after the account stopped being served. */
  release(): Promise<void>;
  holds(): boolean;
}

/** A lease on one WeChat account; nothing touches Redis until `start`. */
export function createAccountLock(options: AccountLockOptions): AccountLock {
  const { redis, logger } = options;
  const key = `${options.keyPrefix}wechat-owner:${options.accountKey}`;
  const ttl = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const renewEvery = Math.max(1, Math.floor(ttl / 3));
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  // Who holds the account, for whoever reads the key: host and pid, unique per lock.
  const token = `${hostname()}:${process.pid}:${randomUUID()}`;
  let holding = false;
  /** Until when the lease is surely ours: the start of the last successful SET or extend, plus the TTL. */
  let heldUntil = 0;
  let waitingLogged = false;
  let abort = new AbortController();
  let loop: Promise<void> | undefined;

  const tryAcquire = async (): Promise<boolean> => {
    const at = Date.now();
    const taken = (await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK';
    if (taken) heldUntil = at + ttl;
    return taken;
  };

  /**
   * One attempt: true when the lease is now ours and `onAcquired` ran. Redis being unreachable counts as "not
   * now"; a failing `onAcquired` gives the lease back (so another instance may try) and rejects.
   */
  const attempt = async (): Promise<boolean> => {
    let taken: boolean;
    try {
      taken = await tryAcquire();
    } catch (error) {
      logger.warn({ key, err: error instanceof Error ? error.message : String(error) }, 'wechat: account lease not available (Redis); retrying');
      return false;
    }
    if (!taken) {
      if (!waitingLogged) logger.info({ key }, 'another instance holds this WeChat account; waiting');
      waitingLogged = true;
      return false;
    }
    holding = true;
    waitingLogged = false;
    try {
      await options.onAcquired();
    } catch (error) {
      holding = false;
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      throw error;
    }
    logger.info({ key }, 'wechat: account lease taken; this instance serves the account');
    return true;
  };

  /** Extends the lease; returns why it is lost, or undefined while it is still ours. */
  const renew = async (): Promise<string | undefined> => {
    const at = Date.now();
    try {
      if (Number(await redis.eval(EXTEND, 1, key, token, ttl)) === 1) {
        heldUntil = at + ttl;
        return undefined;
      }
      return 'the lease expired or another instance took it';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Redis may be back before the lease runs out; past that another instance may hold it, so stop first.
      if (Date.now() + renewEvery >= heldUntil) return `the lease could not be renewed before it expires (${reason})`;
      logger.warn({ key, err: reason }, 'wechat: account lease renewal failed; retrying');
      return undefined;
    }
  };

  const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined);

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      await pause(holding ? renewEvery : retryMs);
      if (abort.signal.aborted) return;
      if (holding) {
        const lost = await renew();
        if (lost === undefined) continue;
        holding = false;
        logger.error({ key, reason: lost }, 'wechat: lost the account lease; stopping this instance and waiting');
        await options.onLost(lost).catch((error: unknown) => logger.error({ key, err: String(error) }, 'wechat: stopping after a lost lease failed'));
        continue;
      }
      try {
        await attempt();
      } catch (error) {
        logger.error({ key, err: error instanceof Error ? error.message : String(error) }, 'wechat: could not start serving the account; will retry');
      }
    }
  };

  return {
    key,
    async start() {
      abort = new AbortController();
      waitingLogged = false;
      // Redis unreachable or the lease held: waiting begins (the bot's other adapters go on). A failed start of
      // the account itself rejects: a wrong puppet configuration is the caller's to see.
      await attempt();
      loop = run();
    },
    async stop() {
      abort.abort();
      await loop;
      loop = undefined;
    },
    async release() {
      if (!holding) return;
      holding = false;
      await redis.eval(RELEASE, 1, key, token).catch((error: unknown) => logger.warn({ key, err: String(error) }, 'wechat: account lease not released; it expires by itself'));
    },
    holds: () => holding,
  };
}
