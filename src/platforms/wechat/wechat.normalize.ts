/**
 * WeChat inbound normalization: the one place that reads a wechaty `Message`, plus the "choices without buttons"
 * memory that turns a typed number back into the action a numbered list offered.
 */
import { types, type Message } from 'wechaty';

import type { Attachment, Button, InboundMessage } from '../types.ts';

/** One offered choice: the action id a Telegram button would have carried, and the label the user saw. */
export type Choice = Pick<Button, 'action' | 'label'>;

/**
 * Remembers, per chat, the choices the last message with buttons offered.
 *
 * The set stays until a later message with buttons replaces it: a message without buttons does not clear it, so a
 * user who answers "2" after an intervening notice still gets the action they read. The service passes a
 * Redis-backed store (written elsewhere) so the memory survives restarts and is shared between processes.
 */
export interface ChoiceStore {
  save(chatId: string, actions: Choice[]): Promise<void>;
  load(chatId: string): Promise<Choice[] | undefined>;
}

/** A process-local `ChoiceStore` for tests and single-process development; forgets everything on restart. */
export class InMemoryChoiceStore implements ChoiceStore {
  private readonly byChat = new Map<string, Choice[]>();

  async save(chatId: string, actions: Choice[]): Promise<void> {
    // Copy so a caller mutating its array later cannot change what the user was offered.
    this.byChat.set(chatId, actions.map(({ action, label }) => ({ action, label })));
  }

  async load(chatId: string): Promise<Choice[] | undefined> {
    return this.byChat.get(chatId);
  }
}

const CHINESE_NUMERALS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/**
 * Maps a typed reply to one of the offered choices: the list number (ASCII or full-width digits, or a Chinese
 * numeral 一..十), or exactly one of the labels. Anything else (including "2 please") is ordinary text.
 */
export function matchChoice(text: string, offered: readonly Choice[]): Choice | undefined {
  // NFKC folds full-width digits (２) and full-width spaces to their ASCII forms.
  const typed = text.normalize('NFKC').trim();
  if (typed === '') return undefined;
  const index = /^\d{1,3}$/.test(typed) ? Number(typed) : CHINESE_NUMERALS[typed];
  if (index !== undefined) return offered[index - 1];
  const byLabel = offered.filter((choice) => choice.label.normalize('NFKC').trim() === typed);
  // Two choices with the same label are ambiguous; a guess here would run the wrong action.
  return byLabel.length === 1 ? byLabel[0] : undefined;
}

const ATTACHMENT_KINDS: Partial<Record<types.Message, Attachment['kind']>> = {
  [types.Message.Image]: 'photo',
  [types.Message.Attachment]: 'document',
  [types.Message.Video]: 'video',
  [types.Message.Audio]: 'audio',
  [types.Message.Emoticon]: 'sticker',
};

/** Message types that carry nothing a user meant to say to us (recalls, red envelopes, system notes). */
const IGNORED_TYPES: ReadonlySet<types.Message> = new Set([
  types.Message.Recalled,
  types.Message.RedEnvelope,
  types.Message.Transfer,
  types.Message.GroupNote,
]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes only the bot's own @-mention, so "@亲清助手 请 @张三 跟进" keeps "@张三". wechaty's `mentionText()` would
 * strip every mention, losing who the writer meant.
 */
async function stripSelfMention(message: Message, text: string): Promise<string> {
  const room = message.room();
  const self = message.wechaty.currentUser;
  if (!room) return text;
  const names = [await room.alias(self), self.name()].filter((name): name is string => Boolean(name));
  let stripped = text;
  for (const name of names) {
    // WeChat separates a mention from the rest with U+2005 (four-per-em space); some clients send a plain space.
    stripped = stripped.replace(new RegExp(`@${escapeRegExp(name)}(\u2005|\u0020|$)`, 'g'), '');
  }
  return stripped.trim();
}

/**
 * Turns a wechaty message into an `InboundMessage`, or `null` when qinqing should not see it: the bot's own
 * messages (puppets echo them), room chatter that does not @-mention the bot, recalls and money/system notes.
 *
 * When `choiceStore` holds choices for the chat and the text picks one (see {@link matchChoice}), the result carries
 * `callback: { id: '', data: action }` and keeps `text` as typed.
 */
export async function normalizeWechatMessage(message: Message, choiceStore?: ChoiceStore): Promise<InboundMessage | null> {
  if (message.self()) return null;
  const type = message.type();
  if (IGNORED_TYPES.has(type)) return null;

  const room = message.room();
  // mentionSelf() is false for non-text room messages, so images posted in a group are ignored too.
  if (room && !(await message.mentionSelf())) return null;

  const talker = message.talker();
  const chatId = room ? room.id : talker.id;
  const kind = type === types.Message.Text ? undefined : (ATTACHMENT_KINDS[type] ?? 'other');

  let text = '';
  const attachments: Attachment[] = [];
  if (kind === undefined) {
    text = room ? await stripSelfMention(message, message.text()) : message.text();
  } else {
    const fileName = message.payload?.filename;
    // The message id is the handle a later `message.toFileBox()` needs; we never download bytes here.
    attachments.push({ kind, fileRef: message.id, ...(fileName ? { fileName } : {}) });
  }

  const inbound: InboundMessage = {
    platform: 'wechat',
    chatId,
    senderId: talker.id,
    senderName: talker.name() || undefined,
    platformMessageId: message.id,
    text,
    attachments,
    receivedAt: message.date(),
    raw: message.payload,
  };

  if (choiceStore && text !== '') {
    const offered = await choiceStore.load(chatId);
    const picked = offered ? matchChoice(text, offered) : undefined;
    if (picked) inbound.callback = { id: '', data: picked.action };
  }
  return inbound;
}
