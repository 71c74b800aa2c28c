/**
 * Many plausible tickets for the scale tests, generated from a fixed seed so every run sees the same set:
 * four units, their officials, the demo enterprises, and a misconduct report now and then.
 */
import type { TicketDoc } from '../../../src/db/models/index.ts';
import { RATING_LEVELS } from '../../../src/domain/rating.ts';
import { TICKET_STATUSES } from '../../../src/domain/ticket-state.ts';
import { LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { LAOLI } from './seed.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNITS = [
  { unit: 'works', category: 'project-approval', kind: 'request', officials: ['rf-works-01', 'rf-works-02', 'rf-works-sup'] },
  { unit: 'office', category: 'complaint', kind: 'complaint', officials: ['rf-office-01', 'rf-office-sup'] },
  { unit: 'quality', category: 'works-quality', kind: 'request', officials: ['rf-quality-01'] },
  { unit: 'finance', category: 'fees', kind: 'request', officials: ['rf-finance-01'] },
] as const;
const ENTERPRISES = [
  { code: ZHONGYUAN, ownership: 'private', size: 'medium' },
  { code: YUAN_EQUIPMENT, ownership: 'private', size: 'small' },
  { code: LUOYANG, ownership: 'state', size: 'large' },
  { code: LAOLI, ownership: 'individual', size: 'micro' },
] as const;

/** A small deterministic generator (mulberry32): the same seed, the same tickets. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` stored tickets submitted between `from` and `from + days`. */
export function syntheticTickets(count: number, from: Date, days: number, seed = 42): (TicketDoc & { _id: string })[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const misconduct = next() < 0.03;
    const route = pick(UNITS);
    const enterprise = pick(ENTERPRISES);
    const submittedAt = new Date(from.getTime() + Math.floor(next() * days * DAY));
    const respondBy = new Date(submittedAt.getTime() + 2 * DAY);
    const resolveBy = new Date(submittedAt.getTime() + 21 * DAY);
    const responded = next() < 0.9;
    const resolved = responded && next() < 0.8;
    const resolvedAt = new Date(submittedAt.getTime() + Math.floor(next() * 25 * DAY));
    const rated = resolved && next() < 0.7;
    return {
      _id: `syn${String(i).padStart(21, '0')}`,
      number: `RF-2026-${String(100_000 + i).padStart(6, '0')}`,
      profile: 'henan-rfb',
      category: misconduct ? 'gifts-banquets' : route.category,
      kind: misconduct ? 'misconduct' : route.kind,
      ...(misconduct
        ? { sealedReporter: 'sealed' }
        : { enterprise: enterprise.code, contact: 'c1', replyTo: { platform: 'telegram', chatId: '1' }, ownership: enterprise.ownership, size: enterprise.size }),
      anonymous: misconduct,
      text: '人防工程审批材料已提交二十个工作日，仍未收到任何答复，请帮助协调。',
      attachments: [],
      unit: misconduct ? 'discipline' : route.unit,
      coUnits: [],
      discipline: misconduct,
      assignee: misconduct ? 'rf-discipline-01' : pick(route.officials),
      status: resolved ? (rated ? 'closed' : 'resolved') : pick(TICKET_STATUSES.slice(1, 3)),
      deadlines: { respondBy, resolveBy, provisional: false },
      ...(responded ? { respondedAt: new Date(submittedAt.getTime() + Math.floor(next() * 3 * DAY)) } : {}),
      ...(resolved ? { resolvedAt, result: `已办结，第${i}号。` } : {}),
      escalationLevel: 0,
      overdue: false,
      transfers: 0,
      ratings: rated ? [{ level: pick(RATING_LEVELS), at: new Date(resolvedAt.getTime() + DAY), round: 'first' as const }] : [],
      slaFired: [],
      rev: 1,
      historyHead: 'synthetic',
      historySeq: 1,
      submittedAt,
      updatedAt: submittedAt,
    };
  });
}
