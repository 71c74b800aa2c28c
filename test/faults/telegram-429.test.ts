/**
 * Fault: Telegram pushes back while notices go out. First a flood-wait storm (every send answered 429 with
 * `retry_after`), then a network fault (every send's connection destroyed unanswered), each for a few
 * seconds, while the `--role worker` process assigns a backlog of tickets and the `--role bot` process's
 * notify worker sends the officers' and enterprises' notices.
 *
 * Proves: notices wait (429: the queue pauses for `retry_after` without spending an attempt; reset: the job
 * fails and is retried with backoff) and none is lost or delivered twice; measures how long each fault
 * lasted and how long until every notice was delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeTelegramApi, RecordedCall } from '../support/fake-telegram-api.ts';
import { closedLoop, createChatLoad } from './support/chat-load.ts';
import { seconds, tallyNotices } from './support/deliveries.ts';
import type { FaultContext, FaultServers } from './support/fault-servers.ts';
import { startFaultWorld, stopFaultWorld } from './support/fault-world.ts';
import type { Person } from './support/population.ts';
import { sleep, startQinqing, type QinqingProcess } from './support/processes.ts';
import { ticketIds, traceProgress, watchDone } from './support/progress.ts';
import { waitForWorker } from './support/readiness.ts';
import { markdownTable } from './support/record.ts';
import { reportSection } from './support/report.ts';

const N = Number(process.env.FAULTS_429_N ?? 120);
const CONCURRENCY = Number(process.env.FAULTS_CONCURRENCY ?? 24);
const OFFICERS = 20;
const STORM_MS = 8_000;
const RETRY_AFTER_S = 2;
const RESET_MS = 5_000;
/** Pause between the storm's end and the network fault, so notices are flowing again when it starts. */
const BETWEEN_MS = 3_000;
const SETTLE_MS = 90_000;
const KEYS = ['notice.assigned', 'notice.enterprise.assigned'] as const;

const SEND = /^send(message|photo|document)$/i;

/** How many sends were answered with `outcome`, and when the first and the last were. */
function span(calls: readonly RecordedCall[], outcome: RecordedCall['outcome']): { count: number; first?: number; last?: number } {
  const hits = calls.filter((c) => SEND.test(c.method) && c.outcome === outcome);
  return { count: hits.length, first: hits[0]?.at, last: hits.at(-1)?.at };
}

describe('fault: Telegram answers 429, then drops connections, while notices go out', () => {
  let servers: FaultServers;
  let ctx: FaultContext;
  let fake: FakeTelegramApi;
  let people: Person[] = [];
  let bot: QinqingProcess;
  let worker: QinqingProcess | undefined;

  beforeAll(async () => {
    ({ servers, ctx, fake, people, bot, worker } = await startFaultWorld('tg429', { officers: OFFICERS, people: N, worker: false }));
  });

  afterAll(() => stopFaultWorld({ servers, ctx, fake }));

  it(`${N} tickets' notices through a ${STORM_MS / 1000} s 429 storm and a ${RESET_MS / 1000} s run of connection resets: none lost, none doubled`, async () => {
    // The backlog: submissions through Telegram while no worker runs, so every notice comes after.
    const load = createChatLoad(fake, { giveUpAt: Date.now() + 90_000 });
    await closedLoop(people, CONCURRENCY, (person) => load.submit(person.userId));
    const acknowledged = [...load.results.values()].filter((s) => s.number !== undefined).length;
    const ids = await ticketIds(ctx);
    const stopTrace = traceProgress(ctx, () => `429s ${span(fake.calls, 429).count}, resets ${span(fake.calls, 'reset').count}`);

    // The storm starts as the worker comes up and the first notices are queued.
    worker = startQinqing('worker', servers.processEnv());
    await waitForWorker(ctx, worker);
    const stormFrom = Date.now();
    await fake.failSendsFor(STORM_MS, { kind: 'flood', retryAfter: RETRY_AFTER_S });
    const stormTo = Date.now();
    await sleep(BETWEEN_MS);
    const resetFrom = Date.now();
    await fake.failSendsFor(RESET_MS, { kind: 'reset' });
    const resetTo = Date.now();

    const deliveredAt = await watchDone(ctx, ids, { timeoutMs: SETTLE_MS, keys: KEYS, watch: [bot, worker] });
    // A late duplicate would show up after delivery: let the queues run a moment longer.
    await sleep(3_000);
    stopTrace();

    const tallies = await Promise.all(KEYS.map((key) => tallyNotices(ctx, fake, ids, key)));
    const lost = tallies.reduce((n, t) => n + t.lost, 0);
    const doubled = tallies.reduce((n, t) => n + t.doubled + t.extraRecords, 0);
    const flood = span(fake.calls, 429);
    const resets = span(fake.calls, 'reset');
    const acceptedAfterStorm = fake.calls.find((c) => SEND.test(c.method) && c.outcome === 'ok' && c.at >= stormTo)?.at;
    const attempts = await ctx.db.models.Notice.find({ 'message.key': { $in: [...KEYS] } }, { attempts: 1 }).lean();
    const maxAttempts = Math.max(0, ...attempts.map((a) => a.attempts));
    const goalMet = lost === 0 && doubled === 0 && acknowledged === N && deliveredAt !== undefined;

    reportSection(
      'telegram-429',
      [
        '## Telegram 429 storm and connection resets',
        '',
        markdownTable(
          ['fault', 'load', 'lost', 'duplicated', 'recovery time', 'goal met'],
          [
            [
              `every send answered 429 (retry_after ${RETRY_AFTER_S} s) for ${seconds(stormTo - stormFrom)} (${flood.count} answers, first to last ${seconds(flood.first !== undefined && flood.last !== undefined ? flood.last - flood.first : undefined)}); ${seconds(BETWEEN_MS)} later every send's connection destroyed for ${seconds(resetTo - resetFrom)} (${resets.count} sends)`,
              `${ids.length} tickets assigned by a freshly started worker, ${attempts.length} notices (officer \`notice.assigned\`, enterprise \`notice.enterprise.assigned\`)`,
              `${lost}`,
              `${doubled}`,
              `first send accepted ${seconds(acceptedAfterStorm !== undefined ? acceptedAfterStorm - stormTo : undefined)} after the storm; all delivered ${seconds(deliveredAt !== undefined ? deliveredAt - resetTo : undefined)} after the resets ended (${seconds(deliveredAt !== undefined ? deliveredAt - stormFrom : undefined)} after the storm began); most send attempts by one notice: ${maxAttempts}`,
              goalMet ? 'yes' : 'no',
            ],
          ],
        ),
        '',
        `${N} submissions went through Telegram (fake Bot API → \`--role bot\` process) with no worker running; then a \`--role worker\` process started assigning, and the fake Bot API refused every send — first with 429, then by destroying the connection — while the bot process's notify worker delivered with its default pacing. ` +
          'Each notice record (keyed by its dedupe key) is checked against the texts the fake accepted in its chat: exactly once.',
      ].join('\n'),
      { FAULTS_429_N: N },
    );

    expect(acknowledged).toBe(N);
    expect(flood.count, 'the storm met sends').toBeGreaterThan(0);
    expect(resets.count, 'the resets met sends').toBeGreaterThan(0);
    for (const tally of tallies) expect(tally).toMatchObject({ expected: ids.length, once: ids.length, lost: 0, doubled: 0, extraRecords: 0, notSent: {} });
    expect(deliveredAt, 'every notice delivered within the bound').toBeDefined();
  }, 200_000);
});
