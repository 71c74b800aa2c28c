import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.ts';
import {
  TICKET_ACTIONS,
  TICKET_STATUSES,
  TRANSITIONS,
  canView,
  decide,
  isOpen,
  rolesOn,
  type Actor,
  type ActorRole,
  type TicketAction,
  type TicketFacts,
  type TicketStatus,
} from '../../src/domain/ticket-state.ts';

/** The transition table as the policy states it, written out independently of the source. */
const SPEC: Record<TicketAction, { from: TicketStatus[]; to: TicketStatus | 'same'; who: ActorRole[] }> = {
  assign: { from: ['submitted'], to: 'assigned', who: ['system'] },
  accept: { from: ['assigned'], to: 'accepted', who: ['assignee', 'supervisor', 'leadership'] },
  progress: { from: ['accepted', 'reopened'], to: 'same', who: ['assignee', 'supervisor', 'leadership'] },
  transfer: { from: ['assigned', 'accepted'], to: 'assigned', who: ['assignee', 'supervisor', 'leadership'] },
  'request-extension': { from: ['assigned', 'accepted', 'reopened'], to: 'same', who: ['assignee'] },
  'decide-extension': { from: ['assigned', 'accepted', 'reopened'], to: 'same', who: ['supervisor', 'leadership'] },
  reassign: { from: ['assigned', 'accepted', 'reopened'], to: 'assigned', who: ['supervisor', 'leadership'] },
  resolve: { from: ['accepted', 'reopened'], to: 'resolved', who: ['assignee', 'supervisor', 'leadership'] },
  rate: { from: ['resolved'], to: 'closed', who: ['enterprise'] },
  'expire-rating': { from: ['resolved'], to: 'closed', who: ['system'] },
  'close-unfounded': { from: ['assigned', 'accepted'], to: 'closed', who: ['inspector'] },
};

const ALL_ROLES: readonly ActorRole[] = ['assignee', 'supervisor', 'leadership', 'inspector', 'enterprise', 'system'];

// The cast of actors. Unit U1 handles the ordinary ticket; JW is discipline inspection (纪委监委).
const assignee: Actor = { kind: 'official', code: 'off-a', unit: 'U1', roles: ['officer'] };
const colleague: Actor = { kind: 'official', code: 'off-b', unit: 'U1', roles: ['officer'] };
const supervisor: Actor = { kind: 'official', code: 'sup-1', unit: 'U1', roles: ['officer', 'supervisor'] };
const otherSupervisor: Actor = { kind: 'official', code: 'sup-2', unit: 'U2', roles: ['officer', 'supervisor'] };
const leader: Actor = { kind: 'official', code: 'lead-1', unit: 'LEAD', roles: ['leadership'] };
const inspector: Actor = { kind: 'official', code: 'insp-1', unit: 'JW', roles: ['officer', 'inspector'] };
const ownEnterprise: Actor = { kind: 'enterprise', enterprise: 'E1', contact: 'c-1' };
const otherEnterprise: Actor = { kind: 'enterprise', enterprise: 'E2', contact: 'c-2' };
const system: Actor = { kind: 'system' };

/** One actor holding exactly the given role on the ordinary ticket. */
const ACTOR_FOR: Record<ActorRole, Actor> = {
  assignee,
  supervisor,
  leadership: leader,
  inspector,
  enterprise: ownEnterprise,
  system,
};

function ticket(overrides: Partial<TicketFacts> = {}): TicketFacts {
  return {
    status: 'accepted',
    unit: 'U1',
    assignee: 'off-a',
    enterprise: 'E1',
    discipline: false,
    transfers: 0,
    extensionPending: false,
    reopenedBefore: false,
    ...overrides,
  };
}

/** Facts that let the action through every check but the status and the actor. */
function readyFor(action: TicketAction, status: TicketStatus, overrides: Partial<TicketFacts> = {}): TicketFacts {
  return ticket({ status, extensionPending: action === 'decide-extension', discipline: action === 'close-unfounded', ...overrides });
}

/** What `fn` throws, or undefined when it returns. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The code of the DomainError `fn` throws; fails the test when it returns or throws something else. */
function codeOf(fn: () => unknown): string {
  const thrown = caught(fn);
  expect(thrown).toBeInstanceOf(DomainError);
  return (thrown as DomainError).code;
}

describe('close-unfounded', () => {
  it('applies to misconduct reports only: an ordinary demand is answered with a result', () => {
    // A negative-list case is the inspector's to see, but it is resolved like any other.
    expect(codeOf(() => decide(ticket({ status: 'accepted', negativeList: true }), 'close-unfounded', inspector))).toBe('ticket.illegal-transition');
    // Any other case is not even the inspector's to see.
    expect(codeOf(() => decide(ticket({ status: 'accepted' }), 'close-unfounded', inspector))).toBe('ticket.forbidden');
  });
});

describe('the transition table', () => {
  it('is exactly the table the policy describes', () => {
    expect(TRANSITIONS).toEqual(SPEC);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...TICKET_ACTIONS].sort());
  });

  const allowed = TICKET_ACTIONS.flatMap((action) =>
    SPEC[action].from.flatMap((from) =>
      SPEC[action].who.map((role) => ({ action, from, role, to: SPEC[action].to === 'same' ? from : SPEC[action].to })),
    ),
  );

  it.each(allowed)('$action: $from → $to by $role', ({ action, from, role, to }) => {
    expect(decide(readyFor(action, from), action, ACTOR_FOR[role])).toEqual({ to, as: role });
  });

  const illegal = TICKET_ACTIONS.flatMap((action) =>
    TICKET_STATUSES.filter((status) => !SPEC[action].from.includes(status)).map((status) => ({ action, status })),
  );

  it('covers all 66 (status, action) pairs: 21 allowed, 45 illegal', () => {
    const allowedPairs = new Set(allowed.map(({ action, from }) => `${action}/${from}`));
    expect(allowedPairs.size).toBe(21);
    expect(allowed.length).toBe(41); // allowed pairs × the roles that may take them
    expect(illegal.length).toBe(45);
  });

  it.each(illegal)('$action on a $status ticket is ticket.illegal-transition', ({ action, status }) => {
    const actor = ACTOR_FOR[SPEC[action].who[0] ?? 'system'];
    const error = caught(() => decide(readyFor(action, status), action, actor));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'ticket.illegal-transition', params: { action, status } });
  });

  it('keeps the status for a note or a pending extension request', () => {
    expect(decide(ticket({ status: 'reopened' }), 'progress', supervisor).to).toBe('reopened');
    expect(decide(ticket({ status: 'assigned' }), 'request-extension', assignee).to).toBe('assigned');
  });
});

describe('who may act', () => {
  const wrongRole = TICKET_ACTIONS.flatMap((action) =>
    ALL_ROLES.filter((role) => !SPEC[action].who.includes(role)).map((role) => ({ action, role, status: SPEC[action].from[0] ?? 'submitted' })),
  );

  it.each(wrongRole)('$action by a mere $role is ticket.forbidden', ({ action, role, status }) => {
    expect(codeOf(() => decide(readyFor(action, status), action, ACTOR_FOR[role]))).toBe('ticket.forbidden');
  });

  it.each(TICKET_ACTIONS.map((action) => ({ action })))('$action by another officer of the same unit is ticket.forbidden', ({ action }) => {
    const status = SPEC[action].from[0] ?? 'submitted';
    expect(codeOf(() => decide(readyFor(action, status), action, colleague))).toBe('ticket.forbidden');
  });

  it('lets the assignee work the ticket but not a colleague of the same unit', () => {
    expect(decide(ticket({ status: 'assigned' }), 'accept', assignee)).toEqual({ to: 'accepted', as: 'assignee' });
    expect(codeOf(() => decide(ticket({ status: 'assigned' }), 'accept', colleague))).toBe('ticket.forbidden');
    expect(decide(ticket(), 'resolve', assignee)).toEqual({ to: 'resolved', as: 'assignee' });
    expect(codeOf(() => decide(ticket(), 'resolve', colleague))).toBe('ticket.forbidden');
    // Once the colleague is the assignee, the roles swap.
    expect(decide(ticket({ assignee: 'off-b' }), 'resolve', colleague).as).toBe('assignee');
    expect(codeOf(() => decide(ticket({ assignee: 'off-b' }), 'resolve', assignee))).toBe('ticket.forbidden');
  });

  it("gives a supervisor power over their own unit's tickets only", () => {
    expect(decide(ticket(), 'reassign', supervisor)).toEqual({ to: 'assigned', as: 'supervisor' });
    expect(codeOf(() => decide(ticket(), 'reassign', otherSupervisor))).toBe('ticket.forbidden');
    expect(decide(ticket({ extensionPending: true }), 'decide-extension', supervisor).as).toBe('supervisor');
    expect(codeOf(() => decide(ticket({ extensionPending: true }), 'decide-extension', otherSupervisor))).toBe('ticket.forbidden');
    expect(codeOf(() => decide(ticket(), 'request-extension', supervisor))).toBe('ticket.forbidden');
  });

  it('records the assignee role when the assignee is also the supervisor', () => {
    const both: Actor = { kind: 'official', code: 'off-a', unit: 'U1', roles: ['supervisor'] };
    expect(rolesOn(ticket(), both)).toEqual(new Set(['assignee', 'supervisor']));
    expect(decide(ticket(), 'resolve', both).as).toBe('assignee');
    expect(decide(ticket(), 'reassign', both).as).toBe('supervisor');
  });

  it("lets the leadership act on any unit's ticket", () => {
    expect(decide(ticket({ unit: 'U2', assignee: 'someone' }), 'reassign', leader)).toEqual({ to: 'assigned', as: 'leadership' });
    expect(decide(ticket({ unit: 'U7', status: 'assigned' }), 'accept', leader).as).toBe('leadership');
  });

  it('lets an enterprise rate its own ticket only', () => {
    const resolved = ticket({ status: 'resolved' });
    expect(decide(resolved, 'rate', ownEnterprise)).toEqual({ to: 'closed', as: 'enterprise' });
    expect(codeOf(() => decide(resolved, 'rate', otherEnterprise))).toBe('ticket.forbidden');
    // A ticket with no enterprise (an anonymous report) belongs to no enterprise at all.
    expect(codeOf(() => decide(ticket({ status: 'resolved', enterprise: undefined }), 'rate', ownEnterprise))).toBe('ticket.forbidden');
  });

  it('keeps enterprises off the officers’ actions even on their own ticket', () => {
    for (const action of ['accept', 'progress', 'transfer', 'resolve', 'reassign', 'close-unfounded'] as const) {
      expect(codeOf(() => decide(readyFor(action, SPEC[action].from[0] ?? 'submitted'), action, ownEnterprise))).toBe('ticket.forbidden');
    }
  });

  it('lets the system assign and expire ratings, nothing an official or enterprise does', () => {
    expect(decide(ticket({ status: 'submitted', assignee: undefined }), 'assign', system)).toEqual({ to: 'assigned', as: 'system' });
    expect(decide(ticket({ status: 'resolved' }), 'expire-rating', system)).toEqual({ to: 'closed', as: 'system' });
    expect(codeOf(() => decide(ticket(), 'resolve', system))).toBe('ticket.forbidden');
    expect(codeOf(() => decide(ticket({ status: 'resolved' }), 'rate', system))).toBe('ticket.forbidden');
  });

  it('lets only the system expire a rating', () => {
    const resolved = ticket({ status: 'resolved' });
    for (const actor of [assignee, supervisor, leader, inspector, ownEnterprise]) {
      expect(codeOf(() => decide(resolved, 'expire-rating', actor))).toBe('ticket.forbidden');
    }
    expect(decide(resolved, 'expire-rating', system).to).toBe('closed');
  });

  it('lets only an inspector close a report as unfounded', () => {
    const disciplineTicket = ticket({ discipline: true, unit: 'JW', assignee: 'insp-1' });
    expect(decide(disciplineTicket, 'close-unfounded', inspector)).toEqual({ to: 'closed', as: 'inspector' });
    const jwSupervisor: Actor = { kind: 'official', code: 'sup-jw', unit: 'JW', roles: ['supervisor'] };
    const jwAssignee: Actor = { kind: 'official', code: 'insp-1', unit: 'JW', roles: ['officer'] };
    for (const actor of [jwSupervisor, jwAssignee, leader, ownEnterprise, system]) {
      expect(codeOf(() => decide(disciplineTicket, 'close-unfounded', actor))).toBe('ticket.forbidden');
    }
  });

  it('says forbidden before illegal, so a stranger learns nothing about the status', () => {
    expect(codeOf(() => decide(ticket({ status: 'closed' }), 'resolve', colleague))).toBe('ticket.forbidden');
  });
});

describe('misconduct reports (discipline)', () => {
  // Routed to discipline inspection; assigned to an inspector. The accused unit is U1.
  const report = ticket({ discipline: true, unit: 'JW', assignee: 'insp-1', status: 'accepted' });
  // The same report misrouted to the accused unit itself: the discipline flag alone must still shut it.
  const misrouted = ticket({ discipline: true, unit: 'U1', assignee: 'off-a', status: 'accepted' });
  const accusedSupervisor = supervisor; // supervisor of U1
  const jwSupervisorNotInspector: Actor = { kind: 'official', code: 'sup-jw', unit: 'JW', roles: ['supervisor'] };
  const leaderWhoIsSupervisor: Actor = { kind: 'official', code: 'lead-2', unit: 'U1', roles: ['leadership', 'supervisor'] };

  const outsiders: { name: string; actor: Actor }[] = [
    { name: 'the leadership', actor: leader },
    { name: "the accused unit's supervisor", actor: accusedSupervisor },
    { name: 'a leader who also supervises the accused unit', actor: leaderWhoIsSupervisor },
    { name: 'an officer of the accused unit', actor: colleague },
    { name: 'a non-inspector supervisor of the discipline unit', actor: jwSupervisorNotInspector },
  ];

  it.each(outsiders)('$name can neither view nor touch it', ({ actor }) => {
    for (const facts of [report, misrouted]) {
      expect(canView(facts, actor)).toBe(false);
      expect(rolesOn(facts, actor).size).toBe(0);
      for (const action of TICKET_ACTIONS) {
        const status = SPEC[action].from[0] ?? 'submitted';
        expect(codeOf(() => decide({ ...facts, status, extensionPending: action === 'decide-extension' }, action, actor))).toBe('ticket.forbidden');
      }
    }
  });

  it('shuts out a non-inspector even when the ticket names them as assignee', () => {
    expect(canView(misrouted, assignee)).toBe(false);
    expect(codeOf(() => decide(misrouted, 'resolve', assignee))).toBe('ticket.forbidden');
    expect(codeOf(() => decide(misrouted, 'request-extension', assignee))).toBe('ticket.forbidden');
  });

  it('is open to an inspector, who may view, close it as unfounded and, as assignee, work it', () => {
    expect(canView(report, inspector)).toBe(true);
    expect(rolesOn(report, inspector)).toEqual(new Set(['assignee', 'inspector']));
    expect(decide(report, 'close-unfounded', inspector)).toEqual({ to: 'closed', as: 'inspector' });
    expect(decide(report, 'resolve', inspector)).toEqual({ to: 'resolved', as: 'assignee' });
    const otherInspector: Actor = { kind: 'official', code: 'insp-2', unit: 'JW', roles: ['inspector'] };
    expect(canView(report, otherInspector)).toBe(true);
    expect(decide(report, 'close-unfounded', otherInspector).as).toBe('inspector');
    expect(codeOf(() => decide(report, 'resolve', otherInspector))).toBe('ticket.forbidden');
  });

  it('gives an inspector who leads the discipline unit supervisor powers but never leadership', () => {
    const jwHead: Actor = { kind: 'official', code: 'jw-head', unit: 'JW', roles: ['supervisor', 'inspector', 'leadership'] };
    expect(rolesOn(report, jwHead)).toEqual(new Set(['supervisor', 'inspector']));
    expect(decide(report, 'reassign', jwHead)).toEqual({ to: 'assigned', as: 'supervisor' });
  });

  it('is visible to the reporting enterprise but not to another one, and always to the system', () => {
    expect(canView(report, ownEnterprise)).toBe(true);
    expect(canView(report, otherEnterprise)).toBe(false);
    expect(canView(report, system)).toBe(true);
  });
});

describe('canView on an ordinary ticket', () => {
  it.each([
    { name: 'assignee', actor: assignee, visible: true },
    { name: 'colleague of the same unit', actor: colleague, visible: false },
    { name: "the unit's supervisor", actor: supervisor, visible: true },
    { name: "another unit's supervisor", actor: otherSupervisor, visible: false },
    { name: 'leadership', actor: leader, visible: true },
    // Discipline inspection oversees misconduct reports and the negative list, not every case.
    { name: 'inspector', actor: inspector, visible: false },
    { name: 'own enterprise', actor: ownEnterprise, visible: true },
    { name: 'another enterprise', actor: otherEnterprise, visible: false },
    { name: 'system', actor: system, visible: true },
  ])('$name → $visible', ({ actor, visible }) => {
    expect(canView(ticket(), actor)).toBe(visible);
  });
});

describe('canView on a negative-list case (say P-4 推诿扯皮)', () => {
  it.each([
    { name: 'inspector', actor: inspector, visible: true },
    { name: 'assignee', actor: assignee, visible: true },
    { name: 'colleague of the same unit', actor: colleague, visible: false },
  ])('$name → $visible', ({ actor, visible }) => {
    expect(canView(ticket({ negativeList: true }), actor)).toBe(visible);
  });
});

describe('transfers (P-4 推诿扯皮)', () => {
  it('allows transfers up to the default limit of 2, then refuses with ticket.transfer-limit', () => {
    expect(decide(ticket({ transfers: 0 }), 'transfer', assignee).to).toBe('assigned');
    expect(decide(ticket({ transfers: 1 }), 'transfer', assignee).to).toBe('assigned');
    expect(codeOf(() => decide(ticket({ transfers: 2 }), 'transfer', assignee))).toBe('ticket.transfer-limit');
    expect(codeOf(() => decide(ticket({ transfers: 5 }), 'transfer', supervisor))).toBe('ticket.transfer-limit');
  });

  it('honours the configured maxTransfers', () => {
    expect(decide(ticket({ transfers: 2 }), 'transfer', assignee, { maxTransfers: 3 }).to).toBe('assigned');
    expect(codeOf(() => decide(ticket({ transfers: 3 }), 'transfer', assignee, { maxTransfers: 3 }))).toBe('ticket.transfer-limit');
    expect(codeOf(() => decide(ticket({ transfers: 0 }), 'transfer', assignee, { maxTransfers: 0 }))).toBe('ticket.transfer-limit');
  });

  it('does not limit a supervisor reassigning a bounced ticket', () => {
    expect(decide(ticket({ transfers: 2 }), 'reassign', supervisor).to).toBe('assigned');
  });
});

describe('extensions', () => {
  it('refuses a second request while one is pending', () => {
    expect(decide(ticket({ extensionPending: false }), 'request-extension', assignee).to).toBe('accepted');
    expect(codeOf(() => decide(ticket({ extensionPending: true }), 'request-extension', assignee))).toBe('ticket.extension-pending');
  });

  it('refuses a decision when nothing is pending', () => {
    expect(decide(ticket({ extensionPending: true }), 'decide-extension', supervisor).to).toBe('accepted');
    expect(codeOf(() => decide(ticket({ extensionPending: false }), 'decide-extension', supervisor))).toBe('ticket.no-extension-pending');
    expect(codeOf(() => decide(ticket({ extensionPending: false }), 'decide-extension', leader))).toBe('ticket.no-extension-pending');
  });
});

describe('rating (好差评)', () => {
  const resolved = ticket({ status: 'resolved' });

  it('reopens on a bad first rating', () => {
    expect(decide(resolved, 'rate', ownEnterprise, { bad: true })).toEqual({ to: 'reopened', as: 'enterprise' });
  });

  it('closes on a good first rating', () => {
    expect(decide(resolved, 'rate', ownEnterprise, { bad: false })).toEqual({ to: 'closed', as: 'enterprise' });
    expect(decide(resolved, 'rate', ownEnterprise)).toEqual({ to: 'closed', as: 'enterprise' });
  });

  it('closes on the follow-up (回访) rating whatever it says', () => {
    const again = ticket({ status: 'resolved', reopenedBefore: true });
    expect(decide(again, 'rate', ownEnterprise, { bad: true })).toEqual({ to: 'closed', as: 'enterprise' });
    expect(decide(again, 'rate', ownEnterprise, { bad: false })).toEqual({ to: 'closed', as: 'enterprise' });
  });

  it('lets the rectification of a reopened ticket resolve it again', () => {
    expect(decide(ticket({ status: 'reopened', reopenedBefore: true }), 'resolve', supervisor)).toEqual({ to: 'resolved', as: 'supervisor' });
  });
});

describe('isOpen', () => {
  it.each([
    ['submitted', true],
    ['assigned', true],
    ['accepted', true],
    ['reopened', true],
    ['resolved', false],
    ['closed', false],
  ] as const)('%s → %s', (status, open) => {
    expect(isOpen(status)).toBe(open);
  });
});
