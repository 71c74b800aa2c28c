import { isMessageKey, t, type Lang, type ParamValue } from '../../i18n/index.ts';
import type { NoticeJob } from '../../queue/notice.ts';
import type { OutboundMessage } from '../../platforms/types.ts';

/** Renders a platform-neutral notice in the recipient's language. */
export function renderNotice(notice: Pick<NoticeJob, 'message' | 'buttons'>, lang: Lang): OutboundMessage {
  const key = notice.message.key;
  const text = isMessageKey(key) ? t(lang, key, notice.message.params as Record<string, ParamValue>) : key;
  const buttons = notice.buttons?.map((row) => row.map((b) => ({ action: b.action, label: lang === 'en' ? b.label.en : b.label.zh })));
  return buttons && buttons.length > 0 ? { text, buttons } : { text };
}
