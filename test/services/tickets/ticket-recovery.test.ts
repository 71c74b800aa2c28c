import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, submission, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { createTicket } from '../../../src/services/tickets/create-ticket.ts';
import { findTicket } from '../../../src/services/tickets/act.ts';
import { openQueues } from '../../../src/queue/queues.ts';
import { sweepUnqueuedTickets, SWEEP_GRACE_MS } from '../../../src/workers/sweep.worker.ts';
import { verifyTicketHistory } from '../../../src/services/tickets/verify-history.ts';
import { runCli } from '../../support/cli.ts';
import { mongoUri, redisUrl } from '../../support/servers.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('recovery');
  zy = await addContact(app, ZHONGYUAN, '930001');
});
afterAll(() => app.close());

describe('a crash between writing a ticket and queueing its work', () => {
  it('keeps the ticket and its pending jobs, and the sweeper finishes the work exactly once', async () => {
    // Redis is unreachable while the ticket is written: the insert succeeds, the flush fails.
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, showFriendlyErrorStack: false });
    deadRedis.on('error', () => undefined);
    const deadQueues = openQueues(deadRedis, app.prefix);
    await expect(createTicket({ ...app, queues: deadQueues }, submission(ZHONGYUAN, zy.contactId, '930001'))).rejects.toThrow();
    await deadQueues.close().catch(() => undefined);
    deadRedis.disconnect();

    const stranded = await app.db.models.Ticket.findOne({ status: 'submitted' }).lean();
    expect(stranded).not.toBeNull();
    const id = String(stranded?._id);
    expect(await app.queues.tickets.getJob(`assign.${id}.0`)).toBeUndefined();
    // The first event was copied out before the queue failed; the jobs are still in the outbox.
    expect(await app.db.models.HistoryEvent.countDocuments({ ticket: id })).toBe(1);

    // Within the grace period the sweeper leaves it alone; after it, the outbox is carried out.
    expect(await sweepUnqueuedTickets(app)).toEqual({ flushed: 0, requeued: 0 });
    app.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepUnqueuedTickets(app)).toMatchObject({ flushed: 1 });
    expect(await app.queues.tickets.getJob(`assign.${id}.0`)).toBeDefined();
    expect(await app.db.models.HistoryEvent.countDocuments({ ticket: id })).toBe(1);

    // A second sweep, or a repeated flush, doubles nothing.
    await sweepUnqueuedTickets(app);
    expect(await app.queues.tickets.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    await runJobs(app);
    const ticket = await findTicket(app, id);
    expect(ticket).toMatchObject({ status: 'assigned', assignee: 'rf-works-01' });
    expect(await app.db.models.HistoryEvent.countDocuments({ ticket: id, action: 'assign' })).toBe(1);
    expect(await verifyTicketHistory(app, ticket.number)).toMatchObject({ ok: true });
  });

  it('re-queues a submitted ticket whose assign job was lost', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '930001');
    await (await app.queues.tickets.getJob(`assign.${t._id}.0`))?.remove();
    app.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepUnqueuedTickets(app)).toMatchObject({ requeued: 1 });
    await runJobs(app);
    expect((await findTicket(app, t.number)).status).toBe('assigned');
  });
});

describe('the tamper-evident history (POLICY §10, P+4)', () => {
  it('detects an altered, a removed and a reordered event, naming the first broken one', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '930001');
    await runJobs(app);
    const { HistoryEvent } = app.db.models;
    expect(await verifyTicketHistory(app, t.number)).toMatchObject({ ok: true });

    // Someone edits the recorded category of the first event straight in the database.
    await HistoryEvent.collection.updateOne({ ticket: t._id, seq: 1 }, { $set: { 'data.category': 'suggestion' } });
    expect(await verifyTicketHistory(app, t.number)).toEqual({ number: t.number, ok: false, seq: 1, problem: 'hash' });

    const dbName = app.db.connection.name;
    const cli = await runCli(['verify-history', t.number], { MONGODB_URI: `${mongoUri()}${dbName}`, REDIS_URL: redisUrl() }, 20_000);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe(`${t.number}: history broken at event 1: it was altered after it was written\n`);

    await HistoryEvent.collection.updateOne({ ticket: t._id, seq: 1 }, { $set: { 'data.category': 'project-approval' } });
    expect(await verifyTicketHistory(app, t.number)).toMatchObject({ ok: true });
    await HistoryEvent.collection.deleteOne({ ticket: t._id, seq: 2 });
    expect(await verifyTicketHistory(app, t.number)).toMatchObject({ ok: false, seq: 2, problem: 'missing' });
  });
});
