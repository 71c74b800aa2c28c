/**
 * Benchmark 1, intake: submissions through the real handler path (playground message → pipeline → submit
 * flow → createTicket → assign job → assign worker → officer notice queued), against bare inserts and adds
 * of the same documents and jobs.
 */
import mongoose from 'mongoose';
import type { Job } from 'bullmq';
import { openQueues } from '../../src/queue/queues.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../../src/platforms/playground/playground.adapter.ts';
import { createBot } from '../../src/runtime/bot.ts';
import { deadlineJobs } from '../../src/services/tickets/create-ticket.ts';
import { startWorkers } from '../../src/workers/runtime.ts';
import { noChannels } from '../../src/workers/notify.worker.ts';
import { traceQueries } from './query-trace.ts';
import { createBenchApp, fmt, median, numberArg, percentile, section, sleep, table, ZHONGYUAN, type BenchApp, type BenchEnv } from './support.ts';

export const DESCRIPTION = '我公司申报的人防工程审批已超过法定时限两周，至今没有答复，影响开工，请帮助协调。';

/** Active contacts with a playground chat account each: persona `p<i>`. */
export async function seedContacts(app: BenchApp, from: number, count: number): Promise<string[]> {
  const { Contact, ChatAccount } = app.db.models;
  const personas: string[] = [];
  for (let start = from; start < from + count; start += 500) {
    const size = Math.min(500, from + count - start);
    const contacts = await Contact.insertMany(Array.from({ length: size }, (_, i) => ({ enterprise: ZHONGYUAN, name: `联系人${start + i}`, phone: '13800138000', status: 'active' })));
    const accounts = contacts.map((c, i) => ({ platform: 'playground', userId: `p${start + i}`, chatId: `p${start + i}`, kind: 'contact', ref: String(c._id), lang: 'zh-CN' }));
    await ChatAccount.insertMany(accounts);
    personas.push(...accounts.map((a) => a.chatId));
  }
  return personas;
}

/** Submissions whose last reply carried no ticket number, with one sample of what was said instead. */
export const refused = { count: 0, sample: '' };

/** One submission, the way a person taps through it; records when the confirm message was received. */
export async function submitThroughChat(playground: PlaygroundAdapter, persona: string, sent: Map<string, number>): Promise<void> {
  await playground.receive(persona, `/new ${DESCRIPTION}`);
  await playground.receive(persona, { action: 'submit:group:complaint' });
  await playground.receive(persona, { action: 'submit:cat:complaint' });
  await playground.receive(persona, { action: 'submit:files-skip' });
  sent.set(persona, Date.now());
  await playground.receive(persona, { action: 'submit:confirm' });
  const history = playground.history(persona);
  const last = history[history.length - 1]?.text ?? '';
  if (!/RF-\d{4}-\d{6}/.test(last)) {
    refused.count += 1;
    refused.sample ||= history.slice(-3).map((e) => `${e.from}: ${e.text.slice(0, 80)}`).join(' / ');
  }
}

/** Runs `work` over `items` with `concurrency` callers in a closed loop. */
export async function closedLoop<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

/** Starts `work` for each item at a fixed rate (open loop), then waits for all. */
async function openLoop<T>(items: readonly T[], perSecond: number, work: (item: T) => Promise<void>): Promise<void> {
  const started = Date.now();
  const running: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    running.push(work(item));
  }
  await Promise.all(running);
}

/** Waits until the tickets queue has finished `total` assign jobs, or made no progress for `stallMs`. */
async function assignsDone(app: BenchApp, total: number, stallMs: number): Promise<number> {
  let last = -1;
  let progressAt = Date.now();
  for (;;) {
    const counts = await app.queues.tickets.getJobCounts('completed', 'failed');
    const done = (counts.completed ?? 0) + (counts.failed ?? 0);
    if (done !== last) [last, progressAt] = [done, Date.now()];
    if (done >= total || Date.now() - progressAt > stallMs) return done;
    await sleep(20);
  }
}

/** Latency (ms) from the confirm message to the officer notice job, per persona that was measured. */
async function officerNoticeLatencies(app: BenchApp, sent: Map<string, number>): Promise<{ latencies: number[]; lastQueuedAt: number }> {
  const jobs: Job<NoticeJob>[] = await app.queues.notify.getJobs(['waiting', 'prioritized', 'delayed'], 0, -1);
  const officer = jobs.filter((j) => j.data.recipient.kind === 'official' && j.data.message.key === 'notice.assigned');
  const tickets = await app.db.models.Ticket.find({}, { replyTo: 1 }).lean<{ _id: string; replyTo?: { chatId: string } }[]>();
  const personaOf = new Map(tickets.map((t) => [String(t._id), t.replyTo?.chatId ?? '']));
  const latencies: number[] = [];
  let lastQueuedAt = 0;
  for (const job of officer) {
    const at = sent.get(personaOf.get(job.data.ticketId ?? '') ?? '');
    if (at === undefined) continue;
    latencies.push(job.timestamp - at);
    lastQueuedAt = Math.max(lastQueuedAt, job.timestamp);
  }
  return { latencies, lastQueuedAt };
}

interface PhaseResult {
  tickets: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

/** The handler path at the peak (closed loop) and at a fixed rate (open loop). */
async function handlerPhase(app: BenchApp, playground: PlaygroundAdapter, personas: string[], load: { concurrency: number } | { perSecond: number }, assignedBefore: number): Promise<PhaseResult> {
  const sent = new Map<string, number>();
  const started = Date.now();
  const work = (persona: string) => submitThroughChat(playground, persona, sent);
  if ('concurrency' in load) await closedLoop(personas, load.concurrency, work);
  else await openLoop(personas, load.perSecond, work);
  await assignsDone(app, assignedBefore + personas.length, 5000);
  const { latencies, lastQueuedAt } = await officerNoticeLatencies(app, sent);
  return {
    tickets: latencies.length,
    perSecond: latencies.length / ((lastQueuedAt - started) / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/** Bare driver inserts of a ticket and its first event, and bare adds of the jobs the real path queues. */
async function baselinePhase(app: BenchApp, count: number, concurrency: number): Promise<PhaseResult> {
  const db = app.db.connection.db;
  if (!db) throw new Error('database not connected');
  const tickets = db.collection('bench_tickets');
  const events = db.collection('bench_events');
  const queues = openQueues(app.redis, `${app.prefix}base`);
  const template = await app.db.models.Ticket.findOne({}).lean<Record<string, unknown>>();
  const latencies: number[] = [];
  const started = Date.now();
  try {
    await closedLoop(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => {
        const t0 = Date.now();
        const id = new mongoose.Types.ObjectId().toHexString();
        const now = new Date();
        const due = app.calendar.addWorkingDays(now, 5).due;
        await tickets.insertOne({ ...template, _id: id as never, number: `BENCH-${i}`, submittedAt: now, updatedAt: now });
        await events.insertOne({ ticket: id, seq: 1, at: now, actor: 'contact:x', role: 'enterprise', action: 'submit', from: '', to: 'submitted', data: { category: 'complaint' }, prevHash: '0', hash: id });
        await queues.tickets.add('assign', { ticketId: id }, { jobId: `assign.${id}.0` });
        for (const job of deadlineJobs(app, id, 'respond', now, due)) {
          if (job.queue === 'sla') await queues.sla.add(job.name, job.data, { jobId: job.jobId, delay: 3_600_000 });
        }
        await events.insertOne({ ticket: id, seq: 2, at: now, actor: 'system', role: 'system', action: 'assign', from: 'submitted', to: 'assigned', data: {}, prevHash: id, hash: `${id}2` });
        for (const recipient of ['official', 'contact'] as const) {
          const dedupeKey = `n.${id}.2.${recipient}`;
          await queues.notify.add('notice.assigned', { recipient: { kind: recipient, ref: 'x' }, message: { key: 'notice.assigned', params: {} }, dedupeKey, ticketId: id }, { jobId: dedupeKey });
        }
        latencies.push(Date.now() - t0);
      },
    );
    return { tickets: count, perSecond: count / ((Date.now() - started) / 1000), p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
  } finally {
    await queues.close();
  }
}

interface RunResult {
  peak: PhaseResult;
  half: PhaseResult;
  baseline: PhaseResult;
}

async function oneRun(env: BenchEnv, n: number, concurrency: number, trace: boolean): Promise<RunResult> {
  const app = await createBenchApp(env, 'intake', { monitorCommands: trace });
  const playground = createPlaygroundAdapter({ maxPersonas: 4 * concurrency });
  const bot = createBot(app, [playground], { keyPrefix: app.keyPrefix, floodLimit: 1000 });
  await bot.start();
  const workers = await startWorkers(app, { connection: app.redis, prefix: app.prefix, channels: noChannels, queues: ['tickets'] });
  try {
    const personas = await seedContacts(app, 0, 2 * n);
    const tracer = trace ? traceQueries(app.db.connection) : undefined;
    const peak = await handlerPhase(app, playground, personas.slice(0, n), { concurrency }, 0);
    if (tracer) {
      process.stderr.write(`database time by command shape, peak phase:\n${tracer.report()}\n`);
      tracer.stop();
    }
    const half = await handlerPhase(app, playground, personas.slice(n), { perSecond: peak.perSecond / 2 }, n);
    const baseline = await baselinePhase(app, n, concurrency);
    return { peak, half, baseline };
  } finally {
    await workers.close();
    await bot.stop();
    await app.close();
  }
}

export async function runIntake(env: BenchEnv, argv: readonly string[], command: string): Promise<string> {
  const n = numberArg(argv, 'n', 5000);
  const runs = numberArg(argv, 'runs', 3);
  const concurrency = numberArg(argv, 'concurrency', 8);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await oneRun(env, n, concurrency, argv.includes('--trace'));
    process.stderr.write(`intake run ${run}/${runs}: peak ${fmt(result.peak.perSecond)}/s, half p99 ${result.half.p99} ms, baseline ${fmt(result.baseline.perSecond)}/s\n`);
    results.push(result);
  }
  const m = (pick: (r: RunResult) => number): number => median(results.map(pick));
  const ratio = m((r) => r.peak.perSecond / r.baseline.perSecond);
  const row = (label: string, pick: (r: RunResult) => PhaseResult, vsBaseline: string, goal: string): string[] => [
    label,
    String(m((r) => pick(r).tickets)),
    fmt(m((r) => pick(r).perSecond)),
    vsBaseline,
    fmt(m((r) => pick(r).p50), 0),
    fmt(m((r) => pick(r).p95), 0),
    fmt(m((r) => pick(r).p99), 0),
    goal,
  ];
  const halfP99 = m((r) => r.half.p99);
  const body = [
    `${n} submissions per phase, ${runs} runs (figures are medians over runs), ${concurrency} concurrent chats at the peak; the half-rate phase starts submissions at half the peak measured in the same run. ` +
      'Handler path: `/new <text>`, group, category, skip attachments, confirm, each through the playground adapter into `handleMessage`; the assign worker (`startWorkers` with `queues: [\'tickets\']`, concurrency 4) runs in the same process. ' +
      'Latency: the officer `notice.assigned` job\'s BullMQ timestamp minus the time the confirm message was received. ' +
      'Baseline: driver `insertOne` of a copy of a real ticket document and its two history events, plus BullMQ `add` of the assign job, the respond deadline jobs and the two notices, with the same concurrency (its latency is one ticket\'s inserts and adds).',
    '',
    table(
      ['phase', 'tickets', 'tickets/s', 'ratio vs baseline', 'p50 ms', 'p95 ms', 'p99 ms', 'goal'],
      [
        row('handler path, peak', (r) => r.peak, `${fmt(ratio, 2)}×`, `≥ 0.6× baseline: ${ratio >= 0.6 ? 'met' : 'missed'}`),
        row('handler path, half peak', (r) => r.half, `${fmt(m((r) => r.half.perSecond / r.baseline.perSecond), 2)}×`, `p99 ≤ 50 ms: ${halfP99 <= 50 ? 'met' : 'missed'}`),
        row('baseline (bare inserts + adds)', (r) => r.baseline, '1.00×', ''),
      ],
    ),
    '',
    `Submissions over all runs whose confirm got no ticket number back: ${refused.count}${refused.sample ? ` (e.g. ${refused.sample})` : ''}. The tickets column counts officer notices found queued.`,
  ].join('\n');
  return section('1. Intake', env, command, body);
}
