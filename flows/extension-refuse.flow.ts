/** 不批准延期: the supervisor refuses an extension request and says why; the requester is told. */
import { z } from 'zod';
import { both, t } from '../src/i18n/index.ts';
import { decideExtension } from '../src/services/tickets/officer-actions.ts';
import type { FlowDeps } from './deps.ts';
import type { FlowDefinition, Reply } from './engine/index.ts';
import { attempt, end, errorText, isFinal, officialOf, onlyOfficials, openFor, readText, reask, refusalText } from './officer-shared.ts';

const MAX_REASON = 500;

const stateSchema = z.object({ number: z.string(), days: z.number().int(), request: z.string() });
type RefuseState = z.infer<typeof stateSchema>;

function ask(deps: FlowDeps, state: RefuseState): Reply {
  return { text: t(deps.lang, 'officer.refuse.ask-reason', { number: state.number, days: state.days, reason: state.request }) };
}

/** Started with `{ number }` by the supervisor's `t:ext-no:<number>` button or a typed "不批准 <number>". */
export const extensionRefuseFlow: FlowDefinition<RefuseState, FlowDeps> = {
  name: 'extension-refuse',
  version: 1,
  title: both('officer.title.refuse'),
  async start(deps, args) {
    const opened = await openFor(deps, args, 'decide-extension');
    if (!opened.ok) return opened.result;
    const { ticket } = opened;
    const state = { number: ticket.number, days: ticket.extension?.days ?? 0, request: ticket.extension?.reason ?? '' };
    return { kind: 'next', step: 'reason', state, replies: [ask(deps, state)] };
  },
  steps: {
    async reason(state, input, deps) {
      const actor = officialOf(deps);
      if (!actor) return onlyOfficials(deps.lang);
      const reason = readText(deps, input, MAX_REASON);
      if (!reason.ok) return reask(reason.reason, ask(deps, state));
      const done = await attempt(() => decideExtension(deps.app, state.number, actor, false, reason.text));
      if (done.ok) return end(t(deps.lang, 'officer.refuse.done'));
      if (isFinal(done.error)) return end(refusalText(deps, state.number, done.error));
      return reask(errorText(deps, done.error), ask(deps, state));
    },
  },
  hint: (_step, state, deps) => ask(deps, state),
  parseState: (raw) => stateSchema.parse(raw),
};
