/** Directory look-ups the ticket services need: who supervises a unit, who leads, who inspects. */
import type { OfficialDoc } from '../../db/models/index.ts';
import type { Actor } from '../../domain/ticket-state.ts';
import { DomainError } from '../../domain/errors.ts';
import type { TicketContext } from './ticket-store.ts';

export async function findOfficial(ctx: TicketContext, code: string): Promise<OfficialDoc | undefined> {
  return (await ctx.db.models.Official.findOne({ code: { $eq: code } }).lean<OfficialDoc>()) ?? undefined;
}

/** The acting official, as the state machine sees them; inactive or unknown officials may not act. */
export async function officialActor(ctx: TicketContext, code: string): Promise<Actor & { kind: 'official'; name: string }> {
  const official = await findOfficial(ctx, code);
  if (!official || !official.active) throw new DomainError('ticket.forbidden', `no active official "${code}"`, { action: 'act' });
  return { kind: 'official', code: official.code, unit: official.unit, roles: official.roles, name: official.name };
}

export async function supervisorsOf(ctx: TicketContext, unit: string): Promise<OfficialDoc[]> {
  return ctx.db.models.Official.find({ unit: { $eq: unit }, roles: 'supervisor', active: true }).sort({ code: 1 }).lean<OfficialDoc[]>();
}

export async function leadership(ctx: TicketContext): Promise<OfficialDoc[]> {
  return ctx.db.models.Official.find({ roles: 'leadership', active: true }).sort({ code: 1 }).lean<OfficialDoc[]>();
}

export async function inspectors(ctx: TicketContext): Promise<OfficialDoc[]> {
  return ctx.db.models.Official.find({ roles: 'inspector', active: true }).sort({ code: 1 }).lean<OfficialDoc[]>();
}

/** The officers who may be assigned tickets of a unit. */
export async function unitOfficers(ctx: TicketContext, unit: string): Promise<OfficialDoc[]> {
  return ctx.db.models.Official.find({ unit: { $eq: unit }, active: true, roles: { $in: ['officer', 'inspector'] } }).lean<OfficialDoc[]>();
}

/** Officers with their open-ticket loads (one aggregation over the tickets: only when routing needs it). */
export async function officerLoads(ctx: TicketContext, officers: readonly OfficialDoc[]) {
  const codes = officers.map((o) => o.code);
  const counts = await ctx.db.models.Ticket.aggregate<{ _id: string; n: number }>([
    { $match: { assignee: { $in: codes }, status: { $in: ['assigned', 'accepted', 'reopened'] } } },
    { $group: { _id: '$assignee', n: { $sum: 1 } } },
  ]);
  const load = new Map(counts.map((c) => [c._id, c.n]));
  return officers.map((o) => asCandidate(o, load.get(o.code) ?? 0));
}

/** An official as routing sees them. */
export function asCandidate(o: OfficialDoc, openTickets: number) {
  return { code: o.code, unit: o.unit, active: o.active, openTickets, ...(o.lastAssignedAt ? { lastAssignedAt: o.lastAssignedAt } : {}) };
}

export async function unitName(ctx: TicketContext & { profile?: { units: { code: string; name: { zh: string; en: string } }[] } }, code: string) {
  const fromProfile = ctx.profile?.units.find((u) => u.code === code)?.name;
  if (fromProfile) return fromProfile;
  const unit = await ctx.db.models.Unit.findOne({ code: { $eq: code } }).lean();
  return unit?.name ?? { zh: code, en: code };
}
