import type { ChatAccountDoc } from '../../db/models/index.ts';
import type { NoticeRecipient } from '../../queue/notice.ts';
import { unseal } from '../../shared/seal.ts';
import type { SealedReporter, TicketServiceContext } from '../tickets/create-ticket.ts';
import { loadTicket } from '../tickets/ticket-store.ts';
import type { Lang } from '../../i18n/index.ts';

export interface ResolvedChat {
  platform: ChatAccountDoc['platform'];
  chatId: string;
  lang: Lang;
}

/**
 * Where a recipient is reached. An official or contact may have accounts on several platforms; the
 * newest on a platform that can deliver now answers, else the newest of all (the notice is then held). A sealed reporter is reached through the chat the report came from, opened here
 * and nowhere else.
 */
export async function resolveRecipient(
  ctx: TicketServiceContext,
  recipient: NoticeRecipient,
  /** Platforms that can deliver now: an account there is preferred over a newer one elsewhere. */
  reachable: (platform: ChatAccountDoc['platform']) => boolean = () => true,
): Promise<ResolvedChat | undefined> {
  if (recipient.kind === 'reporter') {
    const ticket = await loadTicket(ctx, recipient.ref);
    if (!ticket?.sealedReporter || !ctx.dataKey) return undefined;
    const reporter = unseal<SealedReporter>(ticket.sealedReporter, ctx.dataKey);
    const platform = reporter.replyTo.platform as ResolvedChat['platform'];
    const account = await ctx.db.models.ChatAccount.findOne({ platform, chatId: reporter.replyTo.chatId }).lean<ChatAccountDoc>();
    return { platform, chatId: reporter.replyTo.chatId, lang: account?.lang ?? 'zh-CN' };
  }
  const accounts = await ctx.db.models.ChatAccount.find({ kind: recipient.kind, ref: { $eq: recipient.ref } })
    .sort({ _id: -1 })
    .limit(10)
    .lean<ChatAccountDoc[]>();
  const account = accounts.find((a) => reachable(a.platform)) ?? accounts[0];
  return account ? { platform: account.platform, chatId: account.chatId, lang: account.lang } : undefined;
}
