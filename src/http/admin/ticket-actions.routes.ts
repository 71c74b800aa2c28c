/**
 * Officials' actions on tickets, through the very service calls the bot makes. The caller acts as the
 * official its key is bound to, and the state machine decides whether that official may: the API adds
 * no rule of its own beyond "the ticket must be in the caller's scope" (else 404).
 */
import { z } from 'zod';
import { closeUnfounded } from '../../services/tickets/discipline-actions.ts';
import { accept, addProgress, decideExtension, reassign, requestExtension, resolve, transfer } from '../../services/tickets/officer-actions.ts';
import type { TicketRecord } from '../../services/tickets/ticket-store.ts';
import type { ApiRole } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { codeSchema, ticketItemSchema, ticketNumberParams } from './schemas.ts';
import { boundActor, enterpriseNames, findVisibleTicket, ticketItem, type OfficialActor } from './ticket-scope.ts';

/** Auditors only read; everyone else acts as their bound official (an unbound admin key gets a 403). */
const ACTING_ROLES: readonly ApiRole[] = ['admin', 'supervisor', 'inspector'];

const reason = z.string().trim().min(1).max(500);
const note = z.string().trim().min(1).max(2000);

export function registerTicketActionRoutes(r: Registrar, deps: AdminDeps): void {
  /** One action route: find the ticket in scope, resolve the acting official, run the service. */
  const action = <B extends z.ZodType>(
    name: string,
    summary: string,
    body: B,
    run: (number: string, actor: OfficialActor, body: z.output<B>) => Promise<TicketRecord>,
  ) =>
    r.route({
      method: 'POST',
      url: `/tickets/:number/${name}`,
      roles: ACTING_ROLES,
      tag: 'ticket actions',
      summary,
      params: ticketNumberParams,
      body,
      response: ticketItemSchema,
      handler: async ({ params, body: input, principal }) => {
        const { ticket, scope } = await findVisibleTicket(deps, principal, params.number);
        const actor = scope.actor ?? (await boundActor(deps, principal));
        const updated = await run(ticket.number, actor, input);
        return ticketItem(updated, deps.clock.now(), await enterpriseNames(deps, [updated]));
      },
    });

  action('accept', '受理: the assignee (or its supervisor) takes the ticket on', z.strictObject({}), (n, actor) => accept(deps, n, actor));
  action('progress', 'A progress note; the enterprise is told', z.strictObject({ note }), (n, actor, b) => addProgress(deps, n, actor, b.note));
  action('transfer', '转办 to another department unit, with a reason', z.strictObject({ unit: codeSchema, reason }), (n, actor, b) =>
    transfer(deps, n, actor, b.unit, b.reason),
  );
  action(
    'extend',
    'Asks the unit’s supervisor for more working days (the assignee only)',
    z.strictObject({ days: z.int().min(1).max(250), reason }),
    (n, actor, b) => requestExtension(deps, n, actor, b.days, b.reason),
  );
  action(
    'decide-extension',
    'Approves or refuses a pending extension (a reason is required to refuse)',
    z.strictObject({ approve: z.boolean(), reason: z.string().trim().max(500).default('') }),
    (n, actor, b) => decideExtension(deps, n, actor, b.approve, b.reason),
  );
  action('reassign', 'Hands the ticket to a named officer of its unit (supervisors, leadership)', z.strictObject({ officer: codeSchema, reason }), (n, actor, b) =>
    reassign(deps, n, actor, b.officer, b.reason),
  );
  action(
    'resolve',
    '办结 with the result; the enterprise is asked to rate it',
    z.strictObject({ result: note, outcome: z.literal('substantiated').optional().describe('a misconduct report found true') }),
    (n, actor, b) => resolve(deps, n, actor, b.result, b.outcome),
  );
  action(
    'close-unfounded',
    '澄清正名: closes a misconduct report found untrue, recording whom it clears (inspectors)',
    z.strictObject({ conclusion: note, clearedOfficial: codeSchema.optional(), clearedUnit: codeSchema.optional() }),
    (n, actor, b) =>
      closeUnfounded(deps, n, actor, b.conclusion, {
        ...(b.clearedOfficial ? { official: b.clearedOfficial } : {}),
        ...(b.clearedUnit ? { unit: b.clearedUnit } : {}),
      }),
  );
}
