/** Builds the notices a ticket change sends: platform-neutral jobs for the notify queue. */
import { noticeJob, type NoticeButton, type NoticeRecipient } from '../../queue/notice.ts';
import type { MessageKey, ParamValue } from '../../i18n/index.ts';
import { both } from '../../i18n/index.ts';
import type { OutboxJob, TicketRecord } from './ticket-store.ts';

/** Who speaks for the enterprise on this ticket: its contact, or the sealed reporter of a misconduct report. */
export function enterpriseRecipient(ticket: TicketRecord): NoticeRecipient | undefined {
  if (ticket.sealedReporter) return { kind: 'reporter', ref: String(ticket._id) };
  return ticket.contact ? { kind: 'contact', ref: ticket.contact } : undefined;
}

export function officialRecipient(code: string): NoticeRecipient {
  return { kind: 'official', ref: code };
}

/**
 * One notice job. Its id derives from the ticket, the history position that caused it, the recipient and
 * the message, so a retried change or a second flush never sends it twice.
 */
export function notice(
  ticket: TicketRecord,
  cause: string | number,
  recipient: NoticeRecipient | undefined,
  key: MessageKey,
  params: Record<string, ParamValue>,
  buttons?: NoticeButton[][],
): OutboxJob[] {
  if (!recipient) return [];
  const dedupeKey = ['n', String(ticket._id), cause, recipient.kind, recipient.ref, key].join('.').replace(/:/g, '_');
  const job = noticeJob(recipient, key, params, dedupeKey, { ticketId: String(ticket._id), ...(buttons ? { buttons } : {}) });
  return [{ queue: 'notify', name: job.name, jobId: job.opts.jobId, data: job.data }];
}

/** A button whose label is an i18n key; `action` is a short stable id the handlers route (≤ 64 bytes). */
export function button(action: string, label: MessageKey): NoticeButton {
  return { action, label: both(label) };
}

/** The officer's one-tap actions on an assignment notice. */
export function officerButtons(ticket: TicketRecord): NoticeButton[][] {
  const n = ticket.number;
  return [
    [button(`t:accept:${n}`, 'button.accept'), button(`t:progress:${n}`, 'button.progress'), button(`t:transfer:${n}`, 'button.transfer')],
    [button(`t:extend:${n}`, 'button.extend'), button(`t:resolve:${n}`, 'button.resolve')],
  ];
}
