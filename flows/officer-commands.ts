/**
 * Officials' one-tap actions and commands: not flows, because each is one message in and its answer out.
 * The router calls them for `t:accept:<number>`, `t:ext-yes:<number>` and `/tasks`, and uses
 * `officerActionOf` to tell which action or flow a button or a typed command stands for.
 */
import type { DeadlineKind } from '../src/domain/sla-plan.ts';
import { t, type Lang, type MessageKey } from '../src/i18n/index.ts';
import type { Button } from '../src/platforms/types.ts';
import { accept, decideExtension } from '../src/services/tickets/officer-actions.ts';
import { officerTasks, officialNames, pendingExtensions, unitOverdue, type TicketBrief } from '../src/services/tickets/officer-queries.ts';
import { formatShanghai } from '../src/shared/format.ts';
import type { FlowDeps } from './deps.ts';
import { normalizeText, type Reply } from './engine/index.ts';
import type { OfficerFlowName } from './officer.flows.ts';
import { attempt, officialOf, refusalText, ticketNumber, type OfficialActor } from './officer-shared.ts';

/** Lines of the task list; the rest is counted, not listed (a chat message is not a spreadsheet). */
const LIST_LINES = 20;
/** Tickets whose buttons follow the list: the nearest deadlines, where a tap matters most. */
const WITH_BUTTONS = 3;
const EXTENSIONS_WITH_BUTTONS = 5;

const DEADLINE_LABEL: Record<DeadlineKind, MessageKey> = {
  respond: 'deadline.respond',
  resolve: 'deadline.resolve',
  rectify: 'deadline.rectify',
  rating: 'deadline.rating',
};

/** What a button or typed command asks for: a one-message action, or a flow to start. */
export type OfficerAction = { kind: 'accept'; number: string } | { kind: 'approve'; number: string } | { kind: 'flow'; flow: OfficerFlowName; number: string };

type Target = 'accept' | 'approve' | OfficerFlowName;

const BY_BUTTON: Record<string, Target> = {
  accept: 'accept',
  'ext-yes': 'approve',
  progress: 'officer-progress',
  transfer: 'officer-transfer',
  extend: 'officer-extend',
  resolve: 'officer-resolve',
  'ext-no': 'extension-refuse',
};
const BY_WORD: Record<string, Target> = {
  受理: 'accept',
  accept: 'accept',
  批准: 'approve',
  approve: 'approve',
  进展: 'officer-progress',
  progress: 'officer-progress',
  转办: 'officer-transfer',
  transfer: 'officer-transfer',
  延期: 'officer-extend',
  extend: 'officer-extend',
  办结: 'officer-resolve',
  resolve: 'officer-resolve',
  不批准: 'extension-refuse',
  refuse: 'extension-refuse',
};

/**
 * Reads a ticket button (`t:progress:RF-2026-000001`) or a typed command ("进展 RF-2026-000001",
 * "办结RF-2026-000001"). Undefined when it is neither, or the number is malformed.
 */
export function officerActionOf(input: { action?: string; text: string }): OfficerAction | undefined {
  const button = input.action ? /^t:([a-z-]+):(.+)$/.exec(input.action) : null;
  const typed = input.action ? null : /^(\S+?)\s*([A-Za-z]{1,10}-\d{4}-\d{6})$/.exec(normalizeText(input.text));
  const [, verb, raw] = button ?? typed ?? [];
  if (verb === undefined) return undefined;
  const table = button ? BY_BUTTON : BY_WORD;
  const target = Object.hasOwn(table, verb.toLowerCase()) ? table[verb.toLowerCase()] : undefined;
  const number = ticketNumber(raw);
  if (!target || !number) return undefined;
  if (target === 'accept') return { kind: 'accept', number };
  if (target === 'approve') return { kind: 'approve', number };
  return { kind: 'flow', flow: target, number };
}

function notOfficial(lang: Lang): Reply[] {
  return [{ text: t(lang, 'officer.only-officials') }];
}

/** The buttons that fit the ticket's state: nothing the state machine would refuse anyway. */
function actionButtons(lang: Lang, ticket: Pick<TicketBrief, 'number' | 'status' | 'discipline'>): Button[][] {
  const n = ticket.number;
  const b = (verb: string, label: MessageKey): Button => ({ action: `t:${verb}:${n}`, label: t(lang, label) });
  const transfer = ticket.discipline ? [] : [b('transfer', 'button.transfer')];
  if (ticket.status === 'assigned') return [[b('accept', 'button.accept'), ...transfer, b('extend', 'button.extend')]];
  if (ticket.status === 'accepted') return [[b('progress', 'button.progress'), ...transfer], [b('extend', 'button.extend'), b('resolve', 'button.resolve')]];
  return [[b('progress', 'button.progress'), b('extend', 'button.extend'), b('resolve', 'button.resolve')]];
}

/** 受理 (the `t:accept:<number>` button): the answer carries the next actions' buttons. */
export async function acceptTicket(deps: FlowDeps, number: string): Promise<Reply[]> {
  const actor = officialOf(deps);
  if (!actor) return notOfficial(deps.lang);
  const ref = ticketNumber(number);
  if (!ref) return [{ text: t(deps.lang, 'officer.bad-number') }];
  const done = await attempt(() => accept(deps.app, ref, actor));
  if (!done.ok) return [{ text: refusalText(deps, ref, done.error) }];
  const ticket = done.value;
  const text = t(deps.lang, 'officer.accept.done', { number: ticket.number, resolveBy: formatShanghai(ticket.deadlines.resolveBy) });
  return [{ text, buttons: actionButtons(deps.lang, ticket) }];
}

/** A supervisor's approval of an extension (the `t:ext-yes:<number>` button). */
export async function approveExtension(deps: FlowDeps, number: string): Promise<Reply[]> {
  const actor = officialOf(deps);
  if (!actor) return notOfficial(deps.lang);
  const ref = ticketNumber(number);
  if (!ref) return [{ text: t(deps.lang, 'officer.bad-number') }];
  const done = await attempt(() => decideExtension(deps.app, ref, actor, true));
  if (!done.ok) return [{ text: refusalText(deps, ref, done.error) }];
  return [{ text: t(deps.lang, 'officer.approve.done', { number: ref, resolveBy: formatShanghai(done.value.deadlines.resolveBy) }) }];
}

function pick(lang: Lang, text: { zh: string; en: string }): string {
  return lang === 'en' ? text.en : text.zh;
}

function taskLine(lang: Lang, ticket: TicketBrief, index: number): string {
  return t(lang, 'officer.tasks.line', {
    index,
    number: ticket.number,
    category: ticket.categoryName,
    enterprise: ticket.sealed ? t(lang, 'officer.tasks.sealed') : (ticket.enterpriseName ?? '—'),
    status: t(lang, `ticket.status.${ticket.status}`),
    deadline: t(lang, DEADLINE_LABEL[ticket.due.kind]),
    due: formatShanghai(ticket.due.at),
    flag: ticket.overdue ? t(lang, 'officer.tasks.overdue') : '',
  });
}

function listed(lang: Lang, title: string, lines: string[]): Reply {
  const shown = lines.slice(0, LIST_LINES);
  const more = lines.length > shown.length ? [t(lang, 'officer.tasks.more', { count: lines.length - shown.length })] : [];
  return { text: [title, ...shown, ...more].join('\n') };
}

async function ownTasks(deps: FlowDeps, actor: OfficialActor): Promise<Reply[]> {
  const { lang } = deps;
  const tasks = await officerTasks(deps.app, actor.code);
  if (tasks.length === 0) return [{ text: t(lang, 'officer.tasks.none') }];
  const list = listed(lang, t(lang, 'officer.tasks.title', { count: tasks.length }), tasks.map((ticket, i) => taskLine(lang, ticket, i + 1)));
  const actions = tasks.slice(0, WITH_BUTTONS).map((ticket) => ({
    text: t(lang, 'officer.tasks.actions', { number: ticket.number, category: pick(lang, ticket.categoryName) }),
    buttons: actionButtons(lang, ticket),
  }));
  return [list, ...actions];
}

/** A supervisor's view of the unit: what is overdue with others, and what waits for their decision. */
async function unitView(deps: FlowDeps, actor: OfficialActor): Promise<Reply[]> {
  const { lang } = deps;
  const [overdue, extensions] = await Promise.all([unitOverdue(deps.app, actor.unit), pendingExtensions(deps.app, actor.unit)]);
  const others = overdue.filter((ticket) => ticket.assignee !== actor.code);
  const names = await officialNames(deps.app, [...others.map((o) => o.assignee ?? '—'), ...extensions.map((e) => e.extension?.requestedBy ?? '—')]);
  const replies: Reply[] = [];
  if (others.length > 0) {
    const lines = others.map((ticket, i) =>
      t(lang, 'officer.tasks.unit-line', {
        index: i + 1,
        number: ticket.number,
        officer: names.get(ticket.assignee ?? '—') ?? '—',
        deadline: t(lang, DEADLINE_LABEL[ticket.due.kind]),
        due: formatShanghai(ticket.due.at),
      }),
    );
    replies.push(listed(lang, t(lang, 'officer.tasks.unit-overdue', { count: others.length }), lines));
  }
  if (extensions.length > 0) {
    replies.push({ text: t(lang, 'officer.tasks.extensions', { count: extensions.length }) });
    for (const ticket of extensions.slice(0, EXTENSIONS_WITH_BUTTONS)) {
      const extension = ticket.extension;
      const officer = names.get(extension?.requestedBy ?? '—') ?? '—';
      replies.push({
        text: t(lang, 'officer.tasks.extension', { number: ticket.number, officer, days: extension?.days ?? 0, reason: extension?.reason ?? '' }),
        buttons: [[{ action: `t:ext-yes:${ticket.number}`, label: t(lang, 'button.approve') }, { action: `t:ext-no:${ticket.number}`, label: t(lang, 'button.refuse') }]],
      });
    }
  }
  return replies;
}

/**
 * `/tasks`: the official's open tickets, nearest deadline first (⚠ when overdue), with the buttons of
 * the first few; a supervisor also sees the unit's overdue tickets and the extension requests to decide.
 */
export async function tasksReplies(deps: FlowDeps): Promise<Reply[]> {
  const actor = officialOf(deps);
  if (!actor) return notOfficial(deps.lang);
  const own = await ownTasks(deps, actor);
  if (!actor.roles.includes('supervisor')) return own;
  return [...own, ...(await unitView(deps, actor))];
}
