/**
 * The embedded default: Debian's redis-server and FerretDB (SQLite backend) started on free loopback
 * ports, tracked by pid files under `<home>/.run/`. Used by `qinqing services` and the test setup.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';

export type ServerName = 'redis' | 'ferretdb';

export interface ServerState {
  name: ServerName;
  pid: number;
  port: number;
  url: string;
  logFile: string;
}

export interface LocalServersOptions {
  /** Folder holding `.run/` (pid files, logs) and `.data/` (server data). */
  home: string;
  /** Keep data across restarts (dev default) or not (tests). */
  persist: boolean;
  /** Seconds to wait for a server to answer. */
  timeoutSeconds?: number;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class LocalServerError extends Error {
  override name = 'LocalServerError';
}

function runDir(home: string): string {
  return join(home, '.run');
}

function stateFile(home: string, name: ServerName): string {
  return join(runDir(home), `${name}.json`);
}

/** Reads a recorded server; undefined when none is recorded or its process is gone. */
export function readServerState(home: string, name: ServerName): ServerState | undefined {
  const file = stateFile(home, name);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as ServerState;
  return isAlive(state.pid) ? state : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function which(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function runInstaller(script: string): void {
  execFileSync('bash', [join(projectRoot, 'scripts', script)], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The redis-server binary, installed from Debian when missing. */
export function redisBinary(): string {
  const found = which('redis-server');
  if (found) return found;
  runInstaller('install-redis.sh');
  const installed = which('redis-server');
  if (!installed) throw new LocalServerError('redis-server is still missing after scripts/install-redis.sh');
  return installed;
}

/** The FerretDB binary in Go's bin folder, built by scripts/install-ferretdb.sh when missing. */
export function ferretdbBinary(): string {
  runInstaller('install-ferretdb.sh');
  const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
  return join(gopath, 'bin', 'ferretdb');
}

function launch(home: string, name: ServerName, command: string, args: string[], port: number, url: string): ServerState {
  mkdirSync(runDir(home), { recursive: true });
  const logFile = join(runDir(home), `${name}.log`);
  const log = openSync(logFile, 'a');
  // Detached so the server outlives `qinqing services start`; its own process group lets stop kill it alone.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new LocalServerError(`${name} did not start; see ${logFile}`);
  const state: ServerState = { name, pid: child.pid, port, url, logFile };
  writeFileSync(stateFile(home, name), JSON.stringify(state, null, 2));
  return state;
}

async function waitUntil(check: () => Promise<void>, state: ServerState, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) break;
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const why = isAlive(state.pid) ? `did not answer within ${timeoutSeconds}s` : 'exited';
  const cause = lastError instanceof Error ? ` (${lastError.message})` : '';
  throw new LocalServerError(`${state.name} on port ${state.port} ${why}${cause}; see ${state.logFile}`);
}

/** Answers when Redis replies to PING. */
export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Answers when a MongoDB-wire server replies to `hello`. */
export async function helloMongo(uri: string): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ hello: 1 });
  } finally {
    await client.close();
  }
}

async function startRedis(options: LocalServersOptions): Promise<ServerState> {
  const running = readServerState(options.home, 'redis');
  if (running) return running;
  const port = await freePort();
  const dataDir = join(options.home, '.data', 'redis');
  mkdirSync(dataDir, { recursive: true });
  const persistence = options.persist ? ['--appendonly', 'yes', '--save', '60 1'] : ['--appendonly', 'no', '--save', ''];
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir, ...persistence, '--protected-mode', 'yes'];
  const state = launch(options.home, 'redis', redisBinary(), args, port, `redis://127.0.0.1:${port}`);
  await waitUntil(() => pingRedis(state.url), state, options.timeoutSeconds ?? 20);
  return state;
}

async function startFerretdb(options: LocalServersOptions, onPort?: number): Promise<ServerState> {
  const running = readServerState(options.home, 'ferretdb');
  if (running) return running;
  const binary = ferretdbBinary();
  const port = onPort ?? (await freePort());
  const dataDir = join(options.home, '.data', 'ferretdb');
  const stateDir = join(options.home, '.data', 'ferretdb-state');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${stateDir}`,
    '--log-level=warn',
  ];
  const state = launch(options.home, 'ferretdb', binary, args, port, `mongodb://127.0.0.1:${port}/`);
  await waitUntil(() => helloMongo(state.url), state, options.timeoutSeconds ?? 30);
  return state;
}

/** Starts (or finds running) both local servers. */
export async function startLocalServers(options: LocalServersOptions): Promise<{ redis: ServerState; ferretdb: ServerState }> {
  const [redis, ferretdb] = await Promise.all([startRedis(options), startFerretdb(options)]);
  return { redis, ferretdb };
}

/** SIGTERM, then SIGKILL if the server is still there after 10 s. */
async function terminate(state: ServerState): Promise<void> {
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
}

/** Stops the recorded servers and forgets them; returns the names it stopped. */
export async function stopLocalServers(home: string, options: { wipeData?: boolean } = {}): Promise<ServerName[]> {
  const stopped: ServerName[] = [];
  for (const name of ['redis', 'ferretdb'] as const) {
    const state = readServerState(home, name);
    if (state) {
      await terminate(state);
      stopped.push(name);
    }
    rmSync(stateFile(home, name), { force: true });
  }
  if (options.wipeData) rmSync(join(home, '.data'), { recursive: true, force: true });
  return stopped;
}

/**
 * Stops FerretDB alone (the fault suite's outage), keeping its record and its SQLite data, so that
 * {@link restartFerretdb} brings it back on the same port with the same documents. Returns what was stopped.
 */
export async function stopFerretdb(home: string): Promise<ServerState | undefined> {
  const state = readServerState(home, 'ferretdb');
  if (state) await terminate(state);
  return state;
}

/** Starts FerretDB again after {@link stopFerretdb}: same port (clients reconnect by themselves), same data. */
export async function restartFerretdb(options: LocalServersOptions): Promise<ServerState> {
  const file = stateFile(options.home, 'ferretdb');
  const recorded = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServerState) : undefined;
  return startFerretdb(options, recorded?.port);
}

/** What is running, and whether it answers. */
export async function localServersStatus(home: string): Promise<{ name: ServerName; state?: ServerState; answering: boolean }[]> {
  const result = [];
  for (const name of ['redis', 'ferretdb'] as const) {
    const state = readServerState(home, name);
    let answering = false;
    if (state) {
      try {
        await (name === 'redis' ? pingRedis(state.url) : helloMongo(state.url));
        answering = true;
      } catch {
        answering = false;
      }
    }
    result.push(state ? { name, state, answering } : { name, answering });
  }
  return result;
}

/**
 * For the fault suite: stops the recorded Redis the way a crash (`SIGKILL`) or an operator (`SIGTERM`, which
 * saves first) would, and waits until it is gone. Its state file stays, so `restartRedis` reuses its port
 * and data folder. Returns the state it stopped.
 */
export async function killRedis(home: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<ServerState> {
  const file = stateFile(home, 'redis');
  if (!existsSync(file)) throw new LocalServerError(`no Redis is recorded under ${home}`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as ServerState;
  if (isAlive(state.pid)) process.kill(state.pid, signal);
  const deadline = Date.now() + 10_000;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (isAlive(state.pid)) throw new LocalServerError(`redis (pid ${state.pid}) did not stop on ${signal} within 10 s`);
  return state;
}

/**
 * Starts the recorded Redis again on the port it had, over its data folder. `from: 'aof'` replays the
 * append-only file, so every acknowledged write comes back; `from: 'snapshot'` loads only the last RDB
 * snapshot (`dump.rdb`), as a Redis that keeps snapshots alone (Debian's default) does after a crash: the
 * writes since that snapshot are gone, and it keeps snapshots alone from then on (`aof` keeps the append-only file on).
 */
export async function restartRedis(home: string, options: { from?: 'aof' | 'snapshot'; timeoutSeconds?: number } = {}): Promise<ServerState> {
  const file = stateFile(home, 'redis');
  if (!existsSync(file)) throw new LocalServerError(`no Redis is recorded under ${home}`);
  const previous = JSON.parse(readFileSync(file, 'utf8')) as ServerState;
  if (isAlive(previous.pid)) return previous;
  const dataDir = join(home, '.data', 'redis');
  const persistence = options.from === 'snapshot' ? ['--appendonly', 'no', '--save', '60 1'] : ['--appendonly', 'yes', '--save', '60 1'];
  const args = ['--bind', '127.0.0.1', '--port', String(previous.port), '--dir', dataDir, ...persistence, '--protected-mode', 'yes'];
  const state = launch(home, 'redis', redisBinary(), args, previous.port, previous.url);
  await waitUntil(() => pingRedis(state.url), state, options.timeoutSeconds ?? 20);
  return state;
}
