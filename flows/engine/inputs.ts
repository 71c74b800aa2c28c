/**
 * Pure helpers every flow uses to read what a person typed: on phones people type full-width letters,
 * paste invisible characters, add a trailing "。" and answer "２" or "二" to a numbered list.
 */
import type { Text } from '../../src/i18n/index.ts';
import type { FlowInput } from './flow.ts';

/**
 * Zero-width and bidi-control characters: invisible, yet they make "取消" differ from "取\u200b消" and
 * can reorder how a ticket's text is displayed (bidi overrides).
 */
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
/**
 * The zero-width joiner is invisible too, except inside an emoji sequence (👨‍👩‍👧), where removing it
 * would split one emoji into several: it is kept only between two pictographs.
 */
const JOINER = /(\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]*)\u200D(?=\p{Extended_Pictographic})|\u200D/gu;

/**
 * Removes invisible characters and trims, changing nothing else: for free text that is stored as written
 * (a complaint's description keeps its line breaks and its full-width punctuation).
 */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(JOINER, (_whole, emoji: string | undefined) => (emoji === undefined ? '' : `${emoji}\u200D`)).trim();
}

/**
 * The canonical form for matching and short fields: invisible characters removed, NFKC (full-width
 * letters and digits become ASCII, ① becomes 1; CJK characters are unchanged), whitespace collapsed to
 * single spaces, trimmed. NFKC also turns full-width punctuation into ASCII, so do not store free text
 * through this: use `stripInvisible`.
 */
export function normalizeText(text: string): string {
  return stripInvisible(text).normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** The form answers are compared in: normalised, lower case, no spaces, no trailing punctuation ("好的！"). */
function answerForm(text: string): string {
  return normalizeText(text)
    .toLowerCase()
    .replace(/\s+/gu, '')
    .replace(/[\p{P}\p{S}]+$/u, '');
}

const CANCEL_WORDS = new Set(['取消', '/cancel', 'cancel', '退出']);

/**
 * Whether the text asks to leave the current flow: 取消, 退出, cancel, /cancel (also `/cancel@bot` as
 * Telegram sends it in groups), in any case, full-width, with stray spaces or a trailing "。".
 */
export function isCancel(text: string): boolean {
  const answer = answerForm(text).replace(/^(\/[a-z]+)@\w+$/, '$1');
  return CANCEL_WORDS.has(answer);
}

const YES_WORDS = new Set(['是', '是的', '好', '好的', '确认', '确定', '对', '对的', 'yes', 'y', 'ok', 'okay']);
const NO_WORDS = new Set(['否', '不', '不是', '不对', '不要', 'no', 'n']);

/** Whether the text is a yes (是, 好, 确认, 对, yes, y, ok, and their common "的" forms). */
export function isYes(text: string): boolean {
  return YES_WORDS.has(answerForm(text));
}

/** Whether the text is a no (否, 不, 不是, no, n). */
export function isNo(text: string): boolean {
  return NO_WORDS.has(answerForm(text));
}

/** One answer of a numbered choice; a step's own option type may carry more (a category code). */
export interface ChoiceOption {
  /** The button's action id. */
  action: string;
  labels: Text;
  /** Other words that pick this option ("投诉" for "投诉举报"). */
  aliases?: string[];
}

const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** "3", "３", "3.", "3、", "(3)", "③", "三", "第三个" → 3; anything else → undefined. */
function choiceNumber(text: string): number | undefined {
  const bare = answerForm(text)
    .replace(/^[\p{P}\p{S}]+/u, '')
    .replace(/^第/, '')
    .replace(/[个项條条]$/u, '');
  if (/^\d{1,2}$/.test(bare)) return Number(bare);
  const chinese = CHINESE_NUMBERS.indexOf(bare);
  return chinese === -1 ? undefined : chinese + 1;
}

/**
 * The option the input picks: by button action; else by its 1-based number (ASCII, full-width, circled,
 * 一..十); else by a label in either language or an alias (case-insensitive, spaces ignored).
 * A pressed button whose action is not among `options` picks nothing (a stale button): the text is not
 * consulted then, because a button press carries no typed answer.
 */
export function parseChoice<O extends ChoiceOption>(input: Pick<FlowInput, 'text' | 'action'>, options: readonly O[]): O | undefined {
  if (input.action !== undefined && input.action !== '') return options.find((option) => option.action === input.action);
  const number = choiceNumber(input.text);
  if (number !== undefined) return options[number - 1];
  const answer = answerForm(input.text);
  if (answer === '') return undefined;
  return options.find((option) => [option.labels.zh, option.labels.en, ...(option.aliases ?? [])].some((word) => answerForm(word) === answer));
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

/** The length a person sees: user-perceived characters, so "👨‍👩‍👧" and "企" count as one each. */
export function textLength(text: string): number {
  return graphemes(text).length;
}

/**
 * Cuts `text` to at most `max` user-perceived characters, ending with `ellipsis` when it had to cut
 * (the ellipsis counts toward `max`). Never splits an emoji or a surrogate pair.
 */
export function limitLength(text: string, max: number, ellipsis = '…'): string {
  const parts = graphemes(text);
  if (parts.length <= max) return text;
  const room = max - textLength(ellipsis);
  // Too short for an ellipsis: cut without one rather than return more than `max`.
  return room <= 0 ? parts.slice(0, Math.max(0, max)).join('') : parts.slice(0, room).join('') + ellipsis;
}

/** A grapheme that is an emoji: a pictograph (with modifiers and joiners), a flag, or a keycap (1️⃣). */
const EMOJI_GRAPHEME = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)/u;

/** Whether the text is nothing but emoji (and spaces): a reaction, not an answer. Plain digits are not emoji. */
export function isEmojiOnly(text: string): boolean {
  const parts = graphemes(stripInvisible(text).replace(/\s+/gu, ''));
  return parts.length > 0 && parts.every((part) => EMOJI_GRAPHEME.test(part));
}

/**
 * Whether a message carries nothing a step could use: no text (after removing invisible characters), no
 * button, and no attachment other than stickers (a sticker is never an answer). Such a message gets the
 * step's hint instead of reaching the step.
 */
export function isEmptyInput(input: FlowInput): boolean {
  const noAction = input.action === undefined || input.action === '';
  return noAction && normalizeText(input.text) === '' && input.attachments.every((attachment) => attachment.kind === 'sticker');
}
