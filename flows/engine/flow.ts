/**
 * The shape of a conversation. A flow is a named, versioned set of steps; each step is a plain async
 * function `(state, input, deps) → result`, so a flow is unit-tested by calling its steps with plain
 * objects. The runner (`runner.ts`) persists the state between messages; a flow never touches the store.
 */
import type { Text } from '../../src/i18n/index.ts';
import type { Attachment, OutboundMessage } from '../../src/platforms/types.ts';

/** What a step receives from one inbound message. */
export interface FlowInput {
  /** The message text as sent (not normalised: free-text answers keep their line breaks). */
  text: string;
  /** A button's action id, or the action of a numbered choice the adapter mapped for button-less platforms. */
  action?: string;
  attachments: Attachment[];
}

/** A message to send back, already in the user's language. */
export type Reply = OutboundMessage;

/**
 * What a step decides.
 * - `next`: move to `step` (or stay: the same step) with the new state; the runner stores it.
 * - `retry`: the input was not usable; `replies` re-ask with the reason. The stored state is untouched.
 * - `done`: the flow ends and its session is deleted.
 */
export type StepResult<S> =
  | { kind: 'next'; step: string; state: S; replies: Reply[] }
  | { kind: 'retry'; replies: Reply[] }
  | { kind: 'done'; replies: Reply[] };

/**
 * One step. Declared through a method signature on purpose: method parameters are checked bivariantly,
 * which lets a `FlowDefinition<MyState, MyDeps>` sit in the runner's list of `AnyFlowDefinition`. The
 * runner only ever hands a flow back the state that flow produced, so nothing unsound reaches a step.
 */
export type FlowStep<S, D> = {
  step(state: S, input: FlowInput, deps: D): Promise<StepResult<S>>;
}['step'];

/**
 * A conversation. `S` is its state (JSON-serialisable: it is stored in Redis between messages), `D` the
 * I/O it needs (services, the user's language, the clock), declared by each flow as an interface.
 */
export interface FlowDefinition<S, D> {
  /** Stable id, stored in the session (`submit`, `register`). */
  name: string;
  /**
   * Bump when the steps or the state's shape change incompatibly: sessions stored by another version end
   * politely instead of feeding an old state to new code.
   */
  version: number;
  /** What a person calls it, for "you left 「…」" and for /status or /help. */
  title: Text;
  /** The first prompt. `next` stores a session; `done` or `retry` start nothing (an active flow stays). */
  start(deps: D, args: Record<string, string>): Promise<StepResult<S>>;
  steps: Record<string, FlowStep<S, D>>;
  /** A short hint of what `step` expects, sent for a message with nothing usable in it (a sticker). */
  hint(step: string, state: S, deps: D): Reply;
  /**
   * Optional check of the stored state before a step sees it (e.g. `(raw) => schema.parse(raw)`): JSON
   * turns a `Date` into a string, and a state that no longer parses ends the flow like an old version.
   */
  parseState?(raw: unknown): S;
}

/** Any flow, as the runner holds them; each flow's own types are checked where it is defined. */
export type AnyFlowDefinition = FlowDefinition<unknown, unknown>;

/** Thrown for a programming error in a flow (unknown step, duplicate name): never for user input. */
export class FlowDefinitionError extends Error {
  override readonly name = 'FlowDefinitionError';
}
