/**
 * What a registration carries, validated before anything is written, and the pure checks the register
 * flow shares with the service (phone numbers, field lengths) so both refuse the same things.
 */
import { z } from 'zod';
import { OWNERSHIPS, SIZES } from '../db/models/index.ts';
import { DomainError } from '../domain/errors.ts';
import { checkCreditCode } from '../domain/credit-code.ts';
import { LANGS } from '../i18n/index.ts';

/** Length bounds of the free-text fields, in characters a person sees. */
export const FIELD_LIMITS = {
  companyName: { min: 2, max: 100 },
  region: { min: 2, max: 30 },
  contactName: { min: 2, max: 30 },
} as const;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters a person sees: an emoji or a CJK character counts as one. */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _segment of segmenter.segment(text)) count++;
  return count;
}

export type PhoneResult = { ok: true; phone: string } | { ok: false; problem: 'empty' | 'format' };

// 010 (Beijing) and 02X are the only three-digit area codes; every other one has four digits, 03XX-09XX.
const THREE_DIGIT_AREA = /^(?:010|02\d)/;
const FOUR_DIGIT_AREA = /^0[3-9]\d\d/;

/**
 * Reads a Chinese phone number as people type it: full-width digits, spaces, dashes, `+86` or `0086`
 * before a mobile, parentheses around an area code. Returns the stored form: 11 digits for a mobile
 * (`13812345678`), `area-number` for a landline (`0371-65123456`).
 */
export function parsePhone(input: string): PhoneResult {
  const compact = input
    .normalize('NFKC')
    .replace(/[\s\-–—()（）.]/gu, '')
    .trim();
  if (compact === '') return { ok: false, problem: 'empty' };
  const mobile = /^(?:(?:\+|00)?86)?(1[3-9]\d{9})$/.exec(compact);
  if (mobile?.[1] !== undefined) return { ok: true, phone: mobile[1] };
  if (!/^0\d{9,11}$/.test(compact)) return { ok: false, problem: 'format' };
  const areaLength = THREE_DIGIT_AREA.test(compact) ? 3 : FOUR_DIGIT_AREA.test(compact) ? 4 : 0;
  if (areaLength === 0) return { ok: false, problem: 'format' };
  const number = compact.slice(areaLength);
  if (number.length < 7 || number.length > 8 || number.startsWith('0')) return { ok: false, problem: 'format' };
  return { ok: true, phone: `${compact.slice(0, areaLength)}-${number}` };
}

/** Trimmed, inner whitespace collapsed, within `limits` as a person counts. */
function boundedText(limits: { min: number; max: number }) {
  return z
    .string()
    .transform((value) => value.replace(/\s+/gu, ' ').trim())
    .refine((value) => visibleLength(value) >= limits.min && visibleLength(value) <= limits.max, `${limits.min} to ${limits.max} characters`);
}

const creditCode = z.string().transform((value, ctx) => {
  const result = checkCreditCode(value);
  if (result.ok) return result.code;
  ctx.addIssue({ code: 'custom', message: result.problem });
  return z.NEVER;
});

const phone = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const result = parsePhone(value);
    if (result.ok) return result.phone;
    // The message names the problem only: an issue may reach a log line, a phone number never does.
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  });

const platformId = z.string().trim().min(1).max(128);

/**
 * A registration. The enterprise's other fields are needed only when its credit code is new: a known
 * enterprise keeps what officials imported or an earlier contact entered.
 */
export const registrationSchema = z.object({
  sender: z.object({ platform: z.enum(['telegram', 'wechat', 'playground']), senderId: platformId, chatId: platformId }),
  lang: z.enum(LANGS),
  enterprise: z.object({
    creditCode,
    name: boundedText(FIELD_LIMITS.companyName).optional(),
    ownership: z.enum(OWNERSHIPS).optional(),
    size: z.enum(SIZES).optional(),
    region: boundedText(FIELD_LIMITS.region).optional(),
  }),
  contact: z.object({ name: boundedText(FIELD_LIMITS.contactName), phone }),
});

export type RegistrationInput = z.input<typeof registrationSchema>;
export type Registration = z.output<typeof registrationSchema>;

/**
 * Validates a registration, throwing a `DomainError` whose code says which part is wrong:
 * `registration.credit-code` (with `problem`), `registration.phone`, or `registration.invalid` (with `field`).
 */
export function parseRegistration(input: RegistrationInput): Registration {
  const result = registrationSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  if (field === 'enterprise.creditCode') throw new DomainError('registration.credit-code', 'invalid credit code', { problem: issue?.message ?? '' });
  if (field === 'contact.phone') throw new DomainError('registration.phone', 'invalid phone number');
  throw new DomainError('registration.invalid', `invalid registration field ${field}`, { field });
}

/** A contact id as stored: anything else cannot name a pending contact (and must not reach a query as a cast error). */
export const contactIdSchema = z.string().regex(/^[0-9a-f]{24}$/);
