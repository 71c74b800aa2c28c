/**
 * The register flow's questions and how each answer is read. Every question is a step named after the field
 * it fills; after any answer the flow moves to the first field still missing, so changing one answer from
 * the summary (修改) asks that question again and comes straight back.
 */
import type { EnterpriseSize, Ownership } from '../src/db/models/index.ts';
import { checkCreditCode, type CreditCodeResult } from '../src/domain/credit-code.ts';
import { both, t, type Lang, type MessageKey } from '../src/i18n/index.ts';
import { lookupEnterprise } from '../src/services/registration.ts';
import { FIELD_LIMITS, parsePhone } from '../src/services/registration.schema.ts';
import type { FlowDeps } from './deps.ts';
import { isEmojiOnly, normalizeText, parseChoice, staleButton, stripInvisible, textLength, type ChoiceOption, type FlowInput, type Reply, type StepResult } from './engine/index.ts';
import type { RegisterState } from './register.flow.ts';

/** The questions, in the order they are asked. */
export const QUESTIONS = ['company-name', 'credit-code', 'ownership', 'size', 'region', 'contact-name', 'phone'] as const;
export type Question = (typeof QUESTIONS)[number];
export type RegisterStep = Question | 'confirm' | 'edit';

const FIELD_OF = {
  'company-name': 'companyName',
  'credit-code': 'creditCode',
  ownership: 'ownership',
  size: 'size',
  region: 'region',
  'contact-name': 'contactName',
  phone: 'phone',
} as const satisfies Record<Question, keyof RegisterState>;

/** A known enterprise is not asked about again ("让数据多跑路"): its name comes from the database. */
const KNOWN_SKIPS: readonly Question[] = ['company-name', 'ownership', 'size', 'region'];

function questionsFor(state: RegisterState): readonly Question[] {
  return state.known ? QUESTIONS.filter((question) => !KNOWN_SKIPS.includes(question)) : QUESTIONS;
}

/** The first unanswered question, or the summary when everything is there. */
export function nextStep(state: RegisterState): RegisterStep {
  return questionsFor(state).find((question) => state[FIELD_OF[question]] === undefined) ?? 'confirm';
}

interface ValueOption<V extends string> extends ChoiceOption {
  value: V;
}

function options<V extends string>(prefix: string, entries: [V, MessageKey, string[]][]): ValueOption<V>[] {
  return entries.map(([value, label, aliases]) => ({ action: `reg:${prefix}:${value}`, value, labels: both(label), aliases }));
}

const OWNERSHIP_OPTIONS = options<Ownership>('own', [
  ['state', 'register.ownership.state', ['国有', '国企', 'state']],
  ['private', 'register.ownership.private', ['民营', '民企', '私营', '私企', 'private']],
  ['foreign', 'register.ownership.foreign', ['外资', '外企', '外商投资企业', 'foreign']],
  ['individual', 'register.ownership.individual', ['个体', '个体户', 'individual', 'sole trader']],
]);
const SIZE_OPTIONS = options<EnterpriseSize>('size', [
  ['large', 'register.size.large', ['大', '大型企业', 'large']],
  ['medium', 'register.size.medium', ['中', '中型企业', 'medium']],
  ['small', 'register.size.small', ['小', '小型企业', 'small']],
  ['micro', 'register.size.micro', ['微', '微型企业', 'micro']],
]);
const EDIT_OPTIONS = options<Question>('edit', [
  ['company-name', 'register.field.company-name', []],
  ['credit-code', 'register.field.credit-code', []],
  ['ownership', 'register.field.ownership', []],
  ['size', 'register.field.size', []],
  ['region', 'register.field.region', []],
  ['contact-name', 'register.field.contact-name', []],
  ['phone', 'register.field.phone', []],
]);

const CONFIRM = 'reg:confirm';
const EDIT = 'reg:edit';
const CANCEL = 'reg:cancel';
const EDIT_WORDS = new Set(['修改', '更改', '改', '改一下', 'edit', 'change']);

function label(option: ChoiceOption, lang: Lang): string {
  return lang === 'en' ? option.labels.en : option.labels.zh;
}

/** Buttons, two to a row so labels stay readable on a phone. */
function buttonRows(list: readonly ChoiceOption[], lang: Lang): Reply['buttons'] {
  const rows: NonNullable<Reply['buttons']> = [];
  for (let i = 0; i < list.length; i += 2) rows.push(list.slice(i, i + 2).map((option) => ({ action: option.action, label: label(option, lang) })));
  return rows;
}

function optionLabel<V extends string>(list: readonly ValueOption<V>[], value: V | undefined, lang: Lang): string {
  const option = list.find((candidate) => candidate.value === value);
  return option ? label(option, lang) : '';
}

function summary(state: RegisterState, lang: Lang): Reply {
  const params = {
    companyName: state.companyName ?? '',
    creditCode: state.creditCode ?? '',
    ownership: optionLabel(OWNERSHIP_OPTIONS, state.ownership, lang),
    size: optionLabel(SIZE_OPTIONS, state.size, lang),
    region: state.region ?? '',
    contactName: state.contactName ?? '',
    phone: state.phone ?? '',
  };
  const buttons = [[CONFIRM, 'register.button.confirm'], [EDIT, 'register.button.edit'], [CANCEL, 'register.button.cancel']] as const;
  return {
    text: t(lang, state.known ? 'register.summary.known' : 'register.summary.new', params),
    buttons: [buttons.map(([action, key]) => ({ action, label: t(lang, key) }))],
  };
}

const ASK: Record<Question | 'edit', MessageKey> = {
  'company-name': 'register.ask.company-name',
  'credit-code': 'register.ask.credit-code',
  ownership: 'register.ask.ownership',
  size: 'register.ask.size',
  region: 'register.ask.region',
  'contact-name': 'register.ask.contact-name',
  phone: 'register.ask.phone',
  edit: 'register.ask.edit',
};

/** What a step asks; also its hint for a message with nothing in it (a sticker). */
export function prompt(step: string, state: RegisterState, lang: Lang): Reply {
  if (step === 'confirm') return summary(state, lang);
  if (step === 'ownership') return { text: t(lang, ASK.ownership), buttons: buttonRows(OWNERSHIP_OPTIONS, lang) };
  if (step === 'size') return { text: t(lang, ASK.size), buttons: buttonRows(SIZE_OPTIONS, lang) };
  if (step === 'edit') {
    const editable = EDIT_OPTIONS.filter((option) => questionsFor(state).includes(option.value));
    return { text: t(lang, ASK.edit), buttons: buttonRows(editable, lang) };
  }
  const key = Object.hasOwn(ASK, step) ? ASK[step as Question] : ASK['company-name'];
  return { text: t(lang, key) };
}

/** Moves on to the first unanswered question (or the summary), after `lead` replies. */
export function advance(state: RegisterState, lang: Lang, lead: Reply[] = []): StepResult<RegisterState> {
  const step = nextStep(state);
  return { kind: 'next', step, state, replies: [...lead, prompt(step, state, lang)] };
}

/** Re-asks `step` with the reason first; the stored state stays as it was. */
export function reask(reason: string, step: RegisterStep, state: RegisterState, lang: Lang): StepResult<RegisterState> {
  const ask = prompt(step, state, lang);
  return { kind: 'retry', replies: [{ ...ask, text: `${reason}\n${ask.text}` }] };
}

type Read<V> = { ok: true; value: V } | { ok: false; reason: string };

/** A short free-text answer: stored as typed, without invisible characters or line breaks. */
function readText(input: FlowInput, limits: { min: number; max: number }, lang: Lang): Read<string> {
  if (input.action) return { ok: false, reason: staleButton(lang).text };
  const value = stripInvisible(input.text).replace(/\s+/gu, ' ');
  if (value === '') return { ok: false, reason: t(lang, 'register.reason.no-text') };
  if (isEmojiOnly(value)) return { ok: false, reason: t(lang, 'register.reason.emoji') };
  const length = textLength(value);
  // The too-long reason never quotes the text: a pasted document would come straight back.
  if (length > limits.max) return { ok: false, reason: t(lang, 'register.reason.too-long', { max: limits.max }) };
  if (length < limits.min) return { ok: false, reason: t(lang, 'register.reason.too-short', { min: limits.min }) };
  if (!/\p{L}/u.test(value)) return { ok: false, reason: t(lang, 'register.reason.no-letters') };
  return { ok: true, value };
}

/** Says which part of a credit code is wrong. */
function creditCodeReason(result: Exclude<CreditCodeResult, { ok: true }>, lang: Lang): string {
  switch (result.problem) {
    case 'empty':
      return t(lang, 'register.credit-code.empty');
    case 'length':
      return t(lang, 'register.credit-code.length', { length: result.length });
    case 'character':
      return t(lang, 'register.credit-code.character', { position: result.position, char: result.char });
    case 'division':
      return t(lang, 'register.credit-code.division', { division: result.division });
    case 'check':
      return t(lang, 'register.credit-code.check');
  }
}

function textStep(question: 'company-name' | 'region' | 'contact-name', limits: { min: number; max: number }) {
  return async (state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> => {
    const read = readText(input, limits, deps.lang);
    if (!read.ok) return reask(read.reason, question, state, deps.lang);
    return advance({ ...state, [FIELD_OF[question]]: read.value }, deps.lang);
  };
}

function choiceStep<V extends string>(question: 'ownership' | 'size', list: readonly ValueOption<V>[]) {
  return async (state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> => {
    const picked = parseChoice(input, list);
    if (!picked) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'register.reason.choice'), question, state, deps.lang);
    return advance({ ...state, [FIELD_OF[question]]: picked.value }, deps.lang);
  };
}

async function creditCodeStep(state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  const { lang } = deps;
  if (input.action) return reask(staleButton(lang).text, 'credit-code', state, lang);
  const checked = checkCreditCode(input.text);
  if (!checked.ok) return reask(creditCodeReason(checked, lang), 'credit-code', state, lang);
  const stored = await lookupEnterprise(deps.app, checked.code);
  if (stored) {
    const { ownership: _o, size: _s, region: _r, ...rest } = state;
    const known = { ...rest, known: true, creditCode: stored.creditCode, companyName: stored.name };
    return advance(known, lang, [{ text: t(lang, 'register.known', { name: stored.name }) }]);
  }
  // A name taken from another, known enterprise must not be kept for this new one.
  const companyName = state.known ? undefined : state.companyName;
  return advance({ ...state, known: false, creditCode: checked.code, companyName }, lang);
}

const companyNameText = textStep('company-name', FIELD_LIMITS.companyName);

/** A credit code sent as the name is taken as the code: the enterprise may be known already. */
async function companyNameStep(state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  if (!input.action && state.creditCode === undefined && checkCreditCode(input.text).ok) return creditCodeStep(state, input, deps);
  return companyNameText(state, input, deps);
}

async function phoneStep(state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  const { lang } = deps;
  if (input.action) return reask(staleButton(lang).text, 'phone', state, lang);
  if (isEmojiOnly(input.text)) return reask(t(lang, 'register.reason.emoji'), 'phone', state, lang);
  const parsed = parsePhone(input.text);
  if (!parsed.ok) return reask(t(lang, parsed.problem === 'empty' ? 'register.reason.no-text' : 'register.reason.phone'), 'phone', state, lang);
  return advance({ ...state, phone: parsed.phone }, lang);
}

async function editStep(state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  const editable = EDIT_OPTIONS.filter((option) => questionsFor(state).includes(option.value));
  const picked = parseChoice(input, editable);
  if (!picked) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'register.reason.choice'), 'edit', state, deps.lang);
  // Clearing the answer makes it the first one missing: it is asked, then the summary comes back.
  return advance({ ...state, [FIELD_OF[picked.value]]: undefined }, deps.lang);
}

/** What the summary's answer means: 确认, 修改, the cancel button, or nothing usable. */
export function confirmChoice(input: FlowInput): 'confirm' | 'edit' | 'cancel' | 'stale' | undefined {
  if (input.action === CONFIRM) return 'confirm';
  if (input.action === EDIT) return 'edit';
  if (input.action === CANCEL) return 'cancel';
  if (input.action) return 'stale';
  const answer = normalizeText(input.text).toLowerCase();
  if (EDIT_WORDS.has(answer)) return 'edit';
  return undefined;
}

/** The question steps and the edit menu; the summary's step lives with the flow, which submits. */
export const questionSteps = {
  'company-name': companyNameStep,
  'credit-code': creditCodeStep,
  ownership: choiceStep('ownership', OWNERSHIP_OPTIONS),
  size: choiceStep('size', SIZE_OPTIONS),
  region: textStep('region', FIELD_LIMITS.region),
  'contact-name': textStep('contact-name', FIELD_LIMITS.contactName),
  phone: phoneStep,
  edit: editStep,
};
