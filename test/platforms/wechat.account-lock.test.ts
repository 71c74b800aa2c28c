/**
 * One WeChat account, one instance: WeChat adapters on wechaty-puppet-mock, each its own "process", contend for
 * the account's lease on the real Redis. A mock account logs in as soon as its wechaty starts, so "logged in"
 * means "this instance started serving the account". Needs the servers: skipped by the pure unit config.
 */
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { wechatAccountKey } from '../../src/platforms/wechat/account-lock.ts';
import { createWechatAdapter, type WechatAdapter } from '../../src/platforms/wechat/wechat.adapter.ts';
import { testRedis } from '../support/servers.ts';

const TOKEN = 'puppet_service_token-0123456789abcdef-SECRET';
const ACCOUNT = wechatAccountKey('wechaty-puppet-service', TOKEN);
/** Short enough for a test: a lease outlives its holder by 600 ms; a waiting instance retries every 50 ms. */
const TTL_MS = 600;
const RETRY_MS = 50;

/** One bot process serving (or waiting to serve) the account. */
interface Instance {
  name: string;
  adapter: WechatAdapter;
  /** Every time its WeChat account logged in. */
  logins: number[];
  logs: string[];
}

describe.skipIf(!inject('redisUrl'))('WeChat account lease on Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup(label: string) {
    const redis = testRedis(label);
    cleanups.push(() => redis.close());
    const keyPrefix = `${redis.prefix}:bot:`;
    const key = `${keyPrefix}wechat-owner:${ACCOUNT}`;

    const instance = (name: string, options: { ttlMs?: number } = {}): Instance => {
      const mocker = new mock.Mocker();
      const puppet = new PuppetMock({ mocker });
      const self = mocker.createContact({ id: 'wx-qinqing-bot', name: '亲清助手' });
      // The mock logs in whenever its puppet starts, like a puppet resuming a saved session.
      mocker.use(() => {
        mocker.login(self);
        return () => undefined;
      });
      const logins: number[] = [];
      const logs: string[] = [];
      const record = (level: string) => (fields: object, msg?: string) => {
        logs.push(`${level} ${msg ?? ''} ${JSON.stringify(fields)}`);
        if (msg === 'wechat login') logins.push(Date.now());
      };
      const adapter = createWechatAdapter({
        puppet,
        logger: { info: record('info'), warn: record('warn'), error: record('error') },
        accountLock: { redis: redis.redis, keyPrefix, accountKey: ACCOUNT, ttlMs: options.ttlMs ?? TTL_MS, retryMs: RETRY_MS },
      });
      cleanups.push(() => adapter.stop());
      return { name, adapter, logins, logs };
    };
    return { redis: redis.redis, key, instance };
  }

  const waiting = (instance: Instance) => instance.logs.filter((line) => line.includes('another instance holds this WeChat account; waiting'));

  it('two instances on one account: exactly one logs in, the other waits and says so once', async () => {
    const { redis, key, instance } = setup('wxlockone');
    const a = instance('a');
    const b = instance('b');
    await a.adapter.start(async () => undefined);
    await b.adapter.start(async () => undefined); // resolves although b cannot serve yet
    await vi.waitFor(() => expect(a.logins).toHaveLength(1));

    await new Promise((resolve) => setTimeout(resolve, 10 * RETRY_MS)); // b retries about ten times meanwhile
    expect(b.logins).toEqual([]);
    expect([a.adapter.holdsAccount(), b.adapter.holdsAccount()]).toEqual([true, false]);
    expect(waiting(b)).toHaveLength(1);
    expect(waiting(a)).toEqual([]);
    // a renews every TTL/3: its lease is still there after more than a TTL.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(b.logins).toEqual([]);
  });

  it('when the holder stops, the waiting instance takes over within a retry period', async () => {
    const { redis, key, instance } = setup('wxlockstop');
    // A long TTL: b taking over quickly shows the lease was released, not left to expire.
    const a = instance('a', { ttlMs: 5000 });
    const b = instance('b', { ttlMs: 5000 });
    await a.adapter.start(async () => undefined);
    await vi.waitFor(() => expect(a.logins).toHaveLength(1));
    await b.adapter.start(async () => undefined);
    expect(b.adapter.holdsAccount()).toBe(false);

    await a.adapter.stop();
    const stoppedAt = Date.now();
    expect(a.adapter.holdsAccount()).toBe(false);
    await vi.waitFor(() => expect(b.logins).toHaveLength(1), { timeout: 2000, interval: 5 });
    // Released on stop, so b need not wait for the 5 s TTL: one retry period (plus the mock's start) is enough.
    expect((b.logins[0] ?? Infinity) - stoppedAt).toBeLessThan(RETRY_MS + 1000);
    expect(b.adapter.holdsAccount()).toBe(true);
    expect(await redis.get(key)).toMatch(new RegExp(`:${process.pid}:`));
  });

  it('a holder that died without releasing is taken over once its lease expired', async () => {
    const { redis, key, instance } = setup('wxlockdead');
    // What a killed process leaves: its lease, no renewals, no release.
    const diedAt = Date.now();
    await redis.set(key, 'dead-host:4242:gone', 'PX', TTL_MS, 'NX');
    const b = instance('b');
    await b.adapter.start(async () => undefined);
    expect(b.adapter.holdsAccount()).toBe(false);
    expect(waiting(b)).toHaveLength(1);

    await vi.waitFor(() => expect(b.logins).toHaveLength(1), { timeout: TTL_MS + 2000, interval: 5 });
    const tookOver = (b.logins[0] ?? 0) - diedAt;
    expect(tookOver).toBeGreaterThanOrEqual(TTL_MS - 20);
    expect(tookOver).toBeLessThan(TTL_MS + RETRY_MS + 1000);
  });

  it('a holder whose lease was lost stops serving, says why, and waits to take it back', async () => {
    const { redis, key, instance } = setup('wxlocklost');
    const a = instance('a', { ttlMs: 900 });
    await a.adapter.start(async () => undefined);
    await vi.waitFor(() => expect(a.logins).toHaveLength(1));

    // Someone else's lease where a's was (an operator's mistake, or a's renewals stalled past the TTL).
    await redis.set(key, 'other-host:1:intruder', 'PX', 700);
    await vi.waitFor(() => expect(a.adapter.holdsAccount()).toBe(false), { timeout: 1000, interval: 5 });
    expect(a.logs).toContainEqual(expect.stringMatching(/^error wechat: lost the account lease; stopping this instance and waiting .*another instance took it/));
    await expect(a.adapter.send('wx-anyone', { text: 'x' })).resolves.toMatchObject({ ok: false, reason: 'unreachable' });

    // The other lease expires; a takes the account back and logs in again.
    await vi.waitFor(() => expect(a.logins).toHaveLength(2), { timeout: 3000, interval: 5 });
    expect(a.adapter.holdsAccount()).toBe(true);
  });

  it('the lease key names the puppet and a hash of the token, never the token', async () => {
    const { redis, key, instance } = setup('wxlockkey');
    const a = instance('a');
    await a.adapter.start(async () => undefined);
    await vi.waitFor(() => expect(a.logins).toHaveLength(1));

    expect(ACCOUNT).toMatch(/^wechaty-puppet-service:[0-9a-f]{16}$/);
    expect(wechatAccountKey('wechaty-puppet-service', `${TOKEN}x`)).not.toBe(ACCOUNT);
    const keys = await redis.keys(`*wechat-owner*`);
    expect(keys).toContain(key);
    for (const found of keys) {
      expect(found).not.toContain(TOKEN);
      expect(found).not.toContain(TOKEN.slice(0, 12));
      expect(await redis.get(found)).not.toContain(TOKEN.slice(0, 12));
    }
    expect(a.logs.join('\n')).not.toContain(TOKEN.slice(0, 12));
  });
});
