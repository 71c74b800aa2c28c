/**
 * The scan on 100,000 links: `QINQING_PERF=1 npx vitest run test/services/liaison/liaison-scan.perf.test.ts`.
 * Skipped otherwise: seeding takes longer than the scan. Prints wall time and memory of each run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfYearOf } from '../../../src/domain/liaison-cadence.ts';
import { countVisits, enterpriseNames, linkBatches } from '../../../src/services/liaison/liaison-data.ts';
import { digestLiaison, scanLiaison } from '../../../src/workers/liaison.worker.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';

const LINKS = 100_000;
const OFFICIALS = 2_000;
const ENTERPRISES = 20_000;

/** A credit-code-shaped id (the scan never checks the check character). */
const enterprise = (i: number) => `914101${String(i).padStart(12, '0')}`;

async function measure<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const began = performance.now();
  try {
    const result = await run();
    const ms = Math.round(performance.now() - began);
    const mb = (n: number) => Math.round(n / 1048576);
    process.stderr.write(`${label}: ${ms} ms, rss ${mb(start.rss)} → peak ${mb(peakRss)} MB, heap ${mb(start.heapUsed)} → peak ${mb(peakHeap)} MB, ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    clearInterval(sampler);
  }
}

describe.skipIf(!process.env.QINQING_PERF)('the liaison scan on 100,000 links', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp('liaisonperf', { directory: false, now: new Date('2026-05-19T01:00:00Z') });
    const { Official, Enterprise, Link, Visit } = app.db.models;
    const units = ['works', 'office', 'quality', 'equipment', 'finance', 'policy'];
    await Official.collection.insertMany(
      Array.from({ length: OFFICIALS }, (_, i) => ({ code: `o${i}`, name: `官员${i}`, unit: units[i % units.length], roles: i < 12 ? ['officer', 'supervisor'] : ['officer'], level: 'city', active: true })),
    );
    for (let from = 0; from < ENTERPRISES; from += 10_000) {
      await Enterprise.collection.insertMany(Array.from({ length: 10_000 }, (_, k) => ({ creditCode: enterprise(from + k), name: `企业${from + k}`, ownership: 'private', size: 'small', region: '郑州市' })));
    }
    // Each official holds 50 links; every other link was visited this half-year.
    for (let from = 0; from < LINKS; from += 10_000) {
      const batch = Array.from({ length: 10_000 }, (_, k) => from + k);
      await Link.collection.insertMany(batch.map((i) => ({ official: `o${i % OFFICIALS}`, enterprise: enterprise(Math.floor(i / OFFICIALS) * 400 + (i % 400)) })));
      await Visit.collection.insertMany(
        batch.filter((i) => i % 2 === 0).map((i) => ({
          official: `o${i % OFFICIALS}`, unit: 'works', leadership: false, enterprise: enterprise(Math.floor(i / OFFICIALS) * 400 + (i % 400)), linked: true,
          date: '2026-03-10', form: 'on-site', learnt: '了解情况', problems: [], meal: 'no', giftsAccepted: false, recordedAt: new Date('2026-03-10T02:00:00Z'),
        })),
      );
    }
  }, 600_000);
  afterAll(() => app?.close());

  it('reads every link once and queues one reminder per official with short links', async () => {
    expect(await app.db.models.Link.countDocuments()).toBe(LINKS);
    // Where the time goes: each read alone.
    await measure('read: visits of the year, counted per link', async () => (await countVisits(app, halfYearOf('2026-05-19'))).read);
    await measure('read: links', async () => {
      let n = 0;
      for await (const batch of linkBatches(app)) n += batch.length;
      return n;
    });
    await measure('read: enterprise names', async () => (await enterpriseNames(app)).size);
    const quiet = await measure('scan, no reminder day', () => scanLiaison(app, '2026-05-18'));
    expect(quiet.linksRead).toBe(0);
    const summary = await measure('scan, reminder day', () => scanLiaison(app, '2026-05-19'));
    // Odd-numbered officials visited nothing: their 50 links each are short, told in one reminder each.
    expect(summary).toMatchObject({ linksRead: LINKS, visitsRead: LINKS / 2, shortLinks: LINKS / 2, reminders: OFFICIALS / 2 });
    expect(await app.queues.notify.count()).toBe(OFFICIALS / 2);
    const again = await measure('scan again (all queued already)', () => scanLiaison(app, '2026-05-19'));
    expect(again.reminders).toBe(OFFICIALS / 2);
    expect(await app.queues.notify.count()).toBe(OFFICIALS / 2);
    const digest = await measure('weekly digest', () => digestLiaison(app, '2026-05-18'));
    // Odd-numbered officials visited nothing; the six odd supervisors are in their units.
    expect(digest).toMatchObject({ behind: OFFICIALS / 2, digests: 6 });
  }, 300_000);
});
