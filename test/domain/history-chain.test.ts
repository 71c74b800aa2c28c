import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, hashEvent, verifyChain, type ChainedEvent } from '../../src/domain/history-chain.ts';

type StoredEvent = ChainedEvent & { hash: string };

/** The content of the five events of one ticket's life, without their links. */
const STEPS: Omit<ChainedEvent, 'ticket' | 'seq' | 'prevHash'>[] = [
  { at: new Date('2026-03-09T02:00:00Z'), actor: 'E1', role: 'enterprise', action: 'submit', from: '', to: 'submitted', data: { category: 'approval' } },
  { at: new Date('2026-03-09T02:00:05Z'), actor: 'system', role: 'system', action: 'assign', from: 'submitted', to: 'assigned', data: { assignee: 'off-a' } },
  {
    at: new Date('2026-03-09T03:10:00Z'),
    actor: 'off-a',
    role: 'assignee',
    action: 'transfer',
    from: 'assigned',
    to: 'assigned',
    reason: '属于工程处职责',
    data: { toUnit: 'works' },
  },
  { at: new Date('2026-03-10T01:00:00Z'), actor: 'off-c', role: 'assignee', action: 'accept', from: 'assigned', to: 'accepted', data: {} },
  { at: new Date('2026-03-12T08:30:00Z'), actor: 'off-c', role: 'assignee', action: 'resolve', from: 'accepted', to: 'resolved', data: { result: '已办结' } },
];

/** Links the given contents into a chain: seq from 1, GENESIS_HASH before the first. */
function chain(steps: Omit<ChainedEvent, 'ticket' | 'seq' | 'prevHash'>[], ticket = 'T1'): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  steps.forEach((step, i) => {
    const base: ChainedEvent = { ticket, seq: i + 1, prevHash, ...step };
    const hash = hashEvent(base);
    events.push({ ...base, hash });
    prevHash = hash;
  });
  return events;
}

/** Recomputes the hash of every event (what a forger with write access would do), keeping their prevHash. */
function rehash(events: StoredEvent[]): StoredEvent[] {
  return events.map((e) => ({ ...e, hash: hashEvent(e) }));
}

/** Relinks and rehashes everything from the first event on, as a forger rewriting the tail would. */
function relinkAll(events: StoredEvent[]): StoredEvent[] {
  let prevHash = GENESIS_HASH;
  return events.map((e) => {
    const base = { ...e, prevHash };
    const hash = hashEvent(base);
    prevHash = hash;
    return { ...base, hash };
  });
}

function headOf(events: StoredEvent[]): { seq: number; hash: string } {
  const last = events[events.length - 1];
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The event at `seq` (1-based), failing loudly when absent. */
function at(events: StoredEvent[], seq: number): StoredEvent {
  const event = events[seq - 1];
  if (!event) throw new Error(`no event ${seq}`);
  return event;
}

describe('an intact chain', () => {
  const events = chain(STEPS);
  const head = headOf(events);

  it('links each event to its predecessor, the first to GENESIS_HASH', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    expect(events).toHaveLength(5);
    expect(at(events, 1).prevHash).toBe(GENESIS_HASH);
    for (let seq = 2; seq <= 5; seq++) expect(at(events, seq).prevHash).toBe(at(events, seq - 1).hash);
    for (const e of events) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(events.map((e) => e.hash)).size).toBe(5);
  });

  it('verifies', () => {
    expect(verifyChain(events, head)).toEqual({ ok: true, events: 5 });
  });

  it('verifies whatever order the events are read in', () => {
    const shuffled = [at(events, 4), at(events, 2), at(events, 5), at(events, 1), at(events, 3)];
    expect(verifyChain(shuffled, head)).toEqual({ ok: true, events: 5 });
  });

  it('verifies an empty history against a genesis head', () => {
    expect(verifyChain([], { seq: 0, hash: GENESIS_HASH })).toEqual({ ok: true, events: 0 });
  });

  it('gives the same events of another ticket different hashes', () => {
    expect(at(chain(STEPS, 'T2'), 1).hash).not.toBe(at(events, 1).hash);
  });
});

describe('tampering is named at the right seq', () => {
  const events = chain(STEPS);
  const head = headOf(events);

  /** A copy of the chain with event `seq` replaced. */
  function withEvent(seq: number, change: (e: StoredEvent) => StoredEvent): StoredEvent[] {
    return events.map((e) => (e.seq === seq ? change(e) : e));
  }

  it('altered data → hash at that event', () => {
    const forged = withEvent(3, (e) => ({ ...e, data: { toUnit: 'office' } }));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 3, problem: 'hash' });
  });

  it('an added data field → hash at that event', () => {
    const forged = withEvent(4, (e) => ({ ...e, data: { ...e.data, note: 'late' } }));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 4, problem: 'hash' });
  });

  it('altered reason of event 3 → hash at 3', () => {
    const forged = withEvent(3, (e) => ({ ...e, reason: '企业材料不全' }));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 3, problem: 'hash' });
  });

  it('a removed reason of event 3 → hash at 3', () => {
    const forged = withEvent(3, (e) => ({ ...e, reason: undefined }));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 3, problem: 'hash' });
  });

  it('altered time, actor, role, action or status → hash at that event', () => {
    const changes: ((e: StoredEvent) => StoredEvent)[] = [
      (e) => ({ ...e, at: new Date(e.at.getTime() - 86_400_000) }),
      (e) => ({ ...e, actor: 'off-z' }),
      (e) => ({ ...e, role: 'supervisor' }),
      (e) => ({ ...e, action: 'reassign' }),
      (e) => ({ ...e, to: 'accepted' }),
      (e) => ({ ...e, ticket: 'T9' }),
    ];
    for (const change of changes) {
      expect(verifyChain(withEvent(2, change), head)).toEqual({ ok: false, seq: 2, problem: 'hash' });
    }
  });

  it('removed event 2 → missing at 2', () => {
    const forged = events.filter((e) => e.seq !== 2);
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 2, problem: 'missing' });
  });

  it('removed last event (a truncated tail) → missing at 5', () => {
    expect(verifyChain(events.slice(0, 4), head)).toEqual({ ok: false, seq: 5, problem: 'missing' });
  });

  it('swapped events 2 and 3 (their seq exchanged) → link at 2', () => {
    const forged = events.map((e) => (e.seq === 2 ? { ...e, seq: 3 } : e.seq === 3 ? { ...e, seq: 2 } : e));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 2, problem: 'link' });
  });

  it('swapped events 2 and 3, renumbered and rehashed in place → link at 2', () => {
    const forged = rehash(events.map((e) => (e.seq === 2 ? { ...e, seq: 3 } : e.seq === 3 ? { ...e, seq: 2 } : e)));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 2, problem: 'link' });
  });

  it('event 3 relinked past event 2 (prevHash → event 1) and rehashed → link at 3', () => {
    const forged = withEvent(3, (e) => {
      const base = { ...e, prevHash: at(events, 1).hash };
      return { ...base, hash: hashEvent(base) };
    });
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 3, problem: 'link' });
  });

  it('event 3 altered and rehashed → link at 4, where the next event still points at the original', () => {
    const forged = withEvent(3, (e) => {
      const base = { ...e, reason: '企业材料不全' };
      return { ...base, hash: hashEvent(base) };
    });
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 4, problem: 'link' });
  });

  it('the whole chain rewritten consistently → head at 5', () => {
    const forged = relinkAll(events.map((e) => (e.seq === 3 ? { ...e, reason: '企业材料不全' } : e)));
    expect(verifyChain(forged, headOf(forged))).toEqual({ ok: true, events: 5 });
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 5, problem: 'head' });
  });

  it('a head hash that does not match → head', () => {
    expect(verifyChain(events, { seq: 5, hash: at(events, 4).hash })).toEqual({ ok: false, seq: 5, problem: 'head' });
    expect(verifyChain(events, { seq: 5, hash: GENESIS_HASH })).toEqual({ ok: false, seq: 5, problem: 'head' });
  });

  it('a head that claims more events than there are → missing after the last', () => {
    expect(verifyChain(events, { seq: 6, hash: head.hash })).toEqual({ ok: false, seq: 6, problem: 'missing' });
  });

  it('a first event not linked to genesis → link at 1', () => {
    const forged = relinkAll(events).map((e) => (e.seq === 1 ? { ...e, prevHash: 'f'.repeat(64) } : e));
    expect(verifyChain(forged, head)).toEqual({ ok: false, seq: 1, problem: 'link' });
  });
});

describe('hashEvent', () => {
  const [first] = chain(STEPS);

  it('does not depend on key order, an absent optional field, or extra stored fields', () => {
    expect(first).toBeDefined();
    if (!first) return;
    const { hash, ...base } = first;
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as ChainedEvent;
    expect(hashEvent(reordered)).toBe(hash);
    expect(hashEvent({ ...base, reason: undefined })).toBe(hash);
    expect(hashEvent({ ...base, _id: 'x', hash: 'y' } as ChainedEvent)).toBe(hash);
  });

  it('covers the data deeply', () => {
    expect(first).toBeDefined();
    if (!first) return;
    const nested: ChainedEvent = { ...first, data: { a: { b: [1, 2] } } };
    expect(hashEvent({ ...nested, data: { a: { b: [2, 1] } } })).not.toBe(hashEvent(nested));
    expect(hashEvent({ ...nested, data: { a: { b: [1, 2] } } })).toBe(hashEvent(nested));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, so key order does not matter', () => {
    const a = { b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } };
    const b = { a: { c: 'x', d: [{ y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('writes a Date as its ISO string, at the top and nested', () => {
    const d = new Date('2026-03-09T02:00:00.123Z');
    expect(canonicalJson(d)).toBe('"2026-03-09T02:00:00.123Z"');
    expect(canonicalJson({ at: d })).toBe('{"at":"2026-03-09T02:00:00.123Z"}');
    expect(canonicalJson({ at: d })).toBe(canonicalJson({ at: d.toISOString() }));
  });

  it('drops undefined properties', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ x: { y: undefined } })).toBe('{"x":{}}');
  });

  it('writes scalars as JSON does, null and undefined as null', () => {
    expect(canonicalJson('满意')).toBe('"满意"');
    expect(canonicalJson(42)).toBe('42');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
    expect(canonicalJson({ 'a"b': 'c\nd' })).toBe(JSON.stringify({ 'a"b': 'c\nd' }));
  });
});
