/**
 * /status: one answer, no conversation. Without arguments it lists the sender's open tickets; with a
 * number it shows that ticket, if the sender may see it (otherwise "not found", never "forbidden").
 */
import { DomainError } from '../src/domain/errors.ts';
import { t } from '../src/i18n/index.ts';
import { getTicketForViewer, listTicketsForContact, normalizeTicketNumber, ticketLine, ticketSummary } from '../src/services/tickets/ticket-queries.ts';
import type { FlowDeps } from './deps.ts';
import type { Reply } from './engine/index.ts';

/** A chat message holds a screenful; older open tickets are reached by number. */
const MAX_LISTED = 20;

/** `RF-2026-000001`: the profile's prefix, a year, a zero-padded count (which may outgrow six digits). */
function numberPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}-\\d{4}-\\d{6,}$`);
}

async function listReplies(deps: FlowDeps): Promise<Reply[]> {
  const { identity, lang, app } = deps;
  const example = `${app.profile.ticketPrefix}-2026-000001`;
  if (identity.kind === 'official') return [{ text: t(lang, 'status.officials', { example }) }];
  if (identity.kind !== 'contact') return [{ text: t(lang, 'status.need-contact') }];
  if (identity.status !== 'active') return [{ text: t(lang, 'status.pending') }];
  // One more than shown tells whether there are more, without counting them all.
  const tickets = await listTicketsForContact(app, identity, { open: true, limit: MAX_LISTED + 1 });
  if (tickets.length === 0) return [{ text: t(lang, 'status.none') }];
  const shown = tickets.slice(0, MAX_LISTED);
  const lines = [t(lang, 'status.list-header', { count: shown.length }), ...shown.map((ticket) => ticketLine(ticket, lang, app.profile))];
  if (tickets.length > MAX_LISTED) lines.push(t(lang, 'status.list-more'));
  lines.push(t(lang, 'status.list-footer'));
  return [{ text: lines.join('\n') }];
}

/** The replies to `/status` (`args` empty) or `/status <number>`. */
export async function statusReplies(deps: FlowDeps, args: string): Promise<Reply[]> {
  const { lang, app } = deps;
  const number = normalizeTicketNumber(args);
  if (number === '') return listReplies(deps);
  if (!numberPattern(app.profile.ticketPrefix).test(number)) {
    return [{ text: t(lang, 'status.bad-number', { example: `${app.profile.ticketPrefix}-2026-000001` }) }];
  }
  try {
    const ticket = await getTicketForViewer(app, deps.identity, number);
    return [{ text: ticketSummary(ticket, lang, app.profile) }];
  } catch (error) {
    if (error instanceof DomainError && error.code === 'ticket.not-found') return [{ text: t(lang, 'error.ticket.not-found', { number }) }];
    throw error;
  }
}
