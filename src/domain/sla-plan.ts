/**
 * Which deadline jobs a ticket needs: a reminder at 75 % of each span, an escalation when it ends, and a
 * second level (leadership) when the resolution is still missing two working days later.
 */
import type { WorkingCalendar } from './working-days.ts';

export type DeadlineKind = 'respond' | 'resolve' | 'rectify' | 'rating';
export type DeadlineStep = 'remind' | 'escalate' | 'expire';

export interface PlannedDeadlineJob {
  kind: DeadlineKind;
  step: DeadlineStep;
  /** The escalation level this job raises the ticket to (escalations only). */
  level: number;
  at: Date;
  /** The deadline the job was planned for; a job whose deadline has since moved is stale. */
  due: Date;
}

export const REMIND_AT = 0.75;
/** Working days after a missed resolution deadline before the leadership is told. */
export const SECOND_LEVEL_AFTER_DAYS = 2;

/** Jobs for one deadline span, from `start` to `due`. */
export function planDeadline(calendar: WorkingCalendar, kind: DeadlineKind, start: Date, due: Date): PlannedDeadlineJob[] {
  if (kind === 'rating') return [{ kind, step: 'expire', level: 0, at: due, due }];
  const jobs: PlannedDeadlineJob[] = [{ kind, step: 'remind', level: 0, at: calendar.fractionPoint(start, due, REMIND_AT), due }];
  if (kind === 'respond') jobs.push({ kind, step: 'escalate', level: 1, at: due, due });
  if (kind === 'resolve') {
    jobs.push({ kind, step: 'escalate', level: 1, at: due, due });
    jobs.push({ kind, step: 'escalate', level: 2, at: calendar.addWorkingDays(due, SECOND_LEVEL_AFTER_DAYS).due, due });
  }
  // A rectification already sits with the supervisor: missing it goes straight to the leadership.
  if (kind === 'rectify') jobs.push({ kind, step: 'escalate', level: 2, at: due, due });
  return jobs;
}

/** Whether the deadline of a job is still unmet, given the ticket's facts. */
export function deadlineUnmet(kind: DeadlineKind, ticket: { status: string; respondedAt?: Date | undefined }): boolean {
  switch (kind) {
    case 'respond':
      return ticket.respondedAt === undefined && (ticket.status === 'submitted' || ticket.status === 'assigned');
    case 'resolve':
      return ticket.status === 'submitted' || ticket.status === 'assigned' || ticket.status === 'accepted';
    case 'rectify':
      return ticket.status === 'reopened';
    case 'rating':
      return ticket.status === 'resolved';
  }
}

/** A deterministic job id: the same ticket, deadline and step always give the same id (BullMQ ids may not contain ':'). */
export function deadlineJobId(ticketId: string, job: PlannedDeadlineJob): string {
  return ['sla', ticketId, job.kind, job.step, job.level, job.due.getTime()].join('.');
}
