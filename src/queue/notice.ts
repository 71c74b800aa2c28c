/** A platform-neutral notice: who is told what. The notify worker turns it into a platform send. */
export interface NoticeRecipient {
  /** `reporter`: the sealed reporter of a misconduct report; `ref` is then the ticket id. */
  kind: 'official' | 'contact' | 'reporter';
  /** An official's code, a contact's id, or (reporter) a ticket id. */
  ref: string;
}

export interface NoticeButton {
  action: string;
  label: { zh: string; en: string };
}

export interface NoticeJob {
  recipient: NoticeRecipient;
  /** i18n key and parameters: rendered in the recipient's language at send time. */
  message: { key: string; params: Record<string, string | number | { zh: string; en: string }> };
  buttons?: NoticeButton[][];
  /** Same key, same notice: the job id and the delivery record both derive from it. */
  dedupeKey: string;
  ticketId?: string;
  /** The send slot reserved for this notice in its chat (ms since epoch), once it has one. */
  sendAt?: number;
  /** Where the notice goes, as found when its slot was reserved: the send uses that same chat. */
  chat?: { platform: 'telegram' | 'wechat' | 'playground'; chatId: string; lang: 'zh-CN' | 'en' };
}

/** A notify job as `Queue.add`/`addBulk` take it. */
export interface NoticeQueueJob {
  name: string;
  data: NoticeJob;
  opts: { jobId: string };
}

/**
 * The one way a notice becomes a notify job: its job id is its dedupe key (BullMQ refuses ':' in custom
 * ids), so queueing it twice queues it once, and the notify worker never sends a key twice.
 */
export function noticeJob(
  recipient: NoticeRecipient,
  key: string,
  params: NoticeJob['message']['params'],
  dedupeKey: string,
  extra: Pick<NoticeJob, 'buttons' | 'ticketId'> = {},
): NoticeQueueJob {
  const data: NoticeJob = { recipient, message: { key, params }, dedupeKey, ...(extra.buttons ? { buttons: extra.buttons } : {}), ...(extra.ticketId ? { ticketId: extra.ticketId } : {}) };
  return { name: key, data, opts: { jobId: noticeJobId(dedupeKey) } };
}

/** A notice's job id: its dedupe key, which BullMQ takes once ':' is replaced. */
export function noticeJobId(dedupeKey: string): string {
  return dedupeKey.replace(/:/g, '_');
}
