/**
 * The WeChat adapter: a wechaty bot behind the `PlatformAdapter` interface. Buttons become a numbered list, and a
 * typed number comes back as a button press (see `wechat.normalize.ts`).
 */
import { FileBox } from 'file-box';
import { ScanStatus, WechatyBuilder, type Contact, type Room, type Wechaty, type WechatyOptions } from 'wechaty';

import type { Button, InboundHandler, OutboundMessage, PlatformAdapter, SendResult } from '../types.ts';
import { createAccountLock, type AccountLock, type AccountLockConfig } from './account-lock.ts';
import { InMemoryChoiceStore, normalizeWechatMessage, type Choice, type ChoiceStore } from './wechat.normalize.ts';

export { InMemoryChoiceStore, matchChoice, type Choice, type ChoiceStore } from './wechat.normalize.ts';
export { wechatAccountKey, type AccountLockConfig } from './account-lock.ts';

/** A puppet instance, as wechaty itself types it (derived so only wechaty, not wechaty-puppet, is imported). */
export type WechatyPuppet = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

/** The subset of a pino logger the adapter uses. */
export interface WechatLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options for {@link createWechatAdapter}. */
export interface WechatAdapterOptions {
  /** A puppet npm name (`wechaty-puppet-service`, `wechaty-puppet-wechat4u`, …) or a puppet instance. */
  puppet: string | WechatyPuppet;
  puppetOptions?: Record<string, unknown>;
  /** Names the wechaty memory card, so a restarted bot can resume its session. */
  name?: string;
  /** Where offered choices are remembered; defaults to process memory (lost on restart). */
  choiceStore?: ChoiceStore;
  logger?: WechatLogger;
  /** Called with the QR image URL and the raw QR value whenever the puppet asks for a login scan. */
  onLoginQr?: (qrUrl: string, qrcode: string) => void;
  /**
   * One instance per account: wechaty starts only while this instance holds the account's Redis lease (see
   * `account-lock.ts`). Without it the adapter assumes it is the only one.
   */
  accountLock?: AccountLockConfig;
}

/** A `PlatformAdapter` for WeChat. */
export interface WechatAdapter extends PlatformAdapter {
  readonly platform: 'wechat';
  /**
   * Whether this instance serves the account now: it holds the account lease (or, without `accountLock`, is
   * started). `start()` resolves once waiting for the lease began, so this may turn true later.
   */
  holdsAccount(): boolean;
}

/** Error texts meaning "this chat cannot be reached right now" rather than "the send broke". */
const UNREACHABLE_PATTERNS = [
  /\b45015\b/, // Official Account: reply outside the 48 h customer-service window
  /\b45047\b/, // Official Account: too many replies in the window
  /out of (?:time|response count) limit/i,
  /48\s*h/i,
  /subscription is cancel/i,
  /not logged in/i,
];

/** Renders button rows as "1. label" lines under the text; returns the flat list the numbers refer to. */
export function renderChoices(text: string, buttons: Button[][] | undefined): { text: string; choices: Choice[] } {
  const choices = (buttons ?? []).flat().map(({ action, label }) => ({ action, label }));
  if (choices.length === 0) return { text, choices };
  const list = choices.map((choice, i) => `${i + 1}. ${choice.label}`).join('\n');
  return { text: text === '' ? list : `${text}\n\n${list}`, choices };
}

const consoleLogger: WechatLogger = {
  info: (obj, msg) => console.log(msg ?? '', obj),
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Prints the login QR: as a terminal QR when `qrcode-terminal` happens to be installed, else as an image URL. */
async function printQr(qrUrl: string, qrcode: string): Promise<void> {
  try {
    // A variable specifier keeps TypeScript from requiring the (optional, not installed) module's types.
    const specifier = 'qrcode-terminal';
    const loaded: unknown = await import(specifier);
    // CJS modules arrive as `default` under ESM; accept either shape.
    for (const candidate of [isRecord(loaded) ? loaded['default'] : undefined, loaded]) {
      if (isRecord(candidate) && typeof candidate['generate'] === 'function') {
        candidate['generate'](qrcode, { small: true }, (art: string) => process.stdout.write(`${art}\n`));
        return;
      }
    }
  } catch {
    // Not installed: fall through to the URL.
  }
  process.stdout.write(`Scan to log in to WeChat: ${qrUrl}\n`);
}

/** Creates the WeChat adapter; nothing connects until `start`. */
export function createWechatAdapter(options: WechatAdapterOptions): WechatAdapter {
  const logger = options.logger ?? consoleLogger;
  const choiceStore = options.choiceStore ?? new InMemoryChoiceStore();
  // wechaty types a puppet name as its list of official npm names; any installed puppet module works at runtime,
  // so the configured string is passed through as-is. This is the one cast the wechaty types force.
  const bot: Wechaty = WechatyBuilder.build({
    puppet: options.puppet,
    puppetOptions: options.puppetOptions,
    name: options.name,
  } as WechatyOptions);

  let started = false;
  let listening = false;
  let handler: InboundHandler | undefined;
  /** Whether wechaty itself runs (with a lock it starts and stops with the lease). */
  let running = false;

  const startWechaty = async (): Promise<void> => {
    await bot.start();
    running = true;
  };
  const stopWechaty = async (): Promise<void> => {
    if (!running) return;
    running = false;
    await bot.stop();
  };
  const lock: AccountLock | undefined =
    options.accountLock &&
    createAccountLock({
      ...options.accountLock,
      logger,
      onAcquired: startWechaty,
      onLost: stopWechaty,
    });

  /** Registered once per bot: wechaty's interface offers no way to remove them again, and a restart must not double them. */
  function listen(): void {
    if (listening) return;
    listening = true;
    bot.on('scan', (qrcode: string, status: ScanStatus) => {
      if (!qrcode || (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout)) return;
      const qrUrl = `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`;
      logger.info({ qrUrl, status: ScanStatus[status] }, 'wechat login QR');
      void printQr(qrUrl, qrcode);
      try {
        options.onLoginQr?.(qrUrl, qrcode);
      } catch (error) {
        logger.error({ err: errorText(error) }, 'wechat onLoginQr callback failed');
      }
    });
    bot.on('login', (user) => logger.info({ userId: user.id, name: user.name() }, 'wechat login'));
    bot.on('logout', (user, reason) => logger.warn({ userId: user.id, reason }, 'wechat logout'));
    // Without an `error` listener a wechaty error event (e.g. a failed Contact.find) would throw and end the process.
    bot.on('error', (error) => logger.warn({ err: errorText(error) }, 'wechaty error'));
    bot.on('message', (message) => {
      void (async () => {
        try {
          const inbound = await normalizeWechatMessage(message, choiceStore);
          if (inbound && handler) await handler(inbound);
        } catch (error) {
          // A handler bug must cost one message, never the process (an unhandled rejection would end it).
          logger.error({ err: errorText(error), messageId: message.id }, 'wechat inbound handler failed');
        }
      })();
    });
  }

  async function findConversation(chatId: string): Promise<Contact | Room | undefined> {
    // Room ids look like "…@chatroom" (or "@@…" on the web protocol); trying the likely kind first avoids a failed
    // lookup, which wechaty reports as an `error` event.
    const looksLikeRoom = /@chatroom$|^@@/.test(chatId);
    const lookups = looksLikeRoom
      ? [() => bot.Room.find({ id: chatId }), () => bot.Contact.find({ id: chatId })]
      : [() => bot.Contact.find({ id: chatId }), () => bot.Room.find({ id: chatId })];
    for (const lookup of lookups) {
      const found = await lookup();
      if (found) return found;
    }
    return undefined;
  }

  return {
    platform: 'wechat',

    async start(onMessage: InboundHandler): Promise<void> {
      if (started) return;
      started = true;
      handler = onMessage;
      listen();
      try {
        // With a lock: wechaty starts now if the lease is free, else later; start() does not wait for it.
        await (lock ? lock.start() : startWechaty());
      } catch (error) {
        started = false; // let the caller retry start() after fixing the puppet configuration
        throw error;
      }
    },

    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      // Stop renewing first, then log out, and only then free the account for another instance.
      await lock?.stop();
      await stopWechaty();
      await lock?.release();
    },

    holdsAccount: () => (lock ? lock.holds() : started),
    ready: () => (lock ? lock.holds() : true),

    async send(chatId: string, message: OutboundMessage): Promise<SendResult> {
      if (!bot.isLoggedIn) return { ok: false, reason: 'unreachable', detail: 'wechat bot is not logged in' };
      const conversation = await findConversation(chatId);
      if (!conversation) return { ok: false, reason: 'unreachable', detail: `no wechat contact or room ${chatId}` };

      const { text, choices } = renderChoices(message.text, message.buttons);
      let platformMessageId: string | undefined;
      try {
        // Image and caption first, so the numbered choices end up as the last thing the user reads.
        if (message.image) {
          // Base64, not fromBuffer: a buffer FileBox cannot be serialized (FileBox.toJSON throws), and puppets that
          // hand the file to another process (puppet-service, the mock) serialize it.
          await conversation.say(FileBox.fromBase64(message.image.png.toString('base64'), 'chart.png'));
          if (message.image.caption) await conversation.say(message.image.caption);
        }
        if (text !== '') {
          const sent = await conversation.say(text);
          platformMessageId = sent ? sent.id : undefined;
        }
      } catch (error) {
        const detail = errorText(error);
        const unreachable = UNREACHABLE_PATTERNS.some((pattern) => pattern.test(detail));
        return { ok: false, reason: unreachable ? 'unreachable' : 'failed', detail };
      }
      // Saved only after a successful send: a failed send must not replace the set the user is looking at.
      if (choices.length > 0) {
        try {
          await choiceStore.save(chatId, choices);
        } catch (error) {
          // The message did go out; the user can still answer by typing, so the send is not reported as failed.
          logger.error({ err: errorText(error), chatId }, 'wechat choices not saved');
        }
      }
      return platformMessageId ? { ok: true, platformMessageId } : { ok: true };
    },
  };
}
