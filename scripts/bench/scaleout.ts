/** Benchmark 4, scale-out: not written yet (see bench/RESULTS.md); the section says so rather than failing the run. */
import { section, type BenchEnv } from './support.ts';

export async function runScaleOut(env: BenchEnv, _argv: readonly string[], command: string): Promise<string> {
  return section('4. Scale-out', env, command, 'Not implemented yet: intake with 1 and 2 worker child processes (`startWorkers`), duplicate notices and per-process CPU share from `/proc/<pid>/stat`.');
}
