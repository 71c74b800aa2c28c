import { createHash, timingSafeEqual } from 'node:crypto';
import { Telegraf, TelegramError } from 'telegraf';
import type { Types } from 'telegraf';
import type { BotCommand, InlineKeyboardMarkup, Message, Update } from 'telegraf/types';
import type { Button, InboundHandler, OutboundMessage, PlatformAdapter, SendResult } from '../types.ts';
import { startLongPolling, type Backoff, type LongPolling } from './long-polling.ts';
import { normalizeTelegramUpdate } from './telegram.normalize.ts';

/** The pino-compatible subset the adapter logs through. */
export interface TelegramLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options for {@link createTelegramAdapter}. */
export interface TelegramAdapterOptions {
  token: string;
  /** Bot API root; tests point it at a local fake. Defaults to https://api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode: Telegram POSTs updates to `url`, which the HTTP server hands to `handleWebhook`. Omit to long-poll. */
  webhook?: { url: string; secret: string };
  /** Replaces the default command menu (registered without a language_code; no `en` variant is derived). */
  commands?: readonly BotCommand[];
  logger?: TelegramLogger;
  /**
   * Called when long polling ends on its own: a 401 (token revoked) or 409 (a webhook was set, or another
   * process polls this bot). No retry mends those, so whoever owns the process should restart or exit.
   * A failing `onMessage` or a network error never ends polling (see `long-polling.ts`). Defaults to logging only.
   */
  onPollingStopped?: (error: unknown) => void;
  /** Long polling: the getUpdates hold time (default 50 s) and the pause after a failure (default 1 s doubling to 30 s). */
  polling?: { timeoutSeconds?: number; backoff?: Backoff; waitingCheckMs?: number };
}

/** The Telegram {@link PlatformAdapter}, plus the entry point for webhook deliveries. */
export interface TelegramAdapter extends PlatformAdapter {
  readonly platform: 'telegram';
  answerCallback(callbackId: string, text?: string): Promise<void>;
  /**
   * Processes one webhook POST body. `'unauthorized'` (nothing processed) when the secret header is missing or
   * wrong; rejects when processing fails, so the HTTP layer answers 5xx and Telegram redelivers.
   */
  handleWebhook(update: unknown, secretHeader: string | undefined): Promise<'ok' | 'unauthorized'>;
}

/** Telegram's limits: callback_data bytes, message and caption characters (UTF-16 code units). */
const CALLBACK_DATA_MAX_BYTES = 64;
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;
/** qinqing only answers new messages and button presses; asking for less keeps edits and reactions off the wire. */
const ALLOWED_UPDATES: Types.UpdateType[] = ['message', 'callback_query'];

const DEFAULT_COMMANDS: ReadonlyArray<{ command: string; zh: string; en: string }> = [
  { command: 'start', zh: '开始使用', en: 'Get started' },
  { command: 'help', zh: '使用帮助', en: 'Help' },
  { command: 'new', zh: '提交新诉求', en: 'Submit a new request' },
  { command: 'status', zh: '查询办理进度', en: 'Check the status of a request' },
  { command: 'rate', zh: '评价办理结果', en: 'Rate how a request was handled' },
  { command: 'cancel', zh: '取消当前操作', en: 'Cancel the current step' },
  { command: 'lang', zh: '切换语言', en: 'Change language' },
  { command: 'tasks', zh: '我的待办（工作人员）', en: 'My open tasks (staff)' },
];

const consoleLogger: TelegramLogger = { info: () => undefined, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };

/** Creates the Telegram adapter; nothing touches the network until `start`. */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const logger = options.logger ?? consoleLogger;
  const bot = new Telegraf(options.token, { telegram: options.apiRoot !== undefined ? { apiRoot: options.apiRoot } : {} });
  const expectedSecret = options.webhook !== undefined ? digest(options.webhook.secret) : undefined;
  let handler: InboundHandler | undefined;
  let waitingHandler: InboundHandler | undefined;
  let polling: LongPolling | undefined;

  bot.use(async (ctx) => {
    const message = normalizeTelegramUpdate(ctx.update, { botUsername: ctx.botInfo.username });
    if (message === null) return;
    if (handler === undefined) throw new Error('Telegram adapter received an update while stopped');
    try {
      await handler(message);
    } catch (error) {
      logger.error(
        { err: error, updateId: ctx.update.update_id, chatId: message.chatId, platformMessageId: message.platformMessageId },
        'telegram: onMessage failed',
      );
      throw error;
    }
  });
  // Telegraf's default handler console.logs the whole update (personal data) and sets process.exitCode; we have
  // logged already, so only rethrow: handleUpdate then rejects, and the update is delivered again (webhook: 5xx;
  // long polling: its offset is not confirmed).
  bot.catch((error) => {
    throw error;
  });

  const registerCommands = async (): Promise<void> => {
    const menus: Array<{ commands: BotCommand[]; language_code?: string }> =
      options.commands !== undefined
        ? [{ commands: [...options.commands] }]
        : [
            { commands: DEFAULT_COMMANDS.map(({ command, zh }) => ({ command, description: zh })) },
            { commands: DEFAULT_COMMANDS.map(({ command, en }) => ({ command, description: en })), language_code: 'en' },
          ];
    for (const menu of menus) {
      try {
        await bot.telegram.setMyCommands(menu.commands, menu.language_code !== undefined ? { language_code: menu.language_code } : {});
      } catch (error) {
        // The menu is a convenience: a failure here must not keep the bot from answering people.
        logger.warn({ err: error, languageCode: menu.language_code }, 'telegram: setMyCommands failed');
      }
    }
  };

  const startPolling = async (): Promise<void> => {
    // As launch() does: getUpdates answers 409 while a webhook is set. Pending updates are kept.
    await bot.telegram.deleteWebhook({ drop_pending_updates: false });
    polling = startLongPolling({
      telegram: bot.telegram,
      handle: (update) => bot.handleUpdate(update),
      onWaiting: async (updates) => {
        const username = bot.botInfo?.username;
        for (const update of updates) {
          const message = username !== undefined ? normalizeTelegramUpdate(update, { botUsername: username }) : null;
          if (message !== null && waitingHandler !== undefined) await waitingHandler(message);
        }
      },
      allowedUpdates: ALLOWED_UPDATES,
      logger,
      ...(options.polling?.timeoutSeconds !== undefined ? { timeoutSeconds: options.polling.timeoutSeconds } : {}),
      ...(options.polling?.backoff !== undefined ? { backoff: options.polling.backoff } : {}),
      ...(options.polling?.waitingCheckMs !== undefined ? { waitingCheckMs: options.polling.waitingCheckMs } : {}),
      onFatal: (error) => options.onPollingStopped?.(error),
    });
  };

  return {
    platform: 'telegram',

    async start(onMessage, onWaiting) {
      // handleUpdate needs botInfo; fetching it first also fails fast on a bad token.
      bot.botInfo = await bot.telegram.getMe();
      await registerCommands();
      handler = onMessage;
      waitingHandler = onWaiting;
      if (options.webhook === undefined) {
        await startPolling();
        logger.info({ username: bot.botInfo.username }, 'telegram: long polling started');
        return;
      }
      await bot.telegram.setWebhook(options.webhook.url, {
        secret_token: options.webhook.secret,
        drop_pending_updates: false,
        allowed_updates: ALLOWED_UPDATES,
      });
      logger.info({ username: bot.botInfo.username, url: options.webhook.url }, 'telegram: webhook set');
    },

    async stop() {
      // Webhook mode keeps the webhook registered: Telegram queues updates until the next start, and
      // handleWebhook rejects meanwhile so the HTTP layer answers 5xx. Long polling: the handler stays set
      // until the update in hand is done, so stopping never fails an update.
      await polling?.stop();
      polling = undefined;
      handler = undefined;
    },

    async send(chatId, message) {
      const replyMarkup = renderKeyboard(message.buttons);
      try {
        const last = await deliver(bot, chatId, message, replyMarkup);
        return { ok: true, platformMessageId: `${last.chat.id}:${last.message_id}` };
      } catch (error) {
        const result = classifySendError(error);
        logger.warn({ err: error, chatId, reason: result.reason }, 'telegram: send failed');
        return result;
      }
    },

    async answerCallback(callbackId, text) {
      try {
        await bot.telegram.answerCbQuery(callbackId, text);
      } catch (error) {
        // An expired query (>15 min, or already answered) only leaves a spinner: not worth failing the handler
        // over, which in webhook mode would make Telegram redeliver the whole press.
        if (error instanceof TelegramError && error.code === 400 && /query is too old|query id is invalid/i.test(error.description)) {
          logger.warn({ err: error, callbackId }, 'telegram: answerCallbackQuery on an expired query');
          return;
        }
        throw error;
      }
    },

    async handleWebhook(update, secretHeader) {
      if (expectedSecret === undefined || secretHeader === undefined) return 'unauthorized';
      if (!timingSafeEqual(digest(secretHeader), expectedSecret)) return 'unauthorized';
      if (!isUpdate(update)) {
        // Redelivering a body we cannot read would not make it readable: acknowledge and log.
        logger.warn({ body: typeof update }, 'telegram: webhook body is not an update');
        return 'ok';
      }
      if (handler === undefined) throw new Error('Telegram adapter is not started'); // 5xx: Telegram retries later
      await bot.handleUpdate(update);
      return 'ok';
    },
  };
}

/** SHA-256 first so the constant-time comparison never depends on (or leaks) the secret's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function isUpdate(value: unknown): value is Update {
  return typeof value === 'object' && value !== null && 'update_id' in value && typeof value.update_id === 'number';
}

/** Inline keyboard with `callback_data` = the button's action; throws on a programming error (action too long). */
function renderKeyboard(buttons: Button[][] | undefined): InlineKeyboardMarkup | undefined {
  const rows = (buttons ?? []).filter((row) => row.length > 0);
  if (rows.length === 0) return undefined;
  return {
    inline_keyboard: rows.map((row) =>
      row.map((button) => {
        const bytes = Buffer.byteLength(button.action, 'utf8');
        if (bytes > CALLBACK_DATA_MAX_BYTES) {
          throw new Error(`Telegram button action "${button.action}" is ${bytes} bytes; callback_data allows at most ${CALLBACK_DATA_MAX_BYTES} bytes (UTF-8)`);
        }
        return { text: button.label, callback_data: button.action };
      }),
    ),
  };
}

/** Sends the message's parts in order; the keyboard rides on the last one so it sits at the bottom of the chat. */
async function deliver(bot: Telegraf, chatId: string, message: OutboundMessage, replyMarkup: InlineKeyboardMarkup | undefined): Promise<Message> {
  const markup = (isLast: boolean) => (isLast && replyMarkup !== undefined ? { reply_markup: replyMarkup } : {});
  const texts: string[] = [];
  let last: Message | undefined;

  if (message.image !== undefined) {
    // The text becomes the caption when it fits and no explicit caption was given; otherwise it follows the photo.
    let caption = message.image.caption ?? (message.text.length <= CAPTION_MAX ? message.text : undefined);
    if (message.image.caption !== undefined && message.image.caption.length > CAPTION_MAX) {
      texts.push(message.image.caption);
      caption = undefined;
    }
    if (message.text.trim() !== '' && caption !== message.text) texts.push(message.text);
    const chunks = texts.flatMap((text) => splitText(text, TEXT_MAX));
    last = await bot.telegram.sendPhoto(
      chatId,
      { source: message.image.png, filename: 'image.png' },
      { ...(caption !== undefined && caption !== '' ? { caption } : {}), ...markup(chunks.length === 0) },
    );
    for (const [i, chunk] of chunks.entries()) last = await bot.telegram.sendMessage(chatId, chunk, markup(i === chunks.length - 1));
    return last;
  }

  const chunks = splitText(message.text, TEXT_MAX);
  for (const [i, chunk] of chunks.entries()) last = await bot.telegram.sendMessage(chatId, chunk, markup(i === chunks.length - 1));
  // Reported as 'failed' by send(): Telegram rejects whitespace-only text, so there is nothing to retry.
  if (last === undefined) throw new Error('Telegram cannot send an empty message (no text and no image)');
  return last;
}

/**
 * Splits text into pieces of at most `max` UTF-16 units, preferring line boundaries; a single longer line is
 * cut hard (never inside a surrogate pair). Blank pieces are dropped: Telegram rejects whitespace-only text.
 */
function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') pieces.push(current);
    current = '';
  };
  for (let line of text.split('\n')) {
    while (line.length > max) {
      flush();
      const code = line.charCodeAt(max - 1);
      const cut = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
      pieces.push(line.slice(0, cut));
      line = line.slice(cut);
    }
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      flush();
      current = line;
    }
  }
  flush();
  return pieces;
}

/** Maps a failed API call to a {@link SendResult}; the caller (a queue worker) owns every retry. */
function classifySendError(error: unknown): Exclude<SendResult, { ok: true }> {
  if (!(error instanceof TelegramError)) {
    return { ok: false, reason: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  const detail = `${error.code}: ${error.description}`;
  if (error.code === 429) {
    return { ok: false, reason: 'rate-limited', retryAfterMs: (error.response.parameters?.retry_after ?? 1) * 1000 };
  }
  // 403: blocked by the user / kicked from the group / user deactivated. 400s below will never succeed either.
  if (error.code === 403) return { ok: false, reason: 'unreachable', detail };
  if (error.code === 400 && /chat not found|upgraded to a supergroup|user not found/i.test(error.description)) {
    return { ok: false, reason: 'unreachable', detail };
  }
  return { ok: false, reason: 'failed', detail };
}
