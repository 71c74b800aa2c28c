import mongoose from 'mongoose';
import type { Env } from '../config/env.ts';
import { calendarOverrides, loadProfile } from '../config/profiles.ts';
import { redactUri } from '../db/connection.ts';
import { createWorkingCalendar, toShanghaiDate } from '../domain/working-days.ts';
import { probeRedis } from '../queue/redis.ts';
import { readServerState } from '../../scripts/local-servers.ts';
import { dbNameOf } from '../runtime/endpoints.ts';
import { qinqingHome } from '../runtime/paths.ts';
import type { Profile } from '../domain/profile.ts';

type Level = 'ok' | 'warn' | 'fail';
const MARK: Record<Level, string> = { ok: '✔', warn: '!', fail: '✘' };

async function mongoVersion(uri: string): Promise<string> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = typeof info.ferretdbVersion === 'string' ? `FerretDB ${info.ferretdbVersion}, ` : '';
    return `${ferret}MongoDB wire version ${String(info.version)}`;
  } finally {
    await client.close();
  }
}

/** Finds the servers to check: the configured ones, else the embedded default's if it is running. */
function endpoints(env: Env): { mongo?: string; redis?: string; note?: string } {
  const home = qinqingHome(env);
  const mongo = env.MONGODB_URI ?? readServerState(home, 'ferretdb')?.url;
  const redis = env.REDIS_URL ?? readServerState(home, 'redis')?.url;
  return { ...(mongo ? { mongo } : {}), ...(redis ? { redis } : {}) };
}

/**
 * Prints one line per check and returns the exit code: 0 when nothing failed (warnings allowed), 1 otherwise.
 */
export async function runDoctor(env: Env, out: NodeJS.WritableStream, now = new Date()): Promise<number> {
  let failed = false;
  const line = (level: Level, what: string, detail: string) => {
    if (level === 'fail') failed = true;
    out.write(`${MARK[level]} ${what}: ${detail}\n`);
  };
  line('ok', 'configuration', 'environment variables are valid');

  let profile: Profile | undefined;
  try {
    profile = loadProfile(env.QINQING_PROFILE);
    line('ok', 'profile', `${profile.code} (${profile.name.zh}): ${profile.units.length} units, ${profile.categories.length} categories`);
  } catch (error) {
    line('fail', 'profile', (error as Error).message);
  }

  const found = endpoints(env);
  if (found.mongo) {
    try {
      line('ok', 'mongodb', `${redactUri(found.mongo)} (database ${dbNameOf(found.mongo)}): ${await mongoVersion(found.mongo)}`);
    } catch (error) {
      line('fail', 'mongodb', `${redactUri(found.mongo)} is not reachable: ${(error as Error).message}`);
    }
  } else {
    line('fail', 'mongodb', 'MONGODB_URI is not set and the local FerretDB is not running (run: qinqing services start)');
  }
  if (found.redis) {
    try {
      line('ok', 'redis', `${found.redis.replace(/\/\/[^@/]*@/, '//***@')}: Redis ${(await probeRedis(found.redis)).version}`);
    } catch (error) {
      line('fail', 'redis', (error as Error).message);
    }
  } else {
    line('fail', 'redis', 'REDIS_URL is not set and the local Redis is not running (run: qinqing services start)');
  }

  const calendar = createWorkingCalendar(profile ? calendarOverrides(profile) : {});
  const year = Number(toShanghaiDate(now).slice(0, 4));
  for (const y of [year, year + 1]) {
    const coverage = calendar.coverage(y);
    if (coverage === 'statutory-fallback') {
      line(
        'warn',
        `holiday calendar ${y}`,
        'the official schedule is not known yet: deadlines use the statutory holidays without 调休 and are marked provisional; add calendar.overrides to the profile once the State Council publishes it',
      );
    } else {
      line('ok', `holiday calendar ${y}`, coverage === 'official' ? 'official schedule (chinese-days)' : 'profile overrides');
    }
  }
  return failed ? 1 : 0;
}
