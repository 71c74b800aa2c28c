/**
 * 记录走访: an official records a visit (R(8) 联系企业, R(2) 访百企·解难题): which linked enterprise, when,
 * how, what was learnt, the problems raised (each becomes a ticket in the ledger), the meal (R(8)) and
 * whether gifts or hospitality were accepted (R(17)): a yes is declared, recorded, and sent to
 * discipline inspection, and the flow says so before it is confirmed.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { addLocalDays, parseLocalDate, type LocalDate } from '../src/domain/holiday-calendar.ts';
import { toShanghaiDate } from '../src/domain/working-days.ts';
import { MEAL_KINDS, VISIT_FORMS } from '../src/db/models/liaison.ts';
import { both, t, type Lang, type MessageKey } from '../src/i18n/index.ts';
import { findEnterprise, linkedEnterprises, logVisit, MAX_GIFT_DETAIL, MAX_LEARNT, MAX_PROBLEMS, visitDateProblem, type VisitableEnterprise } from '../src/services/liaison/visits.ts';
import { MIN_PROBLEM } from '../src/services/liaison/visit-tickets.ts';
import { MAX_TEXT } from '../src/services/tickets/submission.schema.ts';
import { excerpt } from '../src/shared/format.ts';
import type { FlowDeps } from './deps.ts';
import { isNo, isYes, normalizeText, parseChoice, staleButton, type ChoiceOption, type FlowDefinition, type FlowInput, type Reply, type StepResult } from './engine/index.ts';
import { attempt, backTo, confirmButtons, end, errorText, officialOf, onlyOfficials, readConfirm, readText, reask } from './officer-shared.ts';

/** Buttons beyond this many make a chat unreadable; other linked enterprises are typed by credit code. */
const MAX_CHOICES = 30;

const stateSchema = z.object({
  /** The visit's id, chosen now: confirming twice records one visit. */
  draftId: z.string(),
  leadership: z.boolean(),
  enterprise: z.string().nullable(),
  enterpriseName: z.string().nullable(),
  date: z.string().nullable(),
  form: z.enum(VISIT_FORMS).nullable(),
  learnt: z.string().nullable(),
  problems: z.array(z.string()),
  meal: z.enum(MEAL_KINDS).nullable(),
  gifts: z.boolean().nullable(),
  giftDetail: z.string().nullable(),
});
type VisitState = z.infer<typeof stateSchema>;

type Option<T> = ChoiceOption & { value: T };

const label = (lang: Lang, text: { zh: string; en: string }) => (lang === 'en' ? text.en : text.zh);
const rows = <T>(lang: Lang, options: Option<T>[]) => options.map((o) => [{ action: o.action, label: label(lang, o.labels) }]);
const next = (step: string, state: VisitState, reply: Reply): StepResult<VisitState> => ({ kind: 'next', step, state, replies: [reply] });

const FORMS: Option<VisitState['form']>[] = VISIT_FORMS.map((form) => ({ action: `lv:form:${form}`, labels: both(`liaison.form.${form}`), value: form }));
const MEALS: Option<VisitState['meal']>[] = MEAL_KINDS.map((meal) => ({ action: `lv:meal:${meal}`, labels: both(`liaison.meal.${meal}`), value: meal, aliases: meal === 'canteen-paid' ? ['食堂', 'canteen'] : [] }));
const GIFTS: Option<boolean>[] = [
  { action: 'lv:gifts:no', labels: both('liaison.button.no-gifts'), value: false },
  { action: 'lv:gifts:yes', labels: both('liaison.button.gifts'), value: true },
];
const FINISH_WORDS = new Set(['完成', '好了', '没有了', '就这些', '无', '没有', 'done', 'finish', 'none', 'no']);

function enterpriseOptions(links: VisitableEnterprise[]): Option<VisitableEnterprise>[] {
  return links.slice(0, MAX_CHOICES).map((e) => ({ action: `lv:ent:${e.creditCode}`, labels: { zh: e.name, en: e.name }, aliases: [e.creditCode], value: e }));
}

async function askEnterprise(deps: FlowDeps, state: Pick<VisitState, 'leadership'>, links?: VisitableEnterprise[]): Promise<Reply> {
  const options = enterpriseOptions(links ?? (await linkedEnterprises(deps.app, officialOf(deps)?.code ?? '')));
  const text = t(deps.lang, 'liaison.visit.ask-enterprise') + (state.leadership ? t(deps.lang, 'liaison.visit.ask-enterprise-any') : '');
  return { text, buttons: rows(deps.lang, options) };
}

function ask(deps: FlowDeps, key: MessageKey, buttons?: Reply['buttons']): Reply {
  const text = t(deps.lang, key, { max: MAX_LEARNT });
  return buttons ? { text, buttons } : { text };
}

const askDate = (deps: FlowDeps) =>
  ask(deps, 'liaison.visit.ask-date', [[{ action: 'lv:today', label: t(deps.lang, 'liaison.button.today') }, { action: 'lv:yesterday', label: t(deps.lang, 'liaison.button.yesterday') }]]);
const askProblems = (deps: FlowDeps, key: MessageKey = 'liaison.visit.ask-problems', count = 0): Reply => ({
  text: t(deps.lang, key, { count }),
  buttons: [[{ action: count > 0 ? 'lv:done' : 'lv:none', label: t(deps.lang, count > 0 ? 'liaison.button.done' : 'liaison.button.none') }]],
});
const askGifts = (deps: FlowDeps) => ask(deps, 'liaison.visit.ask-gifts', [GIFTS.map((o) => ({ action: o.action, label: label(deps.lang, o.labels) }))]);

function summary(deps: FlowDeps, state: VisitState): Reply {
  const { lang } = deps;
  const problems = state.problems.length === 0 ? t(lang, 'liaison.none') : state.problems.map((p, i) => `${i + 1}. ${excerpt(p, 100)}`).join(lang === 'en' ? '; ' : '；');
  const gifts = state.gifts ? t(lang, 'liaison.visit.gifts-declared', { detail: state.giftDetail ?? '' }) : t(lang, 'liaison.visit.gifts-none');
  const text = t(lang, 'liaison.visit.confirm', {
    enterprise: state.enterpriseName ?? '',
    date: state.date ?? '',
    form: state.form ? t(lang, `liaison.form.${state.form}`) : '',
    learnt: excerpt(state.learnt ?? '', 300),
    problems,
    meal: state.meal ? t(lang, `liaison.meal.${state.meal}`) : '',
    gifts,
  });
  return { text, buttons: confirmButtons(lang) };
}

/** "今天", "昨天", "2026-03-02", "2026/3/2", "2026年3月2日" (full-width digits too) → a date; else undefined. */
export function parseVisitDate(text: string, today: LocalDate): LocalDate | undefined {
  const word = normalizeText(text).toLowerCase().replace(/[。.!！]+$/u, '');
  if (word === '今天' || word === 'today') return today;
  if (word === '昨天' || word === 'yesterday') return addLocalDays(today, -1);
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/u.exec(word);
  if (!match) return undefined;
  const date = `${match[1]}-${(match[2] ?? '').padStart(2, '0')}-${(match[3] ?? '').padStart(2, '0')}`;
  try {
    parseLocalDate(date);
    return date;
  } catch {
    return undefined;
  }
}

const fresh = (draft: Pick<VisitState, 'draftId' | 'leadership'>): VisitState => ({
  ...draft,
  enterprise: null,
  enterpriseName: null,
  date: null,
  form: null,
  learnt: null,
  problems: [],
  meal: null,
  gifts: null,
  giftDetail: null,
});

async function carryOut(state: VisitState, deps: FlowDeps): Promise<StepResult<VisitState>> {
  const actor = officialOf(deps);
  if (!actor) return onlyOfficials(deps.lang);
  const done = await attempt(() =>
    logVisit(deps.app, actor, {
      id: state.draftId,
      enterprise: state.enterprise ?? '',
      date: state.date ?? undefined,
      form: state.form ?? 'on-site',
      learnt: state.learnt ?? '',
      problems: state.problems,
      meal: state.meal ?? 'none',
      giftsAccepted: state.gifts === true,
      giftDetail: state.giftDetail ?? undefined,
    }),
  );
  if (!done.ok) {
    const reason = errorText(deps, done.error);
    const { code } = done.error;
    if (code === 'visit.not-linked' || code === 'visit.unknown-enterprise') return backTo('enterprise', { ...state, enterprise: null }, reason, await askEnterprise(deps, state));
    if (code === 'visit.future-date' || code === 'visit.too-old') return backTo('date', { ...state, date: null }, reason, askDate(deps));
    if (code === 'visit.gift-detail') return backTo('giftDetail', state, reason, ask(deps, 'liaison.visit.ask-gift-detail'));
    return end(reason);
  }
  const { visit, tickets, inspectorsTold } = done.value;
  const lines = [t(deps.lang, 'liaison.visit.done', { enterprise: state.enterpriseName ?? visit.enterprise, date: visit.date })];
  if (tickets.length > 0) lines.push(t(deps.lang, 'liaison.visit.done-tickets', { numbers: tickets.map((ticket) => ticket.number).join(deps.lang === 'en' ? ', ' : '、') }));
  if (visit.giftsAccepted) lines.push(t(deps.lang, 'liaison.visit.done-gift'));
  if (visit.giftsAccepted && inspectorsTold.length === 0) deps.app.logger.error({ visit: visit._id }, 'a declared gift reached no inspector');
  return end(lines.join('\n'));
}

/** What a step asks, without a database read: the hint for a message with nothing usable in it. */
function prompt(step: string, state: VisitState, deps: FlowDeps): Reply {
  switch (step) {
    case 'enterprise':
      return { text: t(deps.lang, 'liaison.visit.ask-enterprise') + (state.leadership ? t(deps.lang, 'liaison.visit.ask-enterprise-any') : '') };
    case 'date':
      return askDate(deps);
    case 'form':
      return ask(deps, 'liaison.visit.ask-form', rows(deps.lang, FORMS));
    case 'learnt':
      return ask(deps, 'liaison.visit.ask-learnt');
    case 'problems':
      return askProblems(deps, state.problems.length > 0 ? 'liaison.visit.problem-added' : 'liaison.visit.ask-problems', state.problems.length);
    case 'meal':
      return ask(deps, 'liaison.visit.ask-meal', rows(deps.lang, MEALS));
    case 'gifts':
      return askGifts(deps);
    case 'giftDetail':
      return ask(deps, 'liaison.visit.ask-gift-detail');
    default:
      return summary(deps, state);
  }
}

function choose<T>(input: FlowInput, options: Option<T>[]): Option<T> | undefined {
  return parseChoice(input, options);
}

/** Started by an official's "走访" / "/visit" (and the reminders tell them to send it). */
export const visitLogFlow: FlowDefinition<VisitState, FlowDeps> = {
  name: 'visit-log',
  version: 1,
  title: both('liaison.title.visit'),
  async start(deps) {
    const actor = officialOf(deps);
    if (!actor) return onlyOfficials(deps.lang);
    const leadership = actor.roles.includes('leadership');
    const links = await linkedEnterprises(deps.app, actor.code);
    if (links.length === 0 && !leadership) return end(t(deps.lang, 'liaison.visit.no-links'));
    const state = fresh({ draftId: randomBytes(12).toString('hex'), leadership });
    return next('enterprise', state, await askEnterprise(deps, state, links));
  },
  steps: {
    async enterprise(state, input, deps) {
      const actor = officialOf(deps);
      if (!actor) return onlyOfficials(deps.lang);
      const links = await linkedEnterprises(deps.app, actor.code);
      let chosen = choose(input, enterpriseOptions(links))?.value;
      const code = input.action ? undefined : normalizeText(input.text).toUpperCase();
      // Beyond the buttons: a linked enterprise typed by its code, or (leadership) any enterprise.
      if (!chosen && code && /^[0-9A-Z]{18}$/.test(code)) chosen = links.find((e) => e.creditCode === code) ?? (state.leadership ? await findEnterprise(deps.app, code) : undefined);
      if (!chosen) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'liaison.visit.bad-enterprise'), await askEnterprise(deps, state, links));
      return next('date', { ...state, enterprise: chosen.creditCode, enterpriseName: chosen.name }, askDate(deps));
    },
    async date(state, input, deps) {
      const today = toShanghaiDate(deps.app.clock.now());
      const date = input.action === 'lv:today' ? today : input.action === 'lv:yesterday' ? addLocalDays(today, -1) : input.action ? undefined : parseVisitDate(input.text, today);
      if (!date) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'liaison.visit.bad-date'), askDate(deps));
      const problem = visitDateProblem(today, date);
      if (problem) return reask(errorText(deps, problem), askDate(deps));
      return next('form', { ...state, date }, prompt('form', state, deps));
    },
    async form(state, input, deps) {
      const form = choose(input, FORMS)?.value;
      if (!form) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'liaison.visit.bad-form'), prompt('form', state, deps));
      return next('learnt', { ...state, form }, prompt('learnt', state, deps));
    },
    async learnt(state, input, deps) {
      const learnt = readText(deps, input, MAX_LEARNT);
      if (!learnt.ok) return reask(learnt.reason, prompt('learnt', state, deps));
      return next('problems', { ...state, learnt: learnt.text }, prompt('problems', state, deps));
    },
    async problems(state, input, deps) {
      const finished = input.action === 'lv:done' || input.action === 'lv:none' || (!input.action && FINISH_WORDS.has(normalizeText(input.text).toLowerCase().replace(/[。.!！]+$/u, '')));
      if (finished) return next('meal', state, prompt('meal', state, deps));
      const problem = readText(deps, input, MAX_TEXT);
      if (!problem.ok) return reask(problem.reason, prompt('problems', state, deps));
      if ([...problem.text].length < MIN_PROBLEM) return reask(t(deps.lang, 'error.text.too-short', { min: MIN_PROBLEM }), prompt('problems', state, deps));
      const problems = [...state.problems, problem.text];
      // The last one the service takes: go on without asking for more.
      if (problems.length >= MAX_PROBLEMS) return next('meal', { ...state, problems }, prompt('meal', state, deps));
      return next('problems', { ...state, problems }, askProblems(deps, 'liaison.visit.problem-added', problems.length));
    },
    async meal(state, input, deps) {
      const meal = choose(input, MEALS)?.value;
      if (!meal) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'liaison.visit.bad-meal'), prompt('meal', state, deps));
      return next('gifts', { ...state, meal }, prompt('gifts', state, deps));
    },
    async gifts(state, input, deps) {
      // "否"/"no" and "是"/"yes" are the natural typed answers to a yes-no question.
      const typed = input.action ? undefined : isNo(input.text) ? false : isYes(input.text) ? true : undefined;
      const gifts = choose(input, GIFTS)?.value ?? typed;
      if (gifts === undefined) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'liaison.visit.bad-gifts'), prompt('gifts', state, deps));
      if (gifts) return next('giftDetail', { ...state, gifts }, prompt('giftDetail', state, deps));
      const done = { ...state, gifts, giftDetail: null };
      return next('confirm', done, summary(deps, done));
    },
    async giftDetail(state, input, deps) {
      const detail = readText(deps, input, MAX_GIFT_DETAIL);
      if (!detail.ok) return reask(detail.reason, prompt('giftDetail', state, deps));
      const done = { ...state, giftDetail: detail.text };
      return next('confirm', done, summary(deps, done));
    },
    async confirm(state, input, deps) {
      const answer = readConfirm(input);
      if (answer === 'yes') return carryOut(state, deps);
      // A new draft id too: tickets an earlier, failed confirmation may have written keep their own.
      if (answer === 'edit') return next('enterprise', fresh({ draftId: randomBytes(12).toString('hex'), leadership: state.leadership }), await askEnterprise(deps, state));
      return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'officer.confirm-hint'), summary(deps, state));
    },
  },
  hint: (step, state, deps) => prompt(step, state, deps),
  parseState: (raw) => stateSchema.parse(raw),
};
