import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDeps, Sender } from '../../flows/deps.ts';
import { createFlowRunner, MemorySessionStore, type FlowInput, type Reply, type SessionKey } from '../../flows/engine/index.ts';
import { submitFlow } from '../../flows/submit.flow.ts';
import { t } from '../../src/i18n/index.ts';
import { resolveSender } from '../../src/services/identity.ts';
import type { SealedReporter } from '../../src/services/tickets/create-ticket.ts';
import { draftTicketId, submitOnce } from '../../src/services/tickets/ticket-queries.ts';
import type { TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { formatShanghai } from '../../src/shared/format.ts';
import { unseal } from '../../src/shared/seal.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { contactRegistrar, type RegisteredContact } from '../support/contacts.ts';

const ZHONGYUAN = '91410100MA40A00014';
let app: TestApp;
let contact: (enterprise?: string, approved?: boolean) => Promise<RegisteredContact>;

beforeAll(async () => {
  app = await createTestApp('submitflow');
  const register = contactRegistrar(app, { idPrefix: '8000', name: '张经理' });
  contact = (enterprise = ZHONGYUAN, approved = true) => register(enterprise, approved);
});
afterAll(() => app.close());


function chat() {
  const store = new MemorySessionStore();
  const runner = createFlowRunner({ store, clock: app.clock, flows: [submitFlow] });
  const keyOf = (sender: Sender): SessionKey => ({ platform: sender.platform, senderId: sender.senderId });
  async function context(sender: Sender) {
    const { identity, lang } = await resolveSender(app, sender.platform, sender.senderId);
    const deps: FlowDeps = { lang: lang ?? 'zh-CN', sender, identity, app };
    return { lang: deps.lang, depsFor: () => deps };
  }
  return {
    store,
    keyOf,
    begin: async (sender: Sender, args: Record<string, string> = {}) => runner.begin(keyOf(sender), 'submit', await context(sender), args),
    say: async (sender: Sender, input: string | Partial<FlowInput>) => {
      const message: FlowInput = typeof input === 'string' ? { text: input, attachments: [] } : { text: '', attachments: [], ...input };
      return runner.handle(keyOf(sender), message, await context(sender));
    },
    step: async (sender: Sender) => (await store.read(keyOf(sender)))?.step,
  };
}

const texts = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n');
const DESCRIPTION = '我公司申报的人防工程审批已超过法定时限两周，至今没有答复，影响开工。';
const numberIn = (replies: Reply[]) => /RF-2026-\d{6}/.exec(texts(replies))?.[0];
const ticketsOf = (filter: Record<string, string> = {}) => app.db.models.Ticket.find(filter).lean<TicketRecord[]>();

describe('submit flow: a complaint', () => {
  it('takes category, a photo, the text, and stores a submitted ticket with its assign job', async () => {
    const sender = await contact();
    const { begin, say, step } = chat();
    const first = await begin(sender);
    expect(first[0]?.buttons?.map((row) => row[0]?.label)).toEqual(['办事诉求', '投诉', '政策咨询', '意见建议', '举报违纪违规']);

    expect(texts((await say(sender, '2')).replies)).toContain('请选择具体类别');
    await say(sender, { action: 'submit:cat:complaint', text: '投诉' });
    expect(await step(sender)).toBe('describe');

    const photo = await say(sender, { attachments: [{ kind: 'photo', fileRef: 'AgADphoto1' }] });
    expect(texts(photo.replies)).toBe(t('zh-CN', 'submit.photo-then-text', { count: 1, min: 10 }));
    await say(sender, DESCRIPTION);
    expect(await step(sender)).toBe('attachments');
    const summary = await say(sender, '完成');
    expect(texts(summary.replies)).toContain('承办单位：办公室');
    expect(texts(summary.replies)).toContain('附件：1 个');

    const done = await say(sender, { action: 'submit:confirm', text: '确认提交' });
    expect(done).toMatchObject({ handled: true, outcome: 'done' });
    const number = numberIn(done.replies);
    const [ticket] = await ticketsOf({ number: number ?? '' });
    expect(texts(done.replies)).toContain(`受理成功！\n事项编号：${number}\n承办单位：办公室\n办结时限：${formatShanghai(ticket?.deadlines.resolveBy ?? new Date(0))}`);
    expect(ticket).toMatchObject({
      status: 'submitted',
      category: 'complaint',
      enterprise: ZHONGYUAN,
      contact: sender.contactId,
      replyTo: { platform: 'telegram', chatId: sender.chatId },
      text: DESCRIPTION,
      attachments: [{ kind: 'photo', fileRef: 'AgADphoto1', platform: 'telegram' }],
      unit: 'office',
    });
    const job = await app.queues.tickets.getJob(`assign.${ticket?._id}.0`);
    expect(job?.data).toEqual({ ticketId: ticket?._id });
  });

  it('starts with free text as the description and lets the person change it before confirming', async () => {
    const sender = await contact();
    const { begin, say, step } = chat();
    const first = await begin(sender, { text: DESCRIPTION });
    expect(texts(first)).toContain('已记下您的描述');
    await say(sender, '人防工程审批');
    expect(await step(sender)).toBe('attachments');
    await say(sender, '跳过');
    await say(sender, '修改');
    await say(sender, '描述');
    const again = await say(sender, '改一下：审批材料已补齐，请尽快办理，谢谢。');
    expect(texts(again.replies)).toContain('描述：改一下：审批材料已补齐');
    expect(await step(sender)).toBe('confirm');
    await say(sender, '取消');
    expect(await ticketsOf({ contact: sender.contactId })).toHaveLength(0);
  });
});

describe('submit flow: descriptions that cannot be used', () => {
  it.each([
    ['too short', '太慢了', t('zh-CN', 'submit.text-too-short', { min: 10 })],
    ['emoji only', '😡😡😡👎👎👎😤😤😤😤😤', t('zh-CN', 'submit.text-emoji', { min: 10 })],
    ['10,000 characters', '审'.repeat(10_000), t('zh-CN', 'submit.text-too-long', { max: 5000, length: 10_000 })],
  ])('%s is asked again with the reason and nothing is stored', async (_label, description, reason) => {
    const sender = await contact();
    const { begin, say, step, store, keyOf } = chat();
    await begin(sender);
    await say(sender, '咨询');
    const before = await store.read(keyOf(sender));
    expect(before?.step).toBe('describe');
    const result = await say(sender, description);
    expect(result).toMatchObject({ outcome: 'retried', replies: [{ text: reason }] });
    expect(await store.read(keyOf(sender))).toEqual(before);
    expect(await step(sender)).toBe('describe');
    expect(await ticketsOf({ contact: sender.contactId })).toHaveLength(0);
  });
});

describe('submit flow: reporting misconduct', () => {
  it('explains who sees the report, and stores an anonymous report sealed, for discipline inspection only', async () => {
    const sender = await contact();
    const { begin, say } = chat();
    await begin(sender);
    const list = await say(sender, '举报');
    expect(list.replies[0]?.text).toContain('举报只交纪检监察组办理');
    await say(sender, '收受财物、接受宴请');
    await say(sender, '某处工作人员在验收前要求我公司安排宴请，并暗示可以加快办理。');
    const question = await say(sender, 'skip');
    expect(texts(question.replies)).toContain('只交给驻办纪检监察组办理，被举报的单位和人员看不到');
    expect(texts(question.replies)).toContain('匿名：连驻办纪检监察组也看不到您是谁');
    const summary = await say(sender, '匿名');
    expect(texts(summary.replies)).toContain('身份：匿名');
    const done = await say(sender, '确认');
    expect(texts(done.replies)).toContain('您选择了匿名');

    const [ticket] = await ticketsOf({ number: numberIn(done.replies) ?? '' });
    expect(ticket).toMatchObject({ kind: 'misconduct', unit: 'discipline', discipline: true, anonymous: true });
    expect(ticket?.sealedReporter).toMatch(/^v1\./);
    expect(ticket).not.toHaveProperty('enterprise');
    expect(ticket).not.toHaveProperty('contact');
    expect(ticket).not.toHaveProperty('replyTo');
    expect(unseal<SealedReporter>(ticket?.sealedReporter ?? '', app.dataKey)).toMatchObject({ anonymous: true, contact: sender.contactId, enterprise: ZHONGYUAN });
  });
});

describe('submit flow: pre-filled text', () => {
  it('a greeting is not taken as the description; a text too long is explained', async () => {
    const sender = await contact();
    const { begin, say, step } = chat();
    expect(texts(await begin(sender, { text: '你好' }))).toBe(t('zh-CN', 'submit.choose-group'));
    await say(sender, '意见建议');
    expect(await step(sender)).toBe('describe');
    const long = await begin(sender, { text: '长'.repeat(6000) });
    expect(long.map((reply) => reply.text)).toEqual([
      t('zh-CN', 'flow.replaced', { flow: '提交事项' }),
      t('zh-CN', 'submit.text-too-long', { max: 5000, length: 6000 }),
      t('zh-CN', 'submit.choose-group'),
    ]);
  });
});

describe('submit flow: a double confirm', () => {
  it('two "确认" at once make one ticket', async () => {
    const sender = await contact();
    const { begin, say, store, keyOf } = chat();
    await begin(sender, { text: DESCRIPTION });
    await say(sender, '人防工程审批');
    await say(sender, '跳过');
    const results = await Promise.all([say(sender, '确认'), say(sender, '确认')]);
    const tickets = await ticketsOf({ contact: sender.contactId });
    expect(tickets).toHaveLength(1);
    expect(results.map((r) => numberIn(r.replies)).filter(Boolean)).toContain(tickets[0]?.number);
    expect(await store.read(keyOf(sender))).toBeUndefined();
    expect(await say(sender, '确认')).toEqual({ handled: false, replies: [] });
    expect(await ticketsOf({ contact: sender.contactId })).toHaveLength(1);
  });

  it('the guard itself: one draft submitted three times at once is created once', async () => {
    const sender = await contact();
    const draft = { key: randomUUID(), startedAt: app.clock.now() };
    const input = { enterprise: ZHONGYUAN, contact: sender.contactId, replyTo: { platform: 'telegram' as const, chatId: sender.chatId }, category: 'fees', text: DESCRIPTION };
    const outcomes = await Promise.all([submitOnce(app, draft, input), submitOnce(app, draft, input), submitOnce(app, draft, input)]);
    // Every message gets the one ticket back: the draft's key is the ticket's id.
    expect(new Set(outcomes.map((o) => o.ticket._id))).toEqual(new Set([draftTicketId(draft)]));
    expect(await ticketsOf({ contact: sender.contactId })).toHaveLength(1);
    expect(await submitOnce(app, draft, input)).toMatchObject({ kind: 'existing', ticket: { _id: draftTicketId(draft) } });
  });
});

describe('submit flow: who may submit', () => {
  it('a pending contact is told why and no flow starts', async () => {
    await contact();
    const sender = await contact(ZHONGYUAN, false);
    const { begin, store, keyOf } = chat();
    expect(await begin(sender, { text: DESCRIPTION })).toEqual([{ text: t('zh-CN', 'submit.pending') }]);
    expect(await store.read(keyOf(sender))).toBeUndefined();
  });

  it('an unknown sender is asked to register', async () => {
    const { begin } = chat();
    expect(await begin({ platform: 'telegram', senderId: '999999', chatId: '999999' })).toEqual([{ text: t('zh-CN', 'submit.need-registration') }]);
  });
});
