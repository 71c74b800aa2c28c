/**
 * What the officer flows and commands share: who may use them, reading the ticket number they were
 * started with, checking the action before asking for its inputs, reading free text, and turning a
 * service's DomainError into the text a person reads.
 */
import { DomainError } from '../src/domain/errors.ts';
import { decide, type Actor, type TicketAction } from '../src/domain/ticket-state.ts';
import { isMessageKey, t, type Lang, type Params } from '../src/i18n/index.ts';
import { actorOf } from '../src/services/identity.ts';
import { checkText } from '../src/services/tickets/create-ticket.ts';
import { ticketBrief, type TicketBrief } from '../src/services/tickets/officer-queries.ts';
import type { FlowDeps } from './deps.ts';
import type { Button } from '../src/platforms/types.ts';
import { isNo, isYes, normalizeText, staleButton, stripInvisible, type FlowInput, type Reply, type StepResult } from './engine/index.ts';

/** An official as the state machine sees them. */
export type OfficialActor = Extract<Actor, { kind: 'official' }>;

/** What a step decides when it ends the flow at once (assignable to any flow's result). */
export type Ended = StepResult<never>;

/** Ends with one message. */
export function end(text: string, buttons?: Button[][]): Ended {
  return { kind: 'done', replies: [buttons ? { text, buttons } : { text }] };
}

/** Re-asks: the reason first, then the step's own prompt (with its buttons, if any). */
export function reask(reason: string, prompt: Reply): { kind: 'retry'; replies: Reply[] } {
  return { kind: 'retry', replies: [{ ...prompt, text: `${reason}\n${prompt.text}` }] };
}

/** Goes back to an earlier step, saying why first (the service refused an answer given there). */
export function backTo<S>(step: string, state: S, reason: string, prompt: Reply): StepResult<S> {
  return { kind: 'next', step, state, replies: [{ ...prompt, text: `${reason}\n${prompt.text}` }] };
}

/** The sender as an official, or undefined for anyone else (a contact, an unknown sender). */
export function officialOf(deps: FlowDeps): OfficialActor | undefined {
  const actor = actorOf(deps.identity);
  return actor?.kind === 'official' ? actor : undefined;
}

/** The polite refusal for someone who is not an official. */
export function onlyOfficials(lang: Lang): Ended {
  return end(t(lang, 'officer.only-officials'));
}

/**
 * A ticket number as typed or carried by a button: full-width letters and stray spaces are tolerated,
 * anything else (an internal id, an operator-looking string) is not a number.
 */
export function ticketNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const number = normalizeText(raw).toUpperCase();
  return /^[A-Z]{1,10}-\d{4}-\d{6}$/.test(number) ? number : undefined;
}

/** Codes that mean the action cannot be done on this ticket now: re-asking would not help. */
const FINAL_CODES = new Set([
  'ticket.not-found',
  'ticket.forbidden',
  'ticket.illegal-transition',
  'ticket.transfer-limit',
  'ticket.extension-pending',
  'ticket.no-extension-pending',
  'identity.forbidden',
]);

/** Whether a service's refusal ends the flow (true) or only the last answer was unusable (false). */
export function isFinal(error: DomainError): boolean {
  return FINAL_CODES.has(error.code);
}

/**
 * The `error.<code>` text for a service's refusal, with its parameters made readable: a unit code
 * becomes the unit's name and a status its label. An unknown code reads as the generic failure.
 */
export function errorText(deps: FlowDeps, error: DomainError): string {
  const key = `error.${error.code}`;
  if (!isMessageKey(key)) return t(deps.lang, 'error.internal');
  const params: Params = { ...error.params };
  const unit = deps.app.profile.units.find((u) => u.code === error.params?.unit);
  if (unit) params.unit = unit.name;
  const status = `ticket.status.${String(error.params?.status)}`;
  if (isMessageKey(status)) params.status = t(deps.lang, status);
  return t(deps.lang, key, params);
}

/** Runs `fn`; a DomainError comes back as a value, anything else (an outage) propagates to the error boundary. */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/** Whether the state machine would let `actor` take `action` on the ticket now; the refusal if not. */
export function refusal(ticket: TicketBrief, actor: OfficialActor, action: TicketAction, maxTransfers: number): DomainError | undefined {
  try {
    decide(ticket.facts, action, actor, { maxTransfers });
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

/** The reply for a refused action; "accept it first" reads better than a status name for a fresh ticket. */
export function refusalText(deps: FlowDeps, number: string, error: DomainError): string {
  if (error.code === 'ticket.illegal-transition' && error.params?.status === 'assigned') return t(deps.lang, 'officer.accept-first', { number });
  return errorText(deps, error);
}

export type Opened = { ok: true; actor: OfficialActor; ticket: TicketBrief } | { ok: false; result: Ended };

/**
 * The common start of every officer flow: an official, a well-formed number, a ticket they may see.
 * The actions are checked by the caller, which knows which refusal to explain how.
 */
export async function openTicket(deps: FlowDeps, args: Record<string, string>): Promise<Opened> {
  const actor = officialOf(deps);
  if (!actor) return { ok: false, result: onlyOfficials(deps.lang) };
  const number = ticketNumber(args.number);
  if (!number) return { ok: false, result: end(t(deps.lang, 'officer.bad-number')) };
  const found = await attempt(() => ticketBrief(deps.app, number, actor));
  if (!found.ok) return { ok: false, result: end(errorText(deps, found.error)) };
  return { ok: true, actor, ticket: found.value };
}

/** `openTicket` and one action checked: the shape of most flows' start. */
export async function openFor(deps: FlowDeps, args: Record<string, string>, action: TicketAction): Promise<Opened> {
  const opened = await openTicket(deps, args);
  if (!opened.ok) return opened;
  const refused = refusal(opened.ticket, opened.actor, action, deps.app.profile.rules.maxTransfers);
  return refused ? { ok: false, result: end(refusalText(deps, opened.ticket.number, refused)) } : opened;
}

/**
 * A free-text answer: kept as written (line breaks too) minus invisible characters, with at least one
 * letter or digit (a lone "。" or 👍 is not a note), within the bound the service applies.
 */
export function readText(deps: FlowDeps, input: FlowInput, max: number): { ok: true; text: string } | { ok: false; reason: string } {
  if (input.action) return { ok: false, reason: staleButton(deps.lang).text };
  const text = stripInvisible(input.text);
  if (!/[\p{L}\p{N}]/u.test(text)) return { ok: false, reason: t(deps.lang, 'officer.words') };
  try {
    return { ok: true, text: checkText(text, 1, max) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, reason: errorText(deps, error) };
    throw error;
  }
}

/** Confirm / edit buttons of a confirmation step. */
export function confirmButtons(lang: Lang): Button[][] {
  return [[{ action: 'of:yes', label: t(lang, 'officer.button.confirm') }, { action: 'of:edit', label: t(lang, 'officer.button.edit') }]];
}

/** Reads a confirmation: yes, edit (a no counts as edit), or neither. */
export function readConfirm(input: FlowInput): 'yes' | 'edit' | undefined {
  if (input.action === 'of:yes') return 'yes';
  if (input.action === 'of:edit') return 'edit';
  if (input.action) return undefined;
  const word = normalizeText(input.text).toLowerCase();
  if (word === '修改' || word === 'edit') return 'edit';
  if (isYes(input.text)) return 'yes';
  return isNo(input.text) ? 'edit' : undefined;
}
