/**
 * Benchmark 2, notices: notify jobs through the notify worker and the real telegraf client into a fake Bot
 * API that enforces Telegram's flood limits, against the same sends paced ideally on the client side.
 */
import type { NoticeJob } from '../../src/queue/notice.ts';
import { createTelegramAdapter, type TelegramAdapter, type TelegramLogger } from '../../src/platforms/telegram/telegram.adapter.ts';
import { createBot } from '../../src/runtime/bot.ts';
import { startWorkers } from '../../src/workers/runtime.ts';
import { traceQueries } from './query-trace.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../test/support/fake-telegram-api.ts';
import { createBenchApp, fmt, median, numberArg, section, sleep, table, type BenchEnv } from './support.ts';

const LIMITS = { perSecond: 30, perChatPerSecond: 1 };
const quiet: TelegramLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Notice i of the run: to chat i mod `chats`; its text is its dedupe key (an unknown i18n key renders as itself). */
function noticeKey(i: number): string {
  return `bench.notice.${String(i).padStart(5, '0')}`;
}

function chatOf(i: number, chats: number): string {
  return String(900_000_000 + (i % chats));
}

interface Delivery {
  messages: number;
  perSecond: number;
  tooMany: number;
  lost: number;
  duplicated: number;
}

/** What the fake received, checked against the keys that were meant to arrive once each. */
function delivery(fake: FakeTelegramApi, count: number): Delivery {
  const received = [...fake.sent.values()].flat().map((m) => m.text ?? '');
  const unique = new Set(received);
  const sends = fake.callsTo('sendMessage');
  const ok = sends.filter((c) => c.outcome === 'ok').map((c) => c.at);
  const span = ok.length > 1 ? (Math.max(...ok) - Math.min(...ok)) / 1000 : Number.NaN;
  let lost = 0;
  for (let i = 0; i < count; i++) if (!unique.has(noticeKey(i))) lost += 1;
  return { messages: received.length, perSecond: (ok.length - 1) / span, tooMany: sends.filter((c) => c.outcome === 429).length, lost, duplicated: received.length - unique.size };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(50);
}

const sentCount = (fake: FakeTelegramApi): number => [...fake.sent.values()].reduce((sum, list) => sum + list.length, 0);

/** The notify worker (Telegram gap 1000 ms, 30/s) over the real adapter. */
async function throughWorker(env: BenchEnv, count: number, chats: number, trace: boolean): Promise<Delivery> {
  const app = await createBenchApp(env, 'notices', { directory: false, monitorCommands: trace });
  const tracer = trace ? traceQueries(app.db.connection) : undefined;
  const fake = await startFakeTelegramApi({ limits: LIMITS });
  try {
    const accounts = Array.from({ length: chats }, (_, i) => ({ platform: 'telegram', userId: chatOf(i, chats), chatId: chatOf(i, chats), kind: 'official', ref: `bench-${i}`, lang: 'zh-CN' }));
    await app.db.models.ChatAccount.insertMany(accounts);
    const jobs = Array.from({ length: count }, (_, i) => {
      const data: NoticeJob = { recipient: { kind: 'official', ref: `bench-${i % chats}` }, message: { key: noticeKey(i), params: {} }, dedupeKey: noticeKey(i) };
      return { name: 'bench', data, opts: { jobId: data.dedupeKey } };
    });
    for (let i = 0; i < jobs.length; i += 500) await app.queues.notify.addBulk(jobs.slice(i, i + 500));
    const adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: quiet });
    const bot = createBot(app, [adapter], { keyPrefix: app.keyPrefix });
    const workers = await startWorkers(app, { connection: app.redis, prefix: app.prefix, channels: bot.channels, queues: ['notify'] });
    try {
      await until(() => sentCount(fake) >= count, (count / 20) * 1000 + 60_000);
      // Late duplicates (a retried job whose first send did land) would come within a few seconds.
      await sleep(3000);
    } finally {
      await workers.close();
    }
    if (tracer) process.stderr.write(`database time by command shape, notify worker:\n${tracer.report()}\n`);
    return delivery(fake, count);
  } finally {
    await fake.close();
    await app.close();
  }
}

/** The same sends straight through the adapter, one every 1000/30 ms (+1 ms), chats round-robin. */
async function idealPacer(count: number, chats: number): Promise<Delivery> {
  const fake = await startFakeTelegramApi({ limits: LIMITS });
  const adapter: TelegramAdapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: quiet });
  try {
    const gap = 1000 / LIMITS.perSecond + 1;
    const started = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = started + i * gap - Date.now();
      if (wait > 0) await sleep(wait);
      sends.push(adapter.send(chatOf(i, chats), { text: noticeKey(i) }));
    }
    await Promise.all(sends);
    return delivery(fake, count);
  } finally {
    await fake.close();
  }
}

export async function runNotices(env: BenchEnv, argv: readonly string[], command: string): Promise<string> {
  const count = numberArg(argv, 'notices', 2000);
  const chats = numberArg(argv, 'chats', 500);
  const runs = numberArg(argv, 'runs', 3);
  const results: { worker: Delivery; ideal: Delivery }[] = [];
  for (let run = 1; run <= runs; run++) {
    const worker = await throughWorker(env, count, chats, argv.includes('--trace'));
    const ideal = await idealPacer(count, chats);
    process.stderr.write(`notices run ${run}/${runs}: worker ${fmt(worker.perSecond)}/s (${worker.tooMany} × 429, ${worker.lost} lost, ${worker.duplicated} dup), ideal ${fmt(ideal.perSecond)}/s\n`);
    results.push({ worker, ideal });
  }
  const m = (pick: (r: { worker: Delivery; ideal: Delivery }) => number): number => median(results.map(pick));
  const total = (pick: (r: { worker: Delivery; ideal: Delivery }) => number): number => results.reduce((sum, r) => sum + pick(r), 0);
  const rate = m((r) => r.worker.perSecond);
  const ratio = m((r) => r.worker.perSecond / r.ideal.perSecond);
  const worker = { tooMany: total((r) => r.worker.tooMany), lost: total((r) => r.worker.lost), duplicated: total((r) => r.worker.duplicated) };
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  const body = [
    `${count} notices to ${chats} chats, ${runs} runs (rates are medians; 429, lost and duplicated are totals over all runs). ` +
      'Worker: jobs queued first, then `startWorkers` with `queues: [\'notify\']`, the default pacing (Telegram: 1050 ms between two notices to a chat, 28 a second overall, slots reserved in Redis), the default notify concurrency (64), channels from `createBot` over `createTelegramAdapter` with `apiRoot` at the fake Bot API (`test/support/fake-telegram-api.ts`, limits 30/s overall and 1/s per chat over a sliding second). ' +
      'Rate: accepted sendMessage calls over the span from the first to the last. Lost/duplicated: the texts the fake accepted against the dedupe keys. ' +
      'Baseline: the same sends through `adapter.send`, one every 34.3 ms, chats round-robin.',
    '',
    table(
      ['path', 'messages/s', 'ratio vs baseline', '429s', 'lost', 'duplicated', 'goal'],
      [
        [
          'notify worker',
          fmt(rate),
          `${fmt(ratio, 2)}×`,
          String(worker.tooMany),
          String(worker.lost),
          String(worker.duplicated),
          `≥ 27/s: ${verdict(rate >= 27)}; 0 × 429: ${verdict(worker.tooMany === 0)}; 0 lost: ${verdict(worker.lost === 0)}; 0 dup: ${verdict(worker.duplicated === 0)}`,
        ],
        ['ideal pacer (baseline)', fmt(m((r) => r.ideal.perSecond)), '1.00×', String(total((r) => r.ideal.tooMany)), String(total((r) => r.ideal.lost)), String(total((r) => r.ideal.duplicated)), ''],
      ],
    ),
  ].join('\n');
  return section('2. Notices against Telegram\'s limits', env, command, body);
}
