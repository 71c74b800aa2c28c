/**
 * WeChat end to end: the real bot (`createBot`: the WeChat adapter → the handler pipeline → replies) on
 * wechaty-puppet-mock, real BullMQ workers for assignment and notices, a `RedisChoiceStore`, and a test app
 * on the real FerretDB and Redis. People are mock contacts: they type, send pictures and stickers, talk in
 * rooms, and everything the bot sends them is recorded with the time it arrived.
 */
import { FileBox } from 'file-box';
import type { Redis } from 'ioredis';
import { vi } from 'vitest';
import { types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

import type { InboundMessage } from '../../src/platforms/types.ts';
import { RedisChoiceStore } from '../../src/platforms/wechat/redis-choice-store.ts';
import { createWechatAdapter, type WechatAdapter, type WechatLogger } from '../../src/platforms/wechat/wechat.adapter.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { importDirectory } from '../../src/services/directory-import.ts';
import type { Channels } from '../../src/workers/notify.worker.ts';
import { startWorkers, type RunningWorkers } from '../../src/workers/runtime.ts';
import { createTestApp, type TestApp } from './app-context.ts';

/** The bot's display name in WeChat (what people @-mention in rooms). */
export const BOT_NAME = '亲清助手';

/** How long a wait for the bot may take before the test fails with the reason. */
const WAIT_MS = 10_000;

/** One message the bot sent into a chat, as the other side saw it arrive. */
export interface Received {
  id: string;
  type: types.Message;
  /** The text; empty for an image. */
  text: string;
  /** `Date.now()` when the message reached the mock contact or room. */
  at: number;
  /** Sent by the notify worker (a notice), not as a reply to what someone just said. */
  notice: boolean;
}

/**
 * What one message led to: how the pipeline saw it, and the replies the bot sent back while handling it. A notice
 * that happened to land in the chat meanwhile is not a reply and is left out (it is in `received`).
 */
export interface Turn {
  id: string;
  inbound: InboundMessage;
  replies: string[];
}

/** What the mocks are at runtime (plain EventEmitters): their `typed-emitter` types do not resolve under NodeNext. */
interface MessageEmitter {
  on(event: 'message', listener: (message: mock.MessageMock) => void): unknown;
}

function onMessage(target: mock.ContactMock | mock.RoomMock, listener: (message: mock.MessageMock) => void): void {
  (target as unknown as MessageEmitter).on('message', listener);
}

function describeTexts(list: readonly Received[]): string {
  return list.length === 0 ? '(nothing)' : list.map((r) => JSON.stringify(r.text.slice(0, 120))).join('\n  ');
}

/** A chat (a private chat or a room) and what the bot has sent into it. */
abstract class Conversation {
  readonly received: Received[] = [];

  constructor(protected readonly harness: WechatHarness) {}

  abstract get chatId(): string;

  protected record(message: mock.MessageMock): void {
    const text = message.text() ?? '';
    this.received.push({ id: message.id, type: message.type(), text, at: Date.now(), notice: this.harness.takeNotice(this.chatId, text) });
  }

  /** Texts the bot sent here, oldest first. */
  texts(): string[] {
    return this.received.map((r) => r.text);
  }

  /** Waits for the first message from index `from` on whose text `match` holds (a substring or a predicate). */
  async next(match: string | ((text: string) => boolean), from = 0, timeout = WAIT_MS): Promise<Received> {
    const test = typeof match === 'string' ? (text: string) => text.includes(match) : match;
    return vi.waitFor(
      () => {
        const found = this.received.slice(from).find((r) => test(r.text));
        if (!found) throw new Error(`no message matching ${String(match)} in ${this.chatId} yet; received:\n  ${describeTexts(this.received.slice(from))}`);
        return found;
      },
      { timeout, interval: 20 },
    );
  }

  /** The labels of the numbered choices the bot remembers for this chat (what "1", "２" or a label will pick). */
  async choices(): Promise<string[]> {
    return ((await this.harness.choiceStore.load(this.chatId)) ?? []).map((choice) => choice.label);
  }
}

/** A WeChat user talking to the bot in a private chat. */
export class WechatPerson extends Conversation {
  /** Ids of the messages this person sent (to the bot or into rooms), oldest first. */
  readonly sent: string[] = [];

  constructor(
    harness: WechatHarness,
    readonly contact: mock.ContactMock,
  ) {
    super(harness);
    onMessage(contact, (message) => {
      const { talkerId, listenerId, roomId } = message.payload;
      if (talkerId === contact.id) this.sent.push(message.id);
      else if (talkerId === harness.self.id && listenerId === contact.id && !roomId) this.record(message);
    });
  }

  get id(): string {
    return this.contact.id;
  }

  get chatId(): string {
    return this.contact.id;
  }

  /** Says `text` to the bot; returns the message id. Nothing is awaited: see `ask` for a whole turn. */
  say(text: string): string {
    return this.lastSent(() => this.contact.say(text).to(this.harness.self));
  }

  /** Says `text` into a room, @-mentioning `mentions` (write the "@name\u2005" into `text` as WeChat does). */
  sayIn(room: WechatRoom, text: string, mentions: WechatPerson[] | 'bot' = []): string {
    const list = mentions === 'bot' ? [this.harness.self] : mentions.map((p) => p.contact);
    return this.lastSent(() => this.contact.say(text, list).to(room.room));
  }

  /** Sends a picture, as WeChat's image message. */
  sendImage(fileName = '现场照片.png'): string {
    // The mock serializes what is said, and a buffer FileBox cannot be serialized: base64 it is.
    const png = FileBox.fromBase64(Buffer.from('\x89PNG not really a picture').toString('base64'), fileName);
    return this.lastSent(() => this.contact.say(png).to(this.harness.self));
  }

  /** Sends a WeChat sticker (an emoticon message), which `ContactMock.say` cannot produce. */
  sendSticker(): string {
    const id = `sticker-${this.id}-${this.sent.length + 1}`;
    const payload: payloads.Message = {
      id,
      type: types.Message.Emoticon,
      talkerId: this.id,
      listenerId: this.harness.self.id,
      timestamp: Date.now(),
      text: '<msg><emoji md5="3c4b1c4a" type="2" len="4096" /></msg>',
    };
    this.harness.mocker.MessageMock.create(payload);
    this.harness.puppet.emit('message', { messageId: id });
    return id;
  }

  /** Says `text` and waits until the pipeline has finished with it: what it became, and the replies sent meanwhile. */
  async ask(text: string): Promise<Turn> {
    return this.turn(() => this.say(text));
  }

  /** `sendImage` as a whole turn. */
  async askImage(fileName?: string): Promise<Turn> {
    return this.turn(() => this.sendImage(fileName));
  }

  /** `sendSticker` as a whole turn. */
  async askSticker(): Promise<Turn> {
    return this.turn(() => this.sendSticker());
  }

  private async turn(send: () => string): Promise<Turn> {
    const from = this.received.length;
    const id = send();
    const inbound = await this.harness.handledMessage(id);
    return { id, inbound, replies: this.received.slice(from).filter((r) => !r.notice).map((r) => r.text) };
  }

  /** The id of the message `send` made: the mock records it synchronously, before anything else can speak. */
  private lastSent(send: () => void): string {
    const before = this.sent.length;
    send();
    const id = this.sent[before];
    if (id === undefined) throw new Error(`the mock did not record what ${this.contact.payload.name} said`);
    return id;
  }
}

/** A WeChat group with the bot in it. */
export class WechatRoom extends Conversation {
  constructor(
    harness: WechatHarness,
    readonly room: mock.RoomMock,
  ) {
    super(harness);
    onMessage(room, (message) => {
      if (message.payload.talkerId === harness.self.id) this.record(message);
    });
  }

  get chatId(): string {
    return this.room.id;
  }
}

export interface WechatHarnessOptions {
  /** Label of the test's database and Redis prefix. */
  label: string;
  /** A directory YAML imported after the demo one (extra WeChat ids, say). */
  directory?: string;
  /** Per-chat spacing of notices (the notify worker's `chatGapMs`). */
  chatGapMs?: Partial<Record<string, number>>;
}

/** The running system and the people in it; `close` stops everything it started. */
export interface WechatHarness {
  app: TestApp;
  /** The app as the bot and the workers take it (the app's Redis as `redis`). */
  ctx: TestApp & { redis: Redis };
  bot: Bot;
  adapter: WechatAdapter;
  workers: RunningWorkers;
  /** The bot's key prefix (flow sessions, dedupe, flood counters, remembered choices). */
  keyPrefix: string;
  choiceStore: RedisChoiceStore;
  mocker: mock.Mocker;
  puppet: PuppetMock;
  /** The bot's own WeChat account. */
  self: mock.ContactMock;
  /** Every message that reached the handler pipeline, in the order they arrived. */
  handled: InboundMessage[];
  /** Ids of the bot's own messages as the puppet handed them back (WeChat echoes what an account sends). */
  echoes: string[];
  /** Anything the adapter logged as an error, and jobs that failed: a healthy run has none. */
  problems: string[];
  /** A WeChat user with this id (an official's directory `wechat` id, or any new one). */
  person(id: string, name: string): WechatPerson;
  /** A room with the bot and `members`. */
  room(topic: string, members: WechatPerson[]): WechatRoom;
  /** Waits until the pipeline has finished with message `id` (its replies are sent); returns it as normalized. */
  handledMessage(id: string): Promise<InboundMessage>;
  /** Whether the pipeline ever saw message `id` (its dedupe mark is in Redis). */
  seen(id: string): Promise<boolean>;
  /** Whether `text`, just arrived in `chatId`, is a notice the workers are sending (and forgets it if so). */
  takeNotice(chatId: string, text: string): boolean;
  close(): Promise<void>;
}

/**
 * Starts the system on a fresh test app: the demo directory (plus `options.directory`), the WeChat adapter on a
 * mock puppet logged in as {@link BOT_NAME}, the bot, and workers for the `tickets` and `notify` queues sending
 * through the bot's channels.
 */
export async function startWechatHarness(options: WechatHarnessOptions): Promise<WechatHarness> {
  const app = await createTestApp(options.label);
  const stops: (() => Promise<void>)[] = [async () => app.close()];
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    if (options.directory) await importDirectory(app.db.models, options.directory);
    const ctx = { ...app, redis: app.redisClient };
    const keyPrefix = `${app.prefix}bot:`;
    const choiceStore = new RedisChoiceStore(app.redisClient, keyPrefix);
    const problems: string[] = [];
    const logins: string[] = [];
    const logger: WechatLogger = {
      info: (obj, msg) => {
        if (msg === 'wechat login') logins.push(String((obj as { userId?: unknown }).userId));
      },
      warn: () => undefined,
      error: (obj, msg) => void problems.push(`${msg ?? 'error'}: ${JSON.stringify(obj)}`),
    };

    const mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    const self = mocker.createContact({ id: 'wx-qinqing-bot', name: BOT_NAME });
    const echoes: string[] = [];
    puppet.on('message', ({ messageId }) => {
      if (mocker.cacheMessagePayload.get(messageId)?.talkerId === self.id) echoes.push(messageId);
    });

    const adapter = createWechatAdapter({ puppet, choiceStore, logger });
    const bot = createBot(ctx, [adapter], { keyPrefix });

    // `bot.start()` hands the adapter the bot's own handler; handing it `bot.onMessage` wrapped instead is the
    // same wiring, and lets a test wait for the exact moment a message has been handled and answered.
    const handled: InboundMessage[] = [];
    const inFlight = new Map<string, Promise<void>>();
    await adapter.start(async (message) => {
      handled.push(message);
      const done = bot.onMessage(message);
      inFlight.set(
        message.platformMessageId,
        done.then(
          () => undefined,
          (error: unknown) => void problems.push(`pipeline failed on ${message.platformMessageId}: ${String(error)}`),
        ),
      );
      await done;
    });
    stops.push(async () => bot.stop());
    mocker.login(self);
    // The mock never emits `ready`; wechaty's `login` (seen through the adapter's log) means it can send.
    await vi.waitFor(
      () => {
        if (!logins.includes(self.id)) throw new Error('the mock WeChat account did not log in');
      },
      { timeout: WAIT_MS },
    );

    // The workers send through the bot's channels; what they send is noted first, so a chat can tell a notice
    // from a reply (the adapter only appends the numbered choices to a notice's text).
    const sending: { chatId: string; text: string }[] = [];
    const channels: Channels = {
      send: (platform, chatId, message) => {
        sending.push({ chatId, text: message.text });
        return bot.channels.send(platform, chatId, message);
      },
    };
    const connection = app.redisClient.duplicate();
    stops.push(async () => void connection.disconnect());
    const workers = await startWorkers(ctx, {
      connection,
      prefix: app.prefix,
      channels,
      queues: ['tickets', 'notify'],
      ...(options.chatGapMs ? { chatGapMs: options.chatGapMs } : {}),
    });
    stops.push(async () => workers.close());
    for (const worker of workers.workers) worker.on('failed', (job, error) => void problems.push(`${worker.name} job ${job?.id ?? '?'} failed: ${error.message}`));

    const harness: WechatHarness = {
      app,
      ctx,
      bot,
      adapter,
      workers,
      keyPrefix,
      choiceStore,
      mocker,
      puppet,
      self,
      handled,
      echoes,
      problems,
      person: (id, name) => new WechatPerson(harness, mocker.createContact({ id, name })),
      room: (topic, members) => new WechatRoom(harness, mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] })),
      async handledMessage(id) {
        const done = await vi.waitFor(
          () => {
            const found = inFlight.get(id);
            if (!found) throw new Error(`message ${id} has not reached the pipeline`);
            return found;
          },
          { timeout: WAIT_MS, interval: 5 },
        );
        await done;
        const inbound = handled.find((m) => m.platformMessageId === id);
        if (!inbound) throw new Error(`message ${id} was handled but not recorded`);
        return inbound;
      },
      seen: async (id) => (await app.redisClient.exists(`${keyPrefix}seen:wechat:${id}`)) === 1,
      takeNotice(chatId, text) {
        const index = sending.findIndex((s) => s.chatId === chatId && s.text !== '' && text.startsWith(s.text));
        if (index >= 0) sending.splice(index, 1);
        return index >= 0;
      },
      close,
    };
    return harness;
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
