/**
 * The links a scan finds short in one reminder slot, grouped per official for one reminder each. Memory
 * stays bounded however many links there are: per official, the first `cap` short links (what the
 * reminder names) and a count of the rest.
 */
import type { LinkStatus } from '../../domain/liaison-cadence.ts';

/** One short link as a reminder names it: the enterprise's credit code and the visits made. */
export interface ShortLink {
  enterprise: string;
  /** Visits in the half-year. */
  done: number;
  /** For a leadership member in the second half: visits in the year (R(2)). */
  yearDone?: number;
}

/** An official's short links in one slot. */
export interface OfficialShortfall {
  official: string;
  /** The half-year's rule per link, and (leadership, second half) the year's: the same for all its links. */
  required: number;
  yearRequired?: number;
  /** The first short links found, at most the cap. */
  links: ShortLink[];
  /** Short links beyond the cap, counted only. */
  more: number;
}

/** Short links grouped per official as they stream past. */
export interface ShortLinks {
  add(official: string, enterprise: string, status: LinkStatus): void;
  /** Links added. */
  readonly count: number;
  /** One entry per official with a short link, in the order first found. */
  officials(): Iterable<OfficialShortfall>;
}

/** An empty grouping keeping at most `cap` links per official. */
export function shortLinks(cap: number): ShortLinks {
  const byOfficial = new Map<string, OfficialShortfall>();
  let count = 0;
  return {
    add(official, enterprise, status) {
      count += 1;
      let entry = byOfficial.get(official);
      if (!entry) {
        entry = { official, required: status.required, links: [], more: 0, ...(status.yearRequired === undefined ? {} : { yearRequired: status.yearRequired }) };
        byOfficial.set(official, entry);
      }
      if (entry.links.length >= cap) entry.more += 1;
      else entry.links.push({ enterprise, done: status.done, ...(status.yearDone === undefined ? {} : { yearDone: status.yearDone }) });
    },
    get count() {
      return count;
    },
    officials: () => byOfficial.values(),
  };
}
