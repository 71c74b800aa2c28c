/** Enterprises (list, create, update) and liaison links (联系企业制度: list, create, delete). */
import { isDuplicateKey } from '../../db/duplicate-key.ts';
import { z } from 'zod';
import type { EnterpriseDoc, LinkDoc } from '../../db/models/index.ts';
import { DomainError } from '../../domain/errors.ts';
import { enterpriseRowSchema, linkRowSchema } from '../../services/directory-import.schema.ts';
import { ALL_ROLES } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { codeSchema, pageOf, pageQuery, pageSchema } from './schemas.ts';

const row = enterpriseRowSchema.shape;

/** A partial update; `chiefOfficer: null` removes the chief service officer. */
export const enterpriseUpdateSchema = z
  .strictObject({
    name: row.name.optional(),
    ownership: row.ownership.optional(),
    size: row.size.optional(),
    region: row.region.optional(),
    chiefOfficer: row.chiefOfficer.unwrap().nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

const creditCodeParams = z.strictObject({ creditCode: row.creditCode });

const enterpriseListQuery = z.strictObject({
  region: z.string().trim().min(1).max(100).optional(),
  chiefOfficer: codeSchema.optional(),
  ...pageQuery,
});

const linkListQuery = z.strictObject({ official: codeSchema.optional(), enterprise: row.creditCode.optional(), ...pageQuery });

const enterpriseSchema = z.object({ creditCode: z.string(), name: z.string(), ownership: z.string(), size: z.string(), region: z.string() }).loose();
const linkSchema = z.object({ official: z.string(), enterprise: z.string() });

function enterpriseView(e: EnterpriseDoc) {
  return { creditCode: e.creditCode, name: e.name, ownership: e.ownership, size: e.size, region: e.region, chiefOfficer: e.chiefOfficer ?? null };
}

async function requireOfficialCode(deps: AdminDeps, code: string): Promise<void> {
  if (!(await deps.db.models.Official.exists({ code: { $eq: code } }))) throw new DomainError('official.unknown', `no official ${code}`, { code });
}

export function registerEnterpriseRoutes(r: Registrar, deps: AdminDeps): void {
  const { Enterprise, Link } = deps.db.models;

  r.route({
    method: 'GET',
    url: '/enterprises',
    roles: ALL_ROLES,
    tag: 'directory',
    summary: 'Enterprises, by credit code',
    query: enterpriseListQuery,
    response: pageSchema(enterpriseSchema),
    handler: async ({ query }) => {
      const filter = {
        ...(query.region ? { region: { $eq: String(query.region) } } : {}),
        ...(query.chiefOfficer ? { chiefOfficer: { $eq: String(query.chiefOfficer) } } : {}),
      };
      const [docs, total] = await Promise.all([
        Enterprise.find(filter).sort({ creditCode: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<EnterpriseDoc[]>(),
        Enterprise.countDocuments(filter),
      ]);
      return pageOf(docs.map(enterpriseView), query.page, query.pageSize, total);
    },
  });

  r.route({
    method: 'POST',
    url: '/enterprises',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Adds an enterprise (the import’s row format; the credit code’s check character is verified)',
    body: enterpriseRowSchema,
    status: 201,
    response: enterpriseSchema,
    handler: async ({ body }) => {
      if (body.chiefOfficer) await requireOfficialCode(deps, body.chiefOfficer);
      if (await Enterprise.exists({ creditCode: { $eq: body.creditCode } })) {
        throw new DomainError('enterprise.exists', `enterprise ${body.creditCode} exists`, { code: body.creditCode });
      }
      await Enterprise.create(body);
      return enterpriseView(body);
    },
  });

  r.route({
    method: 'PATCH',
    url: '/enterprises/:creditCode',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Changes an enterprise (tickets keep the ownership and size they were submitted with)',
    params: creditCodeParams,
    body: enterpriseUpdateSchema,
    response: enterpriseSchema,
    handler: async ({ params, body }) => {
      if (body.chiefOfficer) await requireOfficialCode(deps, body.chiefOfficer);
      const { chiefOfficer, ...fields } = body;
      const set = { ...fields, ...(chiefOfficer ? { chiefOfficer } : {}) };
      const update = { ...(Object.keys(set).length > 0 ? { $set: set } : {}), ...(chiefOfficer === null ? { $unset: { chiefOfficer: '' } } : {}) };
      const result = await Enterprise.updateOne({ creditCode: { $eq: params.creditCode } }, update);
      if (result.matchedCount === 0) throw new DomainError('enterprise.not-found', `no enterprise ${params.creditCode}`, { code: params.creditCode });
      const doc = await Enterprise.findOne({ creditCode: { $eq: params.creditCode } }).lean<EnterpriseDoc>();
      if (!doc) throw new DomainError('enterprise.not-found', `no enterprise ${params.creditCode}`, { code: params.creditCode });
      return enterpriseView(doc);
    },
  });

  r.route({
    method: 'GET',
    url: '/links',
    roles: ALL_ROLES,
    tag: 'directory',
    summary: 'Liaison links between officials and the enterprises they must visit',
    query: linkListQuery,
    response: pageSchema(linkSchema),
    handler: async ({ query }) => {
      const filter = {
        ...(query.official ? { official: { $eq: String(query.official) } } : {}),
        ...(query.enterprise ? { enterprise: { $eq: String(query.enterprise) } } : {}),
      };
      const [docs, total] = await Promise.all([
        Link.find(filter).sort({ official: 1, enterprise: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<LinkDoc[]>(),
        Link.countDocuments(filter),
      ]);
      return pageOf(docs.map((l) => ({ official: l.official, enterprise: l.enterprise })), query.page, query.pageSize, total);
    },
  });

  r.route({
    method: 'POST',
    url: '/links',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Links an official to an enterprise',
    body: linkRowSchema,
    status: 201,
    response: linkSchema,
    handler: async ({ body }) => {
      await requireOfficialCode(deps, body.official);
      if (!(await Enterprise.exists({ creditCode: { $eq: body.enterprise } }))) {
        throw new DomainError('enterprise.not-found', `no enterprise ${body.enterprise}`, { code: body.enterprise });
      }
      try {
        await Link.create({ official: body.official, enterprise: body.enterprise });
      } catch (error) {
        // The unique index decides between two identical requests racing.
        if (isDuplicateKey(error)) throw new DomainError('link.exists', 'link exists');
        throw error;
      }
      return { official: body.official, enterprise: body.enterprise };
    },
  });

  r.route({
    method: 'DELETE',
    url: '/links/:official/:enterprise',
    roles: ['admin'],
    tag: 'directory',
    summary: 'Removes a liaison link',
    params: z.strictObject({ official: codeSchema, enterprise: row.creditCode }),
    response: linkSchema,
    handler: async ({ params }) => {
      const result = await Link.deleteOne({ official: { $eq: params.official }, enterprise: { $eq: params.enterprise } });
      if (result.deletedCount === 0) throw new DomainError('link.not-found', 'no such link');
      return { official: params.official, enterprise: params.enterprise };
    },
  });
}
