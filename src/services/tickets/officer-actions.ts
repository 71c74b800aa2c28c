/** What an official does with a ticket: accept, note progress, transfer, ask for time, resolve. */
import { DomainError } from '../../domain/errors.ts';
import { pickAssignee } from '../../domain/routing.ts';
import type { Actor } from '../../domain/ticket-state.ts';
import { excerpt, formatShanghai } from '../../shared/format.ts';
import { RATING_LABELS, RATING_LEVELS } from '../../domain/rating.ts';
import type { NoticeButton } from '../../queue/notice.ts';
import { act } from './act.ts';
import { checkText, deadlineJobs, type TicketServiceContext } from './create-ticket.ts';
import { button, enterpriseRecipient, notice, officialRecipient, officerButtons } from './ticket-notices.ts';
import { findOfficial, officerLoads, supervisorsOf, unitOfficers } from './ticket-directory.ts';
import { markAssignedAt } from './officer-load.ts';
import type { TicketRecord } from './ticket-store.ts';

const MAX_NOTE = 2000;

async function officerName(ctx: TicketServiceContext, code: string | undefined): Promise<string> {
  return code ? ((await findOfficial(ctx, code))?.name ?? code) : '—';
}

/** 受理: the assignee takes the ticket on; this is the response the respond deadline waits for. */
export async function accept(ctx: TicketServiceContext, ref: string, actor: Actor): Promise<TicketRecord> {
  return act(ctx, ref, actor, 'accept', async (ticket) => {
    const now = ctx.clock.now();
    const officer = await officerName(ctx, ticket.assignee);
    return {
      set: { respondedAt: ticket.respondedAt ?? now },
      event: {},
      jobs: (seq) => notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.accepted', { number: ticket.number, officer }),
    };
  });
}

/** A progress note; the enterprise is told. */
export async function addProgress(ctx: TicketServiceContext, ref: string, actor: Actor, note: string): Promise<TicketRecord> {
  const text = checkText(note, 1, MAX_NOTE);
  return act(ctx, ref, actor, 'progress', (ticket) => ({
    set: {},
    event: { action: 'progress', data: { note: text } },
    jobs: (seq) => notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.progress', { number: ticket.number, note: excerpt(text, 500) }),
  }));
}

/**
 * 转办 to another unit, with a reason. The new unit's least-loaded officer gets it; the transfer that
 * reaches the limit (推诿扯皮: bounced twice) goes to the new unit's supervisor instead, and a further
 * transfer is refused by the state machine.
 */
export async function transfer(ctx: TicketServiceContext, ref: string, actor: Actor, toUnit: string, reason: string): Promise<TicketRecord> {
  const why = checkText(reason, 1, 500);
  const moved = await act(ctx, ref, actor, 'transfer', async (ticket) => {
    const unit = ctx.profile.units.find((u) => u.code === toUnit);
    // A report of misconduct never leaves discipline inspection: elsewhere nobody could act on it, and the
    // reporter's identity would travel with it.
    if (ticket.discipline || !unit || unit.code === ticket.unit || unit.code === ticket.accusedUnit || unit.kind !== 'department') {
      throw new DomainError('transfer.unit', `cannot transfer to "${toUnit}"`, { unit: toUnit });
    }
    const transfers = ticket.transfers + 1;
    const bounced = transfers >= ctx.profile.rules.maxTransfers;
    const supervisor = bounced ? (await supervisorsOf(ctx, unit.code))[0] : undefined;
    const officer = supervisor ? { code: supervisor.code } : pickAssignee(await officerLoads(ctx, await unitOfficers(ctx, unit.code)), undefined, unit.code);
    if (!officer) throw new DomainError('unit.no-officer', `no officer in ${unit.code}`, { unit: unit.code });
    const now = ctx.clock.now();
    return {
      set: { unit: unit.code, assignee: officer.code, transfers, assignedAt: now },
      event: { reason: why, data: { from: { unit: ticket.unit, assignee: ticket.assignee ?? null }, to: { unit: unit.code, assignee: officer.code }, bounced } },
      jobs: (seq) => [
        ...notice(
          ticket,
          seq,
          officialRecipient(officer.code),
          bounced ? 'notice.bounced-to-supervisor' : 'notice.transferred-in',
          { number: ticket.number, reason: why, transfers },
          officerButtons(ticket),
        ),
        ...notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.transferred', { number: ticket.number, unit: unit.name, reason: why }),
      ],
    };
  });
  await markAssigned(ctx, moved);
  return moved;
}

/** Routing's tie-breaker, recorded only once the assignment is committed. */
export async function markAssigned(ctx: TicketServiceContext, ticket: TicketRecord): Promise<void> {
  if (ticket.assignee) await markAssignedAt(ctx, ticket.assignee, ticket.assignedAt ?? ctx.clock.now());
}

/** Asks the unit's supervisor for more working days, with a reason. */
export async function requestExtension(ctx: TicketServiceContext, ref: string, actor: Actor, days: number, reason: string): Promise<TicketRecord> {
  const why = checkText(reason, 1, 500);
  return act(ctx, ref, actor, 'request-extension', async (ticket) => {
    const max = ctx.profile.categories.find((c) => c.code === ticket.category)?.resolveDays ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > max) throw new DomainError('extension.days', `bad extension ${days}`, { max });
    const now = ctx.clock.now();
    const officer = await officerName(ctx, ticket.assignee);
    const supervisors = await supervisorsOf(ctx, ticket.unit);
    const buttons = [[button(`t:ext-yes:${ticket.number}`, 'button.approve'), button(`t:ext-no:${ticket.number}`, 'button.refuse')]];
    return {
      set: { extension: { days, reason: why, requestedBy: actor.kind === 'official' ? actor.code : 'system', requestedAt: now, status: 'pending' } },
      event: { reason: why, data: { days } },
      jobs: (seq) =>
        supervisors.flatMap((s) => notice(ticket, seq, officialRecipient(s.code), 'notice.extension-requested', { number: ticket.number, officer, days, reason: why }, buttons)),
    };
  });
}

/** The supervisor's decision on an extension; an approval moves the resolution deadline and tells the enterprise. */
export async function decideExtension(ctx: TicketServiceContext, ref: string, actor: Actor, approve: boolean, reason = ''): Promise<TicketRecord> {
  return act(ctx, ref, actor, 'decide-extension', (ticket) => {
    const extension = ticket.extension;
    if (!extension) throw new DomainError('ticket.no-extension-pending', 'no extension');
    // Nobody approves their own request: a supervisor holding the ticket asks the leadership instead.
    if (actor.kind === 'official' && actor.code === extension.requestedBy) {
      throw new DomainError('ticket.forbidden', 'an official cannot decide their own extension', { action: 'decide-extension' });
    }
    const requester = officialRecipient(extension.requestedBy);
    if (!approve) {
      const why = checkText(reason, 1, 500);
      return {
        set: { extension: { ...extension, status: 'refused' } },
        event: { action: 'refuse-extension', reason: why },
        jobs: (seq) => notice(ticket, seq, requester, 'notice.extension-refused', { number: ticket.number, reason: why }),
      };
    }
    const now = ctx.clock.now();
    // A reopened ticket is working to its rectification deadline; any other to its resolution deadline.
    const kind = ticket.status === 'reopened' ? 'rectify' : 'resolve';
    const current = (kind === 'rectify' ? ticket.deadlines.rectifyBy : undefined) ?? ticket.deadlines.resolveBy;
    const moved = ctx.calendar.addWorkingDays(current, extension.days);
    const resolveBy = formatShanghai(moved.due);
    const deadlines = { ...ticket.deadlines, [kind === 'rectify' ? 'rectifyBy' : 'resolveBy']: moved.due, provisional: ticket.deadlines.provisional || moved.provisional };
    return {
      set: { extension: { ...extension, status: 'approved' }, deadlines, overdue: false },
      event: { action: 'approve-extension', reason: reason.trim() || extension.reason, data: { days: extension.days, kind, due: moved.due.toISOString() } },
      jobs: (seq) => [
        ...notice(ticket, seq, requester, 'notice.extension-approved', { number: ticket.number, resolveBy }),
        ...notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.extended', { number: ticket.number, resolveBy, reason: extension.reason }),
        ...deadlineJobs(ctx, String(ticket._id), kind, now, moved.due),
      ],
    };
  });
}

/** A supervisor hands the ticket to a named officer (not counted as a transfer). */
export async function reassign(ctx: TicketServiceContext, ref: string, actor: Actor, officerCode: string, reason: string): Promise<TicketRecord> {
  const why = checkText(reason, 1, 500);
  return act(ctx, ref, actor, 'reassign', async (ticket) => {
    const officer = await findOfficial(ctx, officerCode);
    if (!officer || !officer.active || officer.unit !== ticket.unit) throw new DomainError('unit.no-officer', `no officer ${officerCode}`, { unit: ticket.unit });
    return {
      set: { assignee: officer.code, assignedAt: ctx.clock.now() },
      event: { reason: why, data: { from: ticket.assignee ?? null, to: officer.code } },
      jobs: (seq) => notice(ticket, seq, officialRecipient(officer.code), 'notice.transferred-in', { number: ticket.number, reason: why }, officerButtons(ticket)),
    };
  });
}

/**
 * 办结 with the result text (required). The enterprise receives the result and the rating buttons, and has
 * the profile's rating window to answer before the ticket closes unrated.
 */
export async function resolve(ctx: TicketServiceContext, ref: string, actor: Actor, result: string, outcome?: 'substantiated'): Promise<TicketRecord> {
  if (result.trim().length === 0) throw new DomainError('result.required', 'a result is required');
  const text = checkText(result, 1, MAX_NOTE);
  return act(ctx, ref, actor, 'resolve', (ticket) => {
    const now = ctx.clock.now();
    const rateBy = ctx.calendar.addWorkingDays(now, ctx.profile.rules.ratingWindowDays).due;
    return {
      set: {
        result: text,
        resolvedAt: now,
        respondedAt: ticket.respondedAt ?? now,
        outcome: outcome ?? 'resolved',
        deadlines: { ...ticket.deadlines, rateBy },
      },
      event: { data: { result: text, ...(outcome ? { outcome } : {}) } },
      jobs: (seq) => [
        ...notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.resolved', { number: ticket.number, result: excerpt(text, 1000), rateBy: formatShanghai(rateBy) }, ratingButtons(ticket.number)),
        ...deadlineJobs(ctx, String(ticket._id), 'rating', now, rateBy),
      ],
    };
  });
}

/** The five 好差评 levels as buttons, one per row (numbered on WeChat). */
export function ratingButtons(number: string): NoticeButton[][] {
  return RATING_LEVELS.map((level) => [{ action: `r:${level}:${number}`, label: RATING_LABELS[level] }]);
}
