/**
 * A hand-made set of tickets with known times, inserted as stored documents (faster than driving each
 * through the services, and every date exact). The figures the reports must give are worked out by hand
 * in the tests; the comments here say which deadline each ticket meets or misses.
 *
 * Enterprises (demo directory): ZY private/medium, YUAN private/small, LUOYANG state/large, LAOLI
 * individual/micro. Evaluated at Friday 2026-04-10 10:00 Shanghai.
 */
import type { TicketDoc } from '../../../src/db/models/index.ts';
import type { RatingLevel } from '../../../src/domain/rating.ts';
import type { TicketStatus } from '../../../src/domain/ticket-state.ts';
import type { TestApp } from '../../support/app-context.ts';
import { LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';

export const LAOLI = '92410100MA40D0004H';
const SNAPSHOT: Record<string, Pick<TicketDoc, 'ownership' | 'size'>> = {
  [ZHONGYUAN]: { ownership: 'private', size: 'medium' },
  [YUAN_EQUIPMENT]: { ownership: 'private', size: 'small' },
  [LUOYANG]: { ownership: 'state', size: 'large' },
  [LAOLI]: { ownership: 'individual', size: 'micro' },
};

/** The moment the reports are computed. */
export const AS_OF = at('2026-04-10 10:00');

/** `2026-03-02 09:00` Shanghai as an instant. */
export function at(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

interface Seed {
  n: number;
  unit: 'works' | 'office' | 'discipline';
  assignee?: string;
  /** Undefined for the sealed misconduct report. */
  ent?: string;
  status: TicketStatus;
  sub: string;
  respondBy: string;
  respondedAt?: string;
  resolveBy: string;
  resolvedAt?: string;
  rectifyBy?: string;
  ratings?: [RatingLevel, string][];
  outcome?: TicketDoc['outcome'];
  /** Escalation level; > 0 also sets the overdue flag, as the deadline worker does. */
  level?: number;
  result?: string;
}

const d = (day: string) => `2026-${day}`;

export const SEEDS: Seed[] = [
  // works ---------------------------------------------------------------------------------------------
  // T1: responds and resolves in time, 满意.
  { n: 1, unit: 'works', assignee: 'rf-works-01', ent: ZHONGYUAN, status: 'closed', sub: d('03-02 09:00'), respondBy: d('03-04 18:00'), respondedAt: d('03-03 10:00'), resolveBy: d('03-23 18:00'), resolvedAt: d('03-20 16:00'), ratings: [['satisfied', d('03-21 10:00')]], outcome: 'rated', result: '审批已办结，批复文件已寄出。' },
  // T2: late response, late resolution, 基本满意 (counts as satisfied).
  { n: 2, unit: 'works', assignee: 'rf-works-01', ent: ZHONGYUAN, status: 'closed', sub: d('03-03 09:00'), respondBy: d('03-05 18:00'), respondedAt: d('03-06 09:00'), resolveBy: d('03-24 18:00'), resolvedAt: d('03-25 10:00'), ratings: [['basically-satisfied', d('03-26 09:00')]], outcome: 'rated', level: 1, result: '已协调，含"加急"说明, 详见附件' },
  // T3: 不满意 reopens it to the supervisor; the rectification (stored resolvedAt) meets rectifyBy.
  { n: 3, unit: 'works', assignee: 'rf-works-sup', ent: LUOYANG, status: 'closed', sub: d('03-04 09:00'), respondBy: d('03-06 18:00'), respondedAt: d('03-05 11:00'), resolveBy: d('03-25 18:00'), resolvedAt: d('03-30 15:00'), rectifyBy: d('04-02 18:00'), ratings: [['dissatisfied', d('03-13 10:00')], ['satisfied', d('03-31 09:00')]], outcome: 'rated', result: '整改完成：\n重新出具意见。' },
  // T4: never answered: misses both deadlines, escalated to the leadership.
  { n: 4, unit: 'works', assignee: 'rf-works-02', ent: LUOYANG, status: 'assigned', sub: d('03-10 09:00'), respondBy: d('03-12 18:00'), resolveBy: d('03-31 18:00'), level: 2 },
  // T5: response in March; resolution due in April (met early); rated in March.
  { n: 5, unit: 'works', assignee: 'rf-works-02', ent: YUAN_EQUIPMENT, status: 'closed', sub: d('03-16 09:00'), respondBy: d('03-18 18:00'), respondedAt: d('03-17 09:30'), resolveBy: d('04-07 18:00'), resolvedAt: d('03-27 11:00'), ratings: [['very-satisfied', d('03-28 10:00')]], outcome: 'rated', result: '=SUM(A1) 已办结' },
  // T6: submitted in March, both deadlines in April.
  { n: 6, unit: 'works', assignee: 'rf-works-01', ent: LAOLI, status: 'accepted', sub: d('03-30 10:00'), respondBy: d('04-01 18:00'), respondedAt: d('03-31 09:00'), resolveBy: d('04-20 18:00') },
  // office --------------------------------------------------------------------------------------------
  // T7: resolved at the very instant of the deadline: in time.
  { n: 7, unit: 'office', assignee: 'rf-office-01', ent: YUAN_EQUIPMENT, status: 'closed', sub: d('03-02 10:00'), respondBy: d('03-03 18:00'), respondedAt: d('03-03 09:00'), resolveBy: d('03-16 18:00'), resolvedAt: d('03-16 18:00'), ratings: [['satisfied', d('03-17 10:00')]], outcome: 'rated', result: '已退还多收费用。' },
  // T8: responded at the instant of the deadline (in time), resolved late, 非常不满意 → reopened, not yet rectified.
  { n: 8, unit: 'office', assignee: 'rf-office-sup', ent: LAOLI, status: 'reopened', sub: d('03-09 09:00'), respondBy: d('03-10 18:00'), respondedAt: d('03-10 18:00'), resolveBy: d('03-23 18:00'), resolvedAt: d('03-24 09:00'), rectifyBy: d('04-14 18:00'), ratings: [['very-dissatisfied', d('03-25 09:00')]], outcome: 'rated', level: 1, result: '已答复。' },
  // T9: deadline extended from 03-20 to 03-27, met; the rating window closed unrated.
  { n: 9, unit: 'office', assignee: 'rf-office-sup', ent: LUOYANG, status: 'closed', sub: d('03-11 09:00'), respondBy: d('03-12 18:00'), respondedAt: d('03-12 10:00'), resolveBy: d('03-27 18:00'), resolvedAt: d('03-26 15:00'), outcome: 'unrated', result: '已协调解决。' },
  // T10: late response (an hour), resolution overdue since 04-03, escalated twice.
  { n: 10, unit: 'office', assignee: 'rf-office-01', ent: ZHONGYUAN, status: 'accepted', sub: d('03-20 09:00'), respondBy: d('03-23 18:00'), respondedAt: d('03-23 19:00'), resolveBy: d('04-03 18:00'), level: 2 },
  // outside March, or partly ----------------------------------------------------------------------------
  // T11: submitted in February, resolved and rated in March.
  { n: 11, unit: 'works', assignee: 'rf-works-01', ent: ZHONGYUAN, status: 'closed', sub: d('02-25 10:00'), respondBy: d('02-27 18:00'), respondedAt: d('02-26 09:00'), resolveBy: d('03-18 18:00'), resolvedAt: d('03-18 17:00'), ratings: [['satisfied', d('03-19 09:00')]], outcome: 'rated', result: '已办结。' },
  // T12: a sealed misconduct report, responded in time; resolution due in April.
  { n: 12, unit: 'discipline', assignee: 'rf-discipline-01', status: 'accepted', sub: d('03-05 09:00'), respondBy: d('03-10 18:00'), respondedAt: d('03-09 10:00'), resolveBy: d('04-16 18:00') },
  // T13: all in January.
  { n: 13, unit: 'works', assignee: 'rf-works-01', ent: ZHONGYUAN, status: 'closed', sub: d('01-05 09:00'), respondBy: d('01-07 18:00'), respondedAt: d('01-06 09:00'), resolveBy: d('01-26 18:00'), resolvedAt: d('01-20 09:00'), ratings: [['satisfied', d('01-21 09:00')]], outcome: 'rated', result: '已办结。' },
  // T14: April, response still possible at 10:00 on its due day.
  { n: 14, unit: 'office', assignee: 'rf-office-01', ent: YUAN_EQUIPMENT, status: 'assigned', sub: d('04-09 09:00'), respondBy: d('04-10 18:00'), resolveBy: d('04-23 18:00') },
  // T15: April, late response: flagged overdue though its resolution deadline is ahead.
  { n: 15, unit: 'works', assignee: 'rf-works-02', ent: LUOYANG, status: 'accepted', sub: d('04-01 09:00'), respondBy: d('04-03 18:00'), respondedAt: d('04-07 09:00'), resolveBy: d('04-22 18:00'), level: 1 },
];

export const ticketNumber = (n: number) => `RF-2026-${String(n).padStart(6, '0')}`;

const CATEGORY = { works: ['project-approval', 'request'], office: ['complaint', 'complaint'], discipline: ['gifts-banquets', 'misconduct'] } as const;

/** A complete stored ticket for a seed (every field the schema requires). */
export function seedDoc(seed: Seed, id = `seed${String(seed.n).padStart(20, '0')}`): TicketDoc & { _id: string } {
  const [category, kind] = CATEGORY[seed.unit];
  const submittedAt = at(seed.sub);
  const opt = (value: string | undefined) => (value === undefined ? undefined : at(value));
  return {
    _id: id,
    number: ticketNumber(seed.n),
    profile: 'henan-rfb',
    category,
    kind,
    ...(seed.ent ? { enterprise: seed.ent, contact: 'c1', replyTo: { platform: 'telegram', chatId: '1' }, ...SNAPSHOT[seed.ent] } : { sealedReporter: 'sealed-reporter-ciphertext' }),
    anonymous: seed.ent === undefined,
    text: '人防工程审批材料已提交二十个工作日，仍未收到任何答复。',
    attachments: [],
    unit: seed.unit,
    coUnits: [],
    discipline: seed.unit === 'discipline',
    ...(seed.assignee ? { assignee: seed.assignee, assignedAt: submittedAt } : {}),
    status: seed.status,
    deadlines: { respondBy: at(seed.respondBy), resolveBy: at(seed.resolveBy), ...(seed.rectifyBy ? { rectifyBy: at(seed.rectifyBy) } : {}), provisional: false },
    ...(seed.respondedAt ? { respondedAt: opt(seed.respondedAt) } : {}),
    ...(seed.resolvedAt ? { resolvedAt: opt(seed.resolvedAt) } : {}),
    ...(seed.status === 'closed' ? { closedAt: opt(seed.ratings?.at(-1)?.[1] ?? seed.resolvedAt) } : {}),
    escalationLevel: seed.level ?? 0,
    overdue: (seed.level ?? 0) > 0,
    transfers: 0,
    ...(seed.result ? { result: seed.result } : {}),
    ...(seed.outcome ? { outcome: seed.outcome } : {}),
    ratings: (seed.ratings ?? []).map(([level, when], i) => ({ level, at: at(when), round: i === 0 ? ('first' as const) : ('follow-up' as const) })),
    slaFired: [],
    rev: 1,
    historyHead: 'seed',
    historySeq: 1,
    submittedAt,
    updatedAt: submittedAt,
  };
}

/** Inserts the seeded set and sets the clock to {@link AS_OF}. */
export async function seedTickets(app: TestApp): Promise<void> {
  await app.db.models.Ticket.collection.insertMany(SEEDS.map((seed) => seedDoc(seed)) as never[]);
  app.clock.set(AS_OF);
}
