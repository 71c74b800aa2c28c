/**
 * Who is calling the admin API, and whether their role may use the route. Every route of the admin scope
 * declares `config.roles` (or `config.public`); one onRequest hook checks it before anything is parsed,
 * so a route cannot be reached without the check, and a route that forgot to declare roles is refused.
 *
 * Tokens: `ADMIN_TOKEN` (the bootstrap secret, role admin) or a per-person key `qq_<keyId>_<secret>`,
 * stored as a SHA-256 hash and compared in constant time, sent as `Authorization: Bearer <token>` (or, for
 * reading the dashboard in a browser, as the password of HTTP Basic).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_ROLES, type ApiKeyDoc, type ApiRole } from '../../db/models/api-keys.ts';
import type { AdminDeps } from './context.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API roles that may call the route; checked by the admin scope's onRequest hook. */
    roles?: readonly ApiRole[];
    /** Served without a token (the OpenAPI document only). */
    public?: boolean;
    /**
     * Also accepts HTTP Basic (the token as the password) for GET and HEAD: a browser can open the
     * dashboard, which cannot send a Bearer header. Changes still need Bearer, so a credential the
     * browser sends by itself never changes anything (no cross-site request forgery).
     */
    basicForReads?: boolean;
  }
}

export { API_ROLES, type ApiRole };

/** The caller, once authenticated. */
export interface Principal {
  /** The key id, or `admin-token` for the bootstrap token. */
  id: string;
  name: string;
  role: ApiRole;
  /** The official a key acts as (supervisors and inspectors always, admins optionally). */
  official?: string;
}

export const BOOTSTRAP_ID = 'admin-token';
const KEY_PATTERN = /^qq_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** How stale `lastUsedAt` may get before a request refreshes it. */
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

/** Hex SHA-256 of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Equal hex digests, in time that does not depend on where they differ. */
function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new key: shown once to its owner; only `keyId` and `hash` are stored. */
export function generateApiKey(): { keyId: string; key: string; hash: string } {
  const keyId = randomBytes(8).toString('hex');
  const key = `qq_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashToken(key) };
}

/** The bearer token of an Authorization header, or undefined when there is none in that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/** The password of an HTTP Basic header: where a browser puts the token. */
export function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic[ \t]+([A-Za-z0-9+/=]{1,1024})[ \t]*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}

/** A digest that matches nothing, compared when no key exists so a miss costs what a hit costs. */
const NO_DIGEST = hashToken('no key has this id');

/** Resolves a token to its principal; undefined for an unknown, malformed or revoked one. */
export async function authenticate(deps: AdminDeps, token: string | undefined): Promise<Principal | undefined> {
  if (!token) return undefined;
  const presented = hashToken(token);
  const bootstrap = deps.env.ADMIN_TOKEN;
  // Both sides are digests of equal length, so the comparison neither leaks the token's length nor its prefix.
  if (bootstrap && sameDigest(presented, hashToken(bootstrap))) return { id: BOOTSTRAP_ID, name: 'ADMIN_TOKEN', role: 'admin' };
  const match = KEY_PATTERN.exec(token);
  const keyId = match?.[1];
  const key = keyId ? await deps.db.models.ApiKey.findOne({ keyId: { $eq: keyId } }).lean<ApiKeyDoc>() : null;
  const matches = sameDigest(presented, key?.hash ?? NO_DIGEST);
  if (!key || !matches || key.revokedAt || !(API_ROLES as readonly string[]).includes(key.role)) return undefined;
  const now = deps.clock.now();
  if (!key.lastUsedAt || now.getTime() - new Date(key.lastUsedAt).getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.models.ApiKey.updateOne({ keyId: { $eq: key.keyId } }, { $set: { lastUsedAt: now } });
  }
  return { id: key.keyId, name: key.name, role: key.role, ...(key.official ? { official: key.official } : {}) };
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The authenticated caller of a request that passed the hook. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  // Only reachable if a handler runs outside the admin scope's hook: a programming error, not a client's.
  if (!principal) throw new Error(`no principal on ${request.method} ${request.routeOptions.url ?? request.url}`);
  return principal;
}

type Denial = { status: 401 | 403; code: 'auth.unauthenticated' | 'auth.forbidden'; reason: string };

function deny(request: FastifyRequest, reply: FastifyReply, denial: Denial, principal?: Principal): FastifyReply {
  // Never the token, nor any part of it: who (when known), what, and why is enough to investigate.
  request.log.warn(
    {
      event: 'admin.denied',
      status: denial.status,
      reason: denial.reason,
      method: request.method,
      route: request.routeOptions.url,
      ip: request.ip,
      ...(principal ? { keyId: principal.id, role: principal.role } : {}),
    },
    'admin API request denied',
  );
  if (denial.status === 401) {
    const scheme = request.routeOptions.config.basicForReads ? 'Basic realm="qinqing-admin", charset="UTF-8"' : 'Bearer realm="qinqing-admin"';
    void reply.header('www-authenticate', scheme);
  }
  return sendError(reply, denial.status, denial.code);
}

/** Installs the role check on every route of `app`'s scope. */
export function installAuth(app: FastifyInstance, deps: AdminDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const roles = config.roles ?? [];
    if (roles.length === 0) {
      request.log.error({ route: request.routeOptions.url }, 'admin route declares no roles: refused');
      return deny(request, reply, { status: 403, code: 'auth.forbidden', reason: 'route declares no roles' });
    }
    const header = request.headers.authorization;
    const read = request.method === 'GET' || request.method === 'HEAD';
    const token = bearerToken(header) ?? (config.basicForReads && read ? basicPassword(header) : undefined);
    if (!token) return deny(request, reply, { status: 401, code: 'auth.unauthenticated', reason: 'no bearer token' });
    const principal = await authenticate(deps, token);
    if (!principal) return deny(request, reply, { status: 401, code: 'auth.unauthenticated', reason: 'unknown or revoked token' });
    if (!roles.includes(principal.role)) return deny(request, reply, { status: 403, code: 'auth.forbidden', reason: 'role not allowed' }, principal);
    principals.set(request, principal);
  });
}

/** Roles for reads anyone with a key may make. */
export const ALL_ROLES: readonly ApiRole[] = API_ROLES;
