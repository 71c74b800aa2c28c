/** The assign job: route a submitted ticket to an officer, tell them and the enterprise. */
import { DomainError } from '../domain/errors.ts';
import { pickAssignee } from '../domain/routing.ts';
import type { EnterpriseDoc } from '../db/models/index.ts';
import type { AssignJob } from '../queue/queues.ts';
import { formatShanghai, excerpt } from '../shared/format.ts';
import { act } from '../services/tickets/act.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import { enterpriseRecipient, notice, officialRecipient, officerButtons } from '../services/tickets/ticket-notices.ts';
import { asCandidate, findOfficial, leadership, officerLoads, supervisorsOf, unitName, unitOfficers } from '../services/tickets/ticket-directory.ts';
import { loadTicket } from '../services/tickets/ticket-store.ts';
import { markAssigned } from '../services/tickets/officer-actions.ts';

/**
 * Re-reads the ticket first: a ticket already assigned (a retried or duplicate job) is left alone.
 * The enterprise's own chief service officer gets it when they belong to the lead unit; otherwise the
 * least-loaded officer; a unit with no officer falls back to its supervisor.
 */
export async function processAssign(ctx: TicketServiceContext, job: AssignJob): Promise<'assigned' | 'skipped'> {
  const current = await loadTicket(ctx, job.ticketId);
  if (!current || current.status !== 'submitted') return 'skipped';
  const assigned = await act(ctx, job.ticketId, { kind: 'system' }, 'assign', async (ticket) => {
    const enterprise = ticket.enterprise ? await ctx.db.models.Enterprise.findById(ticket.enterprise).lean<EnterpriseDoc>() : null;
    const chief = enterprise?.chiefOfficer;
    const officers = await unitOfficers(ctx, ticket.unit);
    // The chief service officer, when eligible, takes it whatever the loads: count them only otherwise.
    const chiefPick = chief !== undefined ? pickAssignee(officers.map((o) => asCandidate(o, 0)), chief, ticket.unit, ticket.accusedUnit) : undefined;
    let officer = chiefPick !== undefined && chiefPick.code === chief ? chiefPick : pickAssignee(await officerLoads(ctx, officers), chief, ticket.unit, ticket.accusedUnit);
    // A unit with nobody to take it: its supervisor; failing that the leadership, so nothing waits unowned.
    const fallback = officer ? [] : [...(await supervisorsOf(ctx, ticket.unit)), ...(ticket.discipline ? [] : await leadership(ctx))];
    if (!officer && fallback[0]) officer = { code: fallback[0].code, unit: fallback[0].unit, active: true, openTickets: 0 };
    if (!officer) throw new DomainError('unit.no-officer', `unit ${ticket.unit} has no active officer`, { unit: ticket.unit });
    const now = ctx.clock.now();
    const code = officer.code;
    const [unit, category, person] = [await unitName(ctx, ticket.unit), ctx.profile.categories.find((c) => c.code === ticket.category), officers.find((o) => o.code === code) ?? (await findOfficial(ctx, code))];
    const params = {
      number: ticket.number,
      category: category?.name ?? { zh: ticket.category, en: ticket.category },
      enterprise: enterprise?.name ?? { zh: '（举报，身份保密）', en: '(report; identity sealed)' },
      text: excerpt(ticket.text, 300),
      respondBy: formatShanghai(ticket.deadlines.respondBy),
      resolveBy: formatShanghai(ticket.deadlines.resolveBy),
    };
    return {
      set: { assignee: code, assignedAt: now },
      event: { data: { assignee: code, unit: ticket.unit, chiefOfficer: chief === code } },
      jobs: (seq) => [
        ...notice(ticket, seq, officialRecipient(code), 'notice.assigned', params, officerButtons(ticket)),
        ...notice(ticket, seq, enterpriseRecipient(ticket), 'notice.enterprise.assigned', {
          number: ticket.number,
          unit,
          officer: person?.name ?? code,
          resolveBy: params.resolveBy,
        }),
      ],
    };
  }, { ticket: current });
  await markAssigned(ctx, assigned);
  return 'assigned';
}
