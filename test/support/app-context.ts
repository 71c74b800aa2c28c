import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calendarOverrides, loadProfile } from '../../src/config/profiles.ts';
import { createWorkingCalendar } from '../../src/domain/working-days.ts';
import { openQueues } from '../../src/queue/queues.ts';
import { importDirectory } from '../../src/services/directory-import.ts';
import { syncProfileUnits } from '../../src/services/profile-units.ts';
import type { TicketServiceContext } from '../../src/services/tickets/create-ticket.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { testDatabase, testRedis } from './servers.ts';

export const DEMO_DIRECTORY = readFileSync(new URL('../../config/demo/directory.yaml', import.meta.url), 'utf8');

export type TestApp = TicketServiceContext & {
  clock: ManualClock;
  redisClient: ReturnType<typeof testRedis>['redis'];
  prefix: string;
  dataKey: Buffer;
  close(): Promise<void>;
};

/**
 * A services context on the real servers: its own database and queue prefix, a manual clock (default
 * Monday 2026-03-02 09:00 Shanghai), the henan-rfb profile, a random data key, and the demo directory.
 */
export async function createTestApp(label: string, options: { now?: Date; profile?: string; directory?: string | false } = {}): Promise<TestApp> {
  const db = await testDatabase(label);
  const redis = testRedis(label);
  const profile = loadProfile(options.profile ?? 'henan-rfb');
  const queues = openQueues(redis.redis, redis.prefix);
  const clock = new ManualClock(options.now ?? new Date('2026-03-02T01:00:00Z'));
  await syncProfileUnits(db.models, profile);
  if (options.directory !== false) await importDirectory(db.models, options.directory ?? DEMO_DIRECTORY);
  return {
    db,
    queues,
    clock,
    logger: createLogger({ level: 'silent' }),
    profile,
    calendar: createWorkingCalendar(calendarOverrides(profile)),
    dataKey: randomBytes(32),
    redis: redis.redis,
    redisClient: redis.redis,
    prefix: redis.prefix,
    close: async () => {
      await queues.close();
      await redis.close();
      await db.drop();
    },
  };
}
