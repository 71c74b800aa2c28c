/** 进展: an official writes a progress note; it goes into the history and to the enterprise. */
import { z } from 'zod';
import { both, t, type Lang } from '../src/i18n/index.ts';
import { addProgress } from '../src/services/tickets/officer-actions.ts';
import type { FlowDeps } from './deps.ts';
import type { FlowDefinition, Reply } from './engine/index.ts';
import { attempt, end, errorText, isFinal, officialOf, onlyOfficials, openFor, readText, reask, refusalText } from './officer-shared.ts';

/** The service's bound for a note. */
const MAX_NOTE = 2000;

const stateSchema = z.object({ number: z.string(), sealed: z.boolean() });
type ProgressState = z.infer<typeof stateSchema>;

function ask(lang: Lang, state: ProgressState): Reply {
  return { text: t(lang, 'officer.progress.ask', { number: state.number }) };
}

/** Started with `{ number }` by the `t:progress:<number>` button or a typed "进展 <number>". */
export const officerProgressFlow: FlowDefinition<ProgressState, FlowDeps> = {
  name: 'officer-progress',
  version: 1,
  title: both('officer.title.progress'),
  async start(deps, args) {
    const opened = await openFor(deps, args, 'progress');
    if (!opened.ok) return opened.result;
    const state = { number: opened.ticket.number, sealed: opened.ticket.sealed };
    return { kind: 'next', step: 'note', state, replies: [ask(deps.lang, state)] };
  },
  steps: {
    async note(state, input, deps) {
      const actor = officialOf(deps);
      if (!actor) return onlyOfficials(deps.lang);
      const note = readText(deps, input, MAX_NOTE);
      if (!note.ok) return reask(note.reason, ask(deps.lang, state));
      const done = await attempt(() => addProgress(deps.app, state.number, actor, note.text));
      if (!done.ok) return isFinal(done.error) ? end(refusalText(deps, state.number, done.error)) : reask(errorText(deps, done.error), ask(deps.lang, state));
      return end(t(deps.lang, state.sealed ? 'officer.progress.done-sealed' : 'officer.progress.done'));
    },
  },
  hint: (_step, state, deps) => ask(deps.lang, state),
  parseState: (raw) => stateSchema.parse(raw),
};
