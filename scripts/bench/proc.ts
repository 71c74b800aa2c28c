/** What Linux says about a process's CPU and memory, read from /proc (the benchmarks measure, not guess). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second: the unit of the CPU times in /proc. */
const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, its threads included; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine has spent busy (all cores: everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

/** A `Vm*` line of /proc/<pid>/status in MiB (VmRSS: resident now; VmHWM: the peak resident); NaN once gone. */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU used by named processes (and the machine) between `start` and `stop`. */
export interface CpuWindow {
  seconds: number;
  /** Per process: CPU seconds used in the window. */
  used: Map<string, number>;
  /** The whole machine's busy CPU seconds in the window. */
  machine: number;
}

/** Starts a CPU window over `pids` (label → pid); call the result to close it. */
export function cpuWindow(pids: ReadonlyMap<string, number>): () => CpuWindow {
  const startedAt = performance.now();
  const machineAt = machineBusySeconds();
  const before = new Map([...pids].map(([label, pid]) => [label, cpuSeconds(pid)]));
  return () => {
    const used = new Map([...pids].map(([label, pid]) => [label, cpuSeconds(pid) - (before.get(label) ?? Number.NaN)]));
    return { seconds: (performance.now() - startedAt) / 1000, used, machine: machineBusySeconds() - machineAt };
  };
}
