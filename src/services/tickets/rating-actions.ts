/**
 * 好差评: the enterprise rates the result; a bad first rating reopens the ticket to the supervisor.
 * The rater is answered by the conversation they rated in; notices go only to the officials concerned.
 */
import { isBadRating, RATING_LABELS, type RatingLevel } from '../../domain/rating.ts';
import type { Actor, TicketFacts } from '../../domain/ticket-state.ts';
import { formatShanghai } from '../../shared/format.ts';
import { unseal } from '../../shared/seal.ts';
import { act, factsOf } from './act.ts';
import { checkText, deadlineJobs, type SealedReporter, type TicketServiceContext } from './create-ticket.ts';
import { notice, officialRecipient } from './ticket-notices.ts';
import { leadership, supervisorsOf } from './ticket-directory.ts';
import type { TicketRecord } from './ticket-store.ts';

/**
 * For a sealed misconduct report the enterprise is not in clear; the reporter is recognised by opening
 * the seal, which never leaves this function.
 */
function reporterFacts(ctx: TicketServiceContext, actor: Actor): (ticket: TicketRecord) => TicketFacts {
  return (ticket) => {
    const facts = factsOf(ticket, ctx.profile);
    if (!ticket.sealedReporter || !ctx.dataKey || actor.kind !== 'enterprise') return facts;
    const reporter = unseal<SealedReporter>(ticket.sealedReporter, ctx.dataKey);
    return reporter.contact === actor.contact ? { ...facts, enterprise: actor.enterprise } : facts;
  };
}

export async function rate(ctx: TicketServiceContext, ref: string, actor: Actor, level: RatingLevel, comment = ''): Promise<TicketRecord> {
  const note = comment.trim() ? checkText(comment, 1, 1000) : undefined;
  const bad = isBadRating(level);
  return act(
    ctx,
    ref,
    actor,
    'rate',
    async (ticket, decision) => {
      const now = ctx.clock.now();
      const round = ticket.ratings.length === 0 ? 'first' : 'follow-up';
      const rating = { level, at: now, round, ...(note ? { comment: note } : {}) } as const;
      const ratings = [...ticket.ratings, rating];
      const data = { level, round, ...(note ? { comment: note } : {}) };
      if (decision.to === 'reopened') {
        const supervisor = (await supervisorsOf(ctx, ticket.unit))[0];
        const rectify = ctx.calendar.addWorkingDays(now, ctx.profile.rules.rectifyDays);
        return {
          set: {
            ratings,
            outcome: 'rated',
            ...(supervisor ? { assignee: supervisor.code } : {}),
            deadlines: { ...ticket.deadlines, rectifyBy: rectify.due },
          },
          event: { action: 'rate', data: { ...data, reopenedTo: supervisor?.code ?? null } },
          jobs: (seq) => [
            ...(supervisor
              ? notice(ticket, seq, officialRecipient(supervisor.code), 'notice.rectify', {
                  number: ticket.number,
                  rating: RATING_LABELS[level],
                  rectifyBy: formatShanghai(rectify.due),
                  comment: note ?? '—',
                })
              : []),
            ...deadlineJobs(ctx, String(ticket._id), 'rectify', now, rectify.due),
          ],
        };
      }
      const stillBad = bad && round === 'follow-up';
      const leaders = stillBad ? await leadership(ctx) : [];
      return {
        set: { ratings, closedAt: now, outcome: 'rated' },
        event: { action: 'rate', data },
        jobs: (seq) => [
          ...leaders.flatMap((l) => notice(ticket, seq, officialRecipient(l.code), 'notice.follow-up-bad', { number: ticket.number, rating: RATING_LABELS[level] })),
        ],
      };
    },
    { bad, facts: reporterFacts(ctx, actor) },
  );
}

/** No rating within the window: the ticket closes as unrated. */
export async function expireRating(ctx: TicketServiceContext, ref: string): Promise<TicketRecord> {
  return act(ctx, ref, { kind: 'system' }, 'expire-rating', () => ({
    set: { closedAt: ctx.clock.now(), outcome: 'unrated' },
    event: {},
  }));
}
