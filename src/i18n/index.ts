/**
 * Every text a person reads, in Chinese first and English. Messages live in area files
 * (`messages/*.ts`), each key with both languages side by side so neither can be forgotten.
 */
import { errorMessages } from './messages/errors.ts';
import { ticketMessages } from './messages/tickets.ts';
import { flowMessages } from './messages/flows.ts';
import { registerMessages } from './messages/register.ts';
import { enterpriseMessages } from './messages/enterprise.ts';
import { officerMessages } from './messages/officer.ts';
import { handlerMessages } from './messages/handlers.ts';
import { liaisonMessages } from './messages/liaison.ts';
import { serviceDayMessages } from './messages/service-days.ts';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Text {
  zh: string;
  en: string;
}

const catalog = {
  ...errorMessages,
  ...ticketMessages,
  ...flowMessages,
  ...registerMessages,
  ...enterpriseMessages,
  ...officerMessages,
  ...handlerMessages,
  ...liaisonMessages,
  ...serviceDayMessages,
} satisfies Record<string, Text>;

export type MessageKey = keyof typeof catalog;
export type ParamValue = string | number | Text;
export type Params = Record<string, ParamValue>;

function pick(lang: Lang, value: ParamValue): string {
  if (typeof value === 'object') return lang === 'en' ? value.en : value.zh;
  return String(value);
}

export function isMessageKey(key: string): key is MessageKey & string {
  return Object.hasOwn(catalog, key);
}

/** Fills `{name}` placeholders; an unknown placeholder stays visible so a missing parameter is noticed. */
export function interpolate(template: string, params: Params = {}, lang: Lang = 'zh-CN'): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : pick(lang, value);
  });
}

/** The text for `key` in `lang`. */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  const entry: Text = catalog[key];
  return interpolate(lang === 'en' ? entry.en : entry.zh, params, lang);
}

/** Both languages of a key, for stored texts and notices rendered later in the recipient's language. */
export function both(key: MessageKey, params?: Params): Text {
  return { zh: t('zh-CN', key, params), en: t('en', key, params) };
}

/** Picks a language from a platform hint (Telegram's `language_code`): English only when asked for. */
export function langFromHint(hint: string | undefined): Lang {
  return hint?.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}
