/** A notice's delivery record holds the notice itself: a lost job, or a held notice, is rebuilt from it. */
import type { NoticeDoc } from '../../db/models/index.ts';
import type { NoticeJob } from '../../queue/notice.ts';

/** What a delivery record keeps of its notice, so that the notice can be rebuilt from it. */
export function recordFields(notice: NoticeJob): Pick<NoticeDoc, 'dedupeKey' | 'recipient' | 'message' | 'buttons' | 'ticket'> {
  return {
    dedupeKey: notice.dedupeKey,
    recipient: notice.recipient,
    message: notice.message,
    ...(notice.buttons ? { buttons: JSON.stringify(notice.buttons) } : {}),
    ...(notice.ticketId ? { ticket: notice.ticketId } : {}),
  };
}

/** The notice a delivery record was written for. */
export function noticeFromRecord(record: Pick<NoticeDoc, 'dedupeKey' | 'recipient' | 'message' | 'buttons' | 'ticket'>): NoticeJob {
  return {
    recipient: { kind: record.recipient.kind as NoticeJob['recipient']['kind'], ref: record.recipient.ref },
    message: { key: record.message.key, params: record.message.params as NoticeJob['message']['params'] },
    dedupeKey: record.dedupeKey,
    ...(record.buttons ? { buttons: JSON.parse(record.buttons) as NoticeJob['buttons'] } : {}),
    ...(record.ticket ? { ticketId: record.ticket } : {}),
  };
}
