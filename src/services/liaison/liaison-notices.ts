/**
 * The notices of the liaison rules: reminders to officials (one per official and slot, naming its short
 * links), symposium reminders to the leadership, and the supervisors' weekly digest. Each is a notify
 * job whose id is its dedupe key, so adding it twice (a scan run again, or on two workers) queues it
 * once, and the notify worker never sends a key twice.
 */
import type { Period, ReminderSlot } from '../../domain/liaison-cadence.ts';
import { both, type MessageKey, type ParamValue, type Text } from '../../i18n/index.ts';
import { noticeJob, type NoticeQueueJob } from '../../queue/notice.ts';
import type { OfficialShortfall } from './short-links.ts';

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
 * An official's one reminder in a slot, naming its short links (the first {@link DIGEST_MAX_NAMES}, then
 * "and N more"). A leadership member in the second half is told the year's rule (R(2)) beside the
 * half-year's, with both counts for each enterprise; anyone else the half-year's. `names` maps credit
 * codes to names; a code without a name is shown as it is.
 */
export function officialReminder(slot: ReminderSlot, key: string, shortfall: OfficialShortfall, names: ReadonlyMap<string, string>, days: number): BulkNotice {
  const leadership = shortfall.yearRequired !== undefined;
  const year = slot.period.key.slice(0, 4);
  const { required } = shortfall;
  const items = shortfall.links.map((link): Text => {
    const name = names.get(link.enterprise) ?? link.enterprise;
    if (leadership) return both('liaison.reminder.item-leadership', { name, year, done: link.done, yearDone: link.yearDone ?? 0 });
    return link.done > 0 ? both('liaison.reminder.item-done', { name, done: link.done, required }) : { zh: name, en: name };
  });
  const listed = joinTexts(items);
  const more = shortfall.more > 0 ? both('liaison.reminder.more', { count: shortfall.more }) : { zh: '', en: '' };
  const params: Record<string, ParamValue> = {
    period: periodText(slot.period),
    year,
    count: shortfall.links.length + shortfall.more,
    required,
    yearRequired: shortfall.yearRequired ?? 0,
    enterprises: { zh: listed.zh + more.zh, en: listed.en + more.en },
    end: slot.period.end,
    days,
  };
  const message: MessageKey =
    slot.kind === 'missed' ? (leadership ? 'liaison.reminder.missed-leadership' : 'liaison.reminder.missed') : leadership ? 'liaison.reminder.before-leadership' : 'liaison.reminder.before';
  return officialNotice(shortfall.official, key, message, params);
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
  return joinTexts([...shown, ...more]);
}

/** Texts as one list in both languages: 、 between the Chinese items, commas between the English. */
function joinTexts(texts: Text[]): Text {
  return { zh: texts.map((t) => t.zh).join('、'), en: texts.map((t) => t.en).join(', ') };
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
