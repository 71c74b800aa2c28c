import type { CallbackQuery, Message, Update, User } from 'telegraf/types';
import type { Attachment, InboundMessage } from '../types.ts';

/** Options for {@link normalizeTelegramUpdate}; both are optional so the function stays usable without a live bot. */
export interface NormalizeTelegramOptions {
  /**
   * The bot's own username (from `getMe`). When given, a `/command@other_bot` is addressed to another bot in
   * the same group and is ignored; without it every `@suffix` is simply stripped.
   */
  botUsername?: string;
  /** Clock for updates that carry no timestamp of their own (callback queries). Defaults to `new Date()`. */
  now?: () => Date;
}

/** `/command@botname rest` → groups: command, bot name. Telegram command names are at most 32 chars of [A-Za-z0-9_]. */
const ADDRESSED_COMMAND = /^(\/[A-Za-z0-9_]{1,32})@([A-Za-z0-9_]+)(?=\s|$)/;

/**
 * Turns one Telegram update into qinqing's {@link InboundMessage}, or `null` when it is nothing a person said to
 * the bot: edited messages and channel posts (qinqing answers new messages only), anything from a bot, service
 * messages (members joining, pins, ...), game callbacks, and update kinds qinqing does not subscribe to.
 *
 * Pure: no I/O; the clock is injectable through `options.now`.
 *
 * - `platformMessageId` is `<chat.id>:<message_id>` for messages (message ids are only unique per chat) and
 *   `cb:<callback_query.id>` for button presses, so Telegram's redeliveries dedupe on the same key.
 * - `receivedAt` is Telegram's own `date` for messages, so a redelivered update keeps its original time.
 */
export function normalizeTelegramUpdate(update: Update, options: NormalizeTelegramOptions = {}): InboundMessage | null {
  if ('message' in update) return normalizeMessage(update, update.message, options);
  if ('callback_query' in update) return normalizeCallback(update, update.callback_query, options);
  // edited_message, channel_post, edited_channel_post, inline queries, chat member changes, ...
  return null;
}

function normalizeMessage(update: Update, message: Message, options: NormalizeTelegramOptions): InboundMessage | null {
  const from = message.from;
  if (from === undefined || from.is_bot) return null;
  // Defensive: the type says `message` is never an edit, but a hand-made or replayed payload could be.
  if ('edit_date' in message && message.edit_date !== undefined) return null;

  const content = readContent(message, options.botUsername);
  if (content === null) return null;

  return {
    platform: 'telegram',
    chatId: String(message.chat.id),
    senderId: String(from.id),
    ...senderFields(from),
    platformMessageId: `${message.chat.id}:${message.message_id}`,
    text: content.text,
    attachments: content.attachments,
    receivedAt: new Date(message.date * 1000),
    raw: update,
  };
}

function normalizeCallback(update: Update, query: CallbackQuery, options: NormalizeTelegramOptions): InboundMessage | null {
  if (!('data' in query) || query.from.is_bot) return null;
  // Without `message` the button sat on an inline-mode message: there is no chat to answer in, and qinqing
  // never sends inline-mode messages, so such a press is not ours.
  if (query.message === undefined) return null;

  return {
    platform: 'telegram',
    chatId: String(query.message.chat.id),
    senderId: String(query.from.id),
    ...senderFields(query.from),
    platformMessageId: `cb:${query.id}`,
    text: '',
    attachments: [],
    callback: { id: query.id, data: query.data },
    receivedAt: (options.now ?? (() => new Date()))(),
    raw: update,
  };
}

function senderFields(from: User): Pick<InboundMessage, 'senderName' | 'languageHint'> {
  const fullName = [from.first_name, from.last_name].filter((part) => part !== undefined && part !== '').join(' ');
  const senderName = fullName !== '' ? fullName : from.username;
  return {
    ...(senderName !== undefined ? { senderName } : {}),
    ...(from.language_code !== undefined ? { languageHint: from.language_code } : {}),
  };
}

interface Content {
  text: string;
  attachments: Attachment[];
}

/** The text and files of a message, or `null` for service messages and commands meant for another bot. */
function readContent(message: Message, botUsername: string | undefined): Content | null {
  if ('text' in message) {
    const text = stripBotSuffix(message.text, botUsername);
    return text === null ? null : { text, attachments: [] };
  }
  const caption = 'caption' in message && message.caption !== undefined ? message.caption : '';

  if ('photo' in message) {
    const largest = largestPhoto(message.photo);
    if (largest === undefined) return null;
    return { text: caption, attachments: [withSize({ kind: 'photo', fileRef: largest.file_id }, largest.file_size)] };
  }
  // Checked before `document`: Telegram sends an animation with a duplicate `document` field.
  if ('animation' in message) {
    const a = message.animation;
    return { text: caption, attachments: [fileAttachment('video', a.file_id, a.file_name, a.mime_type, a.file_size)] };
  }
  if ('document' in message) {
    const d = message.document;
    return { text: caption, attachments: [fileAttachment('document', d.file_id, d.file_name, d.mime_type, d.file_size)] };
  }
  if ('sticker' in message) {
    return { text: '', attachments: [withSize({ kind: 'sticker', fileRef: message.sticker.file_id }, message.sticker.file_size)] };
  }
  if ('audio' in message) {
    const a = message.audio;
    return { text: caption, attachments: [fileAttachment('audio', a.file_id, a.file_name, a.mime_type, a.file_size)] };
  }
  if ('voice' in message) {
    const v = message.voice;
    return { text: caption, attachments: [fileAttachment('audio', v.file_id, undefined, v.mime_type, v.file_size)] };
  }
  if ('video' in message) {
    const v = message.video;
    return { text: caption, attachments: [fileAttachment('video', v.file_id, v.file_name, v.mime_type, v.file_size)] };
  }
  if ('video_note' in message) {
    return { text: '', attachments: [withSize({ kind: 'video', fileRef: message.video_note.file_id }, message.video_note.file_size)] };
  }
  // A person did send something (a location, a contact, a poll, ...) that qinqing cannot read: pass it on empty
  // so the conversation layer can say so instead of staying silent.
  if ('location' in message || 'contact' in message || 'poll' in message || 'dice' in message) {
    return { text: '', attachments: [] };
  }
  return null;
}

/**
 * Keeps a command as typed but without its `@botname` (`/status@qinqing_bot RF-1` → `/status RF-1`).
 * Returns `null` when the command is explicitly addressed to a different bot.
 */
function stripBotSuffix(text: string, botUsername: string | undefined): string | null {
  const match = ADDRESSED_COMMAND.exec(text);
  if (match === null) return text;
  const [whole, command, addressee] = match;
  if (command === undefined || addressee === undefined) return text;
  if (botUsername !== undefined && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  return command + text.slice(whole.length);
}

function largestPhoto<P extends { width: number; height: number }>(sizes: readonly P[]): P | undefined {
  // Telegram lists sizes smallest first today, but nothing promises it: compare pixel counts.
  let best: P | undefined;
  for (const size of sizes) {
    if (best === undefined || size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}

function fileAttachment(
  kind: Attachment['kind'],
  fileRef: string,
  fileName: string | undefined,
  mimeType: string | undefined,
  size: number | undefined,
): Attachment {
  return withSize(
    {
      kind,
      fileRef,
      ...(fileName !== undefined ? { fileName } : {}),
      ...(mimeType !== undefined ? { mimeType } : {}),
    },
    size,
  );
}

function withSize(attachment: Attachment, size: number | undefined): Attachment {
  return size !== undefined ? { ...attachment, size } : attachment;
}
