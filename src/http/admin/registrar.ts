/**
 * One way to add an admin route: its roles, its zod schemas and its handler in one declaration. The
 * registrar registers it with Fastify (roles in `config`, for the auth hook), validates params, query
 * and body with the same schemas before the handler runs, and records it for the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf, type ApiRole, type Principal } from './auth.ts';
import type { AdminDeps } from './context.ts';
import { sendError } from './errors.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const EMPTY = z.strictObject({});
type Empty = typeof EMPTY;

/** A route as declared by a resource module. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Relative to the registrar's prefix, Fastify style (`/tickets/:number`). */
  url: string;
  roles: readonly ApiRole[];
  /** One line for the OpenAPI document. */
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The success status (200 unless said). */
  status?: number;
  /** What the success response holds, for the document only (responses are not validated). */
  response?: z.ZodType;
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    principal: Principal;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
}

/** What the OpenAPI document is built from: one entry per declared route. */
export interface RouteDoc {
  method: Method;
  /** The full path, Fastify style. */
  path: string;
  roles: readonly ApiRole[];
  summary: string;
  tag: string;
  status: number;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
}

/** Hands resource modules the one way to add a route. */
export interface Registrar {
  route<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(spec: RouteSpec<P, Q, B>): void;
}

/** A resource module: reports, exports and visits are added as these (see `AdminOptions.routes`). */
export type AdminRouteModule = (registrar: Registrar, deps: AdminDeps) => void;

function issuesOf(where: string, error: z.ZodError): { where: string; issues: z.core.$ZodIssue[] } {
  return { where, issues: error.issues };
}

/** A registrar adding routes to `app` (under its prefix) and their docs to `catalog`. */
export function createRegistrar(app: FastifyInstance, catalog: RouteDoc[]): Registrar {
  return {
    route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>) {
      const path = `${app.prefix}${spec.url}`;
      catalog.push({
        method: spec.method,
        path,
        roles: spec.roles,
        summary: spec.summary,
        tag: spec.tag,
        status: spec.status ?? 200,
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.response ? { response: spec.response } : {}),
      });
      app.route({
        method: spec.method,
        url: spec.url,
        config: { roles: spec.roles },
        handler: async (request, reply) => {
          const params = (spec.params ?? EMPTY).safeParse(request.params ?? {});
          if (!params.success) return sendError(reply, 400, 'request.invalid', {}, issuesOf('params', params.error));
          const query = (spec.query ?? EMPTY).safeParse(request.query ?? {});
          if (!query.success) return sendError(reply, 400, 'request.invalid', {}, issuesOf('query', query.error));
          // A route without a body schema ignores whatever was sent; one with a schema validates it all.
          const body = spec.body ? spec.body.safeParse(request.body ?? {}) : { success: true as const, data: undefined };
          if (!body.success) return sendError(reply, 400, 'request.invalid', {}, issuesOf('body', body.error));
          const result = await spec.handler({
            // Each parsed with its route's own schema (or the empty one when the route declared none).
            params: params.data as z.output<P>,
            query: query.data as z.output<Q>,
            body: body.data as z.output<B>,
            principal: principalOf(request),
            request,
            reply,
          });
          if (reply.sent) return reply;
          return reply.code(spec.status ?? 200).send(result);
        },
      });
    },
  };
}
