/** 延期: the assignee asks the unit's supervisor for more working days, with a reason. */
import { z } from 'zod';
import { both, t, type Lang } from '../src/i18n/index.ts';
import { requestExtension } from '../src/services/tickets/officer-actions.ts';
import type { FlowDeps } from './deps.ts';
import { normalizeText, type FlowDefinition, type Reply } from './engine/index.ts';
import { attempt, backTo, end, errorText, isFinal, officialOf, onlyOfficials, openFor, readText, reask, refusalText } from './officer-shared.ts';

const MAX_REASON = 500;

const stateSchema = z.object({ number: z.string(), max: z.number().int(), days: z.number().int().nullable() });
type ExtendState = z.infer<typeof stateSchema>;

const DIGITS: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/**
 * A number of days as people write it: "5", "５", "5天", "五", "十五个工作日", "二十", "15 days".
 * Undefined for anything else (a range, a date, a sentence).
 */
export function parseDays(text: string): number | undefined {
  const bare = normalizeText(text)
    .toLowerCase()
    .replace(/^(延期|延长|再|多)/u, '')
    .replace(/(个)?(工作)?(日|天)$|\s*(working\s*)?days?$/u, '')
    .replace(/[。.!！]$/u, '')
    .trim();
  if (/^\d{1,3}$/.test(bare)) return Number(bare);
  const match = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(bare);
  if (!match || bare === '') return undefined;
  const [, tens, ten, ones] = match;
  // Without 十 only a single digit is a number ("五"); "五五" is not.
  if (!ten) return tens !== undefined && ones === undefined ? DIGITS[tens] : undefined;
  return (tens === undefined ? 1 : (DIGITS[tens] ?? 0)) * 10 + (ones === undefined ? 0 : (DIGITS[ones] ?? 0));
}

function askDays(lang: Lang, state: ExtendState): Reply {
  return { text: t(lang, 'officer.extend.ask-days', { number: state.number, max: state.max }) };
}

function askReason(lang: Lang): Reply {
  return { text: t(lang, 'officer.extend.ask-reason') };
}

/** Started with `{ number }` by the `t:extend:<number>` button or a typed "延期 <number>". */
export const officerExtendFlow: FlowDefinition<ExtendState, FlowDeps> = {
  name: 'officer-extend',
  version: 1,
  title: both('officer.title.extend'),
  async start(deps, args) {
    const opened = await openFor(deps, args, 'request-extension');
    if (!opened.ok) return opened.result;
    const state = { number: opened.ticket.number, max: opened.ticket.resolveDays, days: null };
    return { kind: 'next', step: 'days', state, replies: [askDays(deps.lang, state)] };
  },
  steps: {
    async days(state, input, deps) {
      const days = input.action ? undefined : parseDays(input.text);
      if (days === undefined || days < 1 || days > state.max) return reask(t(deps.lang, 'officer.extend.bad-days', { max: state.max }), askDays(deps.lang, state));
      return { kind: 'next', step: 'reason', state: { ...state, days }, replies: [askReason(deps.lang)] };
    },
    async reason(state, input, deps) {
      const actor = officialOf(deps);
      if (!actor) return onlyOfficials(deps.lang);
      const reason = readText(deps, input, MAX_REASON);
      if (!reason.ok) return reask(reason.reason, askReason(deps.lang));
      const days = state.days ?? 0;
      const done = await attempt(() => requestExtension(deps.app, state.number, actor, days, reason.text));
      if (done.ok) return end(t(deps.lang, 'officer.extend.done', { days }));
      const { error } = done;
      if (isFinal(error)) return end(refusalText(deps, state.number, error));
      if (error.code === 'extension.days') return backTo('days', { ...state, days: null }, errorText(deps, error), askDays(deps.lang, state));
      return reask(errorText(deps, error), askReason(deps.lang));
    },
  },
  hint: (step, state, deps) => (step === 'reason' ? askReason(deps.lang) : askDays(deps.lang, state)),
  parseState: (raw) => stateSchema.parse(raw),
};
