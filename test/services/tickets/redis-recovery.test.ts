import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { runJobs } from '../../support/jobs.ts';
import { addContact, submit, ZHONGYUAN } from '../../support/fixtures.ts';
import { replanAfterRedisRestart } from '../../../src/workers/redis-recovery.ts';

let app: TestApp;
let zy: Awaited<ReturnType<typeof addContact>>;

beforeAll(async () => {
  app = await createTestApp('redisrecovery');
  zy = await addContact(app, ZHONGYUAN, '920001');
});
afterAll(() => app.close());

const slaJobIds = async () => (await app.queues.sla.getJobs(['delayed', 'waiting'], 0, -1)).map((j) => j.id).sort();

describe('after a Redis restart that lost jobs', () => {
  it("plans every open ticket's deadline jobs again, with the ids they had, and only once per restart", async () => {
    const t = await submit(app, ZHONGYUAN, zy.contactId, '920001');
    await runJobs(app);
    const planned = await slaJobIds();
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((id) => id?.includes(t._id))).toBe(true);
    // The first look records this Redis's run id (nothing was lost: nothing is added).
    expect(await replanAfterRedisRestart(app)).toBe(0);

    // Redis comes back from an older snapshot: the deadline jobs are gone and the recorded run id is old.
    await app.queues.sla.obliterate({ force: true });
    await app.redisClient.set(`qinqing:{${app.db.connection.name}}:redis-run-id`, 'an-older-run');
    expect(await slaJobIds()).toEqual([]);

    expect(await replanAfterRedisRestart(app)).toBe(planned.length);
    expect(await slaJobIds()).toEqual(planned);
    // Same Redis, next sweep: nothing to do.
    expect(await replanAfterRedisRestart(app)).toBeUndefined();
  });
});
