import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { NoticeJob } from './notice.ts';

/** Every queue, named once. */
export const QUEUE_NAMES = {
  tickets: 'tickets',
  sla: 'sla',
  notify: 'notify',
  liaison: 'liaison',
  reports: 'reports',
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** `tickets` queue: route and assign a newly submitted (or bounced) ticket. */
export interface AssignJob {
  ticketId: string;
}

/** `sla` queue: a deadline job. `due` lets the worker ignore a job made for a deadline since changed. */
export interface DeadlineJob {
  ticketId: string;
  kind: 'respond' | 'resolve' | 'rectify' | 'rating';
  step: 'remind' | 'escalate' | 'expire';
  /** The escalation level an escalation raises the ticket to. */
  level: number;
  due: string;
  /** When the job is meant to run; a worker whose clock is earlier puts it back. */
  at: string;
}

/** `maintenance` queue: periodic sweeps. */
export interface SweepJob {
  sweep: 'unqueued-tickets' | 'held-notices';
}

export interface JobPayloads {
  tickets: AssignJob;
  sla: DeadlineJob;
  notify: NoticeJob;
  liaison: { scan: 'daily' | 'weekly-digest'; today?: string };
  reports: { report: 'weekly'; unit?: string };
  maintenance: SweepJob;
}

export type Queues = { [K in keyof JobPayloads]: Queue<JobPayloads[K]> } & { close(): Promise<void> };

/**
 * BullMQ's key prefix. The braces are a Redis Cluster hash tag: every key of every queue lands in one slot,
 * which BullMQ's multi-key scripts need on a cluster.
 */
export function queuePrefix(namespace = 'qinqing'): string {
  return `{${namespace}}`;
}

/** How many times a job is tried before it is left failed. */
export const JOB_ATTEMPTS = 8;

const defaultJobOptions: JobsOptions = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Opens every queue on one connection. */
export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const open = <K extends keyof JobPayloads>(name: K) =>
    new Queue<JobPayloads[K]>(QUEUE_NAMES[name], { connection, prefix, defaultJobOptions });
  const queues = {
    tickets: open('tickets'),
    sla: open('sla'),
    notify: open('notify'),
    liaison: open('liaison'),
    reports: open('reports'),
    maintenance: open('maintenance'),
  };
  return {
    ...queues,
    close: async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
