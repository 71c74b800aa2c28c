/**
 * Benchmark 4, scale-out: the intake path end to end (playground message → bot → createTicket → assign
 * worker → officer notice delivered) with the workers in 1 and in 2 child processes, the bot in the bench
 * process; per-process CPU from /proc shows what limits it. Also the resident memory of `start --role all`.
 */
import { cpus } from 'node:os';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../../src/platforms/playground/playground.adapter.ts';
import { createBot } from '../../src/runtime/bot.ts';
import { closedLoop, seedContacts, submitThroughChat } from './intake.ts';
import { cpuWindow, type CpuWindow } from './proc.ts';
import { measureRss, type RssResult } from './rss.ts';
import { createBenchApp, fmt, median, numberArg, section, sleep, table, type BenchApp, type BenchEnv } from './support.ts';
import { deliveryKeys, startWorkerProcesses, stopWorkerProcesses, type WorkerProcess } from './worker-processes.ts';

const BOT = 'bot (bench process)';
const OTHERS = 'other processes on the machine';
const OURS = 'all of the above';

interface PhaseResult {
  /** Submissions whose confirm carried a ticket number. */
  acknowledged: number;
  /** Of those, tickets whose officer notice was delivered. */
  delivered: number;
  /** Delivered tickets per second, first submission → last officer delivery. */
  perSecond: number;
  /** Delivery keys delivered more than once (all notices, not only the officers'). */
  duplicates: number;
  lost: number;
  cpu: CpuWindow;
}

/** The ticket number the last reply to `persona` carried, if any. */
function ticketNumber(playground: PlaygroundAdapter, persona: string): string | undefined {
  const history = playground.history(persona);
  return /RF-\d{4}-\d{6}/.exec(history[history.length - 1]?.text ?? '')?.[0];
}

/** Polls until `done()` holds, or nothing changed for `stallMs`; throws if a worker process died meanwhile. */
async function until(progress: () => Promise<number>, done: (value: number) => boolean, processes: readonly WorkerProcess[], stallMs: number): Promise<void> {
  let last = Number.NaN;
  let movedAt = Date.now();
  for (;;) {
    const dead = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`worker process ${dead.pid} died during the phase`);
    const value = await progress();
    if (done(value)) return;
    if (value !== last) [last, movedAt] = [value, Date.now()];
    if (Date.now() - movedAt > stallMs) return;
    await sleep(25);
  }
}

async function pendingJobs(app: BenchApp): Promise<number> {
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
  const counts = await Promise.all([app.queues.tickets.getJobCounts(...states), app.queues.notify.getJobCounts(...states)]);
  return counts.flatMap((c) => Object.values(c)).reduce((sum, v) => sum + v, 0);
}

/** One phase on a fresh database: `workerCount` worker processes, `n` submissions from `concurrency` chats. */
async function phase(env: BenchEnv, workerCount: number, n: number, concurrency: number): Promise<PhaseResult> {
  const app = await createBenchApp(env, `scaleout${workerCount}`);
  const playground = createPlaygroundAdapter({ maxPersonas: 4 * concurrency });
  const bot = createBot(app, [playground], { keyPrefix: app.keyPrefix, floodLimit: 1000 });
  let processes: WorkerProcess[] = [];
  try {
    await bot.start();
    const personas = await seedContacts(app, 0, n);
    processes = await startWorkerProcesses(workerCount, { mongoUri: env.mongoUri, dbName: app.db.connection.name, redisUrl: env.redisUrl, prefix: app.prefix, dataKey: app.dataKey });
    const keys = deliveryKeys(app.prefix);
    const pids = new Map<string, number>([[BOT, process.pid], ...processes.map((p, i): [string, number] => [`worker ${i + 1}`, p.pid]), ['redis-server', env.serverPids.redis], ['ferretdb', env.serverPids.ferretdb]]);
    const stopCpu = cpuWindow(pids);
    const started = Date.now();
    const numbers = new Set<string>();
    const sent = new Map<string, number>();
    await closedLoop(personas, concurrency, async (persona) => {
      await submitThroughChat(playground, persona, sent);
      const number = ticketNumber(playground, persona);
      if (number !== undefined) numbers.add(number);
    });
    await until(() => app.redis.hlen(keys.officer), (delivered) => delivered >= numbers.size, processes, 15_000);
    const cpu = stopCpu();
    // Drain what is left (the enterprises' notices), then give a late duplicate time to land.
    await until(() => pendingJobs(app), (pending) => pending === 0, processes, 10_000);
    await sleep(1000);
    const [officer, delivered] = await Promise.all([app.redis.hgetall(keys.officer), app.redis.hgetall(keys.delivered)]);
    const times = [...numbers].map((number) => Number(officer[number])).filter(Number.isFinite);
    return {
      acknowledged: numbers.size,
      delivered: times.length,
      perSecond: times.length / ((Math.max(...times) - started) / 1000),
      duplicates: Object.values(delivered).filter((count) => Number(count) > 1).length,
      lost: numbers.size - times.length,
      cpu,
    };
  } finally {
    await stopWorkerProcesses(processes);
    await bot.stop();
    await app.close();
  }
}

interface RunResult {
  one: PhaseResult;
  two: PhaseResult;
}

/** Of `label` in a phase: percent of one core, share of the CPU our processes used, CPU ms per delivered ticket. */
function cpuOf(result: PhaseResult, label: string): { core: number; share: number; perTicket: number } {
  const { cpu } = result;
  const ours = [...cpu.used.values()].reduce((sum, v) => sum + v, 0);
  const used = label === OURS ? ours : label === OTHERS ? cpu.machine - ours : (cpu.used.get(label) ?? Number.NaN);
  return { core: (100 * used) / cpu.seconds, share: label === OTHERS ? Number.NaN : (100 * used) / ours, perTicket: label === OTHERS ? Number.NaN : (1000 * used) / result.delivered };
}

type PhaseOf = (r: RunResult) => PhaseResult;

function cpuTable(results: readonly RunResult[], cores: number): string {
  const m = (pick: (r: RunResult) => number): number => median(results.map(pick));
  const cells = (phaseOf: PhaseOf, label: string): string[] => {
    if (![OURS, OTHERS].includes(label) && !phaseOf(results[0] as RunResult).cpu.used.has(label)) return ['—', '—', '—'];
    const of = (r: RunResult): ReturnType<typeof cpuOf> => cpuOf(phaseOf(r), label);
    return [`${fmt(m((r) => of(r).core), 0)} %`, label === OTHERS ? '—' : `${fmt(m((r) => of(r).share), 0)} %`, label === OTHERS ? '—' : fmt(m((r) => of(r).perTicket), 0)];
  };
  const labels = [BOT, 'worker 1', 'worker 2', 'redis-server', 'ferretdb', OURS, OTHERS];
  const machine = (phaseOf: PhaseOf): string => `${fmt(m((r) => (100 * phaseOf(r).cpu.machine) / phaseOf(r).cpu.seconds), 0)} % of ${cores * 100} %`;
  const header = (phaseName: string): string[] => [`${phaseName}: % of a core`, 'share of ours', 'CPU ms per ticket'];
  return table(
    ['process', ...header('1 worker process'), ...header('2 worker processes')],
    [...labels.map((label) => [label, ...cells((r) => r.one, label), ...cells((r) => r.two, label)]), ['whole machine busy', machine((r) => r.one), '', '', machine((r) => r.two), '', '']],
  );
}

/** What the CPU figures of a phase say limits it. */
function bottleneck(results: readonly RunResult[], phaseOf: PhaseOf, cores: number): string {
  const labels = [...phaseOf(results[0] as RunResult).cpu.used.keys()];
  const of = (label: string): ReturnType<typeof cpuOf> => {
    const all = results.map((r) => cpuOf(phaseOf(r), label));
    return { core: median(all.map((c) => c.core)), share: median(all.map((c) => c.share)), perTicket: median(all.map((c) => c.perTicket)) };
  };
  const [top = BOT, second = BOT] = [...labels].sort((a, b) => of(b).core - of(a).core);
  const busy = median(results.map((r) => (100 * phaseOf(r).cpu.machine) / phaseOf(r).cpu.seconds));
  const workerLabels = labels.filter((l) => l.startsWith('worker'));
  const workers = workerLabels.reduce((sum, l) => sum + of(l).core, 0);
  const workerShare = workerLabels.reduce((sum, l) => sum + of(l).share, 0);
  const ours = of(OURS);
  const lead =
    `the busiest process was ${top} at ${fmt(of(top).core, 0)} % of a core (${fmt(of(top).share, 0)} % of ours, ${fmt(of(top).perTicket, 0)} ms per ticket), then ${second} at ${fmt(of(second).core, 0)} %; ` +
    `the worker processes together used ${fmt(workers, 0)} %; ours together ${fmt(ours.core, 0)} % (${fmt(ours.perTicket, 0)} CPU ms per ticket, so ${cores} cores to ourselves would carry at most ${fmt((cores * 1000) / ours.perTicket)} tickets/s); the machine was ${fmt(busy, 0)} % busy of ${cores * 100} %, ${fmt(of(OTHERS).core, 0)} % of it other people's processes`;
  // Amdahl: the workers' CPU is all that more worker processes can spread; the rest stays where it is.
  const amdahl = ` The worker processes spent ${fmt(workerShare, 0)} % of our CPU per ticket: even free workers would raise the CPU ceiling by at most ${fmt(100 / (100 - workerShare), 2)}×.`;
  return `${verdict(lead, top, of(top).core, busy, cores)}${amdahl}`;
}

function verdict(lead: string, top: string, topCore: number, busy: number, cores: number): string {
  if (busy >= 90 * cores) return `${lead}. The cores were saturated, so a second worker process can only take CPU from the other processes: the limit is CPU, and of ours ${top} spends the most per ticket.`;
  if (topCore >= 85) return `${lead}. ${top} is pinned near a full core: it is the bottleneck, and a second worker process does not relieve it.`;
  return `${lead}. No process is near a full core and the machine had idle CPU: the limit is round-trip latency per ticket rather than CPU.`;
}

function render(results: readonly RunResult[], rss: RssResult, n: number, runs: number, concurrency: number, rssSeconds: number): string {
  const cores = cpus().length;
  const m = (pick: (r: RunResult) => number): number => median(results.map(pick));
  const total = (pick: (r: RunResult) => number): number => results.reduce((sum, r) => sum + pick(r), 0);
  const ratio = m((r) => r.two.perSecond / r.one.perSecond);
  const dup = total((r) => r.two.duplicates + r.one.duplicates);
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  const row = (label: string, pick: (r: RunResult) => PhaseResult, vs: string, goal: string): string[] => [
    label,
    String(m((r) => pick(r).delivered)),
    fmt(m((r) => pick(r).perSecond)),
    vs,
    String(total((r) => pick(r).duplicates)),
    String(total((r) => pick(r).lost)),
    goal,
  ];
  return [
    `${n} submissions per phase, ${runs} runs (rates and CPU are medians over runs; duplicates and lost are totals), ${concurrency} concurrent chats. ` +
      'Bot role in the bench process: `createBot` over the playground adapter, each submission `/new <text>`, group, category, skip attachments, confirm (as benchmark 1), no workers. ' +
      'Workers: 1 or 2 child processes (`scripts/bench/scaleout-worker.ts`), each `startWorkers` with `queues: [\'tickets\', \'notify\']` (their default concurrencies, per process) on the same database and queue prefix, ' +
      'chat gaps and per-platform send rates 0, i.e. unpaced (benchmark 2 measures the platforms\' limits), with channels that record each send in Redis (`HINCRBY` on platform:chat:text digest; the officer notices also by ticket number with the time). ' +
      `Each phase on a fresh database with the demo directory; the order of the two phases alternates between runs. ` +
      'Rate: acknowledged tickets whose officer `notice.assigned` was delivered, over first submission → last officer delivery. ' +
      'Duplicates: delivery keys delivered more than once (officer and enterprise notices). Lost: acknowledged tickets with no officer notice delivered after the queues drained. ' +
      'Baseline: the 1-process phase of the same run.',
    '',
    table(
      ['worker processes', 'tickets delivered', 'tickets/s', 'ratio vs 1 process', 'duplicate notices', 'lost', 'goal'],
      [
        row('1 (baseline)', (r) => r.one, '1.00×', ''),
        row('2', (r) => r.two, `${fmt(ratio, 2)}×`, `≥ 1.7×: ${verdict(ratio >= 1.7)}; 0 duplicates: ${verdict(dup === 0)}`),
      ],
    ),
    '',
    'CPU over each phase\'s measured window (first submission → last officer delivery), from `/proc/<pid>/stat` utime + stime (threads included); 100 % is one core. "Share of ours" is of the CPU the listed processes used together; "CPU ms per ticket" is their CPU time over the tickets delivered (it does not depend on how busy the machine was); "other processes" is the machine\'s busy time (`/proc/stat`) minus ours.',
    '',
    cpuTable(results, cores),
    '',
    `Reading: with 1 worker process ${bottleneck(results, (r) => r.one, cores)} With 2 worker processes ${bottleneck(results, (r) => r.two, cores)}`,
    '',
    `Memory: \`node bin/qinqing.js start --role all\` on the bench servers (fresh database, PLAYGROUND=on, no chat platform), the demo directory loaded through \`POST /playground/demo\`, then idle for ${rssSeconds} s; VmRSS from \`/proc/<pid>/status\` every 200 ms from spawn (one run).`,
    '',
    table(
      ['measure', 'MiB'],
      [
        ['peak VmRSS sampled (start-up and demo load included)', fmt(rss.peakMiB)],
        ['peak VmHWM (kernel high-water mark)', fmt(rss.hwmMiB)],
        ['steady VmRSS (median of the last 10 s)', fmt(rss.steadyMiB)],
      ],
    ),
    '',
    `Listening ${fmt(rss.startMs / 1000)} s after spawn; demo load answered ${rss.demo}.`,
  ].join('\n');
}

export async function runScaleOut(env: BenchEnv, argv: readonly string[], command: string): Promise<string> {
  const n = numberArg(argv, 'n', 1000);
  const runs = numberArg(argv, 'runs', 3);
  const concurrency = numberArg(argv, 'concurrency', 8);
  const rssSeconds = numberArg(argv, 'rss-seconds', 30);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    // Alternating the order keeps a drift in the shared machine's load from always favouring one phase.
    const first = run % 2 === 1 ? 1 : 2;
    const a = await phase(env, first, n, concurrency);
    const b = await phase(env, 3 - first, n, concurrency);
    const result = first === 1 ? { one: a, two: b } : { one: b, two: a };
    process.stderr.write(`scaleout run ${run}/${runs}: 1 process ${fmt(result.one.perSecond)}/s, 2 processes ${fmt(result.two.perSecond)}/s, dup ${result.one.duplicates}+${result.two.duplicates}, lost ${result.one.lost}+${result.two.lost}\n`);
    results.push(result);
  }
  const rss = await measureRss(env, rssSeconds);
  process.stderr.write(`scaleout rss: peak ${fmt(rss.peakMiB)} MiB, steady ${fmt(rss.steadyMiB)} MiB\n`);
  return section('4. Scale-out', env, command, render(results, rss, n, runs, concurrency, rssSeconds));
}
