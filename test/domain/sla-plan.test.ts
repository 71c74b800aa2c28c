import { describe, expect, it } from 'vitest';
import {
  REMIND_AT,
  SECOND_LEVEL_AFTER_DAYS,
  deadlineJobId,
  deadlineUnmet,
  planDeadline,
  type DeadlineKind,
  type PlannedDeadlineJob,
} from '../../src/domain/sla-plan.ts';
import { createWorkingCalendar } from '../../src/domain/working-days.ts';
import type { TicketStatus } from '../../src/domain/ticket-state.ts';

/** An instant written as Asia/Shanghai wall-clock time. */
const cst = (localDateTime: string): Date => new Date(`${localDateTime}+08:00`);

const calendar = createWorkingCalendar();

// Mon 2026-03-09 10:00 → Fri 2026-03-13 18:00: 104 h, so the 75 % point is 78 h in, Thu 03-12 16:00.
const start = cst('2026-03-09T10:00:00');
const due = cst('2026-03-13T18:00:00');
const remindAt = cst('2026-03-12T16:00:00');

describe('planDeadline', () => {
  it('reminds at 75 % of the span', () => {
    expect(REMIND_AT).toBe(0.75);
    expect(SECOND_LEVEL_AFTER_DAYS).toBe(2);
  });

  it('plans a reminder and a level-1 escalation for the response deadline', () => {
    expect(planDeadline(calendar, 'respond', start, due)).toEqual([
      { kind: 'respond', step: 'remind', level: 0, at: remindAt, due },
      { kind: 'respond', step: 'escalate', level: 1, at: due, due },
    ]);
  });

  it('plans a reminder, a level-1 escalation and a level-2 escalation two working days later for the resolution', () => {
    // Due Fri 03-13 18:00; the weekend does not count: Mon 03-16 (1), Tue 03-17 (2).
    expect(planDeadline(calendar, 'resolve', start, due)).toEqual([
      { kind: 'resolve', step: 'remind', level: 0, at: remindAt, due },
      { kind: 'resolve', step: 'escalate', level: 1, at: due, due },
      { kind: 'resolve', step: 'escalate', level: 2, at: cst('2026-03-17T18:00:00'), due },
    ]);
  });

  it('plans a reminder and a straight level-2 escalation for a rectification (it already sits with the supervisor)', () => {
    expect(planDeadline(calendar, 'rectify', start, due)).toEqual([
      { kind: 'rectify', step: 'remind', level: 0, at: remindAt, due },
      { kind: 'rectify', step: 'escalate', level: 2, at: due, due },
    ]);
  });

  it('plans only the expiry of a rating window', () => {
    expect(planDeadline(calendar, 'rating', start, due)).toEqual([{ kind: 'rating', step: 'expire', level: 0, at: due, due }]);
  });

  it('puts the level-2 job across the 2026 National Day holiday', () => {
    // Due Wed 09-30 18:00; 10-01..10-07 off: Thu 10-08 (1), Fri 10-09 (2).
    const resolveDue = cst('2026-09-30T18:00:00');
    const jobs = planDeadline(calendar, 'resolve', cst('2026-09-14T09:00:00'), resolveDue);
    expect(jobs.find((j) => j.level === 2)).toEqual({ kind: 'resolve', step: 'escalate', level: 2, at: cst('2026-10-09T18:00:00'), due: resolveDue });
  });

  it('counts the 调休 Saturday after National Day as a working day', () => {
    // Due Fri 10-09 18:00; Sat 10-10 is worked (1), Sun 10-11 off, Mon 10-12 (2).
    const resolveDue = cst('2026-10-09T18:00:00');
    const jobs = planDeadline(calendar, 'resolve', cst('2026-09-28T09:00:00'), resolveDue);
    expect(jobs.find((j) => j.level === 2)?.at).toEqual(cst('2026-10-12T18:00:00'));
  });

  it('places the reminder in wall-clock time even across a holiday', () => {
    // 09-28 09:00 → 10-09 18:00 is 273 h; 75 % is 204.75 h later: 10-06 21:45 (inside the holiday).
    const jobs = planDeadline(calendar, 'resolve', cst('2026-09-28T09:00:00'), cst('2026-10-09T18:00:00'));
    expect(jobs[0]).toMatchObject({ step: 'remind', at: cst('2026-10-06T21:45:00') });
  });

  it('stamps every job with the deadline it was planned for', () => {
    for (const kind of ['respond', 'resolve', 'rectify', 'rating'] as const) {
      for (const job of planDeadline(calendar, kind, start, due)) {
        expect(job.due).toEqual(due);
        expect(job.kind).toBe(kind);
        expect(job.at.getTime()).toBeGreaterThanOrEqual(start.getTime());
      }
    }
  });
});

describe('deadlineUnmet', () => {
  const statuses: TicketStatus[] = ['submitted', 'assigned', 'accepted', 'resolved', 'reopened', 'closed'];
  const unmetWhen: Record<DeadlineKind, TicketStatus[]> = {
    respond: ['submitted', 'assigned'],
    resolve: ['submitted', 'assigned', 'accepted'],
    rectify: ['reopened'],
    rating: ['resolved'],
  };
  const cases = (Object.keys(unmetWhen) as DeadlineKind[]).flatMap((kind) =>
    statuses.map((status) => ({ kind, status, unmet: unmetWhen[kind].includes(status) })),
  );

  it.each(cases)('$kind on a $status ticket → unmet $unmet', ({ kind, status, unmet }) => {
    expect(deadlineUnmet(kind, { status })).toBe(unmet);
  });

  it('treats a response as met once the officer responded, whatever the status', () => {
    const respondedAt = cst('2026-03-10T09:00:00');
    for (const status of statuses) {
      expect(deadlineUnmet('respond', { status, respondedAt })).toBe(false);
    }
  });

  it('ignores respondedAt for the other kinds', () => {
    const respondedAt = cst('2026-03-10T09:00:00');
    expect(deadlineUnmet('resolve', { status: 'accepted', respondedAt })).toBe(true);
    expect(deadlineUnmet('rectify', { status: 'reopened', respondedAt })).toBe(true);
    expect(deadlineUnmet('rating', { status: 'resolved', respondedAt })).toBe(true);
  });
});

describe('deadlineJobId', () => {
  const ticketId = '65f0c0ffee0000000000abcd';
  const kinds = ['respond', 'resolve', 'rectify', 'rating'] as const;
  const allJobs: PlannedDeadlineJob[] = kinds.flatMap((kind) => planDeadline(calendar, kind, start, due));

  it('is deterministic: the same ticket, deadline and step give the same id', () => {
    const [first] = planDeadline(calendar, 'resolve', start, due);
    const [again] = planDeadline(calendar, 'resolve', start, new Date(due.getTime()));
    expect(first).toBeDefined();
    expect(again).toBeDefined();
    if (!first || !again) return;
    expect(deadlineJobId(ticketId, first)).toBe(deadlineJobId(ticketId, again));
    expect(deadlineJobId(ticketId, first)).toBe(`sla.${ticketId}.resolve.remind.0.${due.getTime()}`);
  });

  it('does not depend on the start of the span (a replanned span keeps its jobs)', () => {
    const a = planDeadline(calendar, 'resolve', start, due).map((j) => deadlineJobId(ticketId, j));
    const b = planDeadline(calendar, 'resolve', cst('2026-03-10T11:00:00'), due).map((j) => deadlineJobId(ticketId, j));
    expect(b).toEqual(a);
  });

  it('gives distinct ids to every job of every kind of one ticket', () => {
    const ids = allJobs.map((j) => deadlineJobId(ticketId, j));
    expect(ids).toHaveLength(8); // respond 2 + resolve 3 + rectify 2 + rating 1
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives new ids when the deadline moves (an extension)', () => {
    const moved = cst('2026-03-20T18:00:00');
    const before = planDeadline(calendar, 'resolve', start, due).map((j) => deadlineJobId(ticketId, j));
    const after = planDeadline(calendar, 'resolve', start, moved).map((j) => deadlineJobId(ticketId, j));
    expect(after).toHaveLength(before.length);
    for (const id of after) expect(before).not.toContain(id);
  });

  it('gives different tickets different ids', () => {
    const job = allJobs[0];
    expect(job).toBeDefined();
    if (!job) return;
    expect(deadlineJobId('65f0c0ffee0000000000abcd', job)).not.toBe(deadlineJobId('65f0c0ffee0000000000abce', job));
  });

  it("never contains ':' (BullMQ refuses it in custom ids)", () => {
    for (const job of allJobs) {
      expect(deadlineJobId(ticketId, job)).not.toContain(':');
    }
  });
});
