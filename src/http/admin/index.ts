/**
 * The admin HTTP API, as one Fastify plugin registered at the server's root:
 *
 *   /admin/...     the API (JSON), and /admin/queues the bull-board dashboard
 *   /metrics       Prometheus (admin, auditor)
 *   /openapi.json  the OpenAPI 3.1 document (public: it describes, it holds no data)
 *
 * Everything in this plugin's scope passes one auth hook that checks the roles each route declares; a
 * route declaring none is refused per request, and makes `ready()` fail, so it never ships.
 */
import type { FastifyInstance, FastifyPluginAsync, RouteOptions } from 'fastify';
import { registerApiKeyRoutes } from './api-keys.routes.ts';
import { installAuth, type ApiRole } from './auth.ts';
import type { AdminDeps } from './context.ts';
import { registerDirectoryRoutes } from './directory.routes.ts';
import { registerEnterpriseRoutes } from './enterprises.routes.ts';
import { installErrorHandler } from './errors.ts';
import { createMetricsRegistry } from './metrics.ts';
import { buildOpenApi } from './openapi.ts';
import { QUEUE_BOARD_PATH, QUEUE_BOARD_READERS, registerQueueBoard } from './queues-board.ts';
import { createRegistrar, type AdminRouteModule, type RouteDoc } from './registrar.ts';
import { registerTicketActionRoutes } from './ticket-actions.routes.ts';
import { registerTicketRoutes } from './tickets.routes.ts';
import { registerReportRoutes } from './reports.routes.ts';
import { registerServiceDayRoutes } from './service-days.routes.ts';

export type { AdminDeps } from './context.ts';
export type { AdminRouteModule, Registrar } from './registrar.ts';
export { flowCompletions } from './flow-metrics.ts';

export const ADMIN_PREFIX = '/admin';

/**
 * Scrapes carry a key like any caller: ticket counts and queue depths are a department's internal
 * figures, and Prometheus sends a bearer token as easily as nothing (`authorization.credentials_file`).
 * Give it an auditor key of its own ("prometheus"), revocable like any other.
 */
export const METRICS_ROLES: readonly ApiRole[] = ['admin', 'auditor'];

export interface AdminOptions {
  /**
   * EXTENSION POINT: resource modules added by later steps, registered under /admin exactly like the
   * built-in ones (same registrar: roles, zod validation, OpenAPI entry, error bodies). Planned:
   *   reports  GET /admin/reports/...  (admin, auditor; supervisor for its unit)
   *   exports  GET /admin/exports/...  (admin, auditor)
   *   visits   /admin/visits...        (admin, auditor read; supervisor for its unit)
   * Each is an `AdminRouteModule`: `(registrar, deps) => void`.
   */
  routes?: readonly AdminRouteModule[];
}

/** The built-in resource modules, in the order the document lists them. */
const BUILT_IN: readonly AdminRouteModule[] = [
  registerApiKeyRoutes,
  registerDirectoryRoutes,
  registerEnterpriseRoutes,
  registerTicketRoutes,
  registerTicketActionRoutes,
  registerReportRoutes,
  registerServiceDayRoutes,
];

/** Fails `ready()` when a route of the scope declares neither roles nor `public`. */
function refuseUndeclaredRoutes(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  // Checked when everything is registered: bull-board's scope stamps its roles after this hook has run.
  app.addHook('onReady', async () => {
    const undeclared = routes.filter((route) => route.config?.public !== true && (route.config?.roles ?? []).length === 0);
    if (undeclared.length > 0) throw new Error(`admin routes without roles: ${undeclared.map((r) => `${String(r.method)} ${r.url}`).join(', ')}`);
  });
}

/** The admin plugin over a services context; register it at the server's root (no prefix). */
export function adminPlugin(deps: AdminDeps, options: AdminOptions = {}): FastifyPluginAsync {
  return async (app) => {
    if (!deps.env.ADMIN_TOKEN) deps.logger.info('ADMIN_TOKEN is not set: the admin API accepts API keys only');
    refuseUndeclaredRoutes(app);
    installAuth(app, deps);
    installErrorHandler(app);
    const catalog: RouteDoc[] = [];

    const registry = createMetricsRegistry(deps);
    createRegistrar(app, catalog).route({
      method: 'GET',
      url: '/metrics',
      roles: METRICS_ROLES,
      tag: 'operations',
      summary: 'Prometheus metrics: tickets by state, overdue open tickets, queue depths, notice results, flow completions',
      handler: async ({ reply }) => {
        void reply.type(registry.contentType);
        return registry.metrics();
      },
    });

    await app.register(
      async (api) => {
        const registrar = createRegistrar(api, catalog);
        for (const register of [...BUILT_IN, ...(options.routes ?? [])]) register(registrar, deps);
      },
      { prefix: ADMIN_PREFIX },
    );

    await registerQueueBoard(app, deps);

    // Built on first request, when every route has been declared; the same document after that.
    let document: ReturnType<typeof buildOpenApi> | undefined;
    app.get('/openapi.json', { config: { public: true } }, async () => {
      document ??= buildOpenApi(catalog, {
        [QUEUE_BOARD_PATH]: {
          get: { summary: 'The bull-board dashboard of every queue (HTML; changes need admin)', tags: ['operations'], 'x-roles': QUEUE_BOARD_READERS, responses: { '200': { description: 'HTML' } } },
        },
      });
      return document;
    });
  };
}
