/**
 * 好差评: the enterprise rates a resolved ticket on five levels and may comment. Started by a rating button
 * (`r:<level>:<number>` → args `{ number, level }`) or by /rate (no args: pick among the tickets waiting).
 * The state machine refuses a second rating, so a button pressed twice cannot rate twice.
 */
import { z } from 'zod';
import { DomainError } from '../src/domain/errors.ts';
import { isBadRating, parseRating, RATING_LABELS, RATING_LEVELS, type RatingLevel } from '../src/domain/rating.ts';
import { both, isMessageKey, t, type Lang, type MessageKey, type Params } from '../src/i18n/index.ts';
import { excerpt } from '../src/shared/format.ts';
import { actorOf } from '../src/services/identity.ts';
import { rate } from '../src/services/tickets/rating-actions.ts';
import { getTicketForViewer, listTicketsForContact } from '../src/services/tickets/ticket-queries.ts';
import type { TicketRecord } from '../src/services/tickets/ticket-store.ts';
import type { FlowDeps } from './deps.ts';
import { normalizeText, parseChoice, staleButton, stripInvisible, type ChoiceOption, type FlowDefinition, type Reply, type StepResult } from './engine/index.ts';

/** The rating service's own bound on a comment. */
const MAX_COMMENT = 1000;
/** How many waiting tickets /rate offers; more than a screen is a list nobody reads. */
const MAX_PICK = 10;
const SKIP_WORDS = new Set(['跳过', '没有', '无', '不用', 'skip', 'no', 'none']);

const stateSchema = z.object({
  number: z.string().optional(),
  level: z.enum(RATING_LEVELS).optional(),
  /** The numbers offered by /rate. */
  choices: z.array(z.string()).default([]),
});
type RateState = z.infer<typeof stateSchema>;

const text = (deps: FlowDeps, key: MessageKey, params?: Params): Reply => ({ text: t(deps.lang, key, params) });
const label = (lang: Lang, value: { zh: string; en: string }): string => (lang === 'en' ? value.en : value.zh);
const done = (...replies: Reply[]): StepResult<RateState> => ({ kind: 'done', replies });

/** Only an active enterprise contact rates. */
function enterpriseActor(deps: FlowDeps) {
  const actor = actorOf(deps.identity);
  return actor?.kind === 'enterprise' ? actor : undefined;
}

/** The ticket if this contact may rate it now; undefined for anything else, without saying which. */
async function ratable(deps: FlowDeps, number: string): Promise<TicketRecord | undefined> {
  try {
    const ticket = await getTicketForViewer(deps.app, deps.identity, number);
    return ticket.status === 'resolved' ? ticket : undefined;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'ticket.not-found') return undefined;
    throw error;
  }
}

function levelOptions(): (ChoiceOption & { level: RatingLevel })[] {
  return RATING_LEVELS.map((level) => ({ action: `rate:level:${level}`, labels: RATING_LABELS[level], aliases: [level], level }));
}

function askLevel(deps: FlowDeps, ticket: TicketRecord): Reply {
  const category = deps.app.profile.categories.find((c) => c.code === ticket.category);
  return {
    text: t(deps.lang, 'rate.ask-level', { number: ticket.number, category: category ? category.name : ticket.category, result: excerpt(ticket.result ?? '—', 300) }),
    buttons: levelOptions().map((o) => [{ action: o.action, label: label(deps.lang, o.labels) }]),
  };
}

function askComment(deps: FlowDeps, level: RatingLevel): Reply {
  return {
    text: t(deps.lang, isBadRating(level) ? 'rate.ask-comment-bad' : 'rate.ask-comment', { level: RATING_LABELS[level] }),
    buttons: [[{ action: 'rate:skip', label: t(deps.lang, 'rate.button.skip') }]],
  };
}

function pickOptions(deps: FlowDeps, numbers: readonly string[]): ChoiceOption[] {
  return numbers.map((number) => ({ action: `rate:pick:${number}`, labels: { zh: number, en: number } }));
}

/** Asks what is missing for a ticket: the level, else the comment. */
async function forTicket(deps: FlowDeps, state: RateState, number: string): Promise<StepResult<RateState>> {
  const ticket = await ratable(deps, number);
  if (!ticket) return done(text(deps, 'rate.stale'));
  const next = { ...state, number: ticket.number, choices: [] };
  if (next.level) return { kind: 'next', step: 'comment', state: next, replies: [askComment(deps, next.level)] };
  return { kind: 'next', step: 'level', state: next, replies: [askLevel(deps, ticket)] };
}

async function submitRating(deps: FlowDeps, state: RateState, comment: string): Promise<StepResult<RateState>> {
  const actor = enterpriseActor(deps);
  if (!actor || !state.number || !state.level) return done(text(deps, 'rate.need-contact'));
  try {
    const ticket = await rate(deps.app, state.number, actor, state.level, comment);
    if (ticket.status !== 'reopened') return done(text(deps, 'rate.thanks'));
    const unit = deps.app.profile.units.find((u) => u.code === ticket.unit);
    return done(text(deps, 'rate.thanks-bad', { number: ticket.number, unit: unit ? unit.name : ticket.unit }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Rated meanwhile (another button, the other platform), closed unrated, or not theirs: all look alike.
    if (['ticket.illegal-transition', 'ticket.forbidden', 'ticket.not-found'].includes(error.code)) return done(text(deps, 'rate.stale'));
    const key = `error.${error.code}`;
    return done({ text: isMessageKey(key) ? t(deps.lang, key, error.params) : t(deps.lang, 'error.internal') });
  }
}

export const rateFlow: FlowDefinition<RateState, FlowDeps> = {
  name: 'rate',
  version: 1,
  title: both('rate.title'),
  parseState: (raw) => stateSchema.parse(raw),

  async start(deps, args) {
    if (!enterpriseActor(deps)) return done(text(deps, 'rate.need-contact'));
    const level = args.level ? parseRating(args.level) : undefined;
    const number = normalizeText(args.number ?? '');
    if (number !== '') return forTicket(deps, { choices: [], ...(level ? { level } : {}) }, number);
    const waiting = await listTicketsForContact(deps.app, deps.identity, { statuses: ['resolved'], limit: MAX_PICK });
    if (waiting.length === 0) return done(text(deps, 'rate.none'));
    const choices = waiting.map((ticket) => ticket.number);
    const buttons = pickOptions(deps, choices).map((o) => [{ action: o.action, label: o.labels.zh }]);
    return { kind: 'next', step: 'pick', state: { choices }, replies: [{ text: t(deps.lang, 'rate.pick'), buttons }] };
  },

  steps: {
    async pick(state, input, deps) {
      const choice = parseChoice(input, pickOptions(deps, state.choices));
      if (!choice) return { kind: 'retry', replies: [input.action ? staleButton(deps.lang) : rateFlow.hint('pick', state, deps)] };
      return forTicket(deps, state, choice.labels.zh);
    },

    async level(state, input, deps) {
      const choice = parseChoice(input, levelOptions());
      // The notice's own button (`r:<level>:<number>`) for this ticket answers this question too.
      const [prefix, fromNotice, forNumber] = input.action?.split(':') ?? [];
      const level = choice?.level ?? (prefix === 'r' && forNumber === state.number ? parseRating(fromNotice ?? '') : undefined);
      if (!level) return { kind: 'retry', replies: [input.action && !choice ? staleButton(deps.lang) : rateFlow.hint('level', state, deps)] };
      return { kind: 'next', step: 'comment', state: { ...state, level }, replies: [askComment(deps, level)] };
    },

    async comment(state, input, deps) {
      if (input.action === 'rate:skip') return submitRating(deps, state, '');
      if (input.action) return { kind: 'retry', replies: [staleButton(deps.lang)] };
      const comment = stripInvisible(input.text);
      if (comment === '') return { kind: 'retry', replies: [text(deps, 'rate.comment-text')] };
      if (SKIP_WORDS.has(normalizeText(comment).toLowerCase().replace(/[。.!！]+$/u, ''))) return submitRating(deps, state, '');
      if ([...comment].length > MAX_COMMENT) return { kind: 'retry', replies: [text(deps, 'rate.comment-too-long', { max: MAX_COMMENT })] };
      return submitRating(deps, state, comment);
    },
  },

  hint(step, state, deps) {
    if (step === 'pick') return { text: t(deps.lang, 'rate.pick'), buttons: pickOptions(deps, state.choices).map((o) => [{ action: o.action, label: o.labels.zh }]) };
    if (step === 'comment' && state.level) return askComment(deps, state.level);
    return { text: t(deps.lang, 'rate.level-hint', { number: state.number ?? '' }), buttons: levelOptions().map((o) => [{ action: o.action, label: label(deps.lang, o.labels) }]) };
  },
};
