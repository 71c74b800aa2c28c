/**
 * Prometheus metrics, in a registry of their own (never prom-client's global one, which any library may
 * write to). Gauges are computed when scraped, each by one cheap query (a count or a `$group` on an
 * indexed field, or BullMQ's job counts), so nothing keeps a second copy of the truth up to date.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { TICKET_STATUSES } from '../../domain/ticket-state.ts';
import { QUEUE_NAMES, type JobPayloads } from '../../queue/queues.ts';
import type { AdminDeps } from './context.ts';
import { flowCompletions } from './flow-metrics.ts';
import { overdueFilter } from './ticket-scope.ts';

const NOTICE_STATUSES = ['queued', 'pending', 'sent', 'held', 'failed', 'no-channel'] as const;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** The registry `/metrics` serves, its gauges bound to `deps`. */
export function createMetricsRegistry(deps: AdminDeps): Registry {
  const registry = new Registry();
  const scrapeErrors = new Counter({
    name: 'qinqing_metrics_scrape_errors_total',
    help: 'Gauges that could not be computed at a scrape (their series are missing from that scrape)',
    labelNames: ['metric'] as const,
    registers: [registry],
  });
  /** A failing query leaves its gauge empty for this scrape instead of failing the whole scrape. */
  const guarded = <T extends string>(metric: string, compute: (gauge: Gauge<T>) => Promise<void>) =>
    async function collect(this: Gauge<T>): Promise<void> {
      try {
        this.reset();
        await compute(this);
      } catch (error) {
        scrapeErrors.inc({ metric });
        deps.logger.warn({ err: (error as Error).message, metric }, 'metric could not be computed');
      }
    };
  /** Every known status, zero unless the rows say otherwise: a status that empties reads 0, not "gone". */
  const byStatus = (rows: { _id: unknown; n: number }[], known: readonly string[]) => {
    const counts = new Map<string, number>(known.map((s) => [s, 0]));
    for (const row of rows) counts.set(String(row._id), row.n);
    return counts;
  };
  const statusGroups = [{ $group: { _id: '$status', n: { $sum: 1 } } }];

  new Gauge({
    name: 'qinqing_tickets',
    help: 'Tickets by state',
    labelNames: ['status'] as const,
    registers: [registry],
    collect: guarded<'status'>('qinqing_tickets', async (gauge) => {
      const rows = await deps.db.models.Ticket.aggregate<{ _id: string; n: number }>(statusGroups);
      for (const [status, n] of byStatus(rows, TICKET_STATUSES)) gauge.set({ status }, n);
    }),
  });

  new Gauge({
    name: 'qinqing_tickets_overdue_open',
    help: 'Open tickets past the deadline they are working towards, or flagged by an escalation',
    registers: [registry],
    collect: guarded<string>('qinqing_tickets_overdue_open', async (gauge) => {
      gauge.set(await deps.db.models.Ticket.countDocuments(overdueFilter(deps.clock.now())));
    }),
  });

  new Gauge({
    name: 'qinqing_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: guarded<'queue' | 'state'>('qinqing_queue_jobs', async (gauge) => {
      const names = Object.keys(QUEUE_NAMES) as (keyof JobPayloads)[];
      const counts = await Promise.all(names.map((name) => deps.queues[name].getJobCounts(...QUEUE_STATES)));
      names.forEach((name, i) => {
        for (const state of QUEUE_STATES) gauge.set({ queue: QUEUE_NAMES[name], state }, counts[i]?.[state] ?? 0);
      });
    }),
  });

  new Gauge({
    name: 'qinqing_notices',
    help: 'Notice delivery records by status (queued, pending, sent, held, failed, no-channel)',
    labelNames: ['status'] as const,
    registers: [registry],
    collect: guarded<'status'>('qinqing_notices', async (gauge) => {
      const rows = await deps.db.models.Notice.aggregate<{ _id: string; n: number }>(statusGroups);
      for (const [status, n] of byStatus(rows, NOTICE_STATUSES)) gauge.set({ status }, n);
    }),
  });

  registry.registerMetric(flowCompletions);
  return registry;
}
