/**
 * What reached Telegram, checked against what qinqing meant to send: every notice record (keyed by its
 * dedupe key) against the texts the fake Bot API accepted in that chat.
 */
import type { FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import { textOf } from '../../support/telegram-harness.ts';
import type { FaultContext } from './fault-servers.ts';

export interface NoticeTally {
  /** Tickets that should each have one notice of the key. */
  expected: number;
  /** Accepted by the fake exactly once. */
  once: number;
  /** Never accepted (no record, not sent, or sent but not seen by the fake). */
  lost: number;
  /** Accepted more than once. */
  doubled: number;
  /** Records not `sent`, by status (for failure messages). */
  notSent: Record<string, number>;
  /** Tickets with more than one notice record of the key (a second dedupe key for the same event). */
  extraRecords: number;
  /** The ids of the tickets whose notice was lost. */
  lostTickets: string[];
}

/** How many times the fake accepted each (chat, text). */
export function acceptedTexts(fake: FakeTelegramApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [chat, messages] of fake.sent) {
    for (const message of messages) {
      const key = `${chat}\n${textOf(message)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * For each of `ticketIds`, its notice of `key` (e.g. `notice.assigned`): was it delivered exactly once?
 * A ticket with no record at all counts as lost.
 */
export async function tallyNotices(ctx: FaultContext, fake: FakeTelegramApi, ticketIds: readonly string[], key: string): Promise<NoticeTally> {
  const records = await ctx.db.models.Notice.find({ 'message.key': key }, { ticket: 1, chatId: 1, text: 1, status: 1 }).lean();
  const byTicket = new Map<string, typeof records>();
  for (const record of records) byTicket.set(String(record.ticket), [...(byTicket.get(String(record.ticket)) ?? []), record]);
  const accepted = acceptedTexts(fake);
  const tally: NoticeTally = { expected: ticketIds.length, once: 0, lost: 0, doubled: 0, notSent: {}, extraRecords: 0, lostTickets: [] };
  for (const id of ticketIds) {
    const mine = byTicket.get(id) ?? [];
    if (mine.length > 1) tally.extraRecords += 1;
    const record = mine[0];
    if (!record) {
      tally.lost += 1;
      tally.lostTickets.push(id);
      tally.notSent.missing = (tally.notSent.missing ?? 0) + 1;
      continue;
    }
    if (record.status !== 'sent') tally.notSent[record.status] = (tally.notSent[record.status] ?? 0) + 1;
    const times = accepted.get(`${record.chatId}\n${record.text}`) ?? 0;
    if (times === 0) {
      tally.lost += 1;
      tally.lostTickets.push(id);
    } else if (times === 1) tally.once += 1;
    else tally.doubled += 1;
  }
  return tally;
}

/** Seconds with one decimal, for the tables. */
export function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}
