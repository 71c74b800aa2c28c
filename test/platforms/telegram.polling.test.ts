/**
 * Long polling against the fake Bot API when handling fails: the update is delivered again until it is handled,
 * the offset sent to getUpdates never passes it, and neither a failing handler nor a failing getUpdates ends
 * polling. Each test has its own fake, so no update left pending by one test reaches another.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../src/platforms/telegram/long-polling.ts';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from '../../src/platforms/telegram/telegram.adapter.ts';
import type { InboundMessage } from '../../src/platforms/types.ts';
import { startFakeTelegramApi, type FakeTelegramApi, type UpdateInput } from '../support/fake-telegram-api.ts';

const CHAT = { id: 42, type: 'private' as const, first_name: 'Li' };
const FROM = { id: 42, is_bot: false, first_name: 'Li' };
const text = (body: string, messageId: number): UpdateInput => ({ message: { message_id: messageId, date: 1_767_225_600, chat: CHAT, from: FROM, text: body } });

/** Pauses short enough for a test: 20 ms, 40 ms, … at most 80 ms. */
const FAST = { initialMs: 20, maxMs: 80 };

/** A TCP relay to `target` that a test can cut (refusing connections) and restore on the same port. */
async function proxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve) => {
      const relay = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server = relay;
      relay.listen(port, '127.0.0.1', () => resolve((relay.address() as AddressInfo).port));
    });
  const cut = async (): Promise<void> => {
    const closing = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of sockets) socket.destroy();
    await closing;
  };
  const port = await listen(0);
  return { apiRoot: `http://127.0.0.1:${port}`, cut, restore: () => listen(port), close: cut };
}

function quietLogger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe('Telegram long polling when handling fails', () => {
  const running: { fake: FakeTelegramApi; adapters: TelegramAdapter[] }[] = [];
  afterEach(async () => {
    for (const { fake, adapters } of running.splice(0)) {
      for (const adapter of adapters) await adapter.stop();
      await fake.close();
    }
  });

  async function setup() {
    const fake = await startFakeTelegramApi();
    const entry = { fake, adapters: [] as TelegramAdapter[] };
    running.push(entry);
    const adapter = (extra: Partial<TelegramAdapterOptions> = {}): TelegramAdapter => {
      const made = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: quietLogger(), polling: { backoff: FAST }, ...extra });
      entry.adapters.push(made);
      return made;
    };
    /** The offsets the adapter sent to getUpdates from call index `since` on. */
    const offsets = (since = 0): number[] => fake.callsTo('getUpdates').slice(since).map((call) => Number(call.params.offset ?? 0));
    return { fake, adapter, offsets };
  }

  it('delivers an update that failed twice a third time, and the next one only after it', async () => {
    const { fake, adapter, offsets } = await setup();
    const seen: string[] = [];
    let failuresLeft = 2;
    let firstHandledAt = Infinity;
    const onPollingStopped = vi.fn();
    const logger = quietLogger();
    await adapter({ logger, onPollingStopped }).start(async (message: InboundMessage) => {
      seen.push(message.text);
      if (message.text === 'first' && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
      }
      if (message.text === 'first') firstHandledAt = Date.now();
    });
    const first = fake.pushUpdate(text('first', 1));
    const second = fake.pushUpdate(text('second', 2));

    await vi.waitFor(() => expect(seen).toEqual(['first', 'first', 'first', 'second']));
    await vi.waitFor(() => expect(offsets()).toContain(second + 1));
    // After each failure getUpdates was asked from `first` again; an offset past it only once it was handled.
    const calls = fake.callsTo('getUpdates');
    const past = calls.filter((call) => Number(call.params.offset ?? 0) > first);
    expect(calls.length - past.length).toBeGreaterThanOrEqual(3);
    expect(past.every((call) => call.at >= firstHandledAt)).toBe(true);
    expect(past[0]?.params.offset).toBe(second + 1);
    expect(onPollingStopped).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ updateId: first, attempt: 2, retryInMs: 40 }), 'telegram: update not handled; it will be delivered again');
  });

  it('tells the waiting handler of the updates held back behind a failing one, and handles them after it', async () => {
    const { fake, adapter } = await setup();
    const handled: string[] = [];
    const waiting: string[] = [];
    let failuresLeft = 2;
    // Both pending before polling starts: they arrive in one batch.
    fake.pushUpdate(text('first', 1));
    fake.pushUpdate(text('second', 2));
    await adapter().start(
      async (message) => {
        if (message.text === 'first' && failuresLeft-- > 0) throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
        handled.push(message.text);
      },
      async (message) => void waiting.push(message.text),
    );
    await vi.waitFor(() => expect(handled).toEqual(['first', 'second']));
    // Told at each failed attempt (the bot answers once per message); never of the failing one itself.
    expect(waiting).toEqual(['second', 'second']);
  });

  it('while the head keeps failing, tells the waiting handler of updates that arrive meanwhile, and confirms nothing early', async () => {
    const { fake, adapter, offsets } = await setup();
    const handled: string[] = [];
    const waiting: string[] = [];
    let failing = true;
    const first = fake.pushUpdate(text('first', 1));
    // A long pause after each failure: what arrives meanwhile is found by looking, not by the next attempt.
    await adapter({ polling: { backoff: { initialMs: 1000, maxMs: 1000 }, waitingCheckMs: 50 } }).start(
      async (message) => {
        if (message.text === 'first' && failing) throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
        handled.push(message.text);
      },
      async (message) => void waiting.push(message.text),
    );
    await vi.waitFor(() => expect(fake.callsTo('getUpdates').length).toBeGreaterThan(0));
    fake.pushUpdate(text('later', 2));
    await vi.waitFor(() => expect(waiting).toContain('later'));
    expect(handled).toEqual([]);
    expect(Math.max(...offsets())).toBeLessThanOrEqual(first);
    failing = false;
    await vi.waitFor(() => expect(handled).toEqual(['first', 'later']), { timeout: 5000 });
    // Not told of the failing update itself, nor of anything once it went through.
    expect(waiting.filter((w) => w !== 'later')).toEqual([]);
  });

  it('never sends an offset past an update that keeps failing; a restart gets it again', async () => {
    const { fake, adapter, offsets } = await setup();
    const attempts: number[] = [];
    const failing = adapter();
    await failing.start(async (message) => {
      attempts.push(Date.now());
      if (message.text === 'stuck') throw new Error('ServiceUnavailableError');
    });
    const handled = fake.pushUpdate(text('fine', 1));
    const stuck = fake.pushUpdate(text('stuck', 2));
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(6));
    await failing.stop();

    // The handled update was confirmed (offset handled + 1 = stuck); nothing ever went past the stuck one,
    // not even the closing getUpdates that stop() sends.
    expect(offsets()).toContain(stuck);
    expect(Math.max(...offsets())).toBe(stuck);
    expect(fake.callsTo('getUpdates').at(-1)?.params).toMatchObject({ offset: handled + 1, limit: 1 });

    const again: string[] = [];
    await adapter().start(async (message) => void again.push(message.text));
    await vi.waitFor(() => expect(again).toEqual(['stuck']));
  });

  it('stop() during a long backoff returns at once, after the update in hand', async () => {
    const { fake, adapter } = await setup();
    let calls = 0;
    const slow = adapter({ polling: { backoff: { initialMs: 30_000, maxMs: 30_000 } } });
    await slow.start(async () => {
      calls += 1;
      throw new Error('RedisUnavailableError');
    });
    fake.pushUpdate(text('x', 1));
    await vi.waitFor(() => expect(calls).toBe(1));
    const started = Date.now();
    await slow.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(1);

    // With nothing in hand, a pending long poll (held 50 s by the fake) is aborted just as fast.
    const idle = adapter();
    await idle.start(async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const idleStart = Date.now();
    await idle.stop();
    expect(Date.now() - idleStart).toBeLessThan(1000);
  });

  it('keeps polling through getUpdates failures (5xx, network) and ends only on a conflict', async () => {
    const { fake, adapter } = await setup();
    const seen: string[] = [];
    const onPollingStopped = vi.fn();
    const logger = quietLogger();
    fake.failNext('getUpdates', { error_code: 502, description: 'Bad Gateway' });
    fake.failNext('getUpdates', { error_code: 500, description: 'Internal Server Error' });
    await adapter({ logger, onPollingStopped }).start(async (message) => void seen.push(message.text));
    fake.pushUpdate(text('after outage', 1));
    await vi.waitFor(() => expect(seen).toEqual(['after outage']));
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ attempt: 2 }), 'telegram: getUpdates failed; retrying');
    expect(onPollingStopped).not.toHaveBeenCalled();

    const conflict = { error_code: 409, description: 'Conflict: terminated by other getUpdates request' };
    fake.failNext('getUpdates', conflict);
    fake.pushUpdate(text('wake the poll', 2));
    await vi.waitFor(() => expect(onPollingStopped).toHaveBeenCalledWith(expect.objectContaining({ code: 409 })));
    expect(logger.error).toHaveBeenCalledWith(expect.anything(), 'telegram: polling ended with an error');
  });

  it('a network error of getUpdates (the API unreachable for a while) is retried, not fatal', async () => {
    const { fake, adapter } = await setup();
    const link = await proxy(new URL(fake.apiRoot));
    const logger = quietLogger();
    const onPollingStopped = vi.fn();
    const seen: string[] = [];
    await adapter({ apiRoot: link.apiRoot, logger, onPollingStopped }).start(async (message) => void seen.push(message.text));

    await link.cut();
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ attempt: 3 }), 'telegram: getUpdates failed; retrying'));
    fake.pushUpdate(text('sent while cut off', 1));
    await link.restore();
    await vi.waitFor(() => expect(seen).toEqual(['sent while cut off']));
    expect(onPollingStopped).not.toHaveBeenCalled();
    await link.close();
  });

  it('backs off 1 s, doubling, up to 30 s by default', () => {
    const backoff = { initialMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((failures) => backoffDelay(backoff, failures))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});
