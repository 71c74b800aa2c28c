/** Where a run stands, read from the database: tickets by status, and which officer notices went out. */
import type { FaultContext } from './fault-servers.ts';
import type { QinqingProcess } from './processes.ts';

export interface Progress {
  at: number;
  tickets: number;
  submitted: number;
  /** Tickets past `submitted` (assigned, or beyond). */
  assigned: number;
}

export async function readProgress(ctx: FaultContext): Promise<Progress> {
  const [tickets, submitted] = await Promise.all([ctx.db.models.Ticket.countDocuments({}), ctx.db.models.Ticket.countDocuments({ status: 'submitted' })]);
  return { at: Date.now(), tickets, submitted, assigned: tickets - submitted };
}

/** The ids of every ticket stored now. */
export async function ticketIds(ctx: FaultContext): Promise<string[]> {
  const docs = await ctx.db.models.Ticket.find({}, { _id: 1 }).lean<{ _id: string }[]>();
  return docs.map((d) => String(d._id));
}

/**
 * Of `ids`, how many are still `submitted`, and how many have no `sent` notice of `key` yet: both zero
 * means every one of them was assigned and its notice delivered.
 */
export async function outstanding(ctx: FaultContext, ids: readonly string[], key = 'notice.assigned'): Promise<{ unassigned: number; unnotified: number }> {
  const wanted = new Set(ids);
  const [stillSubmitted, notices] = await Promise.all([
    ctx.db.models.Ticket.find({ status: 'submitted' }, { _id: 1 }).lean<{ _id: string }[]>(),
    ctx.db.models.Notice.find({ 'message.key': key, status: 'sent' }, { ticket: 1 }).lean(),
  ]);
  const notified = new Set(notices.map((n) => String(n.ticket)));
  return {
    unassigned: stillSubmitted.filter((t) => wanted.has(String(t._id))).length,
    unnotified: ids.filter((id) => !notified.has(id)).length,
  };
}

/** With FAULTS_TRACE=1, prints where the run stands every few seconds (for tuning a run; off by default). */
export function traceProgress(ctx: FaultContext, extra: () => string = () => ''): () => void {
  if (process.env.FAULTS_TRACE !== '1') return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    readProgress(ctx)
      .then((p) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] tickets ${p.tickets}, assigned ${p.assigned} ${extra()}\n`))
      .catch((error: unknown) => process.stderr.write(`[trace] ${String(error)}\n`));
  }, 5_000);
  return () => clearInterval(timer);
}

/**
 * Watches `ids` from now on, in the background: resolves with the moment every one of them was assigned and
 * had its notices of `keys` sent, or undefined if that did not happen within `timeoutMs` (or a process in
 * `watch` exited first).
 */
export function watchDone(
  ctx: FaultContext,
  ids: readonly string[],
  options: { timeoutMs: number; keys?: readonly string[]; watch?: readonly QinqingProcess[] },
): Promise<number | undefined> {
  const keys = options.keys ?? ['notice.assigned'];
  const deadline = Date.now() + options.timeoutMs;
  return (async () => {
    while (Date.now() < deadline && (options.watch ?? []).every((p) => p.alive())) {
      try {
        const left = await Promise.all(keys.map((key) => outstanding(ctx, ids, key)));
        if (left.every((l) => l.unassigned === 0 && l.unnotified === 0)) return Date.now();
      } catch {
        // A query that failed is asked again.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return undefined;
  })();
}
