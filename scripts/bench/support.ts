/** Shared pieces of the benchmarks: servers, a services context, statistics and the RESULTS.md writer. */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { calendarOverrides, loadProfile } from '../../src/config/profiles.ts';
import { connectDatabase, type Database } from '../../src/db/connection.ts';
import { createWorkingCalendar } from '../../src/domain/working-days.ts';
import { openQueues } from '../../src/queue/queues.ts';
import { createRedis } from '../../src/queue/redis.ts';
import { importDirectory } from '../../src/services/directory-import.ts';
import { syncProfileUnits } from '../../src/services/profile-units.ts';
import type { TicketServiceContext } from '../../src/services/tickets/create-ticket.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { startLocalServers, stopLocalServers } from '../local-servers.ts';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_DIRECTORY = readFileSync(join(projectRoot, 'config', 'demo', 'directory.yaml'), 'utf8');
export const ZHONGYUAN = '91410100MA40A00014';

/** `--name value` pairs of the command line. */
export function numberArg(argv: readonly string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  const raw = at >= 0 ? argv[at + 1] : undefined;
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Private servers for one benchmark run, and what the report says about the machine. */
export interface BenchEnv {
  mongoUri: string;
  redisUrl: string;
  loadAtStart: readonly number[];
  versions: { node: string; redis: string; ferretdb: string };
  /** The servers' process ids, for benchmarks that measure their CPU. */
  serverPids: { redis: number; ferretdb: number };
  close(): Promise<void>;
}

export async function startEnv(): Promise<BenchEnv> {
  const loadAtStart = loadavg();
  const home = mkdtempSync(join(tmpdir(), 'qinqing-bench-'));
  const { redis, ferretdb } = await startLocalServers({ home, persist: false });
  const probe = createRedis(redis.url);
  const info = await probe.info('server');
  probe.disconnect();
  const db = await connectDatabase(ferretdb.url, { dbName: 'bench_probe', buildIndexes: false });
  const build = (await db.connection.db?.admin().command({ buildInfo: 1 })) ?? {};
  await db.close();
  const ferret = typeof build.ferretdbVersion === 'string' ? build.ferretdbVersion : undefined;
  return {
    mongoUri: ferretdb.url,
    redisUrl: redis.url,
    loadAtStart,
    versions: {
      node: process.version,
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      ferretdb: `${ferret ?? 'unknown'} (wire ${String(build.version ?? '?')})`,
    },
    serverPids: { redis: redis.pid, ferretdb: ferretdb.pid },
    close: async () => {
      await stopLocalServers(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A services context on the bench servers: its own database and queue prefix, the real clock. */
export type BenchApp = TicketServiceContext & { db: Database; redis: Redis; prefix: string; keyPrefix: string; dataKey: Buffer; close(): Promise<void> };

export async function createBenchApp(env: BenchEnv, label: string, options: { directory?: boolean; monitorCommands?: boolean } = {}): Promise<BenchApp> {
  const name = `bench_${label}_${randomUUID().slice(0, 8)}`;
  const db = await connectDatabase(env.mongoUri, { dbName: name, monitorCommands: options.monitorCommands === true });
  const redis = createRedis(env.redisUrl, 'worker');
  const prefix = `{${name}}`;
  const profile = loadProfile('henan-rfb');
  const queues = openQueues(redis, prefix);
  await syncProfileUnits(db.models, profile);
  if (options.directory !== false) await importDirectory(db.models, DEMO_DIRECTORY);
  return {
    db,
    redis,
    queues,
    prefix,
    keyPrefix: `${prefix}:`,
    clock: systemClock,
    logger: createLogger({ level: process.env.BENCH_LOG_LEVEL === 'error' ? 'error' : 'silent' }),
    profile,
    calendar: createWorkingCalendar(calendarOverrides(profile)),
    dataKey: randomBytes(32),
    close: async () => {
      await queues.close();
      const keys = await redis.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      redis.disconnect();
      await db.connection.dropDatabase();
      await db.close();
    },
  };
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The section of RESULTS.md for one benchmark: machine, versions, command, load, then the body. */
export function section(title: string, env: BenchEnv, command: string, body: string): string {
  const [one = 0, five = 0, fifteen = 0] = env.loadAtStart;
  const cpu = cpus();
  return [
    `## ${title}`,
    '',
    `- Run: ${new Date().toISOString()}; command: \`${command}\``,
    `- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Versions: Node ${env.versions.node}, Redis ${env.versions.redis}, FerretDB ${env.versions.ferretdb}`,
    `- Load average at start: ${one.toFixed(2)} / ${five.toFixed(2)} / ${fifteen.toFixed(2)} (1/5/15 min). The machine is shared with other engineers' tests: figures are only comparable within one run, hence the ratios.`,
    '',
    body,
    '',
  ].join('\n');
}

const RESULTS = join(projectRoot, 'bench', 'RESULTS.md');

/** Replaces (or appends) the benchmark's section of bench/RESULTS.md, leaving the others alone. */
export function writeResults(name: string, content: string): void {
  mkdirSync(dirname(RESULTS), { recursive: true });
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${content}${end}`;
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, next);
}
