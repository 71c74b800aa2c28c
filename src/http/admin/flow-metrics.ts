/**
 * Counters the chat side increments, kept apart from the HTTP code so a handler can import them without
 * pulling in Fastify. Each admin server registers them in its own registry when it starts.
 */
import { Counter } from 'prom-client';

/**
 * Conversations that reached an end, by flow and outcome: `flowCompletions.inc({ flow: 'submit', outcome: 'created' })`.
 * Outcomes are a small fixed set per flow (completed, cancelled, expired, failed...): never free text,
 * or every distinct value becomes a time series.
 */
export const flowCompletions = new Counter({
  name: 'qinqing_flow_completions_total',
  help: 'Chat flows that reached an end, by flow and outcome',
  labelNames: ['flow', 'outcome'] as const,
  // Not the global registry: every metric of qinqing lives in the registry its /metrics serves.
  registers: [],
});
