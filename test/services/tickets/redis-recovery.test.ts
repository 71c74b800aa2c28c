import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { processAssign } from '../../../src/workers/assign.worker.ts';
import { recoverAfterRedisRestart } from '../../../src/workers/redis-recovery.ts';
import type { Channels } from '../../../src/workers/notify.worker.ts';
import type { OutboundMessage } from '../../../src/platforms/types.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('redisrecovery');
  zy = await addContact(app, ZHONGYUAN, '920001');
});
afterAll(() => app.close());

const slaJobIds = async () => (await app.queues.sla.getJobs(['delayed', 'waiting'], 0, -1)).map((j) => j.id).sort();
const runIdKey = () => `qinqing:{${app.db.connection.name}}:redis-run-id`;

/** Redis comes back from an older snapshot: the queue's jobs are gone and the recorded run id is old. */
async function loseQueue(queue: 'sla' | 'notify'): Promise<void> {
  await app.queues[queue].obliterate({ force: true });
  await app.redisClient.set(runIdKey(), 'an-older-run');
}

/** A channel that delivers everything and remembers what it delivered. */
function recordingChannel(): Channels & { sent: { chatId: string; message: OutboundMessage }[] } {
  const sent: { chatId: string; message: OutboundMessage }[] = [];
  return { sent, send: async (_platform, chatId, message) => (sent.push({ chatId, message }), { ok: true }), running: () => true };
}

describe('after a Redis restart that lost jobs', () => {
  it("plans every open ticket's deadline jobs again, with the ids they had, and only once per restart", async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001');
    await runJobs(app);
    const planned = await slaJobIds();
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((id) => id?.includes(t._id))).toBe(true);
    // The first look records this Redis's run id (nothing was lost: nothing is added).
    // Its notices were held (no channel runs here): their two chats are marked again, which is harmless.
    expect(await recoverAfterRedisRestart(app)).toEqual({ assignJobs: 0, outboxes: 0, deadlineJobs: 0, notices: 0, heldChats: 2 });

    await loseQueue('sla');
    expect(await slaJobIds()).toEqual([]);

    expect((await recoverAfterRedisRestart(app))?.deadlineJobs).toBe(planned.length);
    expect(await slaJobIds()).toEqual(planned);
    // Same Redis, next sweep: nothing to do.
    expect(await recoverAfterRedisRestart(app)).toBeUndefined();
  });

  it('queues again the notices recorded as queued whose jobs were lost, and each is sent once', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001');
    // Assigned by hand, so that its notices stay queued.
    await app.queues.tickets.obliterate({ force: true });
    expect(await processAssign(app, { ticketId: t._id })).toBe('assigned');
    // The change queued its notices with their records, before any attempt.
    const queued = await app.db.models.Notice.find({ ticket: t._id }).lean();
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((n) => n.status === 'queued' && n.attempts === 0)).toBe(true);
    await recoverAfterRedisRestart(app);

    await loseQueue('notify');
    expect(await app.queues.notify.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 0, delayed: 0 });
    const recovered = await recoverAfterRedisRestart(app);
    expect(recovered?.notices).toBe(queued.length);

    const channel = recordingChannel();
    await runJobs(app, channel);
    const records = await app.db.models.Notice.find({ ticket: t._id }).lean();
    expect(records.filter((n) => n.status === 'sent').map((n) => n.dedupeKey).sort()).toEqual(queued.map((n) => n.dedupeKey).sort());
    expect(channel.sent.filter((s) => s.chatId === '920001').length).toBe(queued.filter((n) => n.recipient.ref === zy.contactId).length);

    // Sent notices are done: a later restart queues none of them again.
    await loseQueue('notify');
    expect((await recoverAfterRedisRestart(app))?.notices).toBe(0);
  });

  it('queues again the assign job of a ticket submitted just before the restart, without waiting for the sweep grace', async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001');
    await recoverAfterRedisRestart(app);
    await app.queues.tickets.obliterate({ force: true });
    await app.redisClient.set(runIdKey(), 'an-older-run');
    expect((await recoverAfterRedisRestart(app))?.assignJobs).toBe(1);
    await runJobs(app);
    expect((await app.db.models.Ticket.findById(t._id).lean())?.status).toBe('assigned');
  });
});
