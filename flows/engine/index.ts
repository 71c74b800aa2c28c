/** The flow engine's public surface. */
export type { FlowInput, Reply, StepResult, FlowStep, FlowDefinition, AnyFlowDefinition } from './flow.ts';
export { FlowDefinitionError } from './flow.ts';
export { createFlowRunner, staleButton, type FlowRunner, type TurnContext, type HandleResult, type HandleOutcome, type ActiveFlow } from './runner.ts';
export { RedisSessionStore, MemorySessionStore, SessionConflictError, type SessionStore, type SessionKey, type Session } from './session-store.ts';
export * from './inputs.ts';
