/**
 * 办结: the official writes the result, sees it once more, and confirms; the enterprise receives it with
 * the rating buttons. For a misconduct report the inspector first says what the inquiry found: a
 * substantiated report is resolved as such, an unfounded one is closed with the conclusion as the
 * record that clears the official (澄清正名, POLICY §7).
 */
import { z } from 'zod';
import { both, t, type MessageKey } from '../src/i18n/index.ts';
import { closeUnfounded } from '../src/services/tickets/discipline-actions.ts';
import { resolve } from '../src/services/tickets/officer-actions.ts';
import type { FlowDeps } from './deps.ts';
import { parseChoice, staleButton, stripInvisible, type ChoiceOption, type FlowDefinition, type Reply, type StepResult } from './engine/index.ts';
import { attempt, backTo, confirmButtons, end, errorText, isFinal, officialOf, onlyOfficials, openFor, openTicket, readConfirm, readText, reask, refusal, refusalText } from './officer-shared.ts';

const MAX_RESULT = 2000;

const OUTCOMES = ['resolved', 'substantiated', 'unfounded'] as const;
type Outcome = (typeof OUTCOMES)[number];

const stateSchema = z.object({ number: z.string(), discipline: z.boolean(), outcome: z.enum(OUTCOMES), result: z.string().nullable() });
type ResolveState = z.infer<typeof stateSchema>;

const OUTCOME_OPTIONS: (ChoiceOption & { outcome: Outcome })[] = [
  { action: 'of:out:substantiated', labels: both('officer.resolve.substantiated'), aliases: ['属实', '是'], outcome: 'substantiated' },
  { action: 'of:out:unfounded', labels: both('officer.resolve.unfounded'), aliases: ['不属实', '不实', 'unfounded'], outcome: 'unfounded' },
];

const CONFIRM: Record<Outcome, MessageKey> = {
  resolved: 'officer.resolve.confirm',
  substantiated: 'officer.resolve.confirm-substantiated',
  unfounded: 'officer.resolve.confirm-unfounded',
};
const DONE: Record<Outcome, MessageKey> = {
  resolved: 'officer.resolve.done',
  substantiated: 'officer.resolve.done-substantiated',
  unfounded: 'officer.resolve.done-unfounded',
};

function askOutcome(deps: FlowDeps, state: ResolveState): Reply {
  const buttons = OUTCOME_OPTIONS.map((o) => [{ action: o.action, label: deps.lang === 'en' ? o.labels.en : o.labels.zh }]);
  return { text: t(deps.lang, 'officer.resolve.ask-outcome', { number: state.number }), buttons };
}

function askResult(deps: FlowDeps, state: ResolveState): Reply {
  return { text: t(deps.lang, state.discipline ? 'officer.resolve.ask-conclusion' : 'officer.resolve.ask-result', { number: state.number }) };
}

function askConfirm(deps: FlowDeps, state: ResolveState): Reply {
  return { text: t(deps.lang, CONFIRM[state.outcome], { number: state.number, result: state.result ?? '' }), buttons: confirmButtons(deps.lang) };
}

async function carryOut(state: ResolveState, deps: FlowDeps): Promise<StepResult<ResolveState>> {
  const actor = officialOf(deps);
  if (!actor) return onlyOfficials(deps.lang);
  const result = state.result ?? '';
  const done = await attempt(() =>
    state.outcome === 'unfounded'
      ? closeUnfounded(deps.app, state.number, actor, result)
      : resolve(deps.app, state.number, actor, result, state.outcome === 'substantiated' ? 'substantiated' : undefined),
  );
  if (done.ok) return end(t(deps.lang, DONE[state.outcome], { number: state.number }));
  const { error } = done;
  if (isFinal(error)) return end(refusalText(deps, state.number, error));
  if (error.code.startsWith('text.') || error.code === 'result.required') return backTo('result', { ...state, result: null }, errorText(deps, error), askResult(deps, state));
  return reask(errorText(deps, error), askConfirm(deps, state));
}

/** Started with `{ number }` by the `t:resolve:<number>` button or a typed "办结 <number>". */
export const officerResolveFlow: FlowDefinition<ResolveState, FlowDeps> = {
  name: 'officer-resolve',
  version: 1,
  title: both('officer.title.resolve'),
  async start(deps, args) {
    const opened = await openTicket(deps, args);
    if (!opened.ok) return opened.result;
    const { ticket, actor } = opened;
    const { maxTransfers } = deps.app.profile.rules;
    const cannotResolve = refusal(ticket, actor, 'resolve', maxTransfers);
    const state: ResolveState = { number: ticket.number, discipline: ticket.discipline, outcome: 'resolved', result: null };
    // An inspector may close an unfounded report before accepting it; a finding needs it accepted.
    if (ticket.discipline && (!cannotResolve || !refusal(ticket, actor, 'close-unfounded', maxTransfers))) {
      return { kind: 'next', step: 'outcome', state, replies: [askOutcome(deps, state)] };
    }
    if (cannotResolve) return end(refusalText(deps, ticket.number, cannotResolve));
    return { kind: 'next', step: 'result', state, replies: [askResult(deps, state)] };
  },
  steps: {
    async outcome(state, input, deps) {
      const choice = parseChoice(input, OUTCOME_OPTIONS);
      if (!choice) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'officer.resolve.bad-outcome'), askOutcome(deps, state));
      if (choice.outcome === 'substantiated') {
        // A finding resolves the ticket, which must be accepted first: say so before the conclusion is typed.
        const opened = await openFor(deps, { number: state.number }, 'resolve');
        if (!opened.ok) return opened.result;
      }
      const next = { ...state, outcome: choice.outcome };
      return { kind: 'next', step: 'result', state: next, replies: [askResult(deps, next)] };
    },
    async result(state, input, deps) {
      // An empty result is the one mistake worth naming: the enterprise would receive nothing.
      if (!input.action && !/[\p{L}\p{N}]/u.test(stripInvisible(input.text))) return reask(t(deps.lang, 'officer.resolve.empty'), askResult(deps, state));
      const result = readText(deps, input, MAX_RESULT);
      if (!result.ok) return reask(result.reason, askResult(deps, state));
      const next = { ...state, result: result.text };
      return { kind: 'next', step: 'confirm', state: next, replies: [askConfirm(deps, next)] };
    },
    async confirm(state, input, deps) {
      const answer = readConfirm(input);
      if (answer === 'yes') return carryOut(state, deps);
      if (answer === 'edit') return { kind: 'next', step: 'result', state: { ...state, result: null }, replies: [askResult(deps, state)] };
      return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'officer.confirm-hint'), askConfirm(deps, state));
    },
  },
  hint(step, state, deps) {
    if (step === 'outcome') return askOutcome(deps, state);
    return step === 'confirm' ? askConfirm(deps, state) : askResult(deps, state);
  },
  parseState: (raw) => stateSchema.parse(raw),
};
