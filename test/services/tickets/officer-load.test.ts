import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, LUOYANG, official, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { accept, resolve, transfer } from '../../../src/services/tickets/officer-actions.ts';
import { readLoads, recountLoads } from '../../../src/services/tickets/officer-load.ts';
import { sweepUnqueuedTickets } from '../../../src/workers/sweep.worker.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;
let ly: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('officerload');
  zy = await addContact(app, ZHONGYUAN, '910001');
  ly = await addContact(app, LUOYANG, '910002');
});
afterAll(() => app.close());

const loads = async (...codes: string[]) => Object.fromEntries([...(await readLoads(app, codes))].map(([code, l]) => [code, l.open]));

/** What the tickets themselves say: open tickets per assignee. */
async function counted(...codes: string[]) {
  const open = await app.db.models.Ticket.find({ status: { $in: ['assigned', 'accepted', 'reopened'] } }, { assignee: 1 }).lean<{ assignee?: string }[]>();
  return Object.fromEntries(codes.map((code) => [code, open.filter((t) => t.assignee === code).length]));
}

describe("officers' open-ticket counters", () => {
  it('follow assignment, acceptance, transfer and resolution, and agree with the tickets', async () => {
    const a = await submit(app, ZHONGYUAN, zy.contactId, '910001');
    const b = await submit(app, LUOYANG, ly.contactId, '910002');
    await runJobs(app);
    expect(await loads('rf-works-01', 'rf-works-02')).toEqual(await counted('rf-works-01', 'rf-works-02'));
    expect(await loads('rf-works-01', 'rf-works-02')).toEqual({ 'rf-works-01': 1, 'rf-works-02': 1 });

    await accept(app, a.number, await official(app, 'rf-works-01'));
    expect(await loads('rf-works-01')).toEqual({ 'rf-works-01': 1 });
    await resolve(app, a.number, await official(app, 'rf-works-01'), '审批已办结，批复文件已寄出。');
    await transfer(app, b.number, await official(app, 'rf-works-02'), 'office', '属于办公室职责范围，转交办理。');
    await runJobs(app);
    const codes = ['rf-works-01', 'rf-works-02', 'rf-office-01'];
    expect(await loads(...codes)).toEqual(await counted(...codes));
    expect((await loads('rf-works-01', 'rf-works-02'))).toEqual({ 'rf-works-01': 0, 'rf-works-02': 0 });
  });

  it('are recounted from the tickets when Redis lost them, and by the sweeper when a count went astray', async () => {
    const codes = ['rf-works-01', 'rf-works-02', 'rf-office-01'];
    const truth = await counted(...codes);
    // Redis restarted without its data: the next read recounts.
    const keys = await app.redisClient.keys(`qinqing:{${app.db.connection.name}}:officers:*`);
    expect(keys.length).toBeGreaterThan(0);
    await app.redisClient.del(...keys);
    expect(await loads(...codes)).toEqual(truth);

    // A crash between a write and its count: the sweeper's periodic recount repairs it.
    await app.redisClient.hincrby(`qinqing:{${app.db.connection.name}}:officers:load`, 'rf-works-02', 5);
    await app.redisClient.set(`qinqing:{${app.db.connection.name}}:officers:counted-at`, '1');
    await sweepUnqueuedTickets(app);
    expect(await loads(...codes)).toEqual(truth);
    expect(await recountLoads(app)).toBeGreaterThanOrEqual(0);
  });
});
