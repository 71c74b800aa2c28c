/** The figures of a hostile-input run: counts, and the first few cases of each kind of failure. */
import { HOSTILE_KINDS, type HostileKind } from './hostile.ts';

/** How often something went wrong, with the first few cases spelled out. */
export interface Tally {
  count: number;
  examples: string[];
}

const tally = (): Tally => ({ count: 0, examples: [] });

export interface Figures {
  hostile: number;
  legit: number;
  byKind: Record<HostileKind, number>;
  steps: Set<string>;
  crashes: Tally;
  /** Messages not answered within HUGE_LIMIT_MS (handled in a worker thread that is then terminated). */
  hangs: Tally;
  unhandled: Tally;
  noReply: Tally;
  repliedToReplay: Tally;
  impolite: Tally;
  wrongLanguage: Tally;
  unexpectedDb: Tally;
  /** Hostile texts the database took as legitimate content, and how many of those were stored verbatim. */
  storedChecked: number;
  notVerbatim: Tally;
  brokenHistory: Tally;
  setupFailed: Tally;
  stuck: Tally;
  acceptedWrites: number;
  continued: number;
  /** The slowest hostile messages (handling only, without the snapshot), in ms. */
  slowest: { ms: number; what: string }[];
  /** Where the time went, in ms: handling hostile messages, legitimate ones, and snapshots. */
  time: { hostile: number; legit: number; snapshot: number };
}

export function emptyFigures(): Figures {
  return {
    hostile: 0, legit: 0, byKind: Object.fromEntries(HOSTILE_KINDS.map((k) => [k, 0])) as Record<HostileKind, number>, steps: new Set(),
    crashes: tally(), hangs: tally(), unhandled: tally(), noReply: tally(), repliedToReplay: tally(), impolite: tally(), wrongLanguage: tally(), unexpectedDb: tally(),
    storedChecked: 0, notVerbatim: tally(), brokenHistory: tally(), setupFailed: tally(), stuck: tally(), acceptedWrites: 0, continued: 0, slowest: [], time: { hostile: 0, legit: 0, snapshot: 0 },
  };
}
