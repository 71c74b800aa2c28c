/**
 * The tamper-evident history: each event's hash covers its content and the previous event's hash, so
 * changing, removing or reordering any event breaks every hash after it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  ticket: string;
  seq: number;
  at: Date;
  actor: string;
  role: string;
  action: string;
  from?: string | undefined;
  to?: string | undefined;
  reason?: string | undefined;
  data: Record<string, unknown>;
  prevHash: string;
}

/** JSON with keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function hashEvent(event: ChainedEvent): string {
  const { ticket, seq, at, actor, role, action, from, to, reason, data, prevHash } = event;
  return createHash('sha256').update(canonicalJson({ ticket, seq, at, actor, role, action, from, to, reason, data, prevHash })).digest('hex');
}

export type ChainCheck = { ok: true; events: number } | { ok: false; seq: number; problem: 'missing' | 'link' | 'hash' | 'head' };

/**
 * Checks a ticket's events (in any order) against the head the ticket records.
 * Names the first event that is missing, links to the wrong predecessor, or whose content was altered.
 */
export function verifyChain(events: (ChainedEvent & { hash: string })[], head: { seq: number; hash: string }): ChainCheck {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let prev = GENESIS_HASH;
  for (let i = 0; i < sorted.length; i++) {
    const event = sorted[i];
    if (!event) break;
    if (event.seq !== i + 1) return { ok: false, seq: i + 1, problem: 'missing' };
    if (event.prevHash !== prev) return { ok: false, seq: event.seq, problem: 'link' };
    if (hashEvent(event) !== event.hash) return { ok: false, seq: event.seq, problem: 'hash' };
    prev = event.hash;
  }
  if (sorted.length !== head.seq) return { ok: false, seq: sorted.length + 1, problem: 'missing' };
  if (prev !== head.hash) return { ok: false, seq: head.seq, problem: 'head' };
  return { ok: true, events: sorted.length };
}
