/**
 * Supervision: 三率 reports, the ledger export (台账), the weekly chart and the overdue list. Admins and
 * auditors see every unit; a supervisor sees its own official's unit only.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { exportLedger, overdueTickets, renderWeeklyChart, threeRatesReport, type PeriodInput } from '../../services/reports/index.ts';
import type { Principal } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { boundActor } from './ticket-scope.ts';

const READERS = ['admin', 'auditor', 'supervisor'] as const;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-03');
const day = z.iso.date();
const periodQuery = {
  month: month.optional(),
  from: day.optional(),
  to: day.optional(),
  unit: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
};

/** Shanghai midnight of a local date. */
function shanghaiMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

function periodOf(query: { month?: string | undefined; from?: string | undefined; to?: string | undefined }): PeriodInput {
  if (query.month) return { month: query.month };
  if (query.from && query.to) return { from: shanghaiMidnight(query.from), to: shanghaiMidnight(query.to) };
  throw new DomainError('request.period', 'give month=YYYY-MM, or from and to (YYYY-MM-DD; to is exclusive)');
}

/** The unit a caller may report on: any (or the one asked) for admins and auditors, its own for a supervisor. */
async function unitFor(deps: AdminDeps, principal: Principal, asked: string | undefined): Promise<string | undefined> {
  if (principal.role !== 'supervisor') return asked;
  const actor = await boundActor(deps, principal);
  if (asked && asked !== actor.unit) throw new DomainError('ticket.forbidden', `a supervisor of ${actor.unit} may not report on ${asked}`, { action: 'report' });
  return actor.unit;
}

export function registerReportRoutes(r: Registrar, deps: AdminDeps): void {
  r.route({
    method: 'GET',
    url: '/reports/three-rates',
    roles: READERS,
    tag: 'reports',
    summary: '三率 for a month or [from, to): per unit, official, ownership and size',
    query: z.strictObject(periodQuery),
    handler: async ({ query, principal }) => {
      const unit = await unitFor(deps, principal, query.unit);
      return threeRatesReport(deps, periodOf(query), unit ? { unit } : {});
    },
  });

  r.route({
    method: 'GET',
    url: '/exports/ledger',
    roles: READERS,
    tag: 'reports',
    summary: '台账: every ticket of the period as XLSX (default) or CSV (UTF-8 with BOM)',
    query: z.strictObject({ ...periodQuery, format: z.enum(['xlsx', 'csv']).default('xlsx') }),
    handler: async ({ query, principal, reply }) => {
      const unit = await unitFor(deps, principal, query.unit);
      const file = await exportLedger(deps, periodOf(query), query.format, unit ? { unit } : {});
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="ledger.${query.format}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .send(file.data);
    },
  });

  r.route({
    method: 'GET',
    url: '/reports/weekly-chart.png',
    roles: READERS,
    tag: 'reports',
    summary: 'The weekly report image: 三率 trend over 8 weeks and overdue tickets by unit (PNG)',
    query: z.strictObject({ unit: periodQuery.unit, weeks: z.coerce.number().int().min(2).max(26).default(8) }),
    handler: async ({ query, principal, reply }) => {
      const unit = await unitFor(deps, principal, query.unit);
      const image = await renderWeeklyChart(deps, { weeks: query.weeks, ...(unit ? { unit } : {}) });
      return reply.header('content-type', 'image/png').send(image.png);
    },
  });

  r.route({
    method: 'GET',
    url: '/reports/overdue',
    roles: READERS,
    tag: 'reports',
    summary: 'Open tickets past a deadline or flagged overdue, with their escalation level',
    query: z.strictObject({ unit: periodQuery.unit }),
    handler: async ({ query, principal }) => {
      const unit = await unitFor(deps, principal, query.unit);
      return overdueTickets(deps, unit ? { unit } : {});
    },
  });
}
