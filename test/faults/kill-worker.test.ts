/**
 * Fault: the worker process (`qinqing start --role worker`, which assigns tickets) is killed with SIGKILL
 * in the middle of a load of submissions, then started again. People keep submitting through Telegram
 * (fake Bot API → `--role bot` process → handler path) all along.
 *
 * Proves: every acknowledged submission has exactly one ticket, every ticket ends up assigned, and every
 * officer's `notice.assigned` is delivered exactly once; measures how long the restarted worker takes to
 * catch up (jobs the dead worker held come back when their locks expire; outboxes it left half flushed
 * wait for the sweeper).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketsWithPendingOutbox } from '../../src/services/tickets/ticket-store.ts';
import type { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { closedLoop, createChatLoad, type Submission } from './support/chat-load.ts';
import { seconds, tallyNotices } from './support/deliveries.ts';
import type { FaultContext, FaultServers } from './support/fault-servers.ts';
import { startFaultWorld, stopFaultWorld } from './support/fault-world.ts';
import { CONTACT_BASE, type Person } from './support/population.ts';
import { sleep, startQinqing, waitUntil, type QinqingProcess } from './support/processes.ts';
import { readProgress, ticketIds, traceProgress, watchDone, type Progress } from './support/progress.ts';
import { sweptSince } from './support/queue-checks.ts';
import { markdownTable } from './support/record.ts';
import { reportSection } from './support/report.ts';
import { waitForWorker } from './support/readiness.ts';

/**
 * The issue asks for 1,000. On the 2-core machine this suite was written on, shared with other work, the
 * bot (which handles updates one at a time) took about 1.8–2.2 submissions a second, so 1,000 would run ~8–9 min:
 * the default is what fits in about three minutes. FAULTS_KILL_N=1000 runs the full load.
 */
const N = Number(process.env.FAULTS_KILL_N ?? 200);
/** Kill once this many tickets are assigned. */
const KILL_AFTER = Number(process.env.FAULTS_KILL_AFTER ?? Math.round(N * 0.4));
/** Bound on the load itself: generous for the default, and it grows with FAULTS_KILL_N. */
const LOAD_BOUND_MS = Math.max(150_000, N * 600);
/** People typing at once. */
const CONCURRENCY = Number(process.env.FAULTS_CONCURRENCY ?? 24);
/** How long the worker stays dead (a supervisor's restart delay). */
const DOWN_MS = 3_000;
const OFFICERS = 40;
/** Bound on catching up after the load ends (stalled jobs: ≤ 30 s; sweeper: 30 s grace + 60 s period). */
const SETTLE_MS = 150_000;

describe('fault: the worker process is killed mid-load', () => {
  let servers: FaultServers;
  let ctx: FaultContext;
  let fake: FakeTelegramApi;
  let people: Person[] = [];
  let worker: QinqingProcess;
  let bot: QinqingProcess;

  beforeAll(async () => {
    ({ servers, ctx, fake, people, bot, worker } = await startFaultWorld('kill', { officers: OFFICERS, people: N }));
  });

  afterAll(() => stopFaultWorld({ servers, ctx, fake }));

  it(`${N} submissions; the worker is SIGKILLed after ${KILL_AFTER} assignments and restarted: nothing lost, nothing doubled`, async () => {
    const started = Date.now();
    const load = createChatLoad(fake, { stepTimeoutMs: 20_000, giveUpAt: started + LOAD_BOUND_MS });
    const stopTrace = traceProgress(ctx, () => {
      const done = [...load.results.values()];
      return `acknowledged ${done.filter((s) => s.number).length}/${done.length}, officer notices accepted ${[...fake.sent.keys()].filter((chat) => Number(chat) < CONTACT_BASE).reduce((n, chat) => n + (fake.sent.get(chat)?.length ?? 0), 0)}`;
    });
    let killed: { at: number; progress: Progress; inHand: number } | undefined;
    let restarted: { at: number; ids: string[]; unflushed: number; caughtUp: Promise<number | undefined> } | undefined;

    // The fault: watch the assignments, kill the worker once enough went through, start it again.
    const fault = (async () => {
      const progress = await waitUntil('assignments before the kill', async () => {
        const p = await readProgress(ctx);
        return p.assigned >= KILL_AFTER ? p : undefined;
      }, { timeoutMs: LOAD_BOUND_MS, intervalMs: 200, watch: [worker, bot] });
      // Killed while it holds an assign job (it usually waits for the next ticket): the job is in mid-flight.
      const inHand = await waitUntil('an assign job in hand', async () => (await ctx.queues.tickets.getJobCounts('active')).active || undefined, {
        timeoutMs: 15_000,
        intervalMs: 10,
        watch: [worker],
      }).catch(() => 0);
      await worker.kill('SIGKILL');
      // Jobs the dead worker held stay `active` until their locks expire and a worker finds them stalled.
      killed = { at: Date.now(), progress, inHand };
      await sleep(DOWN_MS);
      worker = startQinqing('worker', servers.processEnv(), { name: 'worker-restarted' });
      await waitForWorker(ctx, worker);
      const ids = await ticketIds(ctx);
      // Outboxes last written before the kill and still full: what the dead worker left half done.
      const unflushed = (await ticketsWithPendingOutbox(ctx, new Date(killed.at), 1000)).length;
      // Recovery: from the restart until every ticket then stored is assigned and its officer told.
      restarted = { at: Date.now(), ids, unflushed, caughtUp: watchDone(ctx, ids, { timeoutMs: SETTLE_MS, watch: [worker, bot] }) };
    })();
    fault.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile

    await closedLoop(people, CONCURRENCY, (person) => load.submit(person.userId));
    const loadEnded = Date.now();
    await fault;
    expect(killed, 'the worker was killed mid-load').toBeDefined();
    expect(restarted).toBeDefined();

    const backlog = restarted?.ids ?? [];
    const caughtUp = await restarted?.caughtUp;
    const all = await ticketIds(ctx);
    const settled = await watchDone(ctx, all, { timeoutMs: Math.max(10_000, SETTLE_MS - (Date.now() - loadEnded)), watch: [worker, bot] });
    // A late duplicate would show up after delivery: let the queues run a moment longer.
    await sleep(2_000);
    stopTrace();

    // The facts.
    const submissions = [...load.results.values()];
    const acknowledged = submissions.filter((s): s is Submission & { number: string } => s.number !== undefined);
    const tickets = await ctx.db.models.Ticket.find({}, { number: 1, status: 1, assignee: 1, replyTo: 1 }).lean();
    const byChat = new Map<string, string[]>();
    for (const ticket of tickets) byChat.set(ticket.replyTo?.chatId ?? '', [...(byChat.get(ticket.replyTo?.chatId ?? '') ?? []), ticket.number]);
    const ackedWithoutOneTicket = acknowledged.filter((s) => {
      const numbers = byChat.get(String(s.userId)) ?? [];
      return numbers.length !== 1 || numbers[0] !== s.number;
    });
    const unassigned = tickets.filter((t) => t.status === 'submitted' || !t.assignee);
    const officer = await tallyNotices(ctx, fake, all, 'notice.assigned');
    const enterprise = await tallyNotices(ctx, fake, all, 'notice.enterprise.assigned');
    const lost = ackedWithoutOneTicket.length + unassigned.length + officer.lost;
    const doubled = officer.doubled + officer.extraRecords;
    const goalMet = lost === 0 && doubled === 0 && acknowledged.length === N;

    const recovery = caughtUp !== undefined && restarted ? caughtUp - restarted.at : undefined;
    const swept = await sweptSince(ctx, restarted?.at ?? 0);
    const drain = settled !== undefined ? settled - loadEnded : undefined;
    reportSection(
      'kill-worker',
      [
        '## Worker killed (SIGKILL) mid-load',
        '',
        markdownTable(
          ['fault', 'load', 'lost', 'duplicated', 'recovery time', 'goal met'],
          [
            [
              `\`--role worker\` SIGKILLed after ${killed?.progress.assigned ?? '?'} of ${killed?.progress.tickets ?? '?'} tickets were assigned, with ${killed?.inHand ?? '?'} assign jobs in hand; restarted ${seconds(DOWN_MS)} later (${restarted?.unflushed ?? '?'} ticket outboxes it left unflushed)`,
              `${N} submissions through Telegram (${CONCURRENCY} people at a time, ${acknowledged.length} acknowledged in ${seconds(loadEnded - started)})`,
              `${lost} (acknowledged without exactly one ticket: ${ackedWithoutOneTicket.length}; unassigned: ${unassigned.length}; officer notices not delivered: ${officer.lost})`,
              `${doubled} officer notices (enterprise notices: ${enterprise.doubled})`,
              `${seconds(recovery)} from the restart until the ${backlog.length} tickets then stored were all assigned and notified (the sweeper flushed ${swept.flushed} outboxes and re-enqueued ${swept.requeued} tickets meanwhile); all ${all.length} done ${seconds(drain)} after the load ended`,
              goalMet ? 'yes' : 'no',
            ],
          ],
        ),
        '',
        `Real processes on the test's own Redis and FerretDB: a \`--role bot\` process long-polls a fake Bot API into which each person's five steps (\`/new\` with the description, 投诉, 投诉, skip attachments, confirm) are pushed; "acknowledged" means the fake accepted the reply with the ticket number. ` +
          `The \`--role worker\` process was killed with SIGKILL (its jobs in hand come back when their locks expire; outboxes it left unflushed wait for the sweeper, every 60 s with a 30 s grace) and started again; exactly once is checked as each \`notice.assigned\` record (keyed by its dedupe key) against the texts the fake accepted in the officer's chat.`,
      ].join('\n'),
      { FAULTS_KILL_N: N },
    );

    expect(acknowledged.length, `submissions not acknowledged: ${submissions.filter((s) => !s.number).map((s) => s.userId).slice(0, 10).join(', ')}`).toBe(N);
    expect(ackedWithoutOneTicket.map((s) => `${s.userId}: acked ${s.number}, stored ${(byChat.get(String(s.userId)) ?? []).join('/')}`)).toEqual([]);
    expect(unassigned.map((t) => t.number)).toEqual([]);
    expect(officer).toMatchObject({ expected: all.length, once: all.length, lost: 0, doubled: 0, extraRecords: 0 });
    expect(enterprise).toMatchObject({ lost: 0, doubled: 0 });
    expect(settled, 'everything assigned and notified within the bound').toBeDefined();
  }, LOAD_BOUND_MS + SETTLE_MS);
});
