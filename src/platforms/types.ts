/**
 * The one message shape the rest of qinqing sees. Each adapter's `normalize` step turns a platform's raw
 * payload into an `InboundMessage`; nothing outside `src/platforms/` ever touches a raw payload's type.
 */
export type PlatformName = 'telegram' | 'wechat' | 'playground';

export interface Attachment {
  kind: 'photo' | 'document' | 'audio' | 'video' | 'sticker' | 'other';
  /** A platform file reference (Telegram file_id, WeChat message id); never the bytes. */
  fileRef: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
}

export interface InboundMessage {
  platform: PlatformName;
  /** Where a reply goes: a private chat, or a group the bot was @-mentioned in. */
  chatId: string;
  /** Who wrote it: the identity qinqing resolves to a contact or an official. */
  senderId: string;
  senderName?: string;
  /** Unique per platform; the dedupe key. */
  platformMessageId: string;
  text: string;
  attachments: Attachment[];
  /** A button press: the stable action id the button carried. */
  callback?: { id: string; data: string };
  /** The platform user's language hint (Telegram `language_code`), when it has one. */
  languageHint?: string;
  receivedAt: Date;
  raw: unknown;
}

export interface Button {
  /** Stable action id, at most 64 bytes (Telegram's callback_data limit). */
  action: string;
  label: string;
}

export interface OutboundMessage {
  text: string;
  /** Rows of buttons. Platforms without buttons render them as a numbered list. */
  buttons?: Button[][];
  image?: { png: Buffer; caption?: string };
}

export type SendResult =
  | { ok: true; platformMessageId?: string }
  /** The platform asked us to wait; the notice must be retried after `retryAfterMs`. */
  | { ok: false; reason: 'rate-limited'; retryAfterMs: number }
  /** The channel cannot reach this chat now (e.g. an Official Account outside its 48 h window). */
  | { ok: false; reason: 'unreachable'; detail: string }
  | { ok: false; reason: 'failed'; detail: string };

export type InboundHandler = (message: InboundMessage) => Promise<void>;

/** What every platform adapter offers. */
export interface PlatformAdapter {
  readonly platform: PlatformName;
  /**
   * Starts receiving; each normalized message is passed to `onMessage`. `onWaiting` (where the platform
   * delivers in order, as Telegram's long polling does) is told of messages held back behind one whose
   * handling failed: they are passed to `onMessage` later, once it succeeds.
   */
  start(onMessage: InboundHandler, onWaiting?: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  send(chatId: string, message: OutboundMessage): Promise<SendResult>;
  /** Whether it can send now (default yes): a WeChat instance waiting for its account cannot. */
  ready?(): boolean;
  /** Acknowledges a button press so the platform stops its spinner (no-op where there is none). */
  answerCallback?(callbackId: string, text?: string): Promise<void>;
}
