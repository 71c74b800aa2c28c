/**
 * The context reports run in, and the names they print: units and categories from the profile (zh),
 * officials and enterprises from the directory. Reports are read by the department in Chinese.
 */
import type { EnterpriseDoc, OfficialDoc } from '../../db/models/index.ts';
import type { Profile } from '../../domain/profile.ts';
import type { TicketServiceContext } from '../tickets/create-ticket.ts';

/** What a report needs: reads only, no queues. */
export type ReportContext = Pick<TicketServiceContext, 'db' | 'profile' | 'calendar' | 'clock'>;

/** Shown instead of the enterprise of a misconduct report, whose reporter is sealed (POLICY §7). */
export const SEALED_ENTERPRISE = '（举报，身份保密）';

const OWNERSHIP_ZH: Readonly<Record<string, string>> = { state: '国有', private: '民营', foreign: '外资', individual: '个体工商户', unknown: '未登记' };
const SIZE_ZH: Readonly<Record<string, string>> = { large: '大型', medium: '中型', small: '小型', micro: '微型', unknown: '未登记' };

/** An ownership code in Chinese; an unknown code stands for itself. */
export function ownershipName(code: string): string {
  return OWNERSHIP_ZH[code] ?? code;
}

/** A size code in Chinese; an unknown code stands for itself. */
export function sizeName(code: string): string {
  return SIZE_ZH[code] ?? code;
}

/** A unit's Chinese name from the profile; a unit the profile no longer lists stands for its code. */
export function unitNameZh(profile: Pick<Profile, 'units'>, code: string): string {
  return profile.units.find((u) => u.code === code)?.name.zh ?? code;
}

/** A category's Chinese name from the profile, else its code. */
export function categoryNameZh(profile: Pick<Profile, 'categories'>, code: string): string {
  return profile.categories.find((c) => c.code === code)?.name.zh ?? code;
}

/** Officials' names by code, one query; an unknown code stands for itself. */
export async function officialNamesByCode(ctx: Pick<ReportContext, 'db'>, codes: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  const docs = unique.length === 0 ? [] : await ctx.db.models.Official.find({ code: { $in: unique } }, { code: 1, name: 1 }).lean<Pick<OfficialDoc, 'code' | 'name'>[]>();
  const names = new Map(docs.map((d) => [d.code, d.name]));
  return new Map(unique.map((code) => [code, names.get(code) ?? code]));
}

/** Enterprises' names by credit code, one query; an enterprise no longer listed stands for its code. */
export async function enterpriseNamesByCode(ctx: Pick<ReportContext, 'db'>, codes: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  const docs =
    unique.length === 0 ? [] : await ctx.db.models.Enterprise.find({ creditCode: { $in: unique } }, { creditCode: 1, name: 1 }).lean<Pick<EnterpriseDoc, 'creditCode' | 'name'>[]>();
  const names = new Map(docs.map((d) => [d.creditCode, d.name]));
  return new Map(unique.map((code) => [code, names.get(code) ?? code]));
}
