/** Benchmark 3, liaison scan: the daily scan over 100,000 links against a bare cursor over the same collection. */
import type { LocalDate } from '../../src/domain/holiday-calendar.ts';
import { halfYearOf, remindersDue } from '../../src/domain/liaison-cadence.ts';
import * as liaison from '../../src/workers/liaison.worker.ts';
import { createBenchApp, fmt, median, numberArg, section, sleep, table, type BenchApp, type BenchEnv } from './support.ts';

type Scan = (ctx: BenchApp, today: LocalDate) => Promise<{ linksRead: number; shortLinks?: number; reminders: number }>;

/** The first day of 2026 on which the daily scan has a half-year reminder to send. */
function reminderDay(app: BenchApp): LocalDate {
  for (let day = 0; day < 366; day++) {
    const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10) as LocalDate;
    if (remindersDue(app.calendar, app.profile.rules.reminderDaysBeforePeriodEnd, date, halfYearOf).length > 0) return date;
  }
  throw new Error('no reminder day in 2026');
}

/** `officials` × `perOfficial` links, none visited: every link is short, the scan's heaviest day. */
async function seedLinks(app: BenchApp, links: number): Promise<void> {
  const db = app.db.connection.db;
  if (!db) throw new Error('database not connected');
  const perOfficial = 100;
  const officials = Math.ceil(links / perOfficial);
  await db.collection('officials').insertMany(Array.from({ length: officials }, (_, i) => ({ code: `bo-${i}`, name: `官员${i}`, unit: 'works', roles: ['officer'], level: 'province', active: true })));
  await db.collection('enterprises').insertMany(Array.from({ length: perOfficial }, (_, i) => ({ _id: `BENCH${String(i).padStart(13, '0')}` as never, creditCode: `BENCH${String(i).padStart(13, '0')}`, name: `企业${i}` })));
  const batch: { official: string; enterprise: string }[] = [];
  for (let i = 0; i < links; i++) {
    batch.push({ official: `bo-${Math.floor(i / perOfficial)}`, enterprise: `BENCH${String(i % perOfficial).padStart(13, '0')}` });
    if (batch.length === 5000 || i === links - 1) await db.collection('links').insertMany(batch.splice(0));
  }
}

/** Wall time and peak RSS (sampled every 10 ms) of `work`. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; peakMb: number; growthMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, process.memoryUsage().rss);
      await sleep(10);
    }
  })();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  sampling = false;
  await sampler;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, peakMb: peak / 2 ** 20, growthMb: (peak - before) / 2 ** 20 };
}

export async function runLiaison(env: BenchEnv, argv: readonly string[], command: string): Promise<string> {
  const scan = (liaison as Record<string, unknown>).scanLiaison as Scan | undefined;
  if (typeof scan !== 'function') return section('3. Liaison scan', env, command, 'Skipped: `src/workers/liaison.worker.ts` does not export `scanLiaison`.');
  const links = numberArg(argv, 'links', 100_000);
  const runs = numberArg(argv, 'runs', 3);
  // Only the seeded directory: the demo's own links would be counted with them.
  const app = await createBenchApp(env, 'liaison', { directory: false });
  try {
    await seedLinks(app, links);
    const today = reminderDay(app);
    const rows: { scan: Awaited<ReturnType<typeof measure>>; cursor: Awaited<ReturnType<typeof measure>>; short: number; reminders: number }[] = [];
    for (let run = 1; run <= runs; run++) {
      await app.queues.notify.obliterate({ force: true });
      global.gc?.();
      let reminders = 0;
      let short = 0;
      const scanned = await measure(async () => {
        const summary = await scan(app, today);
        reminders = summary.reminders;
        // A scan from before the per-official reminder queued one reminder per short link.
        short = summary.shortLinks ?? summary.reminders;
      });
      global.gc?.();
      let read = 0;
      const cursor = await measure(async () => {
        for await (const link of app.db.models.Link.find({}, { _id: 0, official: 1, enterprise: 1 }).lean().cursor({ batchSize: 1000 })) if (link) read += 1;
      });
      if (read !== links) throw new Error(`cursor read ${read} of ${links} links`);
      process.stderr.write(`liaison run ${run}/${runs}: scan ${fmt(scanned.ms, 0)} ms (${short} short links, ${reminders} reminders), cursor ${fmt(cursor.ms, 0)} ms\n`);
      rows.push({ scan: scanned, cursor, short, reminders });
    }
    const m = (pick: (r: (typeof rows)[number]) => number): number => median(rows.map(pick));
    const scanMs = m((r) => r.scan.ms);
    const scanPeak = m((r) => r.scan.peakMb);
    const body = [
      `${links} links (${Math.ceil(links / 100)} active officials × 100 enterprises, no visits: every link is short — the heaviest day; each official gets one reminder naming its short enterprises), scan date ${today}, ${runs} runs (medians; the notify queue is emptied before each). ` +
        'RSS is the whole bench process (sampled every 10 ms), growth is peak minus RSS before the step. Baseline: a bare mongoose cursor (batch 1000, lean) over the same `links` collection.',
      '',
      table(
        ['step', 'links', 'short links', 'reminders queued', 'wall s', 'ratio vs baseline', 'peak RSS MB', 'RSS growth MB', 'goal'],
        [
          ['`scanLiaison`', String(links), String(m((r) => r.short)), String(m((r) => r.reminders)), fmt(scanMs / 1000, 2), `${fmt(m((r) => r.scan.ms / r.cursor.ms), 2)}×`, fmt(scanPeak, 0), fmt(m((r) => r.scan.growthMb), 0), `≤ 5 s: ${scanMs <= 5000 ? 'met' : 'missed'}; ≤ 300 MB: ${scanPeak <= 300 ? 'met' : 'missed'}`],
          ['bare cursor (baseline)', String(links), '', '', fmt(m((r) => r.cursor.ms) / 1000, 2), '1.00×', fmt(m((r) => r.cursor.peakMb), 0), fmt(m((r) => r.cursor.growthMb), 0), ''],
        ],
      ),
    ].join('\n');
    return section('3. Liaison scan', env, command, body);
  } finally {
    await app.close();
  }
}
