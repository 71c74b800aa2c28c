import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../src/domain/credit-code.ts';
import { TICKET_STATUSES } from '../../src/domain/ticket-state.ts';
import { flowCompletions } from '../../src/http/admin/index.ts';
import { openApiPath } from '../../src/http/admin/openapi.ts';
import { DAY, runJobs } from '../support/jobs.ts';
import { addContact, LUOYANG, submit, ZHONGYUAN } from '../support/fixtures.ts';
import { ADMIN_TOKEN, adminServer, bearer, createKey, type AdminServer } from './admin-server.ts';

let s: AdminServer;
const numbers = { works1: '', works2: '', finance: '', misconduct: '' };
let supervisor = '';
let inspector = '';
let auditor = '';

type Item = { number: string; unit: string; assignee: string | null; status: string; overdue: boolean; discipline: boolean };
type Page<T = Item> = { items: T[]; total: number; page: number; pageSize: number };

const get = (url: string, token: string) => s.server.inject({ method: 'GET', url, headers: bearer(token) });
const post = (url: string, token: string, payload: object = {}) => s.server.inject({ method: 'POST', url, headers: bearer(token), payload });
const patch = (url: string, token: string, payload: object) => s.server.inject({ method: 'PATCH', url, headers: bearer(token), payload });
const del = (url: string, token: string) => s.server.inject({ method: 'DELETE', url, headers: bearer(token) });

beforeAll(async () => {
  s = await adminServer('admin-api');
  const zy = await addContact(s.app, ZHONGYUAN, '930001', '举报人');
  const ly = await addContact(s.app, LUOYANG, '930002');
  numbers.works1 = (await submit(s.app, ZHONGYUAN, zy.contactId, '930001')).number;
  numbers.works2 = (await submit(s.app, LUOYANG, ly.contactId, '930002')).number;
  numbers.finance = (await submit(s.app, ZHONGYUAN, zy.contactId, '930001', { category: 'fees', text: '人防易地建设费的计算标准与文件不一致，请核查并说明依据。' })).number;
  numbers.misconduct = (
    await submit(s.app, ZHONGYUAN, zy.contactId, '930001', {
      category: 'gifts-banquets',
      accusedUnit: 'works',
      anonymous: false,
      text: '工程管理处某工作人员在验收前暗示企业安排宴请，并收受购物卡。',
    })
  ).number;
  await runJobs(s.app);
  inspector = await createKey(s.server, { name: '吴刚', role: 'inspector', official: 'rf-discipline-01' });
  auditor = await createKey(s.server, { name: '审计处', role: 'auditor' });
});
afterAll(() => s.close());

describe('the directory', () => {
  it('lists units and the profile’s categories to every role', async () => {
    const units = await get('/admin/units', auditor);
    expect(units.statusCode).toBe(200);
    expect(units.json<{ items: { code: string }[] }>().items.map((u) => u.code)).toEqual(expect.arrayContaining(['works', 'discipline', 'finance']));
    const categories = await get('/admin/categories', inspector);
    expect(categories.json<{ items: { code: string; lead: string }[] }>().items).toContainEqual(expect.objectContaining({ code: 'gifts-banquets', lead: 'discipline' }));
  });

  it('creates, updates and deactivates officials with the import’s row rules, keeping chat identities in step', async () => {
    const created = await post('/admin/officials', ADMIN_TOKEN, { code: 'rf-works-03', name: '刘洋', unit: 'works', roles: ['officer', 'supervisor'], telegram: 700000099 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'rf-works-03', roles: ['officer', 'supervisor'], level: 'province', active: true, telegram: '700000099' });
    expect(await s.app.db.models.ChatAccount.findOne({ platform: 'telegram', userId: '700000099' }).lean()).toMatchObject({ kind: 'official', ref: 'rf-works-03' });
    expect((await post('/admin/officials', ADMIN_TOKEN, { code: 'rf-works-03', name: '重复', unit: 'works' })).json()).toMatchObject({ code: 'official.exists' });
    expect((await post('/admin/officials', ADMIN_TOKEN, { code: 'rf-x', name: '某', unit: 'nowhere' })).statusCode).toBe(422);
    expect((await post('/admin/officials', ADMIN_TOKEN, { code: 'rf-y', name: '某', unit: 'works', telegram: '700000001' })).json()).toMatchObject({ code: 'chat-account.taken' });
    expect((await post('/admin/officials', ADMIN_TOKEN, { code: 'rf-z', name: '某', unit: 'works', extra: 1 })).statusCode).toBe(400);

    const updated = await patch('/admin/officials/rf-works-03', ADMIN_TOKEN, { name: '刘洋洋', telegram: null });
    expect(updated.json()).toMatchObject({ name: '刘洋洋', roles: ['officer', 'supervisor'], telegram: null });
    expect(await s.app.db.models.ChatAccount.countDocuments({ platform: 'telegram', userId: '700000099' })).toBe(0);
    expect((await patch('/admin/officials/rf-works-03', ADMIN_TOKEN, {})).statusCode).toBe(400);

    const key = await createKey(s.server, { name: '刘洋洋', role: 'supervisor', official: 'rf-works-03' });
    expect((await get('/admin/tickets', key)).statusCode).toBe(200);
    const deactivated = await post('/admin/officials/rf-works-03/deactivate', ADMIN_TOKEN);
    expect(deactivated.json()).toMatchObject({ code: 'rf-works-03', active: false, openTickets: 0 });
    // A key acts as its official: once the official is gone, so is the key's reach into tickets.
    expect((await get('/admin/tickets', key)).json()).toMatchObject({ code: 'apikey.official' });

    const list = await get('/admin/officials?unit=works&active=true&pageSize=2', auditor);
    const page = list.json<Page<{ code: string }>>();
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page.items.map((o) => o.code)).toEqual(['rf-works-01', 'rf-works-02']);
    expect((await get('/admin/officials?role=inspector', auditor)).json<Page<{ code: string }>>().items.map((o) => o.code)).toEqual(['rf-discipline-01']);
    // Chat identities are for admins only.
    expect(list.body).not.toContain('700000001');
    expect((await get('/admin/officials?unit=works', ADMIN_TOKEN)).body).toContain('700000001');
  });

  it('creates and updates enterprises, and links officials to them', async () => {
    const creditCode = `91410100MA40E0005${creditCodeCheckChar('91410100MA40E0005')}`;
    const enterprise = { creditCode, name: '郑州示范人防工程有限公司', ownership: 'private', size: 'small', region: '郑州市', chiefOfficer: 'rf-works-02' };
    expect((await post('/admin/enterprises', ADMIN_TOKEN, enterprise)).statusCode).toBe(201);
    expect((await post('/admin/enterprises', ADMIN_TOKEN, enterprise)).json()).toMatchObject({ code: 'enterprise.exists' });
    const badCode = await post('/admin/enterprises', ADMIN_TOKEN, { ...enterprise, creditCode: '91410100MA40E00050' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json()).toMatchObject({ issues: [expect.objectContaining({ path: ['creditCode'] })] });
    expect((await post('/admin/enterprises', ADMIN_TOKEN, { ...enterprise, creditCode: ZHONGYUAN, chiefOfficer: 'nobody' })).json()).toMatchObject({ code: 'official.unknown' });
    const changed = await patch(`/admin/enterprises/${creditCode}`, ADMIN_TOKEN, { size: 'medium', chiefOfficer: null });
    expect(changed.json()).toMatchObject({ creditCode, size: 'medium', chiefOfficer: null });
    expect((await get('/admin/enterprises?region=%E9%83%91%E5%B7%9E%E5%B8%82', auditor)).json<Page>().total).toBe(4);
    expect((await post('/admin/enterprises', auditor, enterprise)).statusCode).toBe(403);

    expect((await post('/admin/links', ADMIN_TOKEN, { official: 'rf-works-01', enterprise: creditCode })).statusCode).toBe(201);
    expect((await post('/admin/links', ADMIN_TOKEN, { official: 'rf-works-01', enterprise: creditCode })).statusCode).toBe(409);
    expect((await post('/admin/links', ADMIN_TOKEN, { official: 'nobody', enterprise: creditCode })).json()).toMatchObject({ code: 'official.unknown' });
    expect((await get(`/admin/links?official=rf-works-01`, auditor)).json<Page>().total).toBe(2);
    expect((await del(`/admin/links/rf-works-01/${creditCode}`, ADMIN_TOKEN)).statusCode).toBe(200);
    expect((await del(`/admin/links/rf-works-01/${creditCode}`, ADMIN_TOKEN)).statusCode).toBe(404);
  });
});

describe('a supervisor', () => {
  it('is given a key bound to rf-works-sup by an admin, sees its unit’s tickets only, and reassigns one', async () => {
    const made = await post('/admin/api-keys', ADMIN_TOKEN, { name: '赵敏', role: 'supervisor', official: 'rf-works-sup' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ role: 'supervisor', official: 'rf-works-sup', key: expect.stringMatching(/^qq_/) });
    supervisor = made.json<{ key: string }>().key;

    const list = (await get('/admin/tickets', supervisor)).json<Page>();
    expect(list.items.map((t) => t.number).sort()).toEqual([numbers.works1, numbers.works2].sort());
    expect(list.total).toBe(2);
    expect(list.items.every((t) => t.unit === 'works' && !t.discipline)).toBe(true);

    // Out of scope reads exactly like nonexistent: nobody learns a number is in use.
    const finance = await get(`/admin/tickets/${numbers.finance}`, supervisor);
    const misconduct = await get(`/admin/tickets/${numbers.misconduct}`, supervisor);
    const nothing = await get('/admin/tickets/RF-2026-999999', supervisor);
    for (const res of [finance, misconduct, nothing]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ticket.not-found', message: { zh: expect.any(String), en: expect.any(String) } });
    }
    expect((await post(`/admin/tickets/${numbers.finance}/accept`, supervisor)).statusCode).toBe(404);

    const before = (await get(`/admin/tickets/${numbers.works1}`, supervisor)).json<Item>();
    expect(before.assignee).toBe('rf-works-01');
    const missingReason = await post(`/admin/tickets/${numbers.works1}/reassign`, supervisor, { officer: 'rf-works-02' });
    expect(missingReason.statusCode).toBe(400);
    expect(missingReason.json()).toMatchObject({ code: 'request.invalid', issues: [expect.objectContaining({ path: ['reason'] })] });
    const reassigned = await post(`/admin/tickets/${numbers.works1}/reassign`, supervisor, { officer: 'rf-works-02', reason: '王建国出差，改由李静承办。' });
    expect(reassigned.statusCode).toBe(200);
    expect(reassigned.json()).toMatchObject({ number: numbers.works1, assignee: 'rf-works-02', status: 'assigned' });
    const detail = (await get(`/admin/tickets/${numbers.works1}`, supervisor)).json<{ history: { action: string; actor: string; role: string; reason: string | null }[] }>();
    expect(detail.history.at(-1)).toMatchObject({ action: 'reassign', actor: 'rf-works-sup', role: 'supervisor', reason: '王建国出差，改由李静承办。' });
    expect(detail.history.map((e) => e.action)).toEqual(expect.arrayContaining(['submit', 'assign', 'reassign']));
  });

  it('is refused by the state machine as the bot would be, with the bot’s words', async () => {
    const early = await post(`/admin/tickets/${numbers.works2}/resolve`, supervisor, { result: '已办结。' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'ticket.illegal-transition', message: { zh: expect.stringContaining('assigned'), en: expect.stringContaining('assigned') } });
    const ownExtension = await post(`/admin/tickets/${numbers.works2}/extend`, supervisor, { days: 5, reason: '需要补充材料' });
    expect(ownExtension.statusCode).toBe(403);
    expect(ownExtension.json()).toMatchObject({ code: 'ticket.forbidden' });
  });
});

describe('an auditor', () => {
  it('reads every ticket, misconduct reports included, but cannot act or open a reporter', async () => {
    const list = (await get('/admin/tickets', auditor)).json<Page>();
    expect(list.total).toBe(4);
    const report = list.items.find((t) => t.number === numbers.misconduct);
    expect(report).toMatchObject({ discipline: true, sealed: true, enterprise: null });
    const detail = await get(`/admin/tickets/${numbers.misconduct}`, auditor);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('sealedReporter');
    expect(detail.body).not.toContain(ZHONGYUAN);
    expect((await post(`/admin/tickets/${numbers.works2}/accept`, auditor)).json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await get(`/admin/tickets/${numbers.misconduct}/reporter`, auditor)).statusCode).toBe(403);
    expect((await get(`/admin/tickets/${numbers.misconduct}/verify-history`, auditor)).json()).toMatchObject({ number: numbers.misconduct, ok: true });
  });
});

describe('an inspector', () => {
  it('reads the reporter of a misconduct report, and the read appears in the ticket’s history', async () => {
    const list = (await get('/admin/tickets', inspector)).json<Page>();
    expect(list.items.map((t) => t.number)).toEqual([numbers.misconduct]);
    const reporter = await get(`/admin/tickets/${numbers.misconduct}/reporter`, inspector);
    expect(reporter.statusCode).toBe(200);
    expect(reporter.headers['cache-control']).toBe('no-store');
    expect(reporter.json()).toEqual({
      anonymous: false,
      enterprise: { creditCode: ZHONGYUAN, name: '郑州中原建设工程有限公司' },
      contact: { name: '举报人', phone: '13800138000' },
    });
    const detail = (await get(`/admin/tickets/${numbers.misconduct}`, inspector)).json<{ history: { action: string; actor: string; role: string }[] }>();
    expect(detail.history.at(-1)).toMatchObject({ action: 'identity-read', actor: 'rf-discipline-01', role: 'inspector' });
    expect((await get(`/admin/tickets/${numbers.misconduct}/verify-history`, inspector)).json()).toMatchObject({ ok: true });
    // Ordinary tickets are not an inspector's to read through this API.
    expect((await get(`/admin/tickets/${numbers.works1}/reporter`, inspector)).statusCode).toBe(404);
  });
});

describe('ticket lists', () => {
  it('filter by status, unit, assignee, period and overdue, and page', async () => {
    const total = async (query: string) => (await get(`/admin/tickets?${query}`, ADMIN_TOKEN)).json<Page>().total;
    expect(await total('unit=works')).toBe(2);
    expect(await total('assignee=rf-works-02')).toBe(2);
    expect(await total('status=assigned,accepted')).toBe(4);
    expect(await total('status=closed')).toBe(0);
    expect(await total('discipline=true')).toBe(1);
    expect(await total('period=2026-03')).toBe(4);
    expect(await total('period=2026-Q2')).toBe(0);
    expect(await total('from=2026-03-02&to=2026-03-02')).toBe(4);
    expect(await total('overdue=true')).toBe(0);
    const page2 = (await get('/admin/tickets?pageSize=3&page=2', ADMIN_TOKEN)).json<Page>();
    expect(page2).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(page2.items).toHaveLength(1);
    const bad = await get('/admin/tickets?status=lost&unit[$ne]=x', ADMIN_TOKEN);
    expect(bad.statusCode).toBe(400);

    // Ten days on, no one has responded to three of the four: their respond deadlines have passed.
    await post(`/admin/tickets/${numbers.misconduct}/accept`, inspector);
    s.app.clock.advance(10 * DAY);
    expect(await total('overdue=true')).toBe(3);
    expect(await total('overdue=false')).toBe(1);
    const overdue = (await get('/admin/tickets?overdue=true', ADMIN_TOKEN)).json<Page>();
    expect(overdue.items.every((t) => t.overdue)).toBe(true);
  });

  it('lets an admin act only through a key bound to an official', async () => {
    expect((await post(`/admin/tickets/${numbers.works2}/accept`, ADMIN_TOKEN)).json()).toMatchObject({ code: 'apikey.no-official' });
    const bound = await createKey(s.server, { name: '管理员', role: 'admin', official: 'rf-works-02' });
    const accepted = await post(`/admin/tickets/${numbers.works2}/accept`, bound);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', assignee: 'rf-works-02' });
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a path and method for every route, each naming its roles', async () => {
    const res = await s.server.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { 'x-roles': string[]; responses: object; parameters: { name: string }[] }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const declared = s.routes.filter((r) => r.method !== 'HEAD' && r.url !== '/openapi.json' && !r.url.startsWith('/admin/queues/'));
    expect(declared.length).toBeGreaterThan(25);
    for (const route of declared) {
      const operation = doc.paths[openApiPath(route.url)]?.[String(route.method).toLowerCase()];
      expect(operation, `${String(route.method)} ${route.url}`).toBeDefined();
      expect(operation?.['x-roles']).toEqual(route.config?.roles);
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
    }
    const list = doc.paths['/admin/tickets']?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'unit', 'assignee', 'overdue', 'period', 'page', 'pageSize']));
    expect(JSON.stringify(doc.paths['/admin/officials']?.post)).toContain('"enum":["officer","supervisor","leadership","inspector","admin"]');
  });
});

describe('/metrics', () => {
  it('reports tickets by state, overdue open tickets, queue depths, notice results and flow completions', async () => {
    flowCompletions.inc({ flow: 'submit', outcome: 'created' });
    const res = await get('/metrics', auditor);
    expect(res.statusCode).toBe(200);
    const value = (series: string) => {
      const line = res.body.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    for (const status of TICKET_STATUSES) {
      expect(value(`qinqing_tickets{status="${status}"}`)).toBe(await s.app.db.models.Ticket.countDocuments({ status }));
    }
    const overdue = (await get('/admin/tickets?overdue=true', ADMIN_TOKEN)).json<Page>().total;
    expect(overdue).toBeGreaterThan(0);
    expect(value('qinqing_tickets_overdue_open')).toBe(overdue);
    expect(value('qinqing_queue_jobs{queue="sla",state="delayed"}')).toBeGreaterThan(0);
    expect(value('qinqing_queue_jobs{queue="tickets",state="waiting"}')).toBe(0);
    expect(value('qinqing_notices{status="no-channel"}')! + value('qinqing_notices{status="held"}')!).toBe(await s.app.db.models.Notice.countDocuments({ status: { $in: ['no-channel', 'held'] } }));
    expect(value('qinqing_notices{status="sent"}')).toBe(0);
    expect(value('qinqing_flow_completions_total{flow="submit",outcome="created"}')).toBeGreaterThanOrEqual(1);
    expect(res.body).not.toContain('qinqing_metrics_scrape_errors_total{');
  });
});

describe('an inspector and the negative list', () => {
  it('sees misconduct reports and negative-list cases, as in chat, and no other case', async () => {
    const zy = await s.app.db.models.ChatAccount.findById('telegram:930001').lean();
    const buckPassing = await submit(s.app, ZHONGYUAN, String(zy?.ref), '930001', { category: 'buck-passing', text: '同一份人防审批材料在两个科室之间来回推诿，三周无人受理。' });
    const list = (await get('/admin/tickets', inspector)).json<Page>();
    expect(list.items.map((t) => t.number).sort()).toEqual([numbers.misconduct, buckPassing.number].sort());
    expect((await get(`/admin/tickets/${buckPassing.number}`, inspector)).statusCode).toBe(200);
    expect((await get(`/admin/tickets/${numbers.works1}`, inspector)).statusCode).toBe(404);
  });
});
