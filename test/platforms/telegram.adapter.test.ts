import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Update } from 'telegraf/types';
import { createTelegramAdapter } from '../../src/platforms/telegram/telegram.adapter.ts';
import type { TelegramAdapter, TelegramAdapterOptions } from '../../src/platforms/telegram/telegram.adapter.ts';
import type { InboundMessage } from '../../src/platforms/types.ts';
import { startFakeTelegramApi } from '../support/fake-telegram-api.ts';
import type { FakeTelegramApi, UpdateInput } from '../support/fake-telegram-api.ts';

const CHAT = { id: 42, type: 'private' as const, first_name: 'Li' };
const FROM = { id: 42, is_bot: false, first_name: 'Li', language_code: 'zh-hans' };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(992, 7)]);

const textUpdate = (text: string, messageId = 1): UpdateInput => ({ message: { message_id: messageId, date: 1_767_225_600, chat: CHAT, from: FROM, text } });
const photoUpdate = (): UpdateInput => ({
  message: {
    message_id: 2, date: 1_767_225_600, chat: CHAT, from: FROM, caption: '现场照片',
    photo: [{ file_id: 'p-small', file_unique_id: 's', width: 90, height: 90 }, { file_id: 'p-big', file_unique_id: 'b', width: 1280, height: 960 }],
  },
});
const callbackUpdate = (): UpdateInput => ({
  callback_query: { id: 'cb-1', from: FROM, chat_instance: 'ci', data: 'rate:5', message: { message_id: 9, date: 1_767_225_600, chat: CHAT, text: '请评价' } },
});

function quietLogger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

/** Collects what the adapter hands to onMessage and lets a test wait for the n-th one. */
function inbox() {
  const messages: InboundMessage[] = [];
  const handler = async (message: InboundMessage): Promise<void> => {
    messages.push(message);
  };
  const waitFor = async (count: number, timeoutMs = 5000): Promise<InboundMessage[]> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${messages.length} of ${count} messages arrived`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return messages;
  };
  return { messages, handler, waitFor };
}

describe('Telegram adapter, long polling', () => {
  let fake: FakeTelegramApi;
  let adapter: TelegramAdapter | undefined;
  const make = (extra: Partial<TelegramAdapterOptions> = {}): TelegramAdapter =>
    (adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: quietLogger(), ...extra }));

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
  });
  afterAll(async () => {
    await fake.close();
  });
  /** Confirms every pending update below `offset`, as a poller would, so no test inherits another's. */
  const confirmBelow = async (offset: number): Promise<void> => {
    await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?offset=${offset}&timeout=0`).then((res) => res.arrayBuffer());
  };

  it('receives a text, a photo and a callback press in order, then stops cleanly', async () => {
    const box = inbox();
    const bot = make();
    await bot.start(box.handler);
    fake.pushUpdate(textUpdate('/status@qinqing_test_bot RF-2026-000001'));
    fake.pushUpdate(photoUpdate());
    const lastId = fake.pushUpdate(callbackUpdate());
    const [text, photo, press] = await box.waitFor(3);

    expect(text).toMatchObject({ platform: 'telegram', chatId: '42', senderId: '42', text: '/status RF-2026-000001', platformMessageId: '42:1', languageHint: 'zh-hans' });
    expect(photo).toMatchObject({ text: '现场照片', attachments: [{ kind: 'photo', fileRef: 'p-big' }] });
    expect(press).toMatchObject({ chatId: '42', platformMessageId: 'cb:cb-1', callback: { id: 'cb-1', data: 'rate:5' } });
    // The adapter leaves the spinner to the handler.
    expect(fake.callsTo('answerCallbackQuery')).toHaveLength(0);

    await bot.stop();
    adapter = undefined;
    // telegraf's closing getUpdates confirms everything handled so far.
    expect(fake.callsTo('getUpdates').at(-1)?.params).toMatchObject({ offset: lastId + 1, limit: 1 });
    const pollsAfterStop = fake.callsTo('getUpdates').length;
    fake.pushUpdate(textUpdate('after stop', 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.callsTo('getUpdates')).toHaveLength(pollsAfterStop);
    expect(box.messages).toHaveLength(3);
  });

  it('registers the command menu in zh-CN (default) and en', async () => {
    const before = fake.callsTo('setMyCommands').length;
    await make().start(inbox().handler);
    const [zh, en] = fake.callsTo('setMyCommands').slice(before);
    const names = ['start', 'help', 'new', 'status', 'rate', 'cancel', 'lang', 'tasks'];
    expect(zh?.params.language_code).toBeUndefined();
    expect(zh?.params.commands).toEqual(names.map((command) => expect.objectContaining({ command })));
    expect(zh?.params.commands).toContainEqual({ command: 'status', description: '查询办理进度' });
    expect(en?.params.language_code).toBe('en');
    expect(en?.params.commands).toContainEqual({ command: 'status', description: 'Check the status of a request' });
  });

  it('logs a throwing handler and keeps polling, without confirming the failed update', async () => {
    const logger = quietLogger();
    const onPollingStopped = vi.fn();
    const failure = new Error('database down');
    const id = fake.pushUpdate(textUpdate('hello', 11));
    await confirmBelow(id); // what earlier tests left pending would be the failing update otherwise
    const before = fake.callsTo('getUpdates').length;
    await make({ logger, onPollingStopped, polling: { backoff: { initialMs: 10, maxMs: 20 } } }).start(async () => {
      throw failure;
    });
    const failuresOf = () => logger.error.mock.calls.filter(([fields]) => (fields as { updateId?: number }).updateId === id);
    await vi.waitFor(() => expect(failuresOf().length).toBeGreaterThanOrEqual(2));

    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ err: failure, updateId: id, platformMessageId: '42:11' }), 'telegram: onMessage failed');
    expect(onPollingStopped).not.toHaveBeenCalled();
    await adapter?.stop();
    adapter = undefined;
    // Asked for again and again, never confirmed (see telegram.polling.test.ts for the retries in detail).
    const offsets = fake.callsTo('getUpdates').slice(before).map((call) => Number(call.params.offset ?? 0));
    expect(offsets.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(id);
    await confirmBelow(id + 1); // handled by nobody: later tests must not receive it
  });

  it('rejects start when Telegram refuses the token', async () => {
    const bad = createTelegramAdapter({ token: '1:wrong', apiRoot: fake.apiRoot, logger: quietLogger() });
    await expect(bad.start(inbox().handler)).rejects.toThrow(/401/);
  });
});

describe('Telegram adapter, sending', () => {
  let fake: FakeTelegramApi;
  let bot: TelegramAdapter;
  let chat = 1000;
  const nextChat = (): string => String(++chat);

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
    bot = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: quietLogger() });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('renders buttons as an inline keyboard', async () => {
    const chatId = nextChat();
    const buttons = [[{ action: 'rate:5', label: '满意' }, { action: 'rate:1', label: '不满意' }], [{ action: 'cancel', label: '取消' }]];
    const result = await bot.send(chatId, { text: '请评价本次办理', buttons });
    expect(result).toEqual({ ok: true, platformMessageId: `${chatId}:${fake.sent.get(chatId)?.[0]?.messageId}` });
    expect(fake.sent.get(chatId)).toEqual([
      expect.objectContaining({
        text: '请评价本次办理',
        replyMarkup: { inline_keyboard: [[{ text: '满意', callback_data: 'rate:5' }, { text: '不满意', callback_data: 'rate:1' }], [{ text: '取消', callback_data: 'cancel' }]] },
      }),
    ]);
  });

  it('throws when a button action exceeds 64 UTF-8 bytes, sending nothing', async () => {
    const chatId = nextChat();
    const action = '诉'.repeat(22); // 66 bytes, only 22 characters
    await expect(bot.send(chatId, { text: 'x', buttons: [[{ action, label: 'x' }]] })).rejects.toThrow(/66 bytes.*at most 64/);
    expect(fake.sent.has(chatId)).toBe(false);
    await expect(bot.send(chatId, { text: 'x', buttons: [[{ action: 'a'.repeat(64), label: 'x' }]] })).resolves.toMatchObject({ ok: true });
  });

  it('sends an image as a photo upload with the text as caption', async () => {
    const chatId = nextChat();
    const result = await bot.send(chatId, { text: '办理进度图', image: { png: PNG }, buttons: [[{ action: 'ok', label: 'OK' }]] });
    expect(result.ok).toBe(true);
    expect(fake.sent.get(chatId)).toEqual([
      expect.objectContaining({ method: 'sendPhoto', caption: '办理进度图', file: { fileName: 'image.png', size: PNG.length }, replyMarkup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } }),
    ]);
  });

  it('sends a caption over 1024 characters as a message after the photo, keyboard last', async () => {
    const chatId = nextChat();
    const text = '长'.repeat(1025);
    await bot.send(chatId, { text, image: { png: PNG }, buttons: [[{ action: 'ok', label: 'OK' }]] });
    const [photo, message] = fake.sent.get(chatId) ?? [];
    expect(photo).toMatchObject({ method: 'sendPhoto', file: { size: PNG.length } });
    expect(photo).not.toHaveProperty('caption');
    expect(photo).not.toHaveProperty('replyMarkup');
    expect(message).toMatchObject({ method: 'sendMessage', text, replyMarkup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } });
  });

  it('splits text over 4096 characters at line boundaries', async () => {
    const chatId = nextChat();
    const line = 'x'.repeat(99);
    const text = Array.from({ length: 100 }, () => line).join('\n'); // 9999 characters, 100 lines
    await bot.send(chatId, { text });
    const parts = (fake.sent.get(chatId) ?? []).map((m) => m.text ?? '');
    expect(parts.map((p) => p.length)).toEqual([3999, 3999, 1999]);
    expect(parts.join('\n')).toBe(text);
  });

  it('cuts a single over-long line hard, never inside a surrogate pair', async () => {
    const chatId = nextChat();
    await bot.send(chatId, { text: `${'a'.repeat(4095)}😀b` }); // the emoji straddles the 4096 boundary
    expect((fake.sent.get(chatId) ?? []).map((m) => m.text)).toEqual(['a'.repeat(4095), '😀b']);
  });

  it('reports an empty message as failed without calling Telegram', async () => {
    const before = fake.calls.length;
    await expect(bot.send(nextChat(), { text: ' \n ' })).resolves.toMatchObject({ ok: false, reason: 'failed', detail: expect.stringMatching(/empty/) });
    expect(fake.calls).toHaveLength(before);
  });

  it('turns a 429 into rate-limited with retry_after in ms, without retrying', async () => {
    const chatId = nextChat();
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
    const before = fake.callsTo('sendMessage').length;
    await expect(bot.send(chatId, { text: 'hi' })).resolves.toEqual({ ok: false, reason: 'rate-limited', retryAfterMs: 2000 });
    expect(fake.callsTo('sendMessage')).toHaveLength(before + 1);
  });

  it('maps a blocked bot and a missing chat to unreachable, anything else to failed', async () => {
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(bot.send(nextChat(), { text: 'hi' })).resolves.toMatchObject({ ok: false, reason: 'unreachable', detail: expect.stringMatching(/blocked/) });
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    await expect(bot.send(nextChat(), { text: 'hi' })).resolves.toMatchObject({ ok: false, reason: 'unreachable' });
    fake.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities" });
    await expect(bot.send(nextChat(), { text: 'hi' })).resolves.toMatchObject({ ok: false, reason: 'failed' });
    fake.failNext('sendPhoto', { error_code: 502, description: 'Bad Gateway' });
    await expect(bot.send(nextChat(), { text: 'hi', image: { png: PNG } })).resolves.toMatchObject({ ok: false, reason: 'failed' });
  });

  it('answers a callback query, and tolerates an expired one', async () => {
    await bot.answerCallback('cb-9', '已收到');
    expect(fake.callsTo('answerCallbackQuery').at(-1)?.params).toMatchObject({ callback_query_id: 'cb-9', text: '已收到' });
    fake.failNext('answerCallbackQuery', { error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
    await expect(bot.answerCallback('cb-old')).resolves.toBeUndefined();
  });

  it('is held to per-chat limits by the fake when they are enforced', async () => {
    const limited = await startFakeTelegramApi({ limits: { perSecond: 30, perChatPerSecond: 1 } });
    try {
      const client = createTelegramAdapter({ token: limited.token, apiRoot: limited.apiRoot, logger: quietLogger() });
      await expect(client.send('7', { text: 'one' })).resolves.toMatchObject({ ok: true });
      await expect(client.send('7', { text: 'two' })).resolves.toEqual({ ok: false, reason: 'rate-limited', retryAfterMs: 1000 });
      await expect(client.send('8', { text: 'other chat' })).resolves.toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });
});

describe('Telegram adapter, webhook mode', () => {
  const secret = 'S3cret_token-for-tests';
  let fake: FakeTelegramApi;
  let bot: TelegramAdapter;
  const box = inbox();
  const update = (text: string, id: number): Update => ({ update_id: id, ...textUpdate(text, id) }) as Update;

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
    bot = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, webhook: { url: 'https://qinqing.example/telegram/webhook', secret }, logger: quietLogger() });
    await bot.start(box.handler);
  });
  afterAll(async () => {
    await bot.stop();
    await fake.close();
  });

  it('sets the webhook with the secret and keeps pending updates', () => {
    expect(fake.callsTo('setWebhook')).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ url: 'https://qinqing.example/telegram/webhook', secret_token: secret, drop_pending_updates: false }) }),
    ]);
    expect(fake.callsTo('getUpdates')).toHaveLength(0);
  });

  it('processes an update that carries the right secret', async () => {
    await expect(bot.handleWebhook(update('你好', 100), secret)).resolves.toBe('ok');
    expect(box.messages.at(-1)).toMatchObject({ text: '你好', platformMessageId: '42:100' });
  });

  it('refuses a missing or wrong secret and processes nothing', async () => {
    const seen = box.messages.length;
    const calls = fake.calls.length;
    await expect(bot.handleWebhook(update('x', 101), undefined)).resolves.toBe('unauthorized');
    await expect(bot.handleWebhook(update('x', 102), 'wrong')).resolves.toBe('unauthorized');
    await expect(bot.handleWebhook(update('x', 103), `${secret}x`)).resolves.toBe('unauthorized');
    expect(box.messages).toHaveLength(seen);
    expect(fake.calls).toHaveLength(calls);
  });

  it('rejects when onMessage throws, so Telegram redelivers', async () => {
    const failing = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, webhook: { url: 'https://q.example/hook', secret }, logger: quietLogger() });
    await failing.start(async () => {
      throw new Error('queue unavailable');
    });
    await expect(failing.handleWebhook(update('boom', 200), secret)).rejects.toThrow('queue unavailable');
    await failing.stop();
    await expect(failing.handleWebhook(update('later', 201), secret)).rejects.toThrow(/not started/);
  });
});

describe('resources', () => {
  it('leaves no sockets, servers or pending requests behind once adapters stopped and fakes closed', async () => {
    // Handles close a tick after server.close() resolves, hence waitFor.
    await vi.waitFor(() => expect(process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'))).toEqual([]));
  });
});
