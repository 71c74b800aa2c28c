/**
 * The directory's people and structure: units and categories (read; the profile owns them), officials
 * (list, create, update, deactivate). Rows are validated by the import's own zod schemas, so a row the
 * API accepts is a row `qinqing import` accepts, and the other way round.
 */
import { z } from 'zod';
import { chatAccountKey, OFFICIAL_ROLES, type OfficialDoc, type UnitDoc } from '../../db/models/index.ts';
import { DomainError } from '../../domain/errors.ts';
import { officialRowSchema } from '../../services/directory-import.schema.ts';
import { ALL_ROLES, type Principal } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { codeParams, codeSchema, pageOf, pageQuery, pageSchema, queryFlag } from './schemas.ts';
import { OPEN_STATUSES } from './ticket-scope.ts';

const row = officialRowSchema.shape;

/** A partial update: the import's field schemas without their defaults, so an absent field stays as it is. */
export const officialUpdateSchema = z
  .strictObject({
    name: row.name.optional(),
    unit: row.unit.optional(),
    roles: row.roles.unwrap().optional(),
    level: row.level.unwrap().optional(),
    active: row.active.unwrap().optional(),
    telegram: row.telegram.unwrap().nullable().optional().describe('null removes the Telegram identity'),
    wechat: row.wechat.unwrap().nullable().optional().describe('null removes the WeChat identity'),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

const officialListQuery = z.strictObject({
  unit: codeSchema.optional(),
  role: z.enum(OFFICIAL_ROLES).optional(),
  active: queryFlag.optional(),
  ...pageQuery,
});

const officialSchema = z.object({ code: z.string(), name: z.string(), unit: z.string(), roles: z.array(z.string()), active: z.boolean() }).loose();

/** Chat identities are contact details: only admins see them. */
function officialView(official: OfficialDoc, principal: Principal) {
  const base = { code: official.code, name: official.name, unit: official.unit, roles: official.roles, level: official.level, active: official.active };
  return principal.role === 'admin' ? { ...base, telegram: official.telegramId ?? null, wechat: official.wechatId ?? null } : base;
}

const PLATFORM_FIELDS = { telegram: 'telegramId', wechat: 'wechatId' } as const;
type Platform = keyof typeof PLATFORM_FIELDS;

/**
 * Points the official's chat identities where the request says: `undefined` leaves a platform alone,
 * `null` removes it, a value moves it. An identity someone else holds is refused before anything is written.
 */
async function planChatAccounts(deps: AdminDeps, code: string, before: Partial<OfficialDoc>, wanted: Partial<Record<Platform, string | null>>) {
  const { ChatAccount } = deps.db.models;
  const changes = (Object.keys(PLATFORM_FIELDS) as Platform[]).flatMap((platform) => {
    const next = wanted[platform];
    const previous = before[PLATFORM_FIELDS[platform]];
    return next === undefined || next === previous ? [] : [{ platform, previous, next }];
  });
  for (const { platform, next } of changes) {
    if (next === null) continue;
    const holder = await ChatAccount.findById(chatAccountKey(platform, next)).lean();
    if (holder && !(holder.kind === 'official' && holder.ref === code)) throw new DomainError('chat-account.taken', `${platform} ${next} is taken`, { platform, userId: next });
  }
  return async () => {
    for (const { platform, previous, next } of changes) {
      if (previous) await ChatAccount.deleteOne({ platform, userId: { $eq: previous }, kind: 'official', ref: { $eq: code } });
      if (next !== null) {
        // A private chat: the chat id is the user id on both platforms (as the import does it).
        await ChatAccount.updateOne(
          { _id: chatAccountKey(platform, next) },
          { $set: { platform, userId: next, chatId: next, kind: 'official', ref: code }, $setOnInsert: { lang: 'zh-CN' } },
          { upsert: true },
        );
      }
    }
  };
}

async function requireUnit(deps: AdminDeps, code: string): Promise<void> {
  if (!(await deps.db.models.Unit.exists({ code: { $eq: code } }))) throw new DomainError('unit.unknown', `no unit ${code}`, { code });
}

async function requireOfficial(deps: AdminDeps, code: string): Promise<OfficialDoc> {
  const official = await deps.db.models.Official.findOne({ code: { $eq: code } }).lean<OfficialDoc>();
  if (!official) throw new DomainError('official.not-found', `no official ${code}`, { code });
  return official;
}

export function registerDirectoryRoutes(r: Registrar, deps: AdminDeps): void {
  const { Unit, Official, Ticket } = deps.db.models;

  r.route({
    method: 'GET',
    url: '/units',
    roles: ALL_ROLES,
    tag: 'directory',
    summary: 'Every unit: the profile’s and any the directory added',
    response: z.object({ items: z.array(z.object({ code: z.string(), name: z.object({ zh: z.string(), en: z.string() }), kind: z.string() })) }),
    handler: async () => {
      const units = await Unit.find({}).sort({ code: 1 }).lean<UnitDoc[]>();
      return { items: units.map((u) => ({ code: u.code, name: u.name, kind: u.kind })) };
    },
  });

  r.route({
    method: 'GET',
    url: '/categories',
    roles: ALL_ROLES,
    tag: 'directory',
    summary: 'Submission categories of the department profile, with their lead units and deadlines',
    response: z.object({ items: z.array(z.object({ code: z.string(), kind: z.string(), lead: z.string() }).loose()) }),
    handler: async () => ({
      items: deps.profile.categories.map((c) => ({
        code: c.code,
        name: c.name,
        kind: c.kind,
        lead: c.lead,
        coUnits: c.coUnits,
        respondDays: c.respondDays,
        resolveDays: c.resolveDays,
        clause: c.clause ?? null,
      })),
    }),
  });

  r.route({
    method: 'GET',
    url: '/officials',
    roles: ALL_ROLES,
    tag: 'directory',
    summary: 'Officials, by code; chat identities for admins only',
    query: officialListQuery,
    response: pageSchema(officialSchema),
    handler: async ({ query, principal }) => {
      const filter = {
        ...(query.unit ? { unit: { $eq: String(query.unit) } } : {}),
        ...(query.role ? { roles: { $eq: query.role } } : {}),
        ...(query.active !== undefined ? { active: { $eq: query.active } } : {}),
      };
      const [docs, total] = await Promise.all([
        Official.find(filter).sort({ code: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<OfficialDoc[]>(),
        Official.countDocuments(filter),
      ]);
      return pageOf(docs.map((o) => officialView(o, principal)), query.page, query.pageSize, total);
    },
  });

  r.route({
    method: 'POST',
    url: '/officials',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Adds an official (the import’s row format), with their chat identities',
    body: officialRowSchema,
    status: 201,
    response: officialSchema,
    handler: async ({ body, principal }) => {
      await requireUnit(deps, body.unit);
      if (await Official.exists({ code: { $eq: body.code } })) throw new DomainError('official.exists', `official ${body.code} exists`, { code: body.code });
      const apply = await planChatAccounts(deps, body.code, {}, { telegram: body.telegram, wechat: body.wechat });
      const doc: OfficialDoc = {
        code: body.code,
        name: body.name,
        unit: body.unit,
        roles: body.roles,
        level: body.level,
        active: body.active,
        ...(body.telegram ? { telegramId: body.telegram } : {}),
        ...(body.wechat ? { wechatId: body.wechat } : {}),
      };
      await Official.create(doc);
      await apply();
      return officialView(doc, principal);
    },
  });

  r.route({
    method: 'PATCH',
    url: '/officials/:code',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Changes an official’s name, unit, roles, level, status or chat identities',
    params: codeParams,
    body: officialUpdateSchema,
    response: officialSchema,
    handler: async ({ params, body, principal }) => {
      const before = await requireOfficial(deps, params.code);
      if (body.unit) await requireUnit(deps, body.unit);
      const apply = await planChatAccounts(deps, before.code, before, { telegram: body.telegram, wechat: body.wechat });
      const set: Partial<OfficialDoc> = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.unit !== undefined ? { unit: body.unit } : {}),
        ...(body.roles !== undefined ? { roles: body.roles } : {}),
        ...(body.level !== undefined ? { level: body.level } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
        ...(body.telegram ? { telegramId: body.telegram } : {}),
        ...(body.wechat ? { wechatId: body.wechat } : {}),
      };
      const unset = [...(body.telegram === null ? ['telegramId'] : []), ...(body.wechat === null ? ['wechatId'] : [])];
      await Official.updateOne(
        { code: { $eq: before.code } },
        { ...(Object.keys(set).length > 0 ? { $set: set } : {}), ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}) },
      );
      await apply();
      return officialView(await requireOfficial(deps, before.code), principal);
    },
  });

  r.route({
    method: 'POST',
    url: '/officials/:code/deactivate',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Deactivates an official: no new tickets, no actions, their keys stop acting; says how many open tickets to reassign',
    params: codeParams,
    response: officialSchema.extend({ openTickets: z.int() }),
    handler: async ({ params, principal }) => {
      const official = await requireOfficial(deps, params.code);
      await Official.updateOne({ code: { $eq: official.code } }, { $set: { active: false } });
      const openTickets = await Ticket.countDocuments({ assignee: { $eq: official.code }, status: { $in: OPEN_STATUSES } });
      return { ...officialView({ ...official, active: false }, principal), openTickets };
    },
  });
}
