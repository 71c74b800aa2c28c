/**
 * Where a benchmark's database time goes: every command the driver sends, grouped by its shape
 * (command, collection, the filter's field names), with count and total/mean duration. Turned on by
 * `--trace`; needs a connection opened with `monitorCommands`.
 */
import type { Connection } from 'mongoose';
import { fmt, table } from './support.ts';

interface Started {
  shape: string;
}

const FILTER_FIELDS = ['filter', 'q', 'query'];

function filterShape(command: Record<string, unknown>): string {
  const updates = command.updates as { q?: Record<string, unknown> }[] | undefined;
  const filter = (FILTER_FIELDS.map((f) => command[f]).find((v) => v && typeof v === 'object') ?? updates?.[0]?.q) as Record<string, unknown> | undefined;
  return filter ? Object.keys(filter).sort().join(',') : '';
}

/** Starts tracing; `report()` returns the table of the heaviest shapes, `stop()` detaches. */
export function traceQueries(connection: Connection): { report(top?: number): string; stop(): void } {
  const client = connection.getClient();
  const pending = new Map<number, Started>();
  const totals = new Map<string, { count: number; ms: number }>();
  const onStart = (event: { requestId: number; commandName: string; command: Record<string, unknown> }): void => {
    const collection = event.command[event.commandName];
    pending.set(event.requestId, { shape: `${event.commandName} ${typeof collection === 'string' ? collection : ''} {${filterShape(event.command)}}` });
  };
  const onEnd = (event: { requestId: number; duration: number }): void => {
    const started = pending.get(event.requestId);
    if (!started) return;
    pending.delete(event.requestId);
    const total = totals.get(started.shape) ?? { count: 0, ms: 0 };
    total.count += 1;
    total.ms += event.duration;
    totals.set(started.shape, total);
  };
  client.on('commandStarted', onStart);
  client.on('commandSucceeded', onEnd);
  client.on('commandFailed', onEnd);
  return {
    report: (top = 15) => {
      const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
      return table(
        ['command', 'count', 'total ms', 'mean ms'],
        rows.map(([shape, t]) => [`\`${shape}\``, String(t.count), fmt(t.ms, 0), fmt(t.ms / t.count, 2)]),
      );
    },
    stop: () => {
      client.off('commandStarted', onStart);
      client.off('commandSucceeded', onEnd);
      client.off('commandFailed', onEnd);
    },
  };
}
