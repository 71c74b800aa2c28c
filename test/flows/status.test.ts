import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDeps, Sender } from '../../flows/deps.ts';
import { statusReplies } from '../../flows/status.ts';
import { t } from '../../src/i18n/index.ts';
import { resolveSender } from '../../src/services/identity.ts';
import { createTicket } from '../../src/services/tickets/create-ticket.ts';
import { getTicketForViewer, listTicketsForContact } from '../../src/services/tickets/ticket-queries.ts';
import type { TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { formatShanghai } from '../../src/shared/format.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { contactRegistrar, type RegisteredContact } from '../support/contacts.ts';

const ZHONGYUAN = '91410100MA40A00014';
const LUOYANG = '91410300MA40C00034';
let app: TestApp;
let contact: (enterprise?: string, approved?: boolean) => Promise<RegisteredContact>;

beforeAll(async () => {
  app = await createTestApp('statuscmd');
  const register = contactRegistrar(app, { idPrefix: '8200', name: '王主任' });
  contact = (enterprise = ZHONGYUAN, approved = true) => register(enterprise, approved);
});
afterAll(() => app.close());


async function depsOf(sender: Sender): Promise<FlowDeps> {
  const { identity, lang } = await resolveSender(app, sender.platform, sender.senderId);
  return { lang: lang ?? 'zh-CN', sender, identity, app };
}

function submit(owner: Sender & { contactId: string }, enterprise: string, category = 'complaint', anonymous = false): Promise<TicketRecord> {
  const text = `关于${category}的事项，情况说明如下：请尽快协调处理，谢谢。`;
  return createTicket(app, { enterprise, contact: owner.contactId, replyTo: { platform: 'telegram', chatId: owner.chatId }, category, text, anonymous });
}

const status = async (sender: Sender, args = '') => (await statusReplies(await depsOf(sender), args)).map((r) => r.text).join('\n');

describe('/status', () => {
  it("lists the enterprise's open tickets and none of another enterprise's", async () => {
    const me = await contact(ZHONGYUAN);
    const colleague = await contact(ZHONGYUAN);
    const other = await contact(LUOYANG);
    const mine = await submit(me, ZHONGYUAN);
    const ours = await submit(colleague, ZHONGYUAN, 'project-approval');
    const theirs = await submit(other, LUOYANG);

    const list = await status(me);
    expect(list).toContain('您的未关闭事项（2 项）');
    expect(list).toContain(`${mine.number} 投诉｜已提交｜办公室｜办结时限 ${formatShanghai(mine.deadlines.resolveBy)}`);
    expect(list).toContain(`${ours.number} 人防工程审批｜已提交｜工程管理处`);
    expect(list).not.toContain(theirs.number);
    expect(await status(other)).not.toContain(mine.number);
  });

  it("shows one ticket in detail, and another enterprise's number as not found", async () => {
    const me = await contact(ZHONGYUAN);
    const other = await contact(LUOYANG);
    const mine = await submit(me, ZHONGYUAN);
    const theirs = await submit(other, LUOYANG);

    const detail = await status(me, ` ${mine.number.toLowerCase()} `);
    expect(detail).toBe(`事项 ${mine.number}\n类别：投诉\n状态：已提交\n承办单位：办公室\n办结时限：${formatShanghai(mine.deadlines.resolveBy)}`);
    expect(await status(me, theirs.number)).toBe(t('zh-CN', 'error.ticket.not-found', { number: theirs.number }));
    expect(await status(me, 'RF-2026-999999')).toBe(t('zh-CN', 'error.ticket.not-found', { number: 'RF-2026-999999' }));
    expect(await status(me, '{"$ne":null}')).toBe(t('zh-CN', 'status.bad-number', { example: 'RF-2026-000001' }));
  });

  it('a sealed report is shown to its reporter only, not to a colleague', async () => {
    const reporter = await contact(ZHONGYUAN);
    const colleague = await contact(ZHONGYUAN);
    const report = await submit(reporter, ZHONGYUAN, 'gifts-banquets', true);
    expect(report.sealedReporter).toBeDefined();

    expect(await status(reporter)).toContain(`${report.number} 收受财物、接受宴请｜已提交｜驻办纪检监察组`);
    expect(await status(reporter, report.number)).toContain('承办单位：驻办纪检监察组');
    expect(await status(colleague)).not.toContain(report.number);
    expect(await status(colleague, report.number)).toBe(t('zh-CN', 'error.ticket.not-found', { number: report.number }));
  });

  it('strangers and officials get an explanation, not a list', async () => {
    expect(await status({ platform: 'telegram', senderId: '424242', chatId: '424242' })).toBe(t('zh-CN', 'status.need-contact'));
    // rf-works-01's Telegram id in the demo directory.
    expect(await status({ platform: 'telegram', senderId: '700000001', chatId: '700000001' })).toBe(t('zh-CN', 'status.officials', { example: 'RF-2026-000001' }));
  });
});

describe('ticket queries', () => {
  it('never turn a typed value into a query operator', async () => {
    const me = await contact(ZHONGYUAN);
    await submit(me, ZHONGYUAN);
    const { identity } = await resolveSender(app, me.platform, me.senderId);
    // What a JSON body could smuggle in where a string is expected.
    const operator = { $ne: null } as unknown as string;
    await expect(getTicketForViewer(app, identity, operator)).rejects.toMatchObject({ code: 'ticket.not-found' });
    const open = await listTicketsForContact(app, identity, { open: true, limit: 100 });
    expect(open.every((ticket) => ticket.enterprise === ZHONGYUAN || ticket.sealedReporter !== undefined)).toBe(true);
    expect(await listTicketsForContact(app, { kind: 'unknown' }, { limit: 10 })).toEqual([]);
  });
});
