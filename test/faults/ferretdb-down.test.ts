/**
 * Fault: FerretDB stopped mid-load. The test runs its own Redis and FerretDB (SQLite data in a temporary
 * folder), the bot over the Telegram adapter against the fake Bot API and the workers on them, and registered
 * enterprise contacts submitting through the chat (/new <description>, 建议, 跳过, 确认). FerretDB is stopped
 * while submissions keep arriving, started again on the same port with the same data, and the test waits until
 * every submission is acknowledged and every officer notice is out.
 *
 * Once with long polling (a failed update must not be confirmed: the poller asks for it again), once with a
 * webhook behind the HTTP server (a failed update must get a 5xx; the test redelivers it as Telegram would).
 *
 * Tunable: QINQING_FAULT_LOAD (submissions per case, default 16), QINQING_FAULT_DOWN_MS (outage, default 8000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartFerretdb, startLocalServers, stopFerretdb, stopLocalServers, type ServerState } from '../../scripts/local-servers.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { createTelegramAdapter } from '../../src/platforms/telegram/telegram.adapter.ts';
import { createUpdateBuilder } from '../support/telegram-harness.ts';
import { acknowledged, apologies, contacts, drained, mongoClientState, startWorld, STEPS, tally, type Submission, type World } from './support/ferretdb-outage.ts';
import { markdownTable, recordSection } from './support/record.ts';

/** Submissions per case (four messages each), started evenly over the time before and during the outage. */
const LOAD = Number(process.env.QINQING_FAULT_LOAD ?? 16);
const DOWN_MS = Number(process.env.QINQING_FAULT_DOWN_MS ?? 8000);
/** Load before FerretDB is stopped. */
const BEFORE_MS = 2500;
/** The goal: nothing lost or doubled, and the backlog drained this soon after FerretDB is back. */
const RECOVERY_GOAL_MS = 30_000;
/** How long after FerretDB is back the test waits for the backlog (queues included); what is missing then counts as lost. */
const DRAIN_LIMIT_MS = 35_000;
/** Telegram's pause before redelivering after a 5xx (it backs off further; this keeps the test short). */
const REDELIVER_MS = 500;

interface Figures {
  fault: string;
  lost: number;
  duplicated: number;
  /** FerretDB back → backlog drained; undefined when it was not within DRAIN_LIMIT_MS. */
  recoveryMs: number | undefined;
  note: string;
}
const figures: Figures[] = [];

let home = '';
let servers: { redis: ServerState; ferretdb: ServerState };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'qinqing-fault-ferretdb-'));
  servers = await startLocalServers({ home, persist: true });
});

afterAll(async () => {
  if (home !== '') {
    await stopLocalServers(home);
    rmSync(home, { recursive: true, force: true });
  }
  if (figures.length > 0) record();
});

const goalMet = (f: Figures): boolean => f.lost === 0 && f.duplicated === 0 && f.recoveryMs !== undefined && f.recoveryMs <= RECOVERY_GOAL_MS;

function record(): void {
  const rows = figures.map((f) => [
    f.fault,
    `${LOAD} submissions (${LOAD * 4} messages)`,
    f.lost,
    f.duplicated,
    f.recoveryMs === undefined ? `not within ${DRAIN_LIMIT_MS / 1000} s` : `${(f.recoveryMs / 1000).toFixed(1)} s`,
    goalMet(f) ? 'yes' : 'no',
  ]);
  recordSection(
    'ferretdb-down',
    [
      '## FerretDB stopped mid-load',
      '',
      markdownTable(['fault', 'load', 'lost', 'duplicated', 'recovery time', 'goal met'], rows),
      '',
      `Own Redis and FerretDB with the bot (Telegram adapter, fake Bot API) and the tickets, notify and sweep workers; ${LOAD} registered contacts (half zh, half en) each submit once through /new, started evenly over the run, FerretDB is stopped (SIGTERM) ${BEFORE_MS / 1000} s in and restarted ${DOWN_MS / 1000} s later on the same port and data; recovery time runs from FerretDB answering again to the last acknowledgement and officer notice, and the goal is nothing lost or doubled within ${RECOVERY_GOAL_MS / 1000} s.`,
      '',
      ...figures.map((f) => `- ${f.fault}: ${f.note}`),
    ].join('\n'),
    'RECORD_RELIABILITY=1 npx vitest run --config vitest.faults.config.ts test/faults/ferretdb-down.test.ts',
  );
}

/** When a contact stops waiting for the bot: no limit until FerretDB is back, then DRAIN_LIMIT_MS. */
interface Patience {
  until: number;
}

function giveUpIfLate(patience: Patience, what: string): void {
  if (Date.now() > patience.until) throw new Error(`${what} was not handled within ${DRAIN_LIMIT_MS / 1000} s of FerretDB's return`);
}

/**
 * Starts the submissions evenly over the time before and during the outage, stops FerretDB after BEFORE_MS and
 * restarts it DOWN_MS later, then waits (at most DRAIN_LIMIT_MS) until the backlog is drained.
 */
async function runOutage(world: World, submissions: Submission[], submit: (s: Submission, patience: Patience) => Promise<void>) {
  const patience: Patience = { until: Infinity };
  const spacing = (BEFORE_MS + DOWN_MS * 0.75) / submissions.length;
  const running = submissions.map(async (submission, i) => {
    await sleep(i * spacing);
    await submit(submission, patience);
    submission.number = acknowledged(world.fake, submission);
  });
  await sleep(BEFORE_MS);
  await stopFerretdb(home);
  await sleep(DOWN_MS);
  await restartFerretdb({ home, persist: true });
  const upAt = Date.now();
  patience.until = upAt + DRAIN_LIMIT_MS;
  const settled = await Promise.allSettled(running);
  let recoveryMs: number | undefined;
  while (recoveryMs === undefined && Date.now() < patience.until) {
    if (await drained(world, submissions)) recoveryMs = Date.now() - upAt;
    else await sleep(100);
  }
  // Messages still unhandled are still with Telegram (unconfirmed, or answered 5xx): they count as lost here,
  // but a restarted process would get them; say why the backlog stalled.
  const stalled = recoveryMs === undefined ? ` Not drained within ${DRAIN_LIMIT_MS / 1000} s: ${mongoClientState(world.app)}.` : '';
  return { recoveryMs, stalled, failures: settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : [])) };
}

/** The checks both cases share: nothing lost or doubled, the database agrees, recovery within the goal. */
function expectRecovered(world: World, result: Awaited<ReturnType<typeof tally>>, outcome: { recoveryMs: number | undefined; failures: string[] }): void {
  expect(outcome.failures, mongoClientState(world.app)).toEqual([]);
  expect(result.problems).toEqual([]);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, tickets: LOAD, officerRecords: LOAD, unsent: 0 });
  expect(outcome.recoveryMs, `backlog not drained within ${DRAIN_LIMIT_MS / 1000} s`).toBeDefined();
  expect(outcome.recoveryMs).toBeLessThanOrEqual(RECOVERY_GOAL_MS);
}

describe('FerretDB stopped mid-load', () => {
  it('long polling: a failed update is not confirmed and is handled once FerretDB is back; nothing lost or doubled', async () => {
    const world = await startWorld(servers, 'faultpoll', (fake, logger) => createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger }));
    try {
      const submissions = await contacts(world.app, 81_000, LOAD);
      const build = createUpdateBuilder();
      let confirmed = 0;
      let callsRead = 0;
      /** The highest offset sent to getUpdates so far: every update below it was handled. */
      const confirmedBelow = (): number => {
        for (const calls = world.fake.calls; callsRead < calls.length; callsRead++) {
          const call = calls[callsRead];
          if (call?.method === 'getUpdates') confirmed = Math.max(confirmed, Number(call.params.offset ?? 0));
        }
        return confirmed;
      };
      const submit = async (s: Submission, patience: Patience): Promise<void> => {
        build.user(s.userId, { language_code: s.lang === 'en' ? 'en' : 'zh-hans' });
        for (const text of [`/new ${s.text}`, ...STEPS[s.lang]]) {
          const id = world.fake.pushUpdate(build.text(s.userId, text));
          // Like a person: the next message once the bot is done with this one.
          while (confirmedBelow() <= id) {
            giveUpIfLate(patience, `update ${id} (${s.userId}: ${text})`);
            await sleep(20);
          }
        }
      };

      const outcome = await runOutage(world, submissions, submit);
      const result = await tally(world, submissions);
      const sorry = apologies(world.fake, submissions);
      const failed = world.warnings.filter((w) => w.msg === 'telegram: update not handled; it will be delivered again');
      figures.push({
        fault: `FerretDB down ${DOWN_MS / 1000} s, long polling`,
        lost: result.lost,
        duplicated: result.duplicated,
        recoveryMs: outcome.recoveryMs,
        note: `${failed.length} failed attempts of ${new Set(failed.map((w) => w.fields.updateId)).size} update(s) at the head of the queue, retried with the poller's back-off (1 s doubling); ${sorry.total} "briefly unavailable" replies, ${sorry.wrongLanguage} in the wrong language.${outcome.stalled}`,
      });

      // While FerretDB was down the update at the head failed, its sender was told in their language, and no
      // getUpdates before the update's last failure confirmed it.
      expect(failed.length).toBeGreaterThan(0);
      expect(sorry.total).toBeGreaterThan(0);
      expect(sorry.wrongLanguage).toBe(0);
      for (const failure of failed) {
        const id = Number(failure.fields.updateId);
        const offsets = world.fake.callsTo('getUpdates').filter((call) => call.at <= failure.at).map((call) => Number(call.params.offset ?? 0));
        expect(Math.max(...offsets), `an offset past failed update ${id} was sent`).toBeLessThanOrEqual(id);
      }
      expectRecovered(world, result, outcome);
    } finally {
      await world.close();
    }
  });

  it('webhook: a failed delivery gets a 5xx and is handled on redelivery once FerretDB is back; nothing lost or doubled', async () => {
    const secret = 'fault-webhook-secret-0123456789';
    const world = await startWorld(servers, 'faulthook', (fake, logger) =>
      createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, webhook: { url: 'https://example.test/hook', secret }, logger }),
    );
    const http = createHttpServer({ connection: world.app.db.connection, redis: world.app.redisClient, logger: world.app.logger, telegramWebhook: (update, header) => world.adapter.handleWebhook(update, header) });
    try {
      await http.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/telegram/webhook`;
      const submissions = await contacts(world.app, 82_000, LOAD);
      const build = createUpdateBuilder();
      const statuses: number[] = [];
      /** Updates answered a 5xx at least once: each sender is told once per message, however often it comes again. */
      const failedUpdates = new Set<number>();
      let nextUpdateId = 1;
      /** Delivers like Telegram: the same update again after a pause, for as long as the answer is a 5xx. */
      const deliver = async (update: { update_id: number }, patience: Patience, what: string): Promise<void> => {
        for (;;) {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
          await response.arrayBuffer();
          statuses.push(response.status);
          if (response.status < 500) return;
          failedUpdates.add(update.update_id);
          giveUpIfLate(patience, what);
          await sleep(REDELIVER_MS);
        }
      };
      const submit = async (s: Submission, patience: Patience): Promise<void> => {
        build.user(s.userId, { language_code: s.lang === 'en' ? 'en' : 'zh-hans' });
        for (const text of [`/new ${s.text}`, ...STEPS[s.lang]]) {
          const update = { ...build.text(s.userId, text), update_id: nextUpdateId++ };
          await deliver(update, patience, `update ${update.update_id} (${s.userId}: ${text})`);
        }
      };

      const outcome = await runOutage(world, submissions, submit);
      const result = await tally(world, submissions);
      const sorry = apologies(world.fake, submissions);
      const errors = statuses.filter((status) => status >= 500);
      figures.push({
        fault: `FerretDB down ${DOWN_MS / 1000} s, webhook`,
        lost: result.lost,
        duplicated: result.duplicated,
        recoveryMs: outcome.recoveryMs,
        note: `${statuses.length} POSTs, ${errors.length} answered ${[...new Set(errors)].join('/') || '5xx'} and redelivered (${failedUpdates.size} distinct updates); ${sorry.total} "briefly unavailable" replies (${[...sorry.languages].join(', ')}), ${sorry.wrongLanguage} in the wrong language.${outcome.stalled}`,
      });

      // Every failed delivery was a 5xx (never a 2xx that would drop it, nor a 4xx), and each failed message told its sender once.
      expect(errors.length).toBeGreaterThan(0);
      expect(statuses.filter((status) => status !== 200 && status < 500)).toEqual([]);
      expect(sorry.total).toBe(failedUpdates.size);
      expect(sorry.wrongLanguage).toBe(0);
      expect([...sorry.languages].sort()).toEqual(['en', 'zh-CN']);
      expectRecovered(world, result, outcome);
    } finally {
      await http.close();
      await world.close();
    }
  });
});
