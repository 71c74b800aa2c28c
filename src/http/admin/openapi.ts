/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes validate with: it cannot drift from
 * what the server accepts. Request schemas are rendered as their input (what a client sends, before
 * coercion and defaults), response schemas as their output.
 */
import { z } from 'zod';
import type { ApiRole } from './auth.ts';
import type { RouteDoc } from './registrar.ts';
import { errorSchema } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/** Zod to JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line each would repeat. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/tickets/:number` → `/tickets/{number}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const ERROR_RESPONSES = {
  '400': { description: 'The request does not match the schema (`issues` lists why)' },
  '401': { description: 'No token, or an unknown or revoked one' },
  '403': { description: 'The role may not use this route, or the state machine refused the action' },
  '404': { description: 'Not found, or outside the caller’s scope' },
};

/** An operation extra: the roles that may call it, so the document says who may use what. */
type Operation = Record<string, unknown> & { 'x-roles': readonly ApiRole[] };

/** The whole document, for the routes declared so far plus any paths described by hand (the dashboard). */
export function buildOpenApi(
  routes: readonly RouteDoc[],
  extra: Record<string, Record<string, Operation>> = {},
): { openapi: string; paths: Record<string, Record<string, Operation>> } & Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes) {
    const errorResponses = Object.fromEntries(
      Object.entries(ERROR_RESPONSES).map(([status, r]) => [status, { ...r, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
    );
    const operation: Operation = {
      summary: route.summary,
      tags: [route.tag],
      // `post_admin_tickets_number_accept`: unique, because method and path are.
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_$/, ''),
      'x-roles': route.roles,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses: {
        [String(route.status)]: {
          description: 'Success',
          ...(route.response ? { content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } } : {}),
        },
        ...errorResponses,
      },
    };
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  for (const [path, operations] of Object.entries(extra)) paths[path] = { ...paths[path], ...operations };
  return {
    openapi: '3.1.0',
    info: {
      title: 'qinqing admin API',
      version: '1',
      description:
        'For administrators, supervisors, inspectors and auditors. Send `Authorization: Bearer <token>`: ADMIN_TOKEN or a key from POST /admin/api-keys. Each operation lists the roles that may call it in `x-roles`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN or a per-person API key (qq_…)' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
