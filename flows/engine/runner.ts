/**
 * Runs flows: reads the sender's session, lets its current step handle one message, stores what the step
 * decided. The engine's own concerns live here so no flow repeats them: leaving with 取消, sessions from an
 * older flow version, messages with nothing usable in them, and two messages racing for one session.
 */
import { t, type Lang, type Text } from '../../src/i18n/index.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { FlowDefinitionError, type AnyFlowDefinition, type FlowInput, type FlowStep, type Reply } from './flow.ts';
import { isCancel, isEmptyInput } from './inputs.ts';
import { SessionConflictError, type Session, type SessionKey, type SessionStore } from './session-store.ts';

/** What the runner needs for one message besides the message. */
export interface TurnContext {
  /** The sender's language, for what the engine itself says. */
  lang: Lang;
  /** The deps of the named flow, built for this message (they carry the sender's language and identity). */
  depsFor(flowName: string): unknown;
}

/** How a handled message ended; for logs and metrics. */
export type HandleOutcome = 'advanced' | 'retried' | 'done' | 'cancelled' | 'outdated' | 'hint' | 'conflict';

/** `handled: false`: no active flow, the message is the router's to handle. */
export type HandleResult = { handled: false; replies: Reply[] } | { handled: true; outcome: HandleOutcome; replies: Reply[] };

/** The sender's active flow, for /status or /help to mention. */
export interface ActiveFlow {
  flow: string;
  step: string;
  /** Missing when the flow is no longer deployed. */
  title?: Text;
  startedAt: string;
}

export interface FlowRunner {
  /**
   * Starts `flowName` for the sender. If the flow's `start` says `next`, any active flow is replaced and the
   * replies begin with a notice that it was left; otherwise nothing is stored and an active flow stays.
   * Throws `FlowDefinitionError` for an unknown flow.
   */
  begin(key: SessionKey, flowName: string, context: TurnContext, args?: Record<string, string>): Promise<Reply[]>;
  /**
   * Feeds one message to the sender's active flow. A step that throws leaves the session as it was and the
   * error propagates. A write that loses a race is retried once from a fresh read (as if the message had
   * arrived second); losing again answers `flow.conflict`.
   */
  handle(key: SessionKey, input: FlowInput, context: TurnContext): Promise<HandleResult>;
  /** The sender's active flow, if any. */
  active(key: SessionKey): Promise<ActiveFlow | undefined>;
}

export interface FlowRunnerOptions {
  store: SessionStore;
  flows: readonly AnyFlowDefinition[];
  clock?: Clock;
}

/** The reply for a button that belongs to an expired or another flow: steps and handlers send it. */
export function staleButton(lang: Lang): Reply {
  return { text: t(lang, 'flow.stale-button') };
}

/** Creates the runner over a store and the deployed flows (names must be unique). */
export function createFlowRunner(options: FlowRunnerOptions): FlowRunner {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const flows = indexFlows(options.flows);

  async function begin(key: SessionKey, flowName: string, context: TurnContext, args: Record<string, string> = {}): Promise<Reply[]> {
    const flow = flows.get(flowName);
    if (flow === undefined) throw new FlowDefinitionError(`unknown flow "${flowName}"`);
    const previous = await store.read(key);
    const result = await flow.start(context.depsFor(flow.name), args);
    if (result.kind !== 'next') return result.replies;
    checkStep(flow, result.step);
    const now = clock.now().toISOString();
    await store.write(key, { flow: flow.name, flowVersion: flow.version, step: result.step, state: result.state, startedAt: now, updatedAt: now });
    if (previous === undefined) return result.replies;
    const notice = { text: t(context.lang, 'flow.replaced', { flow: titleOf(previous.flow, context.lang) }) };
    return [notice, ...result.replies];
  }

  /** One attempt at a message; throws `SessionConflictError` when another message won the race. */
  async function turn(key: SessionKey, input: FlowInput, context: TurnContext): Promise<HandleResult> {
    const { lang } = context;
    const session = await store.read(key);
    if (session === undefined) return { handled: false, replies: [] };
    // A button press is the step's business even if its label reads 取消: the step knows what it meant.
    if (!input.action && isCancel(input.text)) {
      await store.delete(key);
      return { handled: true, outcome: 'cancelled', replies: [{ text: t(lang, 'flow.cancelled') }] };
    }
    const current = resume(session);
    if (current === undefined) {
      await store.delete(key);
      return { handled: true, outcome: 'outdated', replies: [{ text: t(lang, 'flow.outdated') }] };
    }
    const { flow, step, state } = current;
    const deps = context.depsFor(flow.name);
    if (isEmptyInput(input)) {
      const hint = flow.hint(session.step, state, deps);
      return { handled: true, outcome: 'hint', replies: [{ ...hint, text: `${t(lang, 'flow.hint-prefix')}\n${hint.text}` }] };
    }
    const result = await step(state, input, deps);
    switch (result.kind) {
      case 'retry':
        return { handled: true, outcome: 'retried', replies: result.replies };
      case 'done':
        await store.delete(key, session.revision);
        return { handled: true, outcome: 'done', replies: result.replies };
      case 'next':
        checkStep(flow, result.step);
        await store.write(key, { ...session, step: result.step, state: result.state, updatedAt: clock.now().toISOString() }, session.revision);
        return { handled: true, outcome: 'advanced', replies: result.replies };
    }
  }

  /** The session's flow, step and state, or undefined when this deployment cannot continue it. */
  function resume(session: Session): { flow: AnyFlowDefinition; step: FlowStep<unknown, unknown>; state: unknown } | undefined {
    const flow = flows.get(session.flow);
    if (flow === undefined || flow.version !== session.flowVersion) return undefined;
    const step = Object.hasOwn(flow.steps, session.step) ? flow.steps[session.step] : undefined;
    if (step === undefined) return undefined;
    if (flow.parseState === undefined) return { flow, step, state: session.state };
    try {
      return { flow, step, state: flow.parseState(session.state) };
    } catch {
      // A stored state the flow no longer accepts is an old version in all but number.
      return undefined;
    }
  }

  async function handle(key: SessionKey, input: FlowInput, context: TurnContext): Promise<HandleResult> {
    try {
      return await turn(key, input, context);
    } catch (error) {
      if (!(error instanceof SessionConflictError)) throw error;
    }
    try {
      return await turn(key, input, context);
    } catch (error) {
      if (!(error instanceof SessionConflictError)) throw error;
      return { handled: true, outcome: 'conflict', replies: [{ text: t(context.lang, 'flow.conflict') }] };
    }
  }

  async function active(key: SessionKey): Promise<ActiveFlow | undefined> {
    const session = await store.read(key);
    if (session === undefined) return undefined;
    const title = flows.get(session.flow)?.title;
    return { flow: session.flow, step: session.step, startedAt: session.startedAt, ...(title === undefined ? {} : { title }) };
  }

  function titleOf(flowName: string, lang: Lang): string {
    const title = flows.get(flowName)?.title;
    if (title === undefined) return flowName;
    return lang === 'en' ? title.en : title.zh;
  }

  return { begin, handle, active };
}

function indexFlows(list: readonly AnyFlowDefinition[]): Map<string, AnyFlowDefinition> {
  const flows = new Map<string, AnyFlowDefinition>();
  for (const flow of list) {
    if (flows.has(flow.name)) throw new FlowDefinitionError(`two flows are named "${flow.name}"`);
    if (!Number.isInteger(flow.version) || flow.version < 1) throw new FlowDefinitionError(`flow "${flow.name}" has version ${flow.version}; use 1, 2, …`);
    flows.set(flow.name, flow);
  }
  return flows;
}

/** A step name that does not exist would strand the sender in a session no message can advance. */
function checkStep(flow: AnyFlowDefinition, step: string): void {
  if (!Object.hasOwn(flow.steps, step)) throw new FlowDefinitionError(`flow "${flow.name}" has no step "${step}"`);
}
