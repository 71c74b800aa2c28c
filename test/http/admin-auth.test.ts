import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROLES, type ApiRole } from '../../src/db/models/api-keys.ts';
import { adminPlugin } from '../../src/http/admin/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ADMIN_TOKEN, adminServer, bearer, createKey, type AdminServer } from './admin-server.ts';

let s: AdminServer;
const tokens = {} as Record<ApiRole, string>;

beforeAll(async () => {
  s = await adminServer('admin-auth');
  tokens.admin = ADMIN_TOKEN;
  tokens.supervisor = await createKey(s.server, { name: '赵敏', role: 'supervisor', official: 'rf-works-sup' });
  tokens.inspector = await createKey(s.server, { name: '吴刚', role: 'inspector', official: 'rf-discipline-01' });
  tokens.auditor = await createKey(s.server, { name: '审计', role: 'auditor' });
});
afterAll(() => s.close());

/** Routes any client may call without a token: they serve no data of the department. */
const EXEMPT = new Set(['/healthz', '/readyz', '/openapi.json', '/telegram/webhook']);

/** One request per method and path (HEAD rides along with GET), with sample values for the parameters. */
function requests(routes: readonly RouteOptions[]) {
  const samples: Record<string, string> = { number: 'RF-2099-999999', code: 'nobody', id: '0123456789abcdef', creditCode: '91410100MA40A00014', official: 'nobody' };
  return routes
    .flatMap((route) => [route.method].flat().map((method) => ({ method, route })))
    .filter(({ method, route }) => method !== 'HEAD' && !EXEMPT.has(route.url))
    .map(({ method, route }) => ({
      method,
      url: route.url.replace(/:(\w+)/g, (_m, name: string) => samples[name] ?? 'nonexistent').replace(/\*$/, 'x'),
      pattern: route.url,
      roles: route.config?.roles ?? [],
    }));
}

describe('every route declares who may call it', () => {
  it('walks every registered route: each declares known roles, except health, readiness, the document and the webhook', () => {
    const all = requests(s.routes);
    expect(all.length).toBeGreaterThan(50);
    const undeclared = all.filter((r) => r.roles.length === 0 || !r.roles.every((role) => (API_ROLES as readonly string[]).includes(role)));
    expect(undeclared).toEqual([]);
    const exempt = s.routes.filter((route) => EXEMPT.has(route.url)).map((route) => route.url);
    expect(new Set(exempt)).toEqual(new Set(['/openapi.json']));
    expect(s.routes.find((route) => route.url === '/openapi.json')?.config).toMatchObject({ public: true });
  });

  it('refuses to start with a route that declares no roles', async () => {
    const server = Fastify({ logger: false });
    const deps = { ...s.app, logger: createLogger({ level: 'silent' }), env: { ADMIN_TOKEN } };
    await server.register(
      adminPlugin(deps, {
        routes: [(r) => r.route({ method: 'GET', url: '/forgotten', roles: [], tag: 'x', summary: 'no roles', handler: async () => ({}) })],
      }),
    );
    await expect(server.ready()).rejects.toThrow(/admin routes without roles: GET \/admin\/forgotten/);
    await server.close();
  });
});

describe('the access matrix', () => {
  it('refuses every route without a token, with a wrong one, and with a role it does not allow: 100 % of the time', async () => {
    const wrongTokens = [
      undefined,
      'Bearer',
      `Basic ${Buffer.from('admin:not-the-token').toString('base64')}`,
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer qq_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`,
    ];
    let expected = 0;
    let refused = 0;
    const misses: string[] = [];
    for (const r of requests(s.routes)) {
      const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      for (const authorization of wrongTokens) {
        expected++;
        const res = await s.server.inject({ method: r.method as 'GET', url: r.url, headers: authorization ? { authorization } : {}, ...(payload ? { payload } : {}) });
        if (res.statusCode === 401 && res.json<{ code: string }>().code === 'auth.unauthenticated') refused++;
        else misses.push(`${r.method} ${r.url} with ${authorization ?? 'nothing'}: ${res.statusCode}`);
      }
      for (const role of API_ROLES) {
        const allowed = r.roles.includes(role);
        const res = allowed && r.method !== 'GET' && r.pattern.startsWith('/admin/queues')
          ? undefined // bull-board's changes (pause all, clean) are not tried for real: the test's queues would suffer
          : await s.server.inject({ method: r.method as 'GET', url: r.url, headers: bearer(tokens[role]), ...(payload ? { payload } : {}) });
        if (!res) continue;
        const authDenied = (res.statusCode === 401 || res.statusCode === 403) && String(res.json<{ code?: string }>().code ?? '').startsWith('auth.');
        if (!allowed) {
          expected++;
          if (res.statusCode === 403 && res.json<{ code: string }>().code === 'auth.forbidden') refused++;
          else misses.push(`${r.method} ${r.url} as ${role}: ${res.statusCode}`);
        } else if (authDenied) {
          misses.push(`${r.method} ${r.url} as ${role} (allowed): ${res.statusCode}`);
        }
      }
    }
    expect(misses).toEqual([]);
    expect(expected).toBeGreaterThan(300);
    expect(refused / expected).toBe(1);
  }, 120_000);
});

describe('tokens', () => {
  it('answers a missing token with 401, a bilingual message and a Bearer challenge', async () => {
    const res = await s.server.inject({ method: 'GET', url: '/admin/tickets' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.json()).toMatchObject({ code: 'auth.unauthenticated', message: { zh: expect.any(String), en: expect.stringMatching(/token/) } });
  });

  it('stores only the hash of a key, shows the key once, and never lists a secret', async () => {
    const res = await s.server.inject({ method: 'POST', url: '/admin/api-keys', headers: bearer(ADMIN_TOKEN), payload: { name: 'prometheus', role: 'auditor' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json<{ id: string; key: string }>();
    expect(created.key).toMatch(/^qq_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const stored = await s.app.db.models.ApiKey.findOne({ keyId: created.id }).lean();
    expect(stored?.hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(20));
    const list = await s.server.inject({ method: 'GET', url: '/admin/api-keys', headers: bearer(ADMIN_TOKEN) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { id: string }[] }>().items.map((k) => k.id)).toContain(created.id);
    expect(list.body).not.toContain(created.key.slice(20));
    expect(list.body).not.toContain(stored?.hash ?? 'no hash');
  });

  it('binds supervisors and inspectors to an official holding that role, and auditors to nobody', async () => {
    const make = (payload: object) => s.server.inject({ method: 'POST', url: '/admin/api-keys', headers: bearer(ADMIN_TOKEN), payload });
    expect((await make({ name: 'a', role: 'supervisor' })).json()).toMatchObject({ code: 'apikey.binding.required' });
    const notSupervisor = await make({ name: 'b', role: 'supervisor', official: 'rf-works-01' });
    expect(notSupervisor.statusCode).toBe(422);
    expect(notSupervisor.json()).toMatchObject({ code: 'apikey.binding.official', message: { en: expect.stringContaining('rf-works-01') } });
    expect((await make({ name: 'c', role: 'inspector', official: 'rf-works-sup' })).json()).toMatchObject({ code: 'apikey.binding.official' });
    expect((await make({ name: 'd', role: 'auditor', official: 'rf-works-sup' })).json()).toMatchObject({ code: 'apikey.binding.auditor' });
    const invalid = await make({ name: 'e', role: 'root' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'request.invalid', where: 'body', issues: [expect.objectContaining({ path: ['role'] })] });
  });

  it('stops a revoked key at once; only admins manage keys', async () => {
    const key = await createKey(s.server, { name: '临时', role: 'auditor' });
    expect((await s.server.inject({ method: 'GET', url: '/admin/units', headers: bearer(key) })).statusCode).toBe(200);
    const id = key.slice(3, 19);
    expect((await s.server.inject({ method: 'DELETE', url: `/admin/api-keys/${id}`, headers: bearer(tokens.auditor) })).statusCode).toBe(403);
    const revoked = await s.server.inject({ method: 'DELETE', url: `/admin/api-keys/${id}`, headers: bearer(ADMIN_TOKEN) });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id, revokedAt: expect.any(String) });
    expect((await s.server.inject({ method: 'GET', url: '/admin/units', headers: bearer(key) })).statusCode).toBe(401);
    expect((await s.server.inject({ method: 'DELETE', url: '/admin/api-keys/ffffffffffffffff', headers: bearer(ADMIN_TOKEN) })).statusCode).toBe(404);
  });

  it('logs every denial with its reason, and never a token', async () => {
    const denials = s.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'admin.denied');
    expect(denials.length).toBeGreaterThan(300);
    expect(new Set(denials.map((d) => d.reason))).toEqual(new Set(['no bearer token', 'unknown or revoked token', 'role not allowed']));
    expect(denials.filter((d) => d.reason === 'role not allowed').every((d) => typeof d.keyId === 'string' && typeof d.role === 'string')).toBe(true);
    const everything = s.logs.join('\n');
    for (const token of Object.values(tokens)) expect(everything).not.toContain(token);
    expect(everything).not.toContain(ADMIN_TOKEN.slice(0, 20));
  });
});

describe('the dashboard, the metrics and the document', () => {
  it('serves bull-board as HTML to admins and auditors, and lets only admins change queues', async () => {
    const page = await s.server.inject({ method: 'GET', url: '/admin/queues', headers: bearer(ADMIN_TOKEN) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/admin/queues');
    const queues = await s.server.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer(tokens.auditor) });
    expect(queues.statusCode).toBe(200);
    expect(queues.json<{ queues: { name: string }[] }>().queues.map((q) => q.name).sort()).toEqual(['liaison', 'maintenance', 'notify', 'reports', 'sla', 'tickets']);
    expect((await s.server.inject({ method: 'PUT', url: '/admin/queues/api/queues/tickets/pause', headers: bearer(tokens.auditor) })).statusCode).toBe(403);
    expect((await s.server.inject({ method: 'GET', url: '/admin/queues', headers: bearer(tokens.supervisor) })).statusCode).toBe(403);
    // A browser: challenged for Basic, reads with the token as the password, and cannot change a queue that way.
    const challenged = await s.server.inject({ method: 'GET', url: '/admin/queues' });
    expect(challenged.statusCode).toBe(401);
    expect(challenged.headers['www-authenticate']).toMatch(/^Basic realm="qinqing-admin"/);
    const basic = (token: string) => ({ authorization: `Basic ${Buffer.from(`any:${token}`).toString('base64')}` });
    expect((await s.server.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: basic(tokens.auditor) })).statusCode).toBe(200);
    expect((await s.server.inject({ method: 'PUT', url: '/admin/queues/api/queues/tickets/pause', headers: basic(ADMIN_TOKEN) })).statusCode).toBe(401);
    expect(await s.app.queues.tickets.isPaused()).toBe(false);
    // Basic is the dashboard's alone: the API itself takes Bearer only.
    expect((await s.server.inject({ method: 'GET', url: '/admin/units', headers: basic(ADMIN_TOKEN) })).statusCode).toBe(401);
  });

  it('serves /metrics to admins and auditors only, and the document to anyone', async () => {
    expect((await s.server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await s.server.inject({ method: 'GET', url: '/metrics', headers: bearer(tokens.supervisor) })).statusCode).toBe(403);
    const metrics = await s.server.inject({ method: 'GET', url: '/metrics', headers: bearer(tokens.auditor) });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const document = await s.server.inject({ method: 'GET', url: '/openapi.json' });
    expect(document.statusCode).toBe(200);
    expect(document.json()).toMatchObject({ openapi: '3.1.0' });
  });
});
