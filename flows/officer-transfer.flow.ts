/**
 * 转办: an official passes a ticket to another unit, with a reason. P-4 推诿扯皮: the transfer that reaches
 * the profile's limit lands with the receiving unit's supervisor, and a further one is refused; the
 * official is told the rule both before and after, so the limit never comes as a surprise.
 */
import { z } from 'zod';
import type { Unit } from '../src/domain/profile.ts';
import { both, t, type Lang } from '../src/i18n/index.ts';
import { transfer } from '../src/services/tickets/officer-actions.ts';
import { officialNames } from '../src/services/tickets/officer-queries.ts';
import type { FlowDeps } from './deps.ts';
import { parseChoice, staleButton, type ChoiceOption, type FlowDefinition, type Reply, type StepResult } from './engine/index.ts';
import { attempt, backTo, confirmButtons, end, errorText, isFinal, officialOf, onlyOfficials, openTicket, readConfirm, readText, reask, refusal, refusalText, type Ended } from './officer-shared.ts';

const MAX_REASON = 500;

const stateSchema = z.object({
  number: z.string(),
  /** The unit that has the ticket now, and the accused unit of a report: neither may receive it. */
  from: z.string(),
  accused: z.string().nullable(),
  transfers: z.number().int(),
  unit: z.string().nullable(),
  reason: z.string().nullable(),
});
type TransferState = z.infer<typeof stateSchema>;

type UnitOption = ChoiceOption & { code: string };

/** The department units that may receive the ticket, in the profile's order. */
function unitOptions(deps: FlowDeps, state: TransferState): UnitOption[] {
  return deps.app.profile.units
    .filter((u) => u.kind === 'department' && u.code !== state.from && u.code !== state.accused)
    .map((u) => ({ action: `of:unit:${u.code}`, labels: u.name, aliases: [u.code], code: u.code }));
}

function unitOf(deps: FlowDeps, code: string | null): Unit | undefined {
  return deps.app.profile.units.find((u) => u.code === code);
}

function askUnit(deps: FlowDeps, state: TransferState): Reply {
  const label = (o: UnitOption) => (deps.lang === 'en' ? o.labels.en : o.labels.zh);
  return { text: t(deps.lang, 'officer.transfer.ask-unit', { number: state.number }), buttons: unitOptions(deps, state).map((o) => [{ action: o.action, label: label(o) }]) };
}

function askReason(lang: Lang): Reply {
  return { text: t(lang, 'officer.transfer.ask-reason') };
}

function askConfirm(deps: FlowDeps, state: TransferState): Reply {
  const unit = unitOf(deps, state.unit)?.name ?? state.unit ?? '';
  const transfers = state.transfers + 1;
  const lines = [t(deps.lang, 'officer.transfer.confirm', { number: state.number, unit, reason: state.reason ?? '' })];
  if (transfers >= deps.app.profile.rules.maxTransfers) lines.push(t(deps.lang, 'officer.transfer.warn-bounce', { transfers, unit }));
  return { text: lines.join('\n'), buttons: confirmButtons(deps.lang) };
}

function limitReached(deps: FlowDeps, number: string, transfers: number): Ended {
  return end(t(deps.lang, 'officer.transfer.limit', { max: deps.app.profile.rules.maxTransfers, number, transfers }));
}

async function carryOut(state: TransferState, deps: FlowDeps): Promise<StepResult<TransferState>> {
  const actor = officialOf(deps);
  if (!actor) return onlyOfficials(deps.lang);
  const unit = unitOf(deps, state.unit);
  const done = await attempt(() => transfer(deps.app, state.number, actor, state.unit ?? '', state.reason ?? ''));
  if (!done.ok) {
    const { error } = done;
    if (error.code === 'ticket.transfer-limit') return limitReached(deps, state.number, Number(error.params?.transfers ?? state.transfers));
    if (isFinal(error)) return end(refusalText(deps, state.number, error));
    // The unit cannot take it (no officer there): choose another; a bad reason: write it again.
    if (error.code === 'transfer.unit' || error.code === 'unit.no-officer') {
      return backTo('unit', { ...state, unit: null }, errorText(deps, error), askUnit(deps, state));
    }
    if (error.code.startsWith('text.')) return backTo('reason', { ...state, reason: null }, errorText(deps, error), askReason(deps.lang));
    return reask(errorText(deps, error), askConfirm(deps, state));
  }
  const ticket = done.value;
  const officer = (await officialNames(deps.app, [ticket.assignee ?? ''])).get(ticket.assignee ?? '') ?? '';
  const bounced = ticket.transfers >= deps.app.profile.rules.maxTransfers;
  const params = { unit: unit?.name ?? ticket.unit, officer, transfers: ticket.transfers };
  return end(t(deps.lang, bounced ? 'officer.transfer.done-bounced' : 'officer.transfer.done', params));
}

/** Started with `{ number }` by the `t:transfer:<number>` button or a typed "转办 <number>". */
export const officerTransferFlow: FlowDefinition<TransferState, FlowDeps> = {
  name: 'officer-transfer',
  version: 1,
  title: both('officer.title.transfer'),
  async start(deps, args) {
    const opened = await openTicket(deps, args);
    if (!opened.ok) return opened.result;
    const { ticket, actor } = opened;
    // A misconduct report must stay with discipline inspection, whatever the transfer service allows.
    if (ticket.discipline) return end(t(deps.lang, 'officer.transfer.discipline'));
    const refused = refusal(ticket, actor, 'transfer', deps.app.profile.rules.maxTransfers);
    if (refused?.code === 'ticket.transfer-limit') return limitReached(deps, ticket.number, ticket.transfers);
    if (refused) return end(refusalText(deps, ticket.number, refused));
    const state: TransferState = { number: ticket.number, from: ticket.unit, accused: ticket.accusedUnit ?? null, transfers: ticket.transfers, unit: null, reason: null };
    return { kind: 'next', step: 'unit', state, replies: [askUnit(deps, state)] };
  },
  steps: {
    async unit(state, input, deps) {
      const choice = parseChoice(input, unitOptions(deps, state));
      if (!choice) return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'officer.transfer.bad-unit'), askUnit(deps, state));
      return { kind: 'next', step: 'reason', state: { ...state, unit: choice.code }, replies: [askReason(deps.lang)] };
    },
    async reason(state, input, deps) {
      const reason = readText(deps, input, MAX_REASON);
      if (!reason.ok) return reask(reason.reason, askReason(deps.lang));
      const next = { ...state, reason: reason.text };
      return { kind: 'next', step: 'confirm', state: next, replies: [askConfirm(deps, next)] };
    },
    async confirm(state, input, deps) {
      const answer = readConfirm(input);
      if (answer === 'yes') return carryOut(state, deps);
      if (answer === 'edit') return { kind: 'next', step: 'unit', state: { ...state, unit: null, reason: null }, replies: [askUnit(deps, state)] };
      return reask(input.action ? staleButton(deps.lang).text : t(deps.lang, 'officer.confirm-hint'), askConfirm(deps, state));
    },
  },
  hint(step, state, deps) {
    if (step === 'reason') return askReason(deps.lang);
    return step === 'confirm' ? askConfirm(deps, state) : askUnit(deps, state);
  },
  parseState: (raw) => stateSchema.parse(raw),
};
