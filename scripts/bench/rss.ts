/** Resident memory of `qinqing start --role all` with the demo directory loaded, sampled from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryMiB } from './proc.ts';
import { median, projectRoot, sleep, type BenchEnv } from './support.ts';

export interface RssResult {
  /** Highest VmRSS sampled (every 200 ms from spawn: start-up and the demo load included). */
  peakMiB: number;
  /** The kernel's own high-water mark (VmHWM) at the end. */
  hwmMiB: number;
  /** Median VmRSS over the last 10 s of the steady period. */
  steadyMiB: number;
  /** From spawn to the HTTP server listening. */
  startMs: number;
  /** What POST /playground/demo answered. */
  demo: string;
}

const SAMPLE_MS = 200;

/** Resolves with the HTTP address once the service logs `http listening`; rejects if it exits first. */
function listening(child: ChildProcess, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qinqing did not listen within ${timeoutMs} ms: ${output.slice(-2000)}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`qinqing exited with ${String(code)}: ${output.slice(-2000)}`));
    });
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)","msg":"http listening"/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve(url);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]))) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Starts `node bin/qinqing.js start --role all` on the bench servers (a fresh database, PLAYGROUND=on, any
 * free port), loads the demo directory through the playground's route, and lets it idle for `steadySeconds`.
 */
export async function measureRss(env: BenchEnv, steadySeconds: number): Promise<RssResult> {
  const home = mkdtempSync(join(tmpdir(), 'qinqing-rss-'));
  // Nothing of the caller's configuration leaks in: no chat platform, our servers only.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TELEGRAM_|WECHATY_|MONGODB_URI$|REDIS_URL$|DATA_KEY$|ADMIN_TOKEN$|HTTP_|QINQING_)/.test(name)));
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'qinqing.js'), 'start', '--role', 'all'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      QINQING_HOME: home,
      MONGODB_URI: `${env.mongoUri.replace(/\/?$/, '/')}bench_rss_${randomUUID().slice(0, 8)}`,
      REDIS_URL: env.redisUrl,
      PLAYGROUND: 'on',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    },
  });
  const pid = child.pid ?? -1;
  const samples: { at: number; mib: number }[] = [];
  const sampler = setInterval(() => {
    const mib = memoryMiB(pid, 'VmRSS');
    if (Number.isFinite(mib)) samples.push({ at: Date.now(), mib });
  }, SAMPLE_MS);
  try {
    const url = await listening(child, 120_000);
    const startMs = Date.now() - spawnedAt;
    const response = await fetch(`${url}/playground/demo`, { method: 'POST' });
    const demo = `${response.status} ${await response.text()}`;
    if (!response.ok) throw new Error(`loading the demo directory failed: ${demo}`);
    await sleep(steadySeconds * 1000);
    const end = Date.now();
    const hwmMiB = memoryMiB(pid, 'VmHWM');
    return {
      peakMiB: Math.max(...samples.map((s) => s.mib)),
      hwmMiB,
      steadyMiB: median(samples.filter((s) => s.at >= end - 10_000).map((s) => s.mib)),
      startMs,
      demo,
    };
  } finally {
    clearInterval(sampler);
    await stop(child);
    rmSync(home, { recursive: true, force: true });
  }
}
