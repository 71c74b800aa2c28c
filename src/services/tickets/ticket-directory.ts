/** Directory look-ups the ticket services need: who supervises a unit, who leads, who inspects. */
import type { OfficialDoc } from '../../db/models/index.ts';
import type { Actor } from '../../domain/ticket-state.ts';
import { DomainError } from '../../domain/errors.ts';
import type { TicketContext } from './ticket-store.ts';
import { readLoads } from './officer-load.ts';

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

/** Officers with their open-ticket loads and last assignments (Redis counters, see officer-load.ts). */
export async function officerLoads(ctx: TicketContext, officers: readonly OfficialDoc[]) {
  const loads = await readLoads(ctx, officers.map((o) => o.code));
  return officers.map((o) => {
    const load = loads.get(o.code);
    return asCandidate({ ...o, ...(load?.lastAssignedAt ? { lastAssignedAt: load.lastAssignedAt } : {}) }, load?.open ?? 0);
  });
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
