/** Worker child processes of the scale-out benchmark (scaleout-worker.ts): started ready, always stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, sleep } from './support.ts';

/** The Redis keys the workers record deliveries under, read by the bench process. */
export function deliveryKeys(prefix: string): { delivered: string; officer: string } {
  return {
    // Delivery key (platform, chat, text digest) → times delivered, across all worker processes.
    delivered: `${prefix}:bench:delivered`,
    // Ticket number → when its officer notice was first delivered (ms since epoch).
    officer: `${prefix}:bench:officer`,
  };
}

/** Where the workers find the servers, database and queues. */
export interface WorkerTarget {
  mongoUri: string;
  dbName: string;
  redisUrl: string;
  prefix: string;
  dataKey: Buffer;
}

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
}

/** Starts one worker process and resolves once it prints `ready`; rejects (with its stderr) if it exits first. */
function startOne(target: WorkerTarget): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'bench', 'scaleout-worker.ts')], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BENCH_MONGO_URI: target.mongoUri,
      BENCH_DB: target.dbName,
      BENCH_REDIS_URL: target.redisUrl,
      BENCH_PREFIX: target.prefix,
      BENCH_DATA_KEY: target.dataKey.toString('hex'),
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker process did not get ready within 60 s: ${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited with ${String(code)} before it was ready: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready') || child.pid === undefined) return;
      clearTimeout(timer);
      resolve({ pid: child.pid, child });
    });
  });
}

/** Stops worker processes: SIGTERM (they close their workers), SIGKILL after 10 s. */
export async function stopWorkerProcesses(processes: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }),
  );
}

/** Starts `count` worker processes on `target`; if one fails to start, stops those that did. */
export async function startWorkerProcesses(count: number, target: WorkerTarget): Promise<WorkerProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startOne(target)));
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopWorkerProcesses(running);
    throw failed.reason;
  }
  return running;
}
