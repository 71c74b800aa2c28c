/**
 * qinqing processes for the fault suite: `node bin/qinqing.js start --role <role>` as a child with its own
 * process group, its output in a log file, stopped by pid (never by name), and a bounded poll for conditions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where a qinqing process finds its servers and its Telegram. */
export interface ProcessEnv {
  mongoUri: string;
  redisUrl: string;
  telegram?: { token: string; apiRoot: string };
  /** Folder for log files. */
  logDir: string;
}

export interface QinqingProcess {
  readonly role: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>;
  alive(): boolean;
  /** The last lines of its log, for failure messages. */
  tail(lines?: number): string;
  /** Sends `signal` to its process group and waits (at most 10 s) until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A token of the shape qinqing's configuration accepts (the fake Bot API takes any). */
export const FAULT_BOT_TOKEN = '123456:FAULT-suite-token-0123456789';

const running = new Set<QinqingProcess>();

/**
 * Starts `qinqing start --role <role>` against the given servers, PLAYGROUND=off, LOG_LEVEL=warn (or
 * `logLevel`). Its own process group, so a kill reaches tsx's helper processes too.
 */
export function startQinqing(role: 'worker' | 'bot' | 'api' | 'all', env: ProcessEnv, options: { name?: string; logLevel?: string } = {}): QinqingProcess {
  const name = options.name ?? role;
  const logFile = join(env.logDir, `${name}.log`);
  const log = openSync(logFile, 'a');
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'Asia/Shanghai',
    MONGODB_URI: env.mongoUri,
    REDIS_URL: env.redisUrl,
    PLAYGROUND: 'off',
    LOG_LEVEL: options.logLevel ?? 'warn',
    HTTP_PORT: '0',
    ...(env.telegram ? { TELEGRAM_BOT_TOKEN: env.telegram.token, TELEGRAM_API_ROOT: env.telegram.apiRoot } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, ['bin/qinqing.js', 'start', '--role', role], { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`qinqing --role ${role} did not start; see ${logFile}`);
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ?? `exit ${code ?? '?'}`);
    });
  });
  const handle: QinqingProcess = {
    role: name,
    pid,
    logFile,
    exited,
    alive: () => !gone,
    tail: (lines = 20) => readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
    async kill(signal = 'SIGKILL') {
      if (!gone) {
        try {
          process.kill(-pid, signal);
        } catch {
          // Already gone between the check and the kill.
        }
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      running.delete(handle);
      if (!gone) throw new Error(`${name} (pid ${pid}) did not exit on ${signal} within 10 s`);
    },
  };
  running.add(handle);
  return handle;
}

/** Kills (SIGKILL) every process this module started that is still running: for `afterAll`, even after a failure. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill('SIGKILL').catch(() => undefined)));
}

/**
 * Polls `check` until it returns something other than `undefined`/`false`, at most `timeoutMs`. A process
 * in `watch` that exits meanwhile fails the wait at once, with its log's tail.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs: number; intervalMs?: number; watch?: readonly QinqingProcess[] },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    for (const p of options.watch ?? []) {
      if (!p.alive()) throw new Error(`${p.role} exited while waiting for ${what}:\n${p.tail()}`);
    }
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
