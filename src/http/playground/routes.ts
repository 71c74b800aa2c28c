/**
 * The playground's HTTP side: the page, the people it can act as, each person's live stream (server-sent
 * events), sending as a person, and loading the demo directory. Loopback only unless an admin token guards it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Models } from '../../db/models/index.ts';
import type { Profile } from '../../domain/profile.ts';
import { PERSONA_ID, PlaygroundStoppedError, type PlaygroundAdapter, type PlaygroundEntry } from '../../platforms/playground/playground.adapter.ts';
import { DemoRefusedError, listPersonas, loadDemoDirectory, readDemoDirectory } from './demo.ts';

/** What the playground routes need; `createHttpServer` registers them when given this. */
export interface PlaygroundOptions {
  /** The adapter the bot of this same process runs: streams live in its memory. */
  adapter: PlaygroundAdapter;
  models: Models;
  profile: Profile;
  /** The host the server listens on: anything but loopback requires `adminToken`. */
  host: string;
  adminToken?: string | undefined;
  /** The demo directory's YAML; defaults to config/demo/directory.yaml. */
  demoDirectory?: string;
  /** Keep-alive comments on idle streams (default 15 s), so proxies and the page notice a dead link. */
  heartbeatMs?: number;
}

/** True for hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/** Where a person on this machine opens the playground: a wildcard or loopback host is reached at 127.0.0.1. */
export function playgroundUrl(host: string, port: number): string {
  const shown = isLoopbackHost(host) || ['0.0.0.0', '::', '[::]'].includes(host.trim()) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

const persona = z
  .string({ error: 'required: a persona id from GET /playground/personas' })
  .regex(PERSONA_ID, 'a persona id: letters, digits, _ and - (at most 64)');

const sendBody = z
  .strictObject(
    {
      persona,
      text: z.string().max(10_000, 'at most 10000 characters').refine((s) => s.trim() !== '', 'must not be empty').optional(),
      action: z.string().min(1).refine((s) => Buffer.byteLength(s) <= 64, 'at most 64 bytes').optional(),
      label: z.string().max(200).optional(),
      lang: z.enum(['zh-CN', 'en']).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'a JSON object: {"persona", "text"} or {"persona", "action"}' : undefined) },
  )
  .refine((body) => (body.text === undefined) !== (body.action === undefined), 'send either "text" or "action" (exactly one of them)');

function problem(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** The page's files by URL path: read once, served as they are (no build step). */
const ASSETS = new Map<string, { type: string; body: string }>(
  (
    [
      ['/', 'page.html', 'text/html; charset=utf-8'],
      ['/playground/page.js', 'page.js', 'text/javascript; charset=utf-8'],
      ['/playground/page-text.js', 'page-text.js', 'text/javascript; charset=utf-8'],
      ['/playground/page.css', 'page.css', 'text/css; charset=utf-8'],
    ] as const
  ).map(([path, file, type]) => [path, { type, body: readFileSync(new URL(`./${file}`, import.meta.url), 'utf8') }]),
);
const PAGE_POLICY = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The playground plugin: `GET /`, `/playground/*`. */
export const playgroundRoutes: FastifyPluginAsync<PlaygroundOptions> = async (app, options) => {
  const { adapter, models, profile } = options;
  const open = isLoopbackHost(options.host);
  const expected = options.adminToken ? digest(options.adminToken) : undefined;
  const streams = new Set<ServerResponse>();
  if (!open && !expected) app.log.warn({ host: options.host }, 'playground refused: the server listens beyond loopback and ADMIN_TOKEN is not set');

  // The page and its files hold no data, and a browser cannot put a bearer token on a navigation: with a
  // token configured they are served to anyone, and the page asks for the token before calling the API.
  app.addHook('onRequest', async (request, reply) => {
    if (open) return;
    if (!expected) {
      return reply.code(403).send({ error: 'the playground is off on a non-loopback host without ADMIN_TOKEN: set ADMIN_TOKEN, or listen on 127.0.0.1' });
    }
    if (ASSETS.has(request.url.split('?')[0] ?? '')) return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token || !timingSafeEqual(digest(token), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'send Authorization: Bearer <ADMIN_TOKEN>' });
    }
  });

  // One error shape for the page: `{ error }`, with fastify's own 4xx reasons (a body that is not JSON) kept.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error.message, url: request.url }, 'playground request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal error: see the server log' : error.message });
  });

  for (const [path, { type, body }] of ASSETS) {
    app.get(path, (_request, reply) => {
      if (path === '/') reply.header('content-security-policy', PAGE_POLICY);
      return reply.header('content-type', type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
    });
  }

  app.get('/playground/personas', async () => listPersonas(models, profile));

  app.post('/playground/demo', async (_request, reply) => {
    try {
      return await loadDemoDirectory(models, profile, options.demoDirectory ?? readDemoDirectory());
    } catch (error) {
      if (error instanceof DemoRefusedError) return reply.code(409).send({ error: error.message });
      throw error;
    }
  });

  app.post('/playground/send', async (request, reply) => {
    const parsed = sendBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: problem(parsed.error) });
    const body = parsed.data;
    const input = body.action !== undefined ? { action: body.action, ...(body.label ? { label: body.label } : {}) } : (body.text ?? '');
    try {
      await adapter.receive(body.persona, input, body.lang ? { languageHint: body.lang } : {});
    } catch (error) {
      if (error instanceof PlaygroundStoppedError) return reply.code(503).send({ error: error.message });
      // The handler already told the person (the database is unavailable, say): the page shows why it failed.
      request.log.warn({ persona: body.persona, err: error instanceof Error ? error.message : String(error) }, 'playground message failed');
      return reply.code(503).send({ error: `qinqing could not handle the message: ${error instanceof Error ? error.message : String(error)}` });
    }
    return { ok: true };
  });

  app.get('/playground/stream/:persona', (request, reply) => {
    const parsed = z.strictObject({ persona }).safeParse(request.params);
    if (!parsed.success) return reply.code(400).send({ error: problem(parsed.error) });
    const id = parsed.data.persona;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const write = (event: string, data: unknown, eventId?: number) => {
      res.write(`${eventId === undefined ? '' : `id: ${eventId}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // History then live entries, with nothing in between: both happen in this one synchronous turn.
    write('history', { persona: id, entries: adapter.history(id) });
    const unsubscribe = adapter.subscribe(id, (entry: PlaygroundEntry) => write('message', entry, entry.seq));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    streams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });

  // Open streams never end by themselves: closing the server ends them, or close() would wait forever.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });
};
