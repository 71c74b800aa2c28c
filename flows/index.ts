/** Every conversation qinqing holds, registered once for the runner. */
import type { AnyFlowDefinition } from './engine/index.ts';
import { registerFlow } from './register.flow.ts';
import { submitFlow } from './submit.flow.ts';
import { rateFlow } from './rate.flow.ts';
import { officerFlows } from './officer.flows.ts';
import { visitLogFlow } from './visit-log.flow.ts';

export const allFlows: readonly AnyFlowDefinition[] = [
  registerFlow,
  submitFlow,
  rateFlow,
  ...officerFlows,
  visitLogFlow,
];

export { statusReplies } from './status.ts';
export { acceptTicket, approveExtension, tasksReplies, officerActionOf, type OfficerAction } from './officer-commands.ts';
export type { FlowDeps, Sender } from './deps.ts';
