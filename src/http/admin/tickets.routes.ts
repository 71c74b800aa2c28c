/** Reading tickets: lists with filters, one ticket with its history, the history check, a reporter's identity. */
import { z } from 'zod';
import type { HistoryEventDoc } from '../../db/models/index.ts';
import { TICKET_STATUSES } from '../../domain/ticket-state.ts';
import { SHANGHAI_OFFSET_MS } from '../../domain/working-days.ts';
import { revealReporter } from '../../services/tickets/discipline-actions.ts';
import { verifyTicketHistory } from '../../services/tickets/verify-history.ts';
import type { TicketRecord } from '../../services/tickets/ticket-store.ts';
import { ALL_ROLES } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { codeSchema, pageOf, pageQuery, pageSchema, queryFlag, ticketItemSchema, ticketNumberParams } from './schemas.ts';
import { enterpriseNames, findVisibleTicket, overdueFilter, ticketDetail, ticketItem, ticketScope, within } from './ticket-scope.ts';

const PERIOD = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])))?$/;

/** A Shanghai calendar period (`2026`, `2026-03`, `2026-Q1`, `2026-H2`) as [start, end). */
export function periodRange(period: string): { start: Date; end: Date } | undefined {
  const match = PERIOD.exec(period);
  if (!match) return undefined;
  const year = Number(match[1]);
  const [first, months] = match[2] ? [Number(match[2]) - 1, 1] : match[3] ? [(Number(match[3]) - 1) * 3, 3] : match[4] ? [(Number(match[4]) - 1) * 6, 6] : [0, 12];
  // Shanghai keeps UTC+8 all year, so local midnight is a fixed offset from UTC.
  const at = (month: number) => new Date(Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS);
  return { start: at(first), end: at(first + months) };
}

/** The start of a Shanghai calendar day. */
function shanghaiDay(date: string, plusDays = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + plusDays * 86_400_000);
}

const statusList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(TICKET_STATUSES)).min(1))
  .describe(`comma-separated: ${TICKET_STATUSES.join(', ')}`);

export const ticketListQuery = z.strictObject({
  status: statusList.optional(),
  unit: codeSchema.optional(),
  assignee: codeSchema.optional(),
  category: codeSchema.optional(),
  discipline: queryFlag.optional(),
  overdue: queryFlag.optional().describe('open tickets past their current deadline, or flagged by an escalation'),
  period: z.string().regex(PERIOD, 'YYYY, YYYY-MM, YYYY-Qn or YYYY-Hn').optional().describe('submitted in this Shanghai period'),
  from: z.iso.date().optional().describe('submitted on or after this Shanghai day'),
  to: z.iso.date().optional().describe('submitted on or before this Shanghai day'),
  ...pageQuery,
});

type ListQuery = z.output<typeof ticketListQuery>;

/** The query's filters as a database filter: every value compared with `$eq`/`$in`, never spliced in raw. */
function listFilter(query: ListQuery, now: Date): Record<string, unknown> {
  const parts: Record<string, unknown>[] = [];
  if (query.status) parts.push({ status: { $in: query.status } });
  if (query.unit) parts.push({ unit: { $eq: String(query.unit) } });
  if (query.assignee) parts.push({ assignee: { $eq: String(query.assignee) } });
  if (query.category) parts.push({ category: { $eq: String(query.category) } });
  if (query.discipline !== undefined) parts.push({ discipline: query.discipline });
  if (query.overdue !== undefined) parts.push(query.overdue ? overdueFilter(now) : { $nor: [overdueFilter(now)] });
  // The period and the day bounds narrow each other: the latest start and the earliest end win.
  const range = query.period ? periodRange(query.period) : undefined;
  const starts = [range?.start, query.from ? shanghaiDay(query.from) : undefined].filter((d): d is Date => d !== undefined);
  const ends = [range?.end, query.to ? shanghaiDay(query.to, 1) : undefined].filter((d): d is Date => d !== undefined);
  if (starts.length > 0 || ends.length > 0) {
    parts.push({
      submittedAt: {
        ...(starts.length > 0 ? { $gte: new Date(Math.max(...starts.map((d) => d.getTime()))) } : {}),
        ...(ends.length > 0 ? { $lt: new Date(Math.min(...ends.map((d) => d.getTime()))) } : {}),
      },
    });
  }
  return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] ?? {}) : { $and: parts };
}

export function registerTicketRoutes(r: Registrar, deps: AdminDeps): void {
  r.route({
    method: 'GET',
    url: '/tickets',
    roles: ALL_ROLES,
    tag: 'tickets',
    summary: 'Tickets the caller may see, newest first: supervisors their unit, inspectors misconduct reports',
    query: ticketListQuery,
    response: pageSchema(ticketItemSchema),
    handler: async ({ query, principal }) => {
      const scope = await ticketScope(deps, principal);
      const now = deps.clock.now();
      const filter = within(scope, listFilter(query, now));
      const [docs, total] = await Promise.all([
        deps.db.models.Ticket.find(filter)
          .sort({ submittedAt: -1, number: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<TicketRecord[]>(),
        deps.db.models.Ticket.countDocuments(filter),
      ]);
      const names = await enterpriseNames(deps, docs);
      return pageOf(docs.map((t) => ticketItem(t, now, names)), query.page, query.pageSize, total);
    },
  });

  r.route({
    method: 'GET',
    url: '/tickets/:number',
    roles: ALL_ROLES,
    tag: 'tickets',
    summary: 'One ticket with its whole history (404 also when it lies outside the caller’s scope)',
    params: ticketNumberParams,
    response: ticketItemSchema.extend({ text: z.string(), history: z.array(z.object({ seq: z.int(), action: z.string(), actor: z.string() }).loose()) }),
    handler: async ({ params, principal }) => {
      const { ticket } = await findVisibleTicket(deps, principal, params.number);
      const history = await deps.db.models.HistoryEvent.find({ ticket: { $eq: String(ticket._id) } }).sort({ seq: 1 }).lean<HistoryEventDoc[]>();
      return ticketDetail(ticket, deps.clock.now(), await enterpriseNames(deps, [ticket]), history);
    },
  });

  r.route({
    method: 'GET',
    url: '/tickets/:number/verify-history',
    roles: ALL_ROLES,
    tag: 'tickets',
    summary: 'Checks the ticket’s hash-chained history against the head the ticket records',
    params: ticketNumberParams,
    response: z.object({ number: z.string(), ok: z.boolean() }).loose(),
    handler: async ({ params, principal }) => {
      const { ticket } = await findVisibleTicket(deps, principal, params.number);
      return verifyTicketHistory(deps, ticket.number);
    },
  });

  r.route({
    method: 'GET',
    url: '/tickets/:number/reporter',
    roles: ['inspector'],
    tag: 'tickets',
    summary: 'Opens a misconduct report’s sealed reporter identity; the read is recorded in the ticket history',
    params: ticketNumberParams,
    response: z.union([
      z.object({ anonymous: z.literal(true) }),
      z.object({
        anonymous: z.literal(false),
        enterprise: z.object({ creditCode: z.string(), name: z.string() }).nullable(),
        contact: z.object({ name: z.string(), phone: z.string() }).nullable(),
      }),
    ]),
    handler: async ({ params, principal, reply }) => {
      const { ticket, scope } = await findVisibleTicket(deps, principal, params.number);
      // A whistle-blower's identity is never kept by a browser or a proxy.
      void reply.header('cache-control', 'no-store');
      // The scope of an inspector key always carries its bound official: the one the read is recorded against.
      if (!scope.actor) throw new Error('an inspector scope without an actor');
      return revealReporter(deps, ticket.number, scope.actor);
    },
  });
}
