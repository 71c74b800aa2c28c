/** Deadline jobs: remind at 75 %, escalate when a deadline passes, close an unanswered rating. */
import { deadlineUnmet, type DeadlineKind } from '../domain/sla-plan.ts';
import type { DeadlineJob } from '../queue/queues.ts';
import { formatShanghai } from '../shared/format.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { expireRating } from '../services/tickets/rating-actions.ts';
import { notice, officialRecipient } from '../services/tickets/ticket-notices.ts';
import { findOfficial, inspectors, leadership, supervisorsOf, unitName } from '../services/tickets/ticket-directory.ts';
import { commitTicket, loadTicket, type TicketRecord } from '../services/tickets/ticket-store.ts';
import type { OfficialDoc } from '../db/models/index.ts';
import type { MessageKey } from '../i18n/index.ts';

const DUE_FIELD = { respond: 'respondBy', resolve: 'resolveBy', rectify: 'rectifyBy', rating: 'rateBy' } as const;
const DEADLINE_LABEL: Record<DeadlineKind, MessageKey> = {
  respond: 'deadline.respond',
  resolve: 'deadline.resolve',
  rectify: 'deadline.rectify',
  rating: 'deadline.rating',
};

export type DeadlineOutcome = 'reminded' | 'escalated' | 'expired' | 'stale' | 'met' | 'done-before' | 'early';

/** Who hears of an escalation: the unit's supervisors, then the leadership; negative-list cases also discipline. */
async function escalationAudience(ctx: TicketServiceContext, ticket: TicketRecord, level: number): Promise<OfficialDoc[]> {
  const clause = ctx.profile.categories.find((c) => c.code === ticket.category)?.clause ?? '';
  // A misconduct report stays inside discipline inspection: its own supervisors, never the wider leadership.
  if (ticket.discipline) return level >= 2 ? [...(await supervisorsOf(ctx, ticket.unit)), ...(await inspectors(ctx))] : supervisorsOf(ctx, ticket.unit);
  const audience = level >= 2 ? await leadership(ctx) : await supervisorsOf(ctx, ticket.unit);
  if (clause.startsWith('P-')) audience.push(...(await inspectors(ctx)));
  const seen = new Set<string>();
  return audience.filter((o) => o.code !== ticket.assignee && !seen.has(o.code) && seen.add(o.code));
}

/**
 * Re-reads the ticket before acting. A job made for a deadline since moved (an extension) is stale; a
 * deadline already met does nothing; a job carried out before (a retry) is not carried out again.
 */
export async function processDeadline(ctx: TicketServiceContext, job: DeadlineJob, jobId: string): Promise<DeadlineOutcome> {
  if (ctx.clock.now().getTime() < Date.parse(job.at)) return 'early';
  const ticket = await loadTicket(ctx, job.ticketId);
  if (!ticket) return 'stale';
  const due = ticket.deadlines[DUE_FIELD[job.kind]];
  if (!due || new Date(due).getTime() !== Date.parse(job.due)) return 'stale';
  if (!deadlineUnmet(job.kind, ticket)) return 'met';
  if (ticket.slaFired.includes(jobId)) return 'done-before';

  if (job.step === 'expire') {
    await expireRating(ctx, job.ticketId);
    return 'expired';
  }
  const dueText = formatShanghai(new Date(job.due));
  const deadline = DEADLINE_LABEL[job.kind];
  if (job.step === 'remind') {
    await commitTicket(ctx, ticket, {
      set: { slaFired: [...ticket.slaFired, jobId] },
      event: { actor: 'system', role: 'system', action: 'remind', data: { kind: job.kind, due: job.due, to: ticket.assignee ?? null } },
      jobs: ticket.assignee ? notice(ticket, jobId, officialRecipient(ticket.assignee), 'notice.reminder', { number: ticket.number, deadline, due: dueText }) : [],
    });
    return 'reminded';
  }
  const audience = await escalationAudience(ctx, ticket, job.level);
  const officer = ticket.assignee ? ((await findOfficial(ctx, ticket.assignee))?.name ?? ticket.assignee) : '—';
  const unit = await unitName(ctx, ticket.unit);
  await commitTicket(ctx, ticket, {
    set: { slaFired: [...ticket.slaFired, jobId], overdue: true, escalationLevel: Math.max(ticket.escalationLevel, job.level) },
    event: { actor: 'system', role: 'system', action: 'escalate', data: { kind: job.kind, level: job.level, due: job.due, to: audience.map((o) => o.code) } },
    jobs: [
      ...audience.flatMap((o) => notice(ticket, jobId, officialRecipient(o.code), 'notice.escalated', { number: ticket.number, unit, officer, deadline, due: dueText })),
      ...(ticket.assignee ? notice(ticket, jobId, officialRecipient(ticket.assignee), 'notice.overdue-officer', { number: ticket.number, deadline, due: dueText }) : []),
    ],
  });
  return 'escalated';
}
