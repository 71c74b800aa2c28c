/**
 * 提交事项: an active enterprise contact submits a request, complaint, question, suggestion or report.
 * The flow fills slots (category → description → attachments → anonymity for reports) and each step
 * goes to the first slot still empty, so "修改" only has to empty a slot to ask for it again.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../src/domain/errors.ts';
import type { Category, CategoryKind } from '../src/domain/profile.ts';
import { both, isMessageKey, t, type Lang, type MessageKey, type Params } from '../src/i18n/index.ts';
import { excerpt, formatShanghai } from '../src/shared/format.ts';
import { checkText } from '../src/services/tickets/create-ticket.ts';
import { MAX_ATTACHMENTS, MAX_TEXT, MIN_TEXT } from '../src/services/tickets/submission.schema.ts';
import { submitOnce } from '../src/services/tickets/ticket-queries.ts';
import type { FlowDeps } from './deps.ts';
import { isEmojiOnly, isYes, normalizeText, parseChoice, staleButton, stripInvisible, type ChoiceOption, type FlowDefinition, type FlowInput, type Reply, type StepResult } from './engine/index.ts';

const attachmentSchema = z.object({ kind: z.string(), fileRef: z.string(), platform: z.string(), fileName: z.string().optional() });

const stateSchema = z.object({
  /** One per session: the key of the double-confirm guard. */
  draftId: z.uuid(),
  /** ISO time the flow began; a ticket of this draft cannot be older. */
  startedAt: z.iso.datetime(),
  /** The group whose categories are being shown. */
  group: z.enum(['consultation', 'request', 'complaint', 'suggestion', 'misconduct']).optional(),
  category: z.string().optional(),
  text: z.string().optional(),
  attachments: z.array(attachmentSchema),
  attachmentsDone: z.boolean(),
  anonymous: z.boolean().optional(),
});
type SubmitState = z.infer<typeof stateSchema>;
type Attachments = SubmitState['attachments'];

/** The common matters first, then reports: the order of the first question. */
const GROUPS: readonly CategoryKind[] = ['request', 'complaint', 'consultation', 'suggestion', 'misconduct'];
const GROUP_WORDS: Record<CategoryKind, string[]> = {
  request: ['诉求', '办事', '申请', 'request'],
  complaint: ['投诉', 'complaint', 'complain'],
  consultation: ['咨询', '政策', 'question'],
  suggestion: ['建议', '意见', 'suggestion'],
  misconduct: ['举报', 'report', 'misconduct'],
};
const DONE_WORDS = new Set(['完成', '跳过', '好了', '没有', '无', '不用', '发完了', 'done', 'skip', 'finish', 'none', 'no']);

const text = (deps: FlowDeps, key: MessageKey, params?: Params): Reply => ({ text: t(deps.lang, key, params) });
const label = (lang: Lang, value: { zh: string; en: string }): string => (lang === 'en' ? value.en : value.zh);
const next = (step: string, state: SubmitState, replies: Reply[]): StepResult<SubmitState> => ({ kind: 'next', step, state, replies });
const retry = (...replies: Reply[]): StepResult<SubmitState> => ({ kind: 'retry', replies });

/** Buttons one per row: WeChat shows them as a numbered list, which reads best one to a line. */
function asButtons(options: readonly ChoiceOption[], lang: Lang): Reply['buttons'] {
  return options.map((o) => [{ action: o.action, label: label(lang, o.labels) }]);
}

function categoryOf(deps: FlowDeps, code: string | undefined): Category | undefined {
  return deps.app.profile.categories.find((c) => c.code === code);
}

function unitLabel(deps: FlowDeps, code: string): string {
  const unit = deps.app.profile.units.find((u) => u.code === code);
  return unit ? label(deps.lang, unit.name) : code;
}

function groupOptions(deps: FlowDeps): (ChoiceOption & { kind: CategoryKind })[] {
  const present = GROUPS.filter((kind) => deps.app.profile.categories.some((c) => c.kind === kind));
  return present.map((kind) => ({ action: `submit:group:${kind}`, labels: both(`submit.group.${kind}`), aliases: GROUP_WORDS[kind], kind }));
}

function categoryOptions(deps: FlowDeps, group: CategoryKind | undefined): (ChoiceOption & { code?: string })[] {
  const categories = deps.app.profile.categories.filter((c) => c.kind === group);
  return [...categories.map((c) => ({ action: `submit:cat:${c.code}`, labels: c.name, code: c.code })), { action: 'submit:back', labels: both('submit.back'), aliases: ['返回', 'back'] }];
}

const CONFIRM: readonly ChoiceOption[] = [
  { action: 'submit:confirm', labels: both('submit.button.confirm'), aliases: ['确认', '提交', 'confirm'] },
  { action: 'submit:edit', labels: both('submit.button.edit'), aliases: ['修改', 'edit'] },
  { action: 'submit:cancel', labels: both('submit.button.cancel'), aliases: ['cancel'] },
];
const ANONYMITY: readonly (ChoiceOption & { anonymous: boolean })[] = [
  { action: 'submit:named', labels: both('submit.named'), aliases: ['实名', 'named'], anonymous: false },
  { action: 'submit:anonymous', labels: both('submit.anonymous'), aliases: ['匿名', 'anonymous'], anonymous: true },
];
const EDITS = ['category', 'text', 'attachments', 'anonymity'] as const;

function editOptions(deps: FlowDeps, state: SubmitState): (ChoiceOption & { slot: (typeof EDITS)[number] })[] {
  const misconduct = categoryOf(deps, state.category)?.kind === 'misconduct';
  return EDITS.filter((slot) => slot !== 'anonymity' || misconduct).map((slot) => ({ action: `submit:edit:${slot}`, labels: both(`submit.edit.${slot}`), slot }));
}

function summary(deps: FlowDeps, state: SubmitState): Reply {
  const category = categoryOf(deps, state.category);
  const unit = category ? unitLabel(deps, category.lead) : '';
  const lines = [t(deps.lang, 'submit.summary', { category: category ? label(deps.lang, category.name) : '', unit, text: excerpt(state.text ?? '', 300), attachments: state.attachments.length })];
  if (category?.kind === 'misconduct') lines.push(t(deps.lang, state.anonymous ? 'submit.summary-anonymous' : 'submit.summary-named', { unit }));
  lines.push(t(deps.lang, 'submit.confirm-question'));
  return { text: lines.join('\n'), buttons: [CONFIRM.map((o) => ({ action: o.action, label: label(deps.lang, o.labels) }))] };
}

/** What a step asks; also its hint for a message with nothing usable in it. */
function prompt(step: string, state: SubmitState, deps: FlowDeps): Reply {
  const { lang } = deps;
  switch (step) {
    case 'group':
      return { ...text(deps, 'submit.choose-group'), buttons: asButtons(groupOptions(deps), lang) };
    case 'category':
      return { ...text(deps, state.group === 'misconduct' ? 'submit.choose-misconduct' : 'submit.choose-category'), buttons: asButtons(categoryOptions(deps, state.group), lang) };
    case 'describe':
      return text(deps, 'submit.describe', { min: MIN_TEXT, max: MAX_TEXT });
    case 'attachments':
      return {
        ...text(deps, 'submit.ask-attachments', { max: MAX_ATTACHMENTS }),
        buttons: [[{ action: 'submit:files-done', label: t(lang, 'submit.button.done') }, { action: 'submit:files-skip', label: t(lang, 'submit.button.skip') }]],
      };
    case 'anonymity': {
      const lead = categoryOf(deps, state.category)?.lead ?? '';
      return { ...text(deps, 'submit.ask-anonymity', { unit: unitLabel(deps, lead) }), buttons: [ANONYMITY.map((o) => ({ action: o.action, label: label(lang, o.labels) }))] };
    }
    case 'edit':
      return { ...text(deps, 'submit.edit-what'), buttons: asButtons(editOptions(deps, state), lang) };
    default:
      return summary(deps, state);
  }
}

/** Goes to the first empty slot, asking for it after any `before` replies. */
function advance(state: SubmitState, deps: FlowDeps, before: Reply[] = []): StepResult<SubmitState> {
  const category = categoryOf(deps, state.category);
  const step = !category
    ? state.group
      ? 'category'
      : 'group'
    : state.text === undefined
      ? 'describe'
      : !state.attachmentsDone
        ? 'attachments'
        : category.kind === 'misconduct' && state.anonymous === undefined
          ? 'anonymity'
          : 'confirm';
  return next(step, state, [...before, prompt(step, state, deps)]);
}

/** The platform files of a message; stickers are reactions, not evidence. */
/** Bounds of a stored attachment (the submission schema's): no platform's file id is longer. */
const MAX_FILE_REF = 512;
const MAX_FILE_NAME = 255;

function filesOf(input: FlowInput, deps: FlowDeps): Attachments {
  return input.attachments
    .filter((a) => a.kind !== 'sticker' && a.fileRef.length > 0 && a.fileRef.length <= MAX_FILE_REF)
    .map((a) => ({ kind: a.kind, fileRef: a.fileRef, platform: deps.sender.platform, ...(a.fileName ? { fileName: [...a.fileName].slice(0, MAX_FILE_NAME).join('').slice(0, MAX_FILE_NAME) } : {}) }));
}

/** Why a description cannot be used, or undefined when it can. Same bounds as `createTicket`, which re-checks. */
function descriptionProblem(description: string, deps: FlowDeps): Reply | undefined {
  if (isEmojiOnly(description)) return text(deps, 'submit.text-emoji', { min: MIN_TEXT });
  try {
    checkText(description, MIN_TEXT, MAX_TEXT);
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'text.too-long') return text(deps, 'submit.text-too-long', { max: MAX_TEXT, length: [...description].length });
    return text(deps, 'submit.text-too-short', { min: MIN_TEXT });
  }
}

/** An active contact may submit; everyone else is told why not. */
function refusal(deps: FlowDeps): Reply | undefined {
  const { identity } = deps;
  if (identity.kind === 'contact') return identity.status === 'active' ? undefined : text(deps, 'submit.pending');
  return text(deps, identity.kind === 'official' ? 'submit.officials' : 'submit.need-registration');
}

function errorReply(deps: FlowDeps, error: DomainError): Reply {
  const key = `error.${error.code}`;
  return { text: isMessageKey(key) ? t(deps.lang, key, error.params) : t(deps.lang, 'error.internal') };
}

async function submit(state: SubmitState, deps: FlowDeps): Promise<StepResult<SubmitState>> {
  const { identity, sender, app } = deps;
  const denied = refusal(deps);
  if (denied || identity.kind !== 'contact') return { kind: 'done', replies: denied ? [denied] : [] };
  const input = {
    enterprise: identity.enterprise.creditCode,
    contact: identity.contactId,
    replyTo: { platform: sender.platform, chatId: sender.chatId },
    category: state.category ?? '',
    text: state.text ?? '',
    attachments: state.attachments,
    anonymous: state.anonymous === true,
  };
  try {
    const outcome = await submitOnce(app, { key: state.draftId, startedAt: new Date(state.startedAt) }, input);
    const { ticket } = outcome;
    const replies = [text(deps, 'submit.accepted', { number: ticket.number, unit: unitLabel(deps, ticket.unit), resolveBy: formatShanghai(ticket.deadlines.resolveBy) })];
    if (ticket.anonymous) replies.push(text(deps, 'submit.accepted-anonymous'));
    return { kind: 'done', replies };
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'done', replies: [errorReply(deps, error)] };
    throw error;
  }
}

/** Steps that want words: a button of some older message is stale here. */
function staleIn(step: string, state: SubmitState, input: FlowInput, deps: FlowDeps): StepResult<SubmitState> | undefined {
  return input.action ? retry(staleButton(deps.lang), prompt(step, state, deps)) : undefined;
}

export const submitFlow: FlowDefinition<SubmitState, FlowDeps> = {
  name: 'submit',
  version: 1,
  title: both('submit.title'),
  parseState: (raw) => stateSchema.parse(raw),

  async start(deps, args) {
    const denied = refusal(deps);
    if (denied) return { kind: 'done', replies: [denied] };
    const state: SubmitState = { draftId: randomUUID(), startedAt: deps.app.clock.now().toISOString(), attachments: [], attachmentsDone: false };
    // Free text that started the flow is the description when it would pass as one. A greeting is just
    // dropped; a text too long to keep is explained now, so the person knows to shorten it.
    const prefill = stripInvisible(args.text ?? '');
    const problem = prefill === '' ? undefined : descriptionProblem(prefill, deps);
    if (prefill !== '' && !problem) return advance({ ...state, text: prefill }, deps, [text(deps, 'submit.prefilled')]);
    return advance(state, deps, problem && [...prefill].length > MAX_TEXT ? [problem] : []);
  },

  steps: {
    async group(state, input, deps) {
      const group = parseChoice(input, groupOptions(deps));
      if (group) {
        const only = deps.app.profile.categories.filter((c) => c.kind === group.kind);
        const picked = only.length === 1 ? { category: only[0]?.code, anonymous: undefined } : { group: group.kind };
        return advance({ ...state, ...picked }, deps);
      }
      // A category named outright ("投诉", "联合验收") skips the group question.
      const typed = normalizeText(input.text).toLowerCase();
      const named = input.action ? undefined : deps.app.profile.categories.find((c) => [c.name.zh, c.name.en].some((n) => normalizeText(n).toLowerCase() === typed));
      if (named) return advance({ ...state, category: named.code, anonymous: undefined }, deps);
      return retry(text(deps, 'submit.not-understood'), prompt('group', state, deps));
    },

    async category(state, input, deps) {
      const choice = parseChoice(input, categoryOptions(deps, state.group));
      if (!choice) return retry(text(deps, 'submit.not-understood'), prompt('category', state, deps));
      const { group: _shown, ...rest } = state;
      if (choice.code === undefined) return advance(rest, deps);
      return advance({ ...rest, category: choice.code, anonymous: undefined }, deps);
    },

    async describe(state, input, deps) {
      const stale = staleIn('describe', state, input, deps);
      if (stale) return stale;
      const files = filesOf(input, deps);
      if (state.attachments.length + files.length > MAX_ATTACHMENTS) {
        return retry(text(deps, 'submit.too-many-attachments', { max: MAX_ATTACHMENTS, count: state.attachments.length }), prompt('describe', state, deps));
      }
      const withFiles = { ...state, attachments: [...state.attachments, ...files] };
      const description = stripInvisible(input.text);
      if (description === '') return next('describe', withFiles, [text(deps, 'submit.photo-then-text', { count: withFiles.attachments.length, min: MIN_TEXT })]);
      const problem = descriptionProblem(description, deps);
      // A photo sent with an unusable caption is still kept: only the text is asked again.
      if (problem) return files.length > 0 ? next('describe', withFiles, [problem]) : retry(problem);
      return advance({ ...withFiles, text: description }, deps);
    },

    async attachments(state, input, deps) {
      const files = filesOf(input, deps);
      if (files.length > 0) {
        const count = state.attachments.length + files.length;
        if (count > MAX_ATTACHMENTS) return retry(text(deps, 'submit.too-many-attachments', { max: MAX_ATTACHMENTS, count: state.attachments.length }));
        return next('attachments', { ...state, attachments: [...state.attachments, ...files] }, [text(deps, 'submit.attachment-added', { count })]);
      }
      const word = normalizeText(input.text).toLowerCase().replace(/[。.!！]+$/u, '');
      const finished = input.action === 'submit:files-done' || input.action === 'submit:files-skip' || (!input.action && DONE_WORDS.has(word));
      if (finished) return advance({ ...state, attachmentsDone: true }, deps);
      return retry(input.action ? staleButton(deps.lang) : prompt('attachments', state, deps));
    },

    async anonymity(state, input, deps) {
      const choice = parseChoice(input, ANONYMITY);
      if (!choice) return retry(text(deps, 'submit.not-understood'), prompt('anonymity', state, deps));
      return advance({ ...state, anonymous: choice.anonymous }, deps);
    },

    async confirm(state, input, deps) {
      const choice = parseChoice(input, CONFIRM) ?? (!input.action && isYes(input.text) ? CONFIRM[0] : undefined);
      if (choice?.action === 'submit:confirm') return submit(state, deps);
      if (choice?.action === 'submit:edit') return next('edit', state, [prompt('edit', state, deps)]);
      if (choice?.action === 'submit:cancel') return { kind: 'done', replies: [text(deps, 'flow.cancelled')] };
      return retry(text(deps, 'submit.confirm-hint'), summary(deps, state));
    },

    async edit(state, input, deps) {
      const choice = parseChoice(input, editOptions(deps, state));
      if (!choice) return retry(text(deps, 'submit.not-understood'), prompt('edit', state, deps));
      const emptied: Record<(typeof EDITS)[number], Partial<SubmitState>> = {
        category: { category: undefined, group: undefined, anonymous: undefined },
        text: { text: undefined },
        attachments: { attachments: [], attachmentsDone: false },
        anonymity: { anonymous: undefined },
      };
      return advance({ ...state, ...emptied[choice.slot] }, deps);
    },
  },

  hint: (step, state, deps) => prompt(step, state, deps),
};
