/**
 * The `liaison` queue: every morning the scan reminds officials whose linked enterprises are not yet
 * visited (30, 14 and 3 working days before a half-year ends, and the first working day after it), and
 * the leadership of a missing symposium; every Monday each unit's supervisors get a digest of who has
 * no link and who is behind. An official gets one reminder per slot naming all the linked enterprises
 * still short (not one message per link: a hundred of those are unreadable on a phone and trickle out
 * at a chat's send rate). Reminders go out as notice jobs whose ids are their (official, period, kind)
 * keys, so a scan run twice, or by two workers at once, queues each reminder once.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { parseLocalDate, type LocalDate } from '../domain/holiday-calendar.ts';
import {
  daysLeft,
  halfYearOf,
  linkStatus,
  needsLink,
  officialReminderKey,
  remindersDue,
  symposiumReminderKey,
  symposiumStatus,
  yearOf,
  type Period,
  type ReminderSlot,
} from '../domain/liaison-cadence.ts';
import { toShanghaiDate } from '../domain/working-days.ts';
import { QUEUE_NAMES, type JobPayloads, type Queues } from '../queue/queues.ts';
import { countVisits, enterpriseNames, linkBatches, officialFacts, type OfficialFacts, type VisitCounts } from '../services/liaison/liaison-data.ts';
import { DIGEST_MAX_NAMES, digestNotice, officialReminder, symposiumReminder, type BulkNotice, type UnitDigest } from '../services/liaison/liaison-notices.ts';
import { queueNotices } from '../services/notices/notice-queue.ts';
import { shortLinks } from '../services/liaison/short-links.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';

/** A liaison job's payload. */
export type LiaisonJob = JobPayloads['liaison'];

/** What a daily scan did. */
export interface ScanSummary {
  today: LocalDate;
  /** The reminders that fell today, as `period.kind` (`2026-H1.before-30`, `2026.before-30`). */
  slots: string[];
  linksRead: number;
  visitsRead: number;
  /** Links found short, counted once for each half-year slot due. */
  shortLinks: number;
  /**
   * Reminder notices queued: one per official with a short link, per half-year slot. A re-run counts
   * them again, though the queue keeps the first of each (same job id).
   */
  reminders: number;
  symposiumReminders: number;
}

/** One run's reads, each done once however many reminders fall today. */
interface ScanReads {
  officials: Map<string, OfficialFacts>;
  /** Visits counted for `period` (a half-year, or a year: counted with its second half). */
  visits(period: Period): Promise<VisitCounts>;
  names(): Promise<Map<string, string>>;
}

function scanReads(ctx: TicketServiceContext, officials: Map<string, OfficialFacts>, summary: ScanSummary): ScanReads {
  const visits = new Map<string, Promise<VisitCounts>>();
  let names: Promise<Map<string, string>> | undefined;
  return {
    officials,
    visits(period) {
      // A year is judged with its second half: one read from 1 January to 31 December serves both.
      const half = halfYearOf(period.end);
      let counted = visits.get(half.key);
      if (!counted) {
        counted = countVisits(ctx, half).then((counts) => {
          summary.visitsRead += counts.read;
          return counts;
        });
        visits.set(half.key, counted);
      }
      return counted;
    },
    names: () => (names ??= enterpriseNames(ctx)),
  };
}

/**
 * Reminds every active official with a short link in each half-year slot due: one pass over the links,
 * grouping the short ones per official (bounded: the names a reminder shows and a count of the rest),
 * then one reminder per official and slot, queued in bulk.
 */
async function remindLinks(ctx: TicketServiceContext, today: LocalDate, slots: ReminderSlot[], reads: ScanReads): Promise<{ read: number; short: number; sent: number }> {
  const perSlot = await Promise.all(slots.map(async (slot) => ({ slot, tally: (await reads.visits(slot.period)).tally, found: shortLinks(DIGEST_MAX_NAMES) })));
  let read = 0;
  for await (const batch of linkBatches(ctx)) {
    read += batch.length;
    for (const link of batch) {
      const official = reads.officials.get(link.official);
      if (!official?.active) continue;
      for (const { slot, tally, found } of perSlot) {
        const status = linkStatus(ctx.profile.rules, slot.period, tally(link.official, link.enterprise), official.leadership);
        if (!status.satisfied) found.add(link.official, link.enterprise, status);
      }
    }
  }
  let short = 0;
  let sent = 0;
  for (const { slot, found } of perSlot) {
    if (found.count === 0) continue;
    const names = await reads.names();
    const days = daysLeft(ctx.calendar, today, slot.period);
    const jobs = [...found.officials()].map((shortfall) => officialReminder(slot, officialReminderKey(shortfall.official, slot), shortfall, names, days));
    await queueNotices(ctx, jobs);
    short += found.count;
    sent += jobs.length;
  }
  return { read, short, sent };
}

/** Reminds the leadership when the year's symposiums (R(2)) fall short. */
async function remindSymposium(ctx: TicketServiceContext, today: LocalDate, slot: ReminderSlot, reads: ScanReads): Promise<number> {
  const status = symposiumStatus(ctx.profile.rules, (await reads.visits(slot.period)).symposiumDays);
  if (status.satisfied) return 0;
  const leaders = [...reads.officials.values()].filter((o) => o.active && o.leadership);
  const days = daysLeft(ctx.calendar, today, slot.period);
  await queueNotices(ctx, leaders.map((o) => symposiumReminder(slot, symposiumReminderKey(o.code, slot), o.code, status.held, status.required, days)));
  return leaders.length;
}

/**
 * The daily scan for `today` (Asia/Shanghai). On a day no reminder falls it reads nothing. On a
 * reminder day it reads the officials, the year's visits (counted per link in memory) and the links,
 * each once and through cursors, and queues one reminder per official with short links, in bulk.
 */
export async function scanLiaison(ctx: TicketServiceContext, today: LocalDate): Promise<ScanSummary> {
  parseLocalDate(today);
  const thresholds = ctx.profile.rules.reminderDaysBeforePeriodEnd;
  const halfSlots = remindersDue(ctx.calendar, thresholds, today, halfYearOf);
  const yearSlots = ctx.profile.rules.symposiumsPerYear > 0 ? remindersDue(ctx.calendar, thresholds, today, yearOf) : [];
  const summary: ScanSummary = { today, slots: [...halfSlots, ...yearSlots].map((s) => `${s.period.key}.${s.kind}`), linksRead: 0, visitsRead: 0, shortLinks: 0, reminders: 0, symposiumReminders: 0 };
  if (halfSlots.length === 0 && yearSlots.length === 0) return summary;
  const reads = scanReads(ctx, await officialFacts(ctx), summary);
  // Read side by side: the visits to count, and the names a reminder day almost always needs.
  await Promise.all([...halfSlots.map((slot) => reads.visits(slot.period)), ...(halfSlots.length > 0 ? [reads.names()] : [])]);
  if (halfSlots.length > 0) {
    const { read, short, sent } = await remindLinks(ctx, today, halfSlots, reads);
    summary.linksRead = read;
    summary.shortLinks = short;
    summary.reminders = sent;
  }
  for (const slot of yearSlots) summary.symposiumReminders += await remindSymposium(ctx, today, slot, reads);
  ctx.logger.info(summary, 'liaison scan');
  return summary;
}

/** What a weekly digest did. */
export interface DigestSummary {
  today: LocalDate;
  units: number;
  digests: number;
  unlinked: number;
  behind: number;
}

/**
 * The weekly digest: for each unit, its officials who must hold a link and hold none (R(8)), and those
 * with a linked enterprise not yet visited as the current half-year requires, sent to the unit's
 * supervisors. The leadership's digest also counts the year's symposiums. Units with nothing to report
 * get nothing. Links are streamed and counted per official; memory holds the officials and one count
 * per link visited this half-year.
 */
export async function digestLiaison(ctx: TicketServiceContext, today: LocalDate): Promise<DigestSummary> {
  parseLocalDate(today);
  const period = halfYearOf(today);
  const officials = await officialFacts(ctx);
  const { tally, symposiumDays } = await countVisits(ctx, period);
  const perOfficial = new Map<string, { links: number; behind: number }>();
  for await (const batch of linkBatches(ctx)) {
    for (const link of batch) {
      const official = officials.get(link.official);
      if (!official?.active) continue;
      const counts = perOfficial.get(link.official) ?? { links: 0, behind: 0 };
      counts.links += 1;
      if (!linkStatus(ctx.profile.rules, period, tally(link.official, link.enterprise), official.leadership).satisfied) counts.behind += 1;
      perOfficial.set(link.official, counts);
    }
  }

  const units = new Map<string, UnitDigest & { supervisors: string[] }>();
  const unitOf = (code: string) => {
    let unit = units.get(code);
    if (!unit) {
      const name = ctx.profile.units.find((u) => u.code === code)?.name ?? { zh: code, en: code };
      unit = { unit: name, unlinked: [], behind: [], supervisors: [] };
      units.set(code, unit);
    }
    return unit;
  };
  let unlinked = 0;
  let behind = 0;
  for (const official of [...officials.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    if (!official.active) continue;
    const unit = unitOf(official.unit);
    if (official.supervisor) unit.supervisors.push(official.code);
    const counts = perOfficial.get(official.code);
    if (!counts && needsLink(official)) {
      unit.unlinked.push({ name: official.name });
      unlinked += 1;
    }
    if (counts && counts.behind > 0) {
      unit.behind.push({ name: official.name, count: counts.behind });
      behind += 1;
    }
  }
  // Symposiums so far this year: the read above runs from 1 January to the end of this half-year.
  const symposium = symposiumStatus(ctx.profile.rules, symposiumDays);
  for (const unit of ctx.profile.units.filter((u) => u.kind === 'leadership')) {
    if (!symposium.satisfied) unitOf(unit.code).symposium = { held: symposium.held, required: symposium.required };
  }

  const days = daysLeft(ctx.calendar, today, period);
  const jobs: BulkNotice[] = [];
  for (const [code, unit] of units) {
    if (unit.unlinked.length === 0 && unit.behind.length === 0 && !unit.symposium) continue;
    if (unit.supervisors.length === 0) ctx.logger.warn({ unit: code }, 'liaison digest: the unit has no supervisor to tell');
    for (const supervisor of unit.supervisors) jobs.push(digestNotice(supervisor, today, period, days, unit));
  }
  await queueNotices(ctx, jobs);
  const summary = { today, units: units.size, digests: jobs.length, unlinked, behind };
  ctx.logger.info(summary, 'liaison digest');
  return summary;
}

/** Runs one liaison job; `today` defaults to the Shanghai date of the clock (a missed day can be re-run by date). */
export async function processLiaison(ctx: TicketServiceContext, job: LiaisonJob): Promise<ScanSummary | DigestSummary> {
  const today = job.today ?? toShanghaiDate(ctx.clock.now());
  return job.scan === 'weekly-digest' ? digestLiaison(ctx, today) : scanLiaison(ctx, today);
}

/**
 * Schedules the daily scan (09:00) and the weekly digest (Monday 09:00), Asia/Shanghai. Upserting by id
 * keeps one scheduler entry each, however many processes call it.
 */
export async function scheduleLiaison(queues: Pick<Queues, 'liaison'>): Promise<void> {
  await queues.liaison.upsertJobScheduler('liaison-daily', { pattern: '0 9 * * *', tz: 'Asia/Shanghai' }, { name: 'scan', data: { scan: 'daily' } });
  await queues.liaison.upsertJobScheduler('liaison-weekly', { pattern: '0 9 * * 1', tz: 'Asia/Shanghai' }, { name: 'digest', data: { scan: 'weekly-digest' } });
}

/** Starts the liaison worker (one job at a time: a scan is a long stream, not many small jobs). */
export function startLiaisonWorker(ctx: TicketServiceContext, options: { connection: ConnectionOptions; prefix: string; name?: string }): Worker<LiaisonJob> {
  const worker = new Worker<LiaisonJob>(QUEUE_NAMES.liaison, (job) => processLiaison(ctx, job.data), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 1,
    // Stored on each job it processes (`processedBy`): which process ran a scan.
    ...(options.name ? { name: options.name } : {}),
  });
  worker.on('failed', (job, error) => ctx.logger.warn({ queue: QUEUE_NAMES.liaison, job: job?.id, err: error.message }, 'liaison job failed'));
  worker.on('error', (error) => ctx.logger.error({ queue: QUEUE_NAMES.liaison, err: error.message }, 'liaison worker error'));
  return worker;
}
