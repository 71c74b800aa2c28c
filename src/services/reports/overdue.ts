/**
 * 逾期清单 (POLICY §4 "nothing overdue is silent"): open tickets whose current deadline has passed or that
 * an escalation flagged overdue, with their escalation level — for `/overdue` in chat and the API.
 */
import type { TicketDeadlines } from '../../db/models/index.ts';
import type { DeadlineKind } from '../../domain/sla-plan.ts';
import { isOpen, TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-state.ts';
import { currentDeadline } from '../tickets/officer-queries.ts';
import { categoryNameZh, enterpriseNamesByCode, officialNamesByCode, unitNameZh, type ReportContext } from './report-names.ts';

/** Open = someone in the department still has to act (a resolved ticket waits for the enterprise). */
const OPEN_STATUSES: TicketStatus[] = TICKET_STATUSES.filter(isOpen);
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

/** One overdue ticket as a supervisor reads it. */
export interface OverdueItem {
  number: string;
  category: string;
  categoryName: string;
  unit: string;
  unitName: string;
  assignee?: string;
  assigneeName?: string;
  status: TicketStatus;
  /** The deadline the ticket is working towards now. */
  due: { kind: DeadlineKind; at: Date };
  /** Whole working days since `due` passed (0 on the day itself, or when only the flag makes it overdue). */
  workingDaysLate: number;
  /** 0 none, 1 the unit's supervisors, 2 the leadership (or, for misconduct, the inspectors). */
  escalationLevel: number;
  /** Set by an escalation; stays set after a late response, so a ticket once late stays on the list. */
  flagged: boolean;
  /** A misconduct report: no enterprise is shown. */
  sealed: boolean;
  enterpriseName?: string;
  submittedAt: Date;
}

export interface OverdueOptions {
  /** One unit only; without it every unit except discipline inspection. */
  unit?: string;
  /**
   * With no `unit`: include misconduct reports too. They stay inside discipline inspection (POLICY §7),
   * so only a caller acting for it should ask.
   */
  includeDiscipline?: boolean;
  /** At most this many (1–1000, default 200), the worst first. */
  limit?: number;
}

interface OverdueTicket {
  number: string;
  category: string;
  kind: string;
  unit: string;
  assignee?: string;
  enterprise?: string;
  discipline: boolean;
  status: TicketStatus;
  respondedAt?: Date;
  deadlines: TicketDeadlines;
  escalationLevel: number;
  overdue: boolean;
  submittedAt: Date;
}

const FIELDS = {
  _id: 0,
  number: 1,
  category: 1,
  kind: 1,
  unit: 1,
  assignee: 1,
  enterprise: 1,
  discipline: 1,
  status: 1,
  respondedAt: 1,
  deadlines: 1,
  escalationLevel: 1,
  overdue: 1,
  submittedAt: 1,
} as const;

/**
 * Overdue open tickets, the highest escalation level first, then the longest overdue. The database is
 * asked loosely (flagged, or any deadline passed); the exact rule — flagged, or the *current* deadline
 * passed — is applied here, as `unitOverdue` does for a supervisor's own unit.
 */
export async function overdueTickets(ctx: ReportContext, options: OverdueOptions = {}): Promise<OverdueItem[]> {
  const now = ctx.clock.now();
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const scope = options.unit !== undefined ? { unit: { $eq: String(options.unit) } } : options.includeDiscipline ? {} : { discipline: false };
  const tickets = await ctx.db.models.Ticket.find(
    {
      ...scope,
      status: { $in: OPEN_STATUSES },
      $or: [{ overdue: true }, { 'deadlines.respondBy': { $lte: now } }, { 'deadlines.resolveBy': { $lte: now } }, { 'deadlines.rectifyBy': { $lte: now } }],
    },
    FIELDS,
  ).lean<OverdueTicket[]>();

  const overdue = tickets
    .map((ticket) => ({ ticket, due: currentDeadline(ticket) }))
    .filter(({ ticket, due }) => ticket.overdue || due.at < now)
    .sort((a, b) => b.ticket.escalationLevel - a.ticket.escalationLevel || a.due.at.getTime() - b.due.at.getTime() || a.ticket.number.localeCompare(b.ticket.number))
    .slice(0, limit);

  const sealed = (t: OverdueTicket) => t.kind === 'misconduct' || t.discipline;
  const [officials, enterprises] = await Promise.all([
    officialNamesByCode(ctx, overdue.flatMap(({ ticket }) => (ticket.assignee ? [ticket.assignee] : []))),
    enterpriseNamesByCode(ctx, overdue.flatMap(({ ticket }) => (ticket.enterprise && !sealed(ticket) ? [ticket.enterprise] : []))),
  ]);
  return overdue.map(({ ticket, due }) => ({
    number: ticket.number,
    category: ticket.category,
    categoryName: categoryNameZh(ctx.profile, ticket.category),
    unit: ticket.unit,
    unitName: unitNameZh(ctx.profile, ticket.unit),
    status: ticket.status,
    due,
    workingDaysLate: due.at < now ? ctx.calendar.workingDaysBetween(due.at, now) : 0,
    escalationLevel: ticket.escalationLevel,
    flagged: ticket.overdue,
    sealed: sealed(ticket),
    submittedAt: ticket.submittedAt,
    ...(ticket.assignee ? { assignee: ticket.assignee, assigneeName: officials.get(ticket.assignee) ?? ticket.assignee } : {}),
    ...(ticket.enterprise && !sealed(ticket) ? { enterpriseName: enterprises.get(ticket.enterprise) ?? ticket.enterprise } : {}),
  }));
}

/** Overdue open tickets per unit code (the chart's bars), from a list made by {@link overdueTickets}. */
export function countByUnit(items: readonly OverdueItem[]): Map<string, { total: number; byLevel: number[] }> {
  const counts = new Map<string, { total: number; byLevel: number[] }>();
  for (const item of items) {
    const entry = counts.get(item.unit) ?? { total: 0, byLevel: [0, 0, 0] };
    entry.total += 1;
    const level = Math.min(Math.max(item.escalationLevel, 0), 2);
    entry.byLevel[level] = (entry.byLevel[level] ?? 0) + 1;
    counts.set(item.unit, entry);
  }
  return counts;
}
