/**
 * End-to-end harness over the real telegraf client: a local fake Bot API, the Telegram adapter long-polling
 * it, the bot (adapters → handler pipeline → replies) and real BullMQ workers for the `tickets` and `notify`
 * queues, all on the test's own database and Redis prefix. A test speaks as Telegram users (`say`, `tap`,
 * `photo`, `sticker`) and reads what the bot sent through the fake (`sent`, `waitForText`).
 *
 * Every inbound helper waits until the bot has finished with the update: telegraf asks for the next batch
 * (getUpdates with a higher offset) only after the previous batch's handlers resolved, and the bot sends its
 * replies before its handler resolves. So when `say` returns, its replies are in `replies`; notices from the
 * workers arrive on their own and are awaited with `waitForText`.
 */
import { expect, vi } from 'vitest';
import { parse } from 'yaml';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { createTelegramAdapter, type TelegramAdapter, type TelegramLogger } from '../../src/platforms/telegram/telegram.adapter.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { startWorkers, type RunningWorkers } from '../../src/workers/runtime.ts';
import { createTestApp, DEMO_DIRECTORY, type TestApp } from './app-context.ts';
import { startFakeTelegramApi, type FakeTelegramApi, type FakeTelegramApiOptions, type SentMessage, type UpdateInput } from './fake-telegram-api.ts';

/** A Telegram user as the updates carry them; the private chat's id is the user's id. */
export interface TelegramUser {
  id: number;
  first_name: string;
  last_name?: string;
  language_code?: string;
}

/** What was sent to a chat over some time, split by who sent it. */
export interface Arrivals {
  /** The bot's answers to the updates. */
  replies: SentMessage[];
  /** Notices the notify worker delivered meanwhile (they arrive on their own schedule). */
  notices: SentMessage[];
}

/** One update handled: its id and what reached that chat meanwhile. */
export interface Turn extends Arrivals {
  updateId: number;
  /** The replies' texts (captions for photos), joined by newlines. */
  text: string;
}

export interface HarnessOptions {
  /** Reuse an app (its database and queues); by default the harness creates one and drops it on close. */
  app?: TestApp;
  label?: string;
  /** Flood limits of the fake Bot API (Telegram's are about 30/s overall and 1/s per chat). */
  limits?: FakeTelegramApiOptions['limits'];
  /** The notify worker's spacing between two notices to one Telegram chat (default 0: no pacing). */
  chatGapMs?: number;
  /** Messages per sender per minute before the flood notice; a story sends more than a person would. */
  floodLimit?: number;
}

export interface TelegramHarness {
  app: TestApp;
  fake: FakeTelegramApi;
  adapter: TelegramAdapter;
  bot: Bot;
  workers: RunningWorkers;
  /** What the adapter logged at warn and error level (message, then fields). */
  logs: { warn: string[]; error: string[] };
  /** Every failed attempt of a job in the workers, as `queue/job id: reason` (BullMQ retries them). */
  jobFailures: string[];
  /** The bot's Redis key prefix (flow sessions at `${keyPrefix}flow:telegram:<user id>`, dedupe, flood counters). */
  keyPrefix: string;
  /** Sets the name and language hint a user's updates carry (default: `User<id>`, no language). */
  user: UpdateBuilder['user'];
  /** Builders for raw updates, to push by hand (a replay pushes the same one twice). */
  updates: Omit<UpdateBuilder, 'user'>;
  /** Queues an update without waiting; returns its update id. */
  push(update: UpdateInput): number;
  /** Resolves once the bot is done with update `updateId` (and every one before it). */
  processed(updateId: number, timeoutMs?: number): Promise<void>;
  /** Pushes an update and waits until it is handled. */
  send(userId: number, update: UpdateInput): Promise<Turn>;
  say(userId: number, text: string): Promise<Turn>;
  /** Presses a button the bot sent to this user (the newest message carrying `action`); fails if none did. */
  tap(userId: number, action: string): Promise<Turn>;
  /** Sends a photo (file id `photo-<user>-<n>`, returned in `fileId`). */
  photo(userId: number, caption?: string): Promise<Turn & { fileId: string }>;
  sticker(userId: number): Promise<Turn>;
  /** Everything the fake accepted for the chat, oldest first. */
  sent(userId: number | string): SentMessage[];
  /**
   * What reached the chat from index `after` of `sent` on, split into replies and notices. A notice is a
   * message whose text the notify worker recorded for this chat (it records the text before sending).
   */
  arrivedSince(userId: number | string, after: number): Promise<Arrivals>;
  /** The first message sent to the chat (from index `after` on) whose text or caption matches, once it is there. */
  waitForText(userId: number | string, match: string | RegExp, options?: { after?: number; timeoutMs?: number }): Promise<SentMessage>;
  close(): Promise<void>;
}

/** The text a person reads in a sent message: the text, or a photo's caption. */
export function textOf(message: SentMessage): string {
  return message.text ?? message.caption ?? '';
}

/** A sent message's inline keyboard as rows of `{ text, callback_data }` (empty without one). */
export function keyboardOf(message: SentMessage | undefined): { text: string; callback_data: string }[][] {
  const markup = message?.replyMarkup as Partial<InlineKeyboardMarkup> | undefined;
  return (markup?.inline_keyboard ?? []).map((row: InlineKeyboardButton[]) =>
    row.map((button) => ({ text: button.text, callback_data: 'callback_data' in button ? button.callback_data : '' })),
  );
}

/** The callback actions of a message's buttons, in order. */
export function actionsOf(message: SentMessage | undefined): string[] {
  return keyboardOf(message).flat().map((button) => button.callback_data);
}

interface DirectoryFile {
  officials: { code: string; telegram?: string }[];
}

/** The Telegram id the demo directory gives an official (`rf-works-01` → 700000001). */
export function demoTelegramId(code: string): number {
  const directory = parse(DEMO_DIRECTORY) as DirectoryFile;
  const id = directory.officials.find((official) => official.code === code)?.telegram;
  if (id === undefined) throw new Error(`official ${code} has no Telegram id in the demo directory`);
  return Number(id);
}

const matches = (message: SentMessage, match: string | RegExp): boolean =>
  typeof match === 'string' ? textOf(message).includes(match) : match.test(textOf(message));

/** Makes Telegram updates from users in private chats with the bot. */
export interface UpdateBuilder {
  /** Sets the name and language hint a user's updates carry (default: `User<id>`, no language). */
  user(id: number, profile?: Partial<Omit<TelegramUser, 'id'>>): TelegramUser;
  text(userId: number, text: string): UpdateInput;
  /** A photo in two sizes; the larger one's file id is `photo-<user>-<n>`. */
  photo(userId: number, caption?: string): UpdateInput;
  sticker(userId: number): UpdateInput;
  /** A press of `action` on message `messageId` of the user's chat. */
  callback(userId: number, action: string, messageId: number): UpdateInput;
}

export function createUpdateBuilder(): UpdateBuilder {
  const users = new Map<number, TelegramUser>();
  // Message ids are per chat on Telegram; one counter far above the fake's own ids keeps every key unique.
  let nextMessageId = 1_000_000;
  let nextCallbackId = 1;
  let nextFileId = 1;

  const user = (id: number, profile: Partial<Omit<TelegramUser, 'id'>> = {}): TelegramUser => {
    const merged: TelegramUser = { id, first_name: `User${id}`, ...users.get(id), ...profile };
    users.set(id, merged);
    return merged;
  };
  const from = (id: number) => ({ is_bot: false as const, ...(users.get(id) ?? user(id)) });
  const chat = (id: number) => ({ id, type: 'private' as const, first_name: from(id).first_name });
  const now = () => Math.floor(Date.now() / 1000);
  const base = (userId: number) => ({ message_id: nextMessageId++, date: now(), chat: chat(userId), from: from(userId) });

  return {
    user,
    text: (userId, text) => ({ message: { ...base(userId), text } }),
    photo: (userId, caption) => {
      const n = nextFileId++;
      const photo = [
        { file_id: `photo-${userId}-${n}-small`, file_unique_id: `ps-${n}`, width: 90, height: 68, file_size: 1_200 },
        { file_id: `photo-${userId}-${n}`, file_unique_id: `p-${n}`, width: 1280, height: 960, file_size: 180_000 },
      ];
      return { message: { ...base(userId), photo, ...(caption !== undefined ? { caption } : {}) } };
    },
    sticker: (userId) => {
      const n = nextFileId++;
      const sticker = { file_id: `sticker-${n}`, file_unique_id: `s-${n}`, type: 'regular' as const, width: 512, height: 512, is_animated: false, is_video: false };
      return { message: { ...base(userId), sticker } };
    },
    callback: (userId, action, messageId) => ({
      callback_query: {
        id: `cb-${userId}-${nextCallbackId++}`,
        from: from(userId),
        chat_instance: `ci-${userId}`,
        data: action,
        message: { message_id: messageId, date: now(), chat: chat(userId), text: '' },
      },
    }),
  };
}

/** Starts the fake API, the adapter (long polling), the bot and the `tickets` + `notify` workers. */
export async function startTelegramHarness(options: HarnessOptions = {}): Promise<TelegramHarness> {
  const app = options.app ?? (await createTestApp(options.label ?? 'telegram'));
  const fake = await startFakeTelegramApi(options.limits ? { limits: options.limits } : {}).catch(async (error: unknown) => {
    if (!options.app) await app.close();
    throw error;
  });
  const logs = { warn: [] as string[], error: [] as string[] };
  const record = (list: string[]) => (fields: object, msg?: string) => void list.push(`${msg ?? ''} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`);
  const logger: TelegramLogger = { info: () => undefined, warn: record(logs.warn), error: record(logs.error) };
  let pollingError: unknown;
  const adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger,
    onPollingStopped: (error) => {
      pollingError = error;
    },
  });
  const context = { ...app, redis: app.redisClient };
  const keyPrefix = `${app.prefix}:bot:`;
  const bot = createBot(context, [adapter], { keyPrefix, floodLimit: options.floodLimit ?? 1000 });
  const connection = app.redisClient.duplicate();
  let workers: RunningWorkers;
  try {
    await bot.start();
    workers = await startWorkers(context, {
      connection,
      prefix: app.prefix,
      channels: bot.channels,
      queues: ['tickets', 'notify'],
      chatGapMs: { telegram: options.chatGapMs ?? 0 },
    });
  } catch (error) {
    // A harness that did not start leaves nothing running behind it.
    await bot.stop().catch(() => undefined);
    connection.disconnect();
    await fake.close();
    if (!options.app) await app.close();
    throw error;
  }

  const jobFailures: string[] = [];
  for (const worker of workers.workers) worker.on('failed', (job, error) => void jobFailures.push(`${worker.name}/${job?.id ?? '?'}: ${error.message}`));

  const build = createUpdateBuilder();
  const updates: TelegramHarness['updates'] = build;

  const sent = (chatId: number | string): SentMessage[] => fake.sent.get(String(chatId)) ?? [];

  const processed = async (updateId: number, timeoutMs = 10_000): Promise<void> => {
    await vi.waitFor(
      () => {
        if (pollingError !== undefined) throw new Error(`long polling stopped: ${String(pollingError)}`);
        const confirmed = fake.callsTo('getUpdates').some((call) => Number(call.params.offset ?? 0) > updateId);
        if (!confirmed) throw new Error(`update ${updateId} was not handled within ${timeoutMs} ms`);
      },
      { timeout: timeoutMs, interval: 5 },
    );
  };

  const arrivedSince = async (chatId: number | string, after: number): Promise<Arrivals> => {
    const messages = sent(chatId).slice(after);
    const recorded = await app.db.models.Notice.find({ platform: 'telegram', chatId: String(chatId) }, { text: 1 }).lean();
    const noticeTexts = new Set(recorded.map((notice) => notice.text));
    return {
      replies: messages.filter((message) => !noticeTexts.has(textOf(message))),
      notices: messages.filter((message) => noticeTexts.has(textOf(message))),
    };
  };

  const send = async (userId: number, update: UpdateInput): Promise<Turn> => {
    const before = sent(userId).length;
    const updateId = fake.pushUpdate(update);
    await processed(updateId);
    const arrived = await arrivedSince(userId, before);
    return { updateId, ...arrived, text: arrived.replies.map(textOf).join('\n') };
  };

  const tap = async (userId: number, action: string): Promise<Turn> => {
    const carrying = [...sent(userId)].reverse().find((message) => actionsOf(message).includes(action));
    const offered = sent(userId).flatMap(actionsOf);
    expect(carrying, `no message to ${userId} has a button "${action}"; buttons sent: ${offered.join(', ')}`).toBeDefined();
    return send(userId, updates.callback(userId, action, carrying?.messageId ?? 0));
  };

  const photo = async (userId: number, caption?: string): Promise<Turn & { fileId: string }> => {
    const update = updates.photo(userId, caption);
    const fileId = 'message' in update && 'photo' in update.message ? (update.message.photo.at(-1)?.file_id ?? '') : '';
    return { ...(await send(userId, update)), fileId };
  };

  const waitForText = async (chatId: number | string, match: string | RegExp, { after = 0, timeoutMs = 10_000 } = {}): Promise<SentMessage> =>
    vi.waitFor(
      () => {
        const found = sent(chatId).slice(after).find((message) => matches(message, match));
        if (found === undefined) {
          const seen = sent(chatId).slice(after).map(textOf).join('\n---\n');
          throw new Error(`nothing matching ${String(match)} was sent to ${chatId}; sent:\n${seen}`);
        }
        return found;
      },
      { timeout: timeoutMs, interval: 10 },
    );

  let closed = false;
  return {
    app,
    fake,
    adapter,
    bot,
    workers,
    logs,
    jobFailures,
    keyPrefix,
    user: build.user,
    updates,
    push: (update) => fake.pushUpdate(update),
    processed,
    send,
    say: (userId, text) => send(userId, updates.text(userId, text)),
    tap,
    photo,
    sticker: (userId) => send(userId, updates.sticker(userId)),
    sent,
    arrivedSince,
    waitForText,
    async close() {
      if (closed) return;
      closed = true;
      // Inbound first (no new work), then the workers finish what they hold, then the servers go.
      await bot.stop();
      await workers.close();
      connection.disconnect();
      await fake.close();
      if (!options.app) await app.close();
    },
  };
}
