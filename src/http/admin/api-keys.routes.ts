/** Per-person API keys: an admin makes one (shown once) and revokes one; admins and auditors list them (never a secret). */
import { z } from 'zod';
import { API_ROLES, type ApiKeyDoc } from '../../db/models/api-keys.ts';
import type { OfficialDoc } from '../../db/models/index.ts';
import { DomainError } from '../../domain/errors.ts';
import { generateApiKey } from './auth.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';
import { codeSchema } from './schemas.ts';

export const apiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('whose key it is: a person, or a system such as "prometheus"'),
  role: z.enum(API_ROLES),
  official: codeSchema.optional().describe('required for supervisor and inspector keys, optional for admin, refused for auditor'),
});

const keyIdParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/, 'a key id (16 hex digits)') });

const apiKeyView = (key: ApiKeyDoc) => ({
  id: key.keyId,
  name: key.name,
  role: key.role,
  official: key.official ?? null,
  createdAt: key.createdAt,
  createdBy: key.createdBy,
  lastUsedAt: key.lastUsedAt ?? null,
  revokedAt: key.revokedAt ?? null,
});

const apiKeySchema = z.object({ id: z.string(), name: z.string(), role: z.enum(API_ROLES), official: z.string().nullable() }).loose();

/**
 * Checks a key's binding: supervisors and inspectors act as an active official holding that role; an
 * auditor only reads, so a binding would pretend otherwise.
 */
async function checkBinding(deps: AdminDeps, role: (typeof API_ROLES)[number], code: string | undefined): Promise<void> {
  if (role === 'auditor' && code) throw new DomainError('apikey.binding.auditor', 'auditor keys are not bound to an official');
  if ((role === 'supervisor' || role === 'inspector') && !code) throw new DomainError('apikey.binding.required', `${role} keys need an official`, { role });
  if (!code) return;
  const official = await deps.db.models.Official.findOne({ code: { $eq: code } }).lean<OfficialDoc>();
  const needs = role === 'supervisor' || role === 'inspector' ? role : undefined;
  if (!official || !official.active || (needs && !official.roles.includes(needs))) {
    throw new DomainError('apikey.binding.official', `official ${code} cannot back a ${role} key`, { official: code, role });
  }
}

export function registerApiKeyRoutes(r: Registrar, deps: AdminDeps): void {
  const { ApiKey } = deps.db.models;

  r.route({
    method: 'POST',
    url: '/api-keys',
    roles: ['admin'],
    tag: 'api keys',
    summary: 'Makes a key; the response is the only time the key is shown',
    body: apiKeyCreateSchema,
    status: 201,
    response: apiKeySchema.extend({ key: z.string().describe('shown once: store it now') }),
    handler: async ({ body, principal, reply }) => {
      await checkBinding(deps, body.role, body.official);
      const { keyId, key, hash } = generateApiKey();
      const doc: ApiKeyDoc = {
        keyId,
        name: body.name,
        role: body.role,
        ...(body.official ? { official: body.official } : {}),
        hash,
        createdAt: deps.clock.now(),
        createdBy: principal.id,
      };
      await ApiKey.create(doc);
      deps.logger.info({ event: 'admin.api-key.created', keyId, role: body.role, official: body.official, by: principal.id }, 'API key created');
      void reply.header('cache-control', 'no-store');
      return { ...apiKeyView(doc), key };
    },
  });

  r.route({
    method: 'GET',
    url: '/api-keys',
    // Who holds access is itself something an auditor checks; the list holds no secret.
    roles: ['admin', 'auditor'],
    tag: 'api keys',
    summary: 'Every key, revoked ones included; never a secret or a hash',
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async () => {
      const keys = await ApiKey.find({}).sort({ createdAt: 1 }).lean<ApiKeyDoc[]>();
      return { items: keys.map(apiKeyView) };
    },
  });

  r.route({
    method: 'DELETE',
    url: '/api-keys/:id',
    roles: ['admin'],
    tag: 'api keys',
    summary: 'Revokes a key: it stops working at once (the record stays, for the audit)',
    params: keyIdParams,
    response: apiKeySchema,
    handler: async ({ params, principal }) => {
      const now = deps.clock.now();
      // Revoking twice keeps the first revocation's time and author.
      await ApiKey.updateOne({ keyId: { $eq: params.id }, revokedAt: { $exists: false } }, { $set: { revokedAt: now, revokedBy: principal.id } });
      const key = await ApiKey.findOne({ keyId: { $eq: params.id } }).lean<ApiKeyDoc>();
      if (!key) throw new DomainError('apikey.not-found', `no key ${params.id}`);
      deps.logger.info({ event: 'admin.api-key.revoked', keyId: params.id, by: principal.id }, 'API key revoked');
      return apiKeyView(key);
    },
  });
}
