/**
 * Access matrix (fault and abuse suite): every access attempt a person could make against what is not
 * theirs — another enterprise's tickets, another unit's tickets, a whistle-blower's identity, the admin
 * API without the right credentials, the Telegram webhook without its secret — each counted as denied
 * only when it was refused and nothing changed (every collection, and Redis where the API could touch it).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROLES, type ApiRole } from '../../../src/db/models/api-keys.ts';
import { RATING_LEVELS } from '../../../src/domain/rating.ts';
import { createHttpServer } from '../../../src/http/server.ts';
import { t } from '../../../src/i18n/index.ts';
import { createTelegramAdapter, type TelegramAdapter } from '../../../src/platforms/telegram/telegram.adapter.ts';
import { createBot, type Bot } from '../../../src/runtime/bot.ts';
import { accept, addProgress } from '../../../src/services/tickets/officer-actions.ts';
import { officialActor } from '../../../src/services/tickets/ticket-directory.ts';
import { loadTicketByNumber, type TicketRecord } from '../../../src/services/tickets/ticket-store.ts';
import { createLogger, maskPhone } from '../../../src/shared/logger.ts';
import { processAssign } from '../../../src/workers/assign.worker.ts';
import { ADMIN_TOKEN, bearer, createKey } from '../../http/admin-server.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import { LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { runJobs } from '../../support/jobs.ts';
import { AccessMatrix, ApiProbe, ChatProbe, shown, World, type ApiAttempt } from '../support/access-matrix.ts';
import { acceptedTicket, addChatContact, chatDriver, extensionPendingTicket, handlerServices, officialPersona, resolvedTicket, submittedTicket, type ChatDriver, type Persona } from '../support/abuse-world.ts';
import { recordSection } from '../support/record.ts';

const COMMAND = 'RECORD_RELIABILITY=1 npx vitest run --config vitest.faults.config.ts test/faults/abuse/access-matrix.test.ts';
const zh = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t('zh-CN', key, params);

/** The whistle-blower: every one of these strings is theirs, and none may reach anyone but an inspector. */
const REPORTER = { name: '林小北', phone: '13912345678', chat: '9355501234' };
const REPORT_TEXT = '工程处某工作人员要求我公司使用其指定的检测机构，否则不予验收。';
const WEBHOOK_SECRET = 'webhook-secret-for-the-access-matrix';
const EXEMPT = new Set(['/healthz', '/readyz', '/openapi.json', '/telegram/webhook']);

let app: TestApp;
let services: ReturnType<typeof handlerServices>;
let driver: ChatDriver;
let world: World;
let server: FastifyInstance;
let chat: ChatProbe;
let api: ApiProbe;
let fake: FakeTelegramApi;
let adapter: TelegramAdapter;
let bot: Bot;
const routes: RouteOptions[] = [];
const matrix = new AccessMatrix();
const p = {} as Record<'a' | 'b' | 'bPending' | 'colleague' | 'reporter' | 'works01' | 'works02' | 'worksSup' | 'office01' | 'officeSup' | 'leader' | 'inspector', Persona>;
const tickets = {} as Record<'bAssigned' | 'bAccepted' | 'bResolved' | 'bExtension' | 'aResolved' | 'wAssigned' | 'wAccepted' | 'wExtension' | 'oAssigned' | 'oAccepted' | 'oExtension', TicketRecord>;
const tokens = {} as Record<ApiRole | 'supervisorOffice' | 'revoked', string>;
let auditorKeyId = '';
let report = '';
let anonymousReport = '';

async function reportVia(reporter: Persona, anonymity: '实名' | '匿名'): Promise<string> {
  let number = '';
  for (const text of ['/new', '举报', '1', REPORT_TEXT, '完成', anonymity, '确认']) {
    const replies = await driver.send(reporter, { text });
    number = /RF-\d{4}-\d{6}/.exec(replies.map((r) => r.text).join('\n'))?.[0] ?? number;
  }
  const ticket = await loadTicketByNumber(app, number);
  if (!ticket) throw new Error('the report was not filed');
  await processAssign(app, { ticketId: ticket._id });
  return number;
}

beforeAll(async () => {
  app = await createTestApp('access');
  services = handlerServices(app, { floodLimit: 1_000_000_000 });
  driver = chatDriver(services);
  const contact = (label: string, enterprise: string, senderId: string, name: string, extra: { phone?: string; status?: 'pending' } = {}) =>
    addChatContact(app, { label, enterprise, senderId, name, lang: 'zh-CN', ...extra });
  p.a = await contact('contact of enterprise A', ZHONGYUAN, '9300001', '甲企业联系人');
  p.b = await contact('contact of enterprise B', LUOYANG, '9300002', '乙企业联系人');
  p.bPending = await contact('pending contact of B', LUOYANG, '9300003', '乙企业新人', { status: 'pending' });
  p.colleague = await contact('reporter’s colleague', YUAN_EQUIPMENT, '9300004', '同事王五');
  p.reporter = await contact('reporter', YUAN_EQUIPMENT, REPORTER.chat, REPORTER.name, { phone: REPORTER.phone });
  const official = (label: string, code: string, role: Persona['role']) => officialPersona(app, { label, code, role, lang: 'zh-CN' });
  p.works01 = await official('officer of works (rf-works-01)', 'rf-works-01', 'official');
  p.works02 = await official('officer of works, not the assignee (rf-works-02)', 'rf-works-02', 'official');
  p.worksSup = await official('supervisor of works (rf-works-sup)', 'rf-works-sup', 'supervisor');
  p.office01 = await official('officer of office (rf-office-01)', 'rf-office-01', 'official');
  p.officeSup = await official('supervisor of office (rf-office-sup)', 'rf-office-sup', 'supervisor');
  p.leader = await official('leadership (rf-leader-01)', 'rf-leader-01', 'supervisor');
  p.inspector = await official('inspector', 'rf-discipline-01', 'inspector');

  tickets.bAssigned = await submittedTicket(app, p.b, 'project-approval');
  tickets.bAccepted = await acceptedTicket(app, p.b, 'project-approval');
  tickets.bResolved = await resolvedTicket(app, p.b, 'project-approval');
  tickets.bExtension = await extensionPendingTicket(app, p.b, 'project-approval');
  tickets.aResolved = await resolvedTicket(app, p.a, 'project-approval');
  tickets.wAssigned = await submittedTicket(app, p.a, 'project-approval');
  tickets.wAccepted = await acceptedTicket(app, p.a, 'project-approval');
  tickets.wExtension = await extensionPendingTicket(app, p.a, 'project-approval');
  tickets.oAssigned = await submittedTicket(app, p.colleague, 'complaint');
  tickets.oAccepted = await acceptedTicket(app, p.colleague, 'complaint');
  tickets.oExtension = await extensionPendingTicket(app, p.colleague, 'complaint');
  report = await reportVia(p.reporter, '实名');
  anonymousReport = await reportVia(p.reporter, '匿名');
  const inspector = await officialActor(app, 'rf-discipline-01');
  await accept(app, report, inspector);
  await addProgress(app, report, inspector, '已受理，正在核查。');
  await runJobs(app);

  fake = await startFakeTelegramApi();
  adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, webhook: { url: 'https://qinqing.example/telegram/webhook', secret: WEBHOOK_SECRET }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  bot = createBot({ ...app, redis: app.redisClient }, [adapter], { keyPrefix: services.keyPrefix, floodLimit: 1_000_000_000 });
  await bot.start();
  const logger = createLogger({ level: 'silent' });
  server = createHttpServer({
    connection: app.db.connection,
    redis: app.redisClient,
    logger,
    admin: { ...app, logger, env: { ADMIN_TOKEN } },
    telegramWebhook: (update, secret) => adapter.handleWebhook(update, secret),
  });
  server.addHook('onRoute', (route) => void routes.push(route));
  await server.ready();
  tokens.admin = ADMIN_TOKEN;
  tokens.auditor = await createKey(server, { name: '审计', role: 'auditor' });
  auditorKeyId = /^qq_([0-9a-f]{16})_/.exec(tokens.auditor)?.[1] ?? '';
  tokens.supervisor = await createKey(server, { name: '赵敏', role: 'supervisor', official: 'rf-works-sup' });
  tokens.supervisorOffice = await createKey(server, { name: '周强', role: 'supervisor', official: 'rf-office-sup' });
  tokens.inspector = await createKey(server, { name: '吴刚', role: 'inspector', official: 'rf-discipline-01' });
  tokens.revoked = await createKey(server, { name: '离职人员', role: 'admin' });
  const revokedId = /^qq_([0-9a-f]{16})_/.exec(tokens.revoked)?.[1] ?? '';
  expect((await server.inject({ method: 'DELETE', url: `/admin/api-keys/${revokedId}`, headers: bearer(ADMIN_TOKEN) })).statusCode).toBe(200);
  // A key's first use records lastUsedAt; the test clock stands still, so later uses change nothing.
  for (const token of Object.values(tokens)) await server.inject({ url: '/admin/units', headers: bearer(token) });
  world = new World(app.db.connection, app.redisClient, app.prefix, /:flood:/);
  await world.init();
  chat = new ChatProbe(driver, services, world, matrix);
  api = new ApiProbe(server, world, matrix);
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
  await fake?.close();
  await app?.close();
});

const VERBS = [
  ['受理', 'accept'],
  ['进展', 'progress'],
  ['转办', 'transfer'],
  ['延期', 'extend'],
  ['办结', 'resolve'],
  ['批准', 'ext-yes'],
  ['不批准', 'ext-no'],
] as const;
const LEVELS = RATING_LEVELS;

describe('access matrix', () => {
  it('keeps enterprise A’s contact away from enterprise B’s tickets (status, rating, any button with B’s ticket)', async () => {
    const who = p.a.label;
    const what = 'enterprise B’s tickets (chat: status, rate, buttons)';
    const b = [tickets.bAssigned, tickets.bAccepted, tickets.bResolved, tickets.bExtension];
    const secrets = ['洛阳城建集团有限公司', LUOYANG, ...b.map((ticket) => ticket.text.slice(0, 20))];
    for (const ticket of b) {
      const n = ticket.number;
      await chat.attempt(who, what, p.a, { text: `/status ${n}` }, [zh('error.ticket.not-found', { number: n })], secrets);
      await chat.attempt(who, what, p.a, { text: `查询 ${n}` }, [zh('error.ticket.not-found', { number: n })], secrets);
      await chat.attempt(who, what, p.a, { text: `/rate ${n}` }, [zh('rate.stale')], secrets);
      for (const level of LEVELS) await chat.attempt(who, what, p.a, { action: `r:${level}:${n}` }, [zh('rate.stale')], secrets);
      await chat.attempt(who, what, p.a, { action: `rate:pick:${n}` }, [zh('flow.stale-button')], secrets);
      for (const [, verb] of VERBS) await chat.attempt(who, what, p.a, { action: `t:${verb}:${n}` }, [zh('officer.only-officials')], secrets);
    }
    for (const decision of ['yes', 'no']) await chat.attempt(who, what, p.a, { action: `j:${decision}:${p.bPending.contactId}` }, [zh('error.registration.forbidden')], secrets);
    // Inside A's own rating: B's numbers forged into the pick and the level buttons.
    await chat.setup(p.a, '/rate');
    for (const ticket of b) await chat.attempt(who, what, p.a, { action: `rate:pick:${ticket.number}` }, [zh('flow.stale-button')], secrets);
    await chat.setup(p.a, `/rate ${tickets.aResolved.number}`);
    for (const ticket of b) for (const level of LEVELS) await chat.attempt(who, what, p.a, { action: `r:${level}:${ticket.number}` }, [zh('rate.stale'), zh('flow.stale-button')], secrets);
    await chat.setup(p.a, '取消');
    expect(matrix.misses()).toEqual([]);
  });

  it('keeps officers and supervisors away from other units’ tickets (typed commands and forged buttons)', async () => {
    const office = [tickets.oAssigned, tickets.oAccepted, tickets.oExtension];
    const works = [tickets.wAssigned, tickets.wAccepted, tickets.wExtension];
    const rows: [Persona, TicketRecord[], string][] = [
      [p.works01, office, 'the office’s tickets'],
      [p.worksSup, office, 'the office’s tickets'],
      [p.office01, works, 'works’ tickets'],
      [p.officeSup, works, 'works’ tickets'],
      [p.works02, works, 'works’ tickets assigned to rf-works-01'],
    ];
    for (const [persona, list, target] of rows) {
      const what = `${target} (chat: accept, progress, transfer, extend, resolve, approve/refuse extension)`;
      for (const ticket of list) {
        for (const [word, verb] of VERBS) {
          // As if there were no such ticket: the refusal does not tell that the number is in use.
          const none = zh('error.ticket.not-found', { number: ticket.number });
          await chat.attempt(persona.label, what, persona, { text: `${word} ${ticket.number}` }, [none]);
          await chat.attempt(persona.label, what, persona, { action: `t:${verb}:${ticket.number}` }, [none]);
        }
      }
    }
    expect(matrix.misses()).toEqual([]);
  });

  it('keeps a supervisor’s API key away from another unit’s tickets (every action route)', async () => {
    const bodies: Record<string, unknown> = {
      accept: {},
      progress: { note: '越权记录' },
      transfer: { unit: 'quality', reason: '越权转办' },
      extend: { days: 5, reason: '越权延期' },
      'decide-extension': { approve: true },
      reassign: { officer: 'rf-office-01', reason: '越权改派' },
      resolve: { result: '越权办结' },
      'close-unfounded': { conclusion: '越权结案' },
    };
    const pairs: [string, string, TicketRecord[]][] = [
      [tokens.supervisor, 'supervisor key of works (admin API)', [tickets.oAssigned, tickets.oAccepted, tickets.oExtension]],
      [tokens.supervisorOffice, 'supervisor key of office (admin API)', [tickets.wAssigned, tickets.wAccepted, tickets.wExtension]],
    ];
    for (const [token, who, list] of pairs) {
      for (const ticket of list) {
        await api.group(
          Object.entries(bodies).map(([action, payload]) => ({
            who,
            what: 'another unit’s tickets: every action route',
            request: { method: 'POST', url: `/admin/tickets/${ticket.number}/${action}`, headers: bearer(token), payload: payload as Record<string, unknown> },
            statuses: [404],
          })),
        );
      }
    }
    expect(matrix.misses()).toEqual([]);
  });

  it('shows a whistle-blower’s identity to nobody but discipline inspectors, in chat', async () => {
    const identity = [REPORTER.name, REPORTER.phone, maskPhone(REPORTER.phone), REPORTER.chat, p.reporter.contactId ?? ''];
    const aboutReport = [...identity, '河南豫安人防设备有限公司', YUAN_EQUIPMENT];
    const others = [p.works01, p.works02, p.worksSup, p.office01, p.officeSup, p.leader, p.a, p.b, p.colleague, p.bPending];
    const what = 'a misconduct report’s reporter (chat: status, lists, actions, buttons)';
    for (const persona of others) {
      for (const number of [report, anonymousReport]) {
        await chat.attempt(persona.label, what, persona, { text: `/status ${number}` }, 'any', aboutReport);
        for (const [word, verb] of VERBS) {
          if (persona.role !== 'contact' && persona.role !== 'pending') await chat.attempt(persona.label, what, persona, { text: `${word} ${number}` }, 'any', aboutReport);
          await chat.attempt(persona.label, what, persona, { action: `t:${verb}:${number}` }, 'any', aboutReport);
        }
        await chat.attempt(persona.label, what, persona, { action: `r:satisfied:${number}` }, 'any', aboutReport);
      }
      for (const text of ['/status', '/tasks', '/overdue', '/help']) await chat.attempt(persona.label, what, persona, { text }, 'any', identity);
    }
    // The inspector does see the report (the strings above are the ones to look for).
    const inspectorView = shown(await chat.setup(p.inspector, `/status ${report}`)).join('\n');
    expect(inspectorView).toContain(report);
    expect(matrix.misses()).toEqual([]);
  });

  it('shows a whistle-blower’s identity to nobody but discipline inspectors, through the admin API', async () => {
    const identity = [REPORTER.name, REPORTER.phone, maskPhone(REPORTER.phone), REPORTER.chat, p.reporter.contactId ?? ''];
    const readers: [string, string][] = [
      [tokens.admin, 'admin token'],
      [tokens.auditor, 'auditor key'],
      [tokens.supervisor, 'supervisor key (works)'],
      [tokens.supervisorOffice, 'supervisor key (office)'],
    ];
    const urls = [
      ...requests().filter((r) => r.method === 'GET').map((r) => r.url),
      '/admin/tickets?discipline=true',
      `/admin/tickets?status=accepted&unit=discipline`,
      '/admin/exports/ledger?month=2026-03&format=csv',
      '/admin/exports/ledger?month=2026-03&format=xlsx',
      '/admin/reports/three-rates?month=2026-03',
      '/admin/reports/overdue',
      ...['tickets', 'notify', 'sla'].flatMap((queue) => ['completed', 'waiting', 'delayed'].map((status) => `/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=100`)),
    ];
    for (const [token, who] of readers) {
      const what = 'a misconduct report’s reporter (ticket views, exports, reports, history, queues)';
      await api.group([...new Set(urls)].map((url) => ({ who, what, request: { method: 'GET', url, headers: bearer(token) }, statuses: 'any', secrets: identity })), { sequential: true });
    }
    // The one door: an inspector's key opens the seal (and so the strings above are the right ones).
    const opened = await server.inject({ url: `/admin/tickets/${report}/reporter`, headers: bearer(tokens.inspector) });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain(REPORTER.name);
    expect(opened.body).toContain(REPORTER.phone);
    expect(matrix.misses()).toEqual([]);
  }, 120_000);

  it('refuses every admin route without a token, with a wrong or malformed one, and with a token of the wrong role', async () => {
    const list = requests();
    expect(list.length).toBeGreaterThan(50);
    const wrong = [
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Bearer qq_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`,
      `Bearer qq_${auditorKeyId}_${randomBytes(32).toString('base64url')}`,
      `Bearer ${tokens.revoked}`,
      'Bearer {"$ne":null}',
    ];
    const malformed = ['Bearer', 'Bearer    ', `Token ${ADMIN_TOKEN}`, ADMIN_TOKEN, `Bearer ${ADMIN_TOKEN} extra`, `Bearer ${'x'.repeat(600)}`, 'Basic !!!not-base64!!!', `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString('base64')}`];
    for (const r of list) {
      const target = `${r.method} ${r.pattern}`;
      const request = (authorization: string | undefined): InjectOptions => ({ method: r.method, url: r.url, ...(authorization ? { headers: { authorization } } : {}), ...r.payload });
      const group: ApiAttempt[] = [
        { who: 'no token', what: 'every admin route', request: request(undefined), statuses: [401], target },
        ...wrong.map((authorization) => ({ who: 'a wrong or revoked token', what: 'every admin route', request: request(authorization), statuses: [401], target })),
        ...malformed.map((authorization) => ({ who: 'a malformed Authorization header', what: 'every admin route', request: request(authorization), statuses: [401], target })),
        ...API_ROLES.filter((role) => !r.roles.includes(role)).map((role) => ({
          who: `a token of the wrong role (${role})`,
          what: 'every admin route that role may not use',
          request: { ...request(undefined), headers: bearer(tokens[role]) },
          statuses: [403],
          target,
        })),
      ];
      // The bootstrap token as a Basic password opens dashboard reads (by design); for everything else it is no credential.
      if (!(r.basic && r.method === 'GET')) group.push({ who: 'a malformed Authorization header', what: 'every admin route', request: request(`Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`), statuses: [401], target });
      await api.group(group);
    }
    expect(matrix.misses()).toEqual([]);
  }, 300_000);

  it('refuses Telegram webhook deliveries without the secret, or with a wrong one, and processes none of them', async () => {
    const update = (id: number) => ({
      update_id: 70_000 + id,
      message: { message_id: 500 + id, date: 1_772_413_200, chat: { id: 9_390_000 + id, type: 'private' }, from: { id: 9_390_000 + id, is_bot: false, first_name: 'Intruder' }, text: '你好' },
    });
    // With the secret the update is handled (so a refusal below is the secret's doing, not a dead route).
    const sentBefore = fake.callsTo('sendMessage').length;
    const ok = await server.inject({ method: 'POST', url: '/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, payload: update(0) });
    expect(ok.statusCode).toBe(200);
    expect(fake.callsTo('sendMessage').length).toBeGreaterThan(sentBefore);
    const secrets: (string | string[] | undefined)[] = [undefined, '', 'wrong', `${WEBHOOK_SECRET}x`, WEBHOOK_SECRET.slice(0, -1), WEBHOOK_SECRET.toUpperCase(), ` ${WEBHOOK_SECRET}`, [WEBHOOK_SECRET, 'x'], ADMIN_TOKEN];
    for (const [i, secret] of secrets.entries()) {
      const calls = fake.calls.length;
      const before = await world.state('all');
      const response = await server.inject({ method: 'POST', url: '/telegram/webhook', headers: secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }, payload: update(i + 1) });
      const after = await world.state('all');
      const miss = response.statusCode !== 401 ? `answered ${response.statusCode}` : (World.changed(before, after) ?? (fake.calls.length !== calls ? 'the bot called Telegram' : undefined));
      matrix.count('anyone without the webhook secret', 'POST /telegram/webhook', miss && `secret ${JSON.stringify(secret)}: ${miss}`);
    }
    expect(matrix.misses()).toEqual([]);
  });

  it('records the matrix', () => {
    const { attempts, denied } = matrix.totals();
    console.log(`access matrix: ${attempts} attempts, ${denied} denied\n${matrix.table()}`);
    recordSection(
      'access-matrix',
      [
        '## Access matrix',
        '',
        `${attempts} access attempts, ${denied} denied. An attempt counts as denied only when it was refused (the exact refusal text in chat, 401/403/404 from the API) and nothing changed: every collection of the database compared document by document, the sender’s flow session, and for the API and the webhook every Redis key of the deployment. Admin routes enumerated from the Fastify instance (${requests().length} method/path pairs, bull-board's included).`,
        '',
        matrix.table(),
      ].join('\n'),
      COMMAND,
    );
    expect(matrix.misses()).toEqual([]);
    expect(denied).toBe(attempts);
  });
});

/** One request per admin method and path (HEAD rides along with GET), with real values for the parameters. */
function requests() {
  const samples: Record<string, string> = { number: report, code: 'rf-works-01', official: 'rf-works-01', enterprise: ZHONGYUAN, creditCode: YUAN_EQUIPMENT };
  const payload = { name: '入侵者', role: 'admin', reason: '越权', note: '越权', result: '越权', unit: 'office', days: 1, approve: true, conclusion: '越权' };
  return routes
    .flatMap((route) => [route.method].flat().map((method) => ({ method: method as InjectOptions['method'] & string, route })))
    .filter(({ method, route }) => method !== 'HEAD' && !EXEMPT.has(route.url))
    .map(({ method, route }) => ({
      method,
      pattern: route.url,
      url: route.url.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? (route.url.includes('api-keys') ? auditorKeyId : '0123456789abcdef01234567') : (samples[name] ?? 'nonexistent'))).replace(/\*$/, 'x'),
      roles: (route.config?.roles ?? []) as readonly ApiRole[],
      basic: route.config?.basicForReads === true,
      payload: method === 'GET' || method === 'DELETE' ? {} : { payload },
    }));
}
