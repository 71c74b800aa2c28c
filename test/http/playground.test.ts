import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.ts';
import { isLoopbackHost, playgroundUrl, type PlaygroundOptions } from '../../src/http/playground/routes.ts';
import { t } from '../../src/i18n/index.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter, type PlaygroundEntry } from '../../src/platforms/playground/playground.adapter.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';

const TOKEN = 'a-test-admin-token-of-32-characters!';

function server(app: TestApp, adapter: PlaygroundAdapter, extra: Partial<PlaygroundOptions> = {}): FastifyInstance {
  return createHttpServer({
    connection: app.db.connection,
    redis: app.redisClient,
    logger: app.logger,
    playground: { adapter, models: app.db.models, profile: app.profile, host: '127.0.0.1', ...extra },
  });
}

/** Reads server-sent events from an injected stream until `until` says enough. */
async function readEvents(stream: Readable, until: (events: { event: string; data: unknown }[]) => boolean, timeoutMs = 10_000) {
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const timer = setTimeout(() => stream.destroy(new Error(`no such events within ${timeoutMs} ms: ${JSON.stringify(events)}`)), timeoutMs);
  try {
    for await (const chunk of stream) {
      buffer += String(chunk);
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (until(events)) return events;
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`the stream ended early: ${JSON.stringify(events)}`);
}

describe('playground: an empty database', () => {
  let app: TestApp;
  let http: FastifyInstance;
  beforeAll(async () => {
    app = await createTestApp('pgempty', { directory: false });
    http = server(app, createPlaygroundAdapter());
  });
  afterAll(async () => {
    await http.close();
    await app.close();
  });

  it('lists only a visitor, then loads the demo once: officials, enterprises, contacts and their accounts', async () => {
    const before = await http.inject({ method: 'GET', url: '/playground/personas' });
    expect(before.json()).toEqual({ directoryEmpty: true, personas: [{ id: 'visitor-1', kind: 'visitor', name: '访客 1 / Visitor 1' }] });

    const first = await http.inject({ method: 'POST', url: '/playground/demo', payload: {} });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'loaded', personas: 15 });
    const counts = async () => ({
      officials: await app.db.models.Official.countDocuments(),
      enterprises: await app.db.models.Enterprise.countDocuments(),
      contacts: await app.db.models.Contact.countDocuments(),
      playground: await app.db.models.ChatAccount.countDocuments({ platform: 'playground' }),
      accounts: await app.db.models.ChatAccount.countDocuments(),
    });
    const loaded = await counts();
    expect(loaded).toMatchObject({ officials: 11, enterprises: 4, contacts: 4, playground: 15 });

    // Again, and twice at once: nothing new.
    const again = await Promise.all([1, 2].map(() => http.inject({ method: 'POST', url: '/playground/demo', payload: {} })));
    expect(again.map((r) => r.json())).toEqual([{ status: 'already-loaded', personas: 15 }, { status: 'already-loaded', personas: 15 }]);
    expect(await counts()).toEqual(loaded);

    const { personas, directoryEmpty } = (await http.inject({ method: 'GET', url: '/playground/personas' })).json<{ personas: { id: string; kind: string }[]; directoryEmpty: boolean }>();
    expect(directoryEmpty).toBe(false);
    expect(personas.filter((p) => p.kind === 'contact')).toHaveLength(4);
    expect(personas.filter((p) => p.kind === 'official')).toHaveLength(11);
    expect(personas[0]).toEqual({ id: 'contact-91410100MA40A00014', kind: 'contact', name: '刘洋', enterprise: { creditCode: '91410100MA40A00014', name: '郑州中原建设工程有限公司' } });
    expect(personas[4]).toEqual({
      id: 'official-rf-office-01',
      kind: 'official',
      name: '陈晨',
      roles: ['officer'],
      unit: { code: 'office', name: { zh: '办公室', en: 'General Office' } },
    });
    expect(personas.at(-1)).toMatchObject({ id: 'visitor-1', kind: 'visitor' });
  });

  it('serves the page and its files', async () => {
    const page = await http.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('/playground/page.js');
    for (const url of ['/playground/page.js', '/playground/page-text.js']) expect((await http.inject({ method: 'GET', url })).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await http.inject({ method: 'GET', url: '/playground/page.css' })).headers['content-type']).toMatch(/^text\/css/);
  });
});

describe('playground: sending and the live stream', () => {
  let app: TestApp;
  let adapter: PlaygroundAdapter;
  let bot: Bot;
  let http: FastifyInstance;
  beforeAll(async () => {
    app = await createTestApp('pgsend');
    adapter = createPlaygroundAdapter();
    bot = createBot({ ...app, redis: app.redisClient }, [adapter], { keyPrefix: `${app.prefix}:` });
    await bot.start();
    http = server(app, adapter);
    // The demo directory is imported already: this adds the playground's contacts and accounts.
    expect((await http.inject({ method: 'POST', url: '/playground/demo', payload: {} })).json()).toMatchObject({ status: 'already-loaded' });
  });
  afterAll(async () => {
    await http.close();
    await bot.stop();
    await app.close();
  });

  it('refuses a body that is not JSON with 400 and says why', async () => {
    const response = await http.inject({ method: 'POST', url: '/playground/send', headers: { 'content-type': 'application/json' }, payload: '{"persona":' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toMatch(/JSON/);
  });

  it.each([
    ['no body', undefined, 'a JSON object'],
    ['no persona', { text: 'hi' }, 'persona: required'],
    ['a bad persona id', { persona: '../etc', text: 'hi' }, 'persona: a persona id'],
    ['neither text nor action', { persona: 'visitor-1' }, 'exactly one of them'],
    ['both text and action', { persona: 'visitor-1', text: 'hi', action: 'x' }, 'exactly one of them'],
    ['blank text', { persona: 'visitor-1', text: '   ' }, 'text: must not be empty'],
    ['an unknown field', { persona: 'visitor-1', text: 'hi', chatId: 'x' }, 'chatId'],
    ['an action over 64 bytes', { persona: 'visitor-1', action: '办'.repeat(22) }, 'action: at most 64 bytes'],
  ])('refuses %s with 400 and says why', async (_label, payload, message) => {
    const response = await http.inject({ method: 'POST', url: '/playground/send', ...(payload ? { payload } : {}) });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toContain(message);
  });

  it('streams the history, then the reply to a message, and keeps both for a reload', async () => {
    const persona = 'contact-91410100MA40A00014';
    const response = await http.inject({ method: 'GET', url: `/playground/stream/${persona}`, payloadAsStream: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const stream = response.stream();
    const reading = readEvents(stream, (events) => events.some((e) => e.event === 'message' && (e.data as PlaygroundEntry).from === 'bot'));

    const sent = await http.inject({ method: 'POST', url: '/playground/send', payload: { persona, text: '/help' } });
    expect(sent.statusCode).toBe(200);
    const events = await reading;
    stream.destroy();
    expect(events[0]).toEqual({ event: 'history', data: { persona, entries: [] } });
    const entries = events.slice(1).map((e) => e.data as PlaygroundEntry);
    expect(entries.map((e) => [e.from, e.text])).toEqual([
      ['person', '/help'],
      ['bot', t('zh-CN', 'bot.help.contact')],
    ]);
    expect(adapter.history(persona).map((e) => e.text)).toEqual(['/help', t('zh-CN', 'bot.help.contact')]);
  });

  it('a button press reaches the bot as a callback; an image is sent as a data URL', async () => {
    const persona = 'official-rf-office-01';
    const sent = await http.inject({ method: 'POST', url: '/playground/send', payload: { persona, action: 'r:satisfied:RF-2026-999999', label: '满意' } });
    expect(sent.statusCode).toBe(200);
    const [tap, reply] = adapter.history(persona);
    expect(tap).toMatchObject({ from: 'person', text: '满意', action: 'r:satisfied:RF-2026-999999' });
    expect(reply?.from).toBe('bot');

    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    expect(await adapter.send(persona, { text: '', image: { png, caption: '图表' } })).toMatchObject({ ok: true });
    expect(adapter.history(persona).at(-1)?.image).toEqual({ src: `data:image/png;base64,${png.toString('base64')}`, caption: '图表' });
  });

  it('answers 503 with the reason when the channel is stopped', async () => {
    const stopped = createPlaygroundAdapter();
    const other = server(app, stopped);
    const response = await other.inject({ method: 'POST', url: '/playground/send', payload: { persona: 'visitor-1', text: 'hi' } });
    await other.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'the playground channel is not running' });
  });
});

describe('playground: a directory that is not the demo', () => {
  it('refuses to load the demo with 409, writing nothing', async () => {
    const app = await createTestApp('pgother', { directory: false });
    const http = server(app, createPlaygroundAdapter());
    try {
      await app.db.models.Official.create({ code: 'zz-real-01', name: '真实', unit: 'office', roles: ['officer'], level: 'province', active: true });
      const response = await http.inject({ method: 'POST', url: '/playground/demo', payload: {} });
      expect(response.statusCode).toBe(409);
      expect(response.json<{ error: string }>().error).toContain('only loaded into an empty one');
      expect(await app.db.models.Official.countDocuments()).toBe(1);
      expect(await app.db.models.ChatAccount.countDocuments()).toBe(0);
    } finally {
      await http.close();
      await app.close();
    }
  });
});

describe('playground adapter', () => {
  it('a typed list number presses that button of the latest message; a message without buttons clears them', async () => {
    const adapter = createPlaygroundAdapter({ historyLimit: 3 });
    const received: { text: string; action?: string }[] = [];
    await adapter.start(async (message) => void received.push({ text: message.text, ...(message.callback ? { action: message.callback.data } : {}) }));
    await adapter.send('p1', { text: '选一个', buttons: [[{ action: 'a:1', label: '甲' }], [{ action: 'a:2', label: '乙' }]] });
    await adapter.receive('p1', '２');
    await adapter.receive('p1', '3');
    await adapter.send('p1', { text: '几天？' });
    await adapter.receive('p1', '2');
    expect(received).toEqual([{ text: '２', action: 'a:2' }, { text: '3' }, { text: '2' }]);
    // Only the last three entries are kept.
    expect(adapter.history('p1').map((e) => `${e.from}:${e.text}`)).toEqual(['person:3', 'bot:几天？', 'person:2']);
    await adapter.stop();
    await expect(adapter.receive('p1', 'hi')).rejects.toThrow('the playground channel is not running');
  });
});

describe('playground: beyond loopback', () => {
  let app: TestApp;
  const servers: FastifyInstance[] = [];
  beforeAll(async () => {
    app = await createTestApp('pgauth', { directory: false });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(() => app.close());

  it('knows loopback hosts and where to open the page', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.org'].some(isLoopbackHost)).toBe(false);
    expect(playgroundUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080/');
    expect(playgroundUrl('10.0.0.2', 80)).toBe('http://10.0.0.2:80/');
  });

  it('refuses everything without ADMIN_TOKEN', async () => {
    const http = server(app, createPlaygroundAdapter(), { host: '0.0.0.0' });
    servers.push(http);
    for (const [method, url] of [['GET', '/'], ['GET', '/playground/personas'], ['POST', '/playground/demo'], ['GET', '/playground/stream/visitor-1']] as const) {
      const response = await http.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}), headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode, url).toBe(403);
      expect(response.json<{ error: string }>().error).toContain('ADMIN_TOKEN');
    }
    expect(await app.db.models.Official.countDocuments()).toBe(0);
  });

  it('with ADMIN_TOKEN: the page is served, the API wants the bearer token', async () => {
    const http = server(app, createPlaygroundAdapter(), { host: '0.0.0.0', adminToken: TOKEN });
    servers.push(http);
    expect((await http.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    const none = await http.inject({ method: 'GET', url: '/playground/personas' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await http.inject({ method: 'POST', url: '/playground/demo', payload: {}, headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    expect(await app.db.models.Official.countDocuments()).toBe(0);
    const right = await http.inject({ method: 'GET', url: '/playground/personas', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
  });

  it('is not there at all without the playground deps (PLAYGROUND=off, or a platform is configured)', async () => {
    const http = createHttpServer({ connection: app.db.connection, redis: app.redisClient, logger: app.logger });
    servers.push(http);
    expect((await http.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await http.inject({ method: 'GET', url: '/playground/personas' })).statusCode).toBe(404);
  });
});
