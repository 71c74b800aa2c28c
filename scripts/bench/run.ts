/**
 * `npm run bench [-- <name>] [--n N] [--runs R]`: runs the benchmarks (all, or the one named) on private
 * loopback servers and writes each one's table to bench/RESULTS.md.
 */
import { runIntake } from './intake.ts';
import { runLiaison } from './liaison.ts';
import { runNotices } from './notices.ts';
import { runScaleOut } from './scaleout.ts';
import { startEnv, writeResults, type BenchEnv } from './support.ts';

type Runner = (env: BenchEnv, argv: readonly string[], command: string) => Promise<string>;

const BENCHMARKS: Record<string, Runner> = { intake: runIntake, notices: runNotices, liaison: runLiaison, scaleout: runScaleOut };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const named = argv[0] !== undefined && !argv[0].startsWith('--') ? argv[0] : undefined;
  if (named !== undefined && !(named in BENCHMARKS)) throw new Error(`unknown benchmark ${named}; one of ${Object.keys(BENCHMARKS).join(', ')}`);
  const chosen = named !== undefined ? [named] : Object.keys(BENCHMARKS);
  const command = `node --import tsx scripts/bench/run.ts ${argv.join(' ')}`.trim();
  for (const name of chosen) {
    const run = BENCHMARKS[name];
    if (run === undefined) continue;
    // Fresh servers per benchmark: one's leftovers (queues, SQLite files) never weigh on the next.
    const env = await startEnv();
    try {
      const content = await run(env, argv, command);
      writeResults(name, content);
      process.stdout.write(`${content}\n`);
    } finally {
      await env.close();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
