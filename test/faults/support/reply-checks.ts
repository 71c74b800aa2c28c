/**
 * What a reply to hostile input must not be: impolite (the generic failure text, a stack trace, a leaked
 * `[object Object]`, `undefined`, `NaN`, an unfilled `{placeholder}`) or in the wrong language.
 *
 * The language rule. A person's language is their account's (`chat_accounts.lang`), or for someone without
 * an account the platform's hint (`en…` → English, anything else → Chinese). What the bot may quote
 * verbatim is taken out of a reply first: the person's own words (as sent, and as the flows normalise
 * them), proper names from the directory (enterprises, officials, contacts: they have no English form),
 * texts other people stored that the bot shows (a result, a reason), and the language switch's own name
 * "中文" in the English help. Then:
 * - English: no CJK character may remain (Han, CJK punctuation, full-width forms, kana, hangul), except
 *   characters the person sent themselves in this conversation (partial echoes, such as the one character
 *   of a credit code that is wrong).
 * - Chinese: at least one Han character must remain: something the bot wrote itself, in Chinese.
 * Text and button labels are both checked; they are what the person reads.
 */
import { normalizeText, stripInvisible } from '../../../flows/engine/index.ts';
import { t, type Lang } from '../../../src/i18n/index.ts';
import type { OutboundMessage } from '../../../src/platforms/types.ts';
import { excerpt } from '../../../src/shared/format.ts';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60]/gu;
const HAN = /\p{Script=Han}/u;

/** The forms in which a flow may show a text it was given. */
export function quotedForms(text: string): string[] {
  const stripped = stripInvisible(text);
  const base = [text, stripped, stripped.replace(/\s+/gu, ' '), normalizeText(text), normalizeText(text).toUpperCase()];
  const forms = base.flatMap((form) => [form, excerpt(form, 100), excerpt(form, 300), excerpt(form, 500), excerpt(form, 1000)]);
  // Longest first, so a whole text is taken out before a shorter form of it.
  return [...new Set(forms)].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}

/** What one conversation has sent so far, and what the bot may quote back to it. */
export class Conversation {
  private readonly sent: string[] = [];
  private readonly forms: string[] = [];
  private readonly chars = new Set<string>();

  constructor(
    readonly lang: Lang,
    /** Names and other people's stored texts, as shown: taken out before the language is judged. */
    private readonly quotable: () => readonly string[],
  ) {}

  /** Records a text the person sent. */
  add(text: string): void {
    if (text === '') return;
    this.sent.push(text);
    this.forms.push(...quotedForms(text.length > 100_000 ? text.slice(0, 100_000) : text));
    for (const char of text.length > 100_000 ? new Set(text) : text) this.chars.add(char);
  }

  /** Whether the person wrote `token` themselves (then the bot may show it). */
  wrote(token: string): boolean {
    return this.sent.some((text) => text.includes(token));
  }

  private withoutQuotes(text: string): string {
    let rest = text;
    for (const form of [...this.quotable(), ...this.forms]) if (rest.includes(form)) rest = rest.split(form).join(' ');
    return rest;
  }

  /** Why `reply` is not in the person's language, or undefined when it is. */
  languageProblem(reply: OutboundMessage): string | undefined {
    const shown = [reply.text, ...(reply.buttons ?? []).flat().map((button) => button.label)].join('\n');
    const rest = this.withoutQuotes(shown);
    if (this.lang === 'en') {
      const foreign = [...rest.replaceAll('中文', ' ').matchAll(CJK)].map((m) => m[0]).filter((char) => !this.chars.has(char));
      return foreign.length > 0 ? `CJK in an English reply: ${JSON.stringify([...new Set(foreign)].join(''))}` : undefined;
    }
    if (reply.image && reply.text === '') return undefined;
    return HAN.test(rest) ? undefined : 'no Chinese of its own in a reply to a Chinese speaker';
  }

  /** Why `reply` is impolite (a leak of internals), or undefined when it is not. */
  impoliteProblem(reply: OutboundMessage): string | undefined {
    const text = [reply.text, ...(reply.buttons ?? []).flat().map((button) => button.label)].join('\n');
    if (reply.text.trim() === '' && !reply.image) return 'an empty reply';
    for (const lang of ['zh-CN', 'en'] as const) if (text.includes(t(lang, 'error.internal'))) return 'the generic failure text (error.internal)';
    if (/\n\s*at (async )?\S+ \(?\S+:\d+:\d+\)?/.test(text)) return 'a stack trace';
    const leaks = [/\[object \w+\]/, /\bundefined\b/, /\bNaN\b/, /\{[a-zA-Z]+\}/, /\b(TypeError|ReferenceError|RangeError|SyntaxError|ZodError|MongoServerError|CastError|ValidationError)\b/];
    for (const leak of leaks) {
      const found = leak.exec(text)?.[0];
      if (found !== undefined && !this.wrote(found) && !this.quotable().some((q) => q.includes(found))) return `a leaked ${JSON.stringify(found)}`;
    }
    return undefined;
  }
}
