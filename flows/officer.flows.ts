/**
 * The officials' short flows, each started by the router with `{ number }` from a ticket button or a
 * typed command (see `officerActionOf` in `officer-commands.ts`). Only officials may use them.
 */
import type { AnyFlowDefinition } from './engine/index.ts';
import { extensionRefuseFlow } from './extension-refuse.flow.ts';
import { officerExtendFlow } from './officer-extend.flow.ts';
import { officerProgressFlow } from './officer-progress.flow.ts';
import { officerResolveFlow } from './officer-resolve.flow.ts';
import { officerTransferFlow } from './officer-transfer.flow.ts';

export { extensionRefuseFlow, officerExtendFlow, officerProgressFlow, officerResolveFlow, officerTransferFlow };
export { parseDays } from './officer-extend.flow.ts';

/** The names the router starts them by. */
export type OfficerFlowName = 'officer-progress' | 'officer-transfer' | 'officer-extend' | 'officer-resolve' | 'extension-refuse';

/** Every officer flow, for the runner's list. */
export const officerFlows: readonly AnyFlowDefinition[] = [officerProgressFlow, officerTransferFlow, officerExtendFlow, officerResolveFlow, extensionRefuseFlow];
