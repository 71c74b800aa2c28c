/**
 * The notices of the liaison rules: reminders to officials, symposium reminders to the leadership, and
 * the supervisors' weekly digest. Each is a notify job whose id is its dedupe key, so adding it twice (a
 * scan run again, or on two workers) queues it once, and the notify worker never sends a key twice.
 */
import type { LinkStatus, Period, ReminderSlot } from '../../domain/liaison-cadence.ts';
import { both, type MessageKey, type ParamValue, type Text } from '../../i18n/index.ts';
import { noticeJob, type NoticeQueueJob } from '../../queue/notice.ts';

/** A notify job as `Queue.addBulk` takes it. */
export type BulkNotice = NoticeQueueJob;

/** The job of one notice to an official, identified by `dedupeKey`. */
export function officialNotice(code: string, dedupeKey: string, key: MessageKey, params: Record<string, ParamValue>): BulkNotice {
  return noticeJob({ kind: 'official', ref: code }, key, params, dedupeKey);
}

/** A period as people read it: "2026年上半年", "the second half of 2026", "2026年". */
export function periodText(period: Period): Text {
  const year = period.key.slice(0, 4);
  if (period.key.endsWith('-H1')) return both('liaison.period.H1', { year });
  if (period.key.endsWith('-H2')) return both('liaison.period.H2', { year });
  return both('liaison.period.year', { year });
}

/**
 * The reminder of one link. A leadership member short on the year's rule (R(2)) rather than the
 * half-year's is told the year's figures; anyone else the half-year's.
 */
export function linkReminder(slot: ReminderSlot, key: string, official: string, enterprise: string, status: LinkStatus, days: number): BulkNotice {
  const yearShort = status.yearRequired !== undefined && (status.yearDone ?? 0) < status.yearRequired && status.done >= status.required;
  const missed = slot.kind === 'missed';
  const year = slot.period.key.slice(0, 4);
  const params: Record<string, ParamValue> = yearShort
    ? { enterprise, year, done: status.yearDone ?? 0, required: status.yearRequired ?? 0, end: slot.period.end, days }
    : { enterprise, period: periodText(slot.period), done: status.done, required: status.required, end: slot.period.end, days };
  const message: MessageKey = missed ? (yearShort ? 'liaison.notice.missed-leadership' : 'liaison.notice.missed') : yearShort ? 'liaison.notice.remind-leadership' : 'liaison.notice.remind';
  return officialNotice(official, key, message, params);
}

/** The symposium reminder of one leadership member. */
export function symposiumReminder(slot: ReminderSlot, key: string, official: string, held: number, required: number, days: number): BulkNotice {
  const params = { year: slot.period.key, held, required, end: slot.period.end, days };
  return officialNotice(official, key, slot.kind === 'missed' ? 'liaison.notice.symposium-missed' : 'liaison.notice.symposium-remind', params);
}

/** How many names a digest lists before "and N more": a chat message stays readable. */
export const DIGEST_MAX_NAMES = 30;

/** A list of names for the digest, in both languages, cut at {@link DIGEST_MAX_NAMES}. */
export function nameList(items: { name: string; count?: number }[]): Text {
  if (items.length === 0) return both('liaison.none');
  const shown = items.slice(0, DIGEST_MAX_NAMES).map((item) => (item.count === undefined ? { zh: item.name, en: item.name } : both('liaison.digest.behind-item', { name: item.name, count: item.count })));
  const more = items.length > DIGEST_MAX_NAMES ? [both('liaison.digest.more', { count: items.length - DIGEST_MAX_NAMES })] : [];
  const all = [...shown, ...more];
  return { zh: all.map((t) => t.zh).join('、'), en: all.map((t) => t.en).join(', ') };
}

/** What a unit's digest reports. */
export interface UnitDigest {
  unit: Text;
  unlinked: { name: string }[];
  behind: { name: string; count: number }[];
  /** For the leadership's own digest: the year's symposiums. */
  symposium?: { held: number; required: number };
}

/** The weekly digest to one supervisor; one per supervisor and day. */
export function digestNotice(supervisor: string, today: string, period: Period, days: number, digest: UnitDigest): BulkNotice {
  const key = ['liaison', 'digest', today, supervisor].join('.');
  return officialNotice(supervisor, key, 'liaison.notice.digest', {
    unit: digest.unit,
    date: today,
    period: periodText(period),
    days,
    unlinkedCount: digest.unlinked.length,
    unlinked: nameList(digest.unlinked),
    behindCount: digest.behind.length,
    behind: nameList(digest.behind),
    symposium: digest.symposium ? both('liaison.digest.symposium', digest.symposium) : { zh: '', en: '' },
  });
}
