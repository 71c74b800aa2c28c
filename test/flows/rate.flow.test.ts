import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDeps, Sender } from '../../flows/deps.ts';
import { createFlowRunner, MemorySessionStore, type FlowInput, type Reply, type SessionKey } from '../../flows/engine/index.ts';
import { rateFlow } from '../../flows/rate.flow.ts';
import { t } from '../../src/i18n/index.ts';
import { resolveSender } from '../../src/services/identity.ts';
import { createTicket } from '../../src/services/tickets/create-ticket.ts';
import { accept, resolve } from '../../src/services/tickets/officer-actions.ts';
import { officialActor } from '../../src/services/tickets/ticket-directory.ts';
import { loadTicket, type TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { processAssign } from '../../src/workers/assign.worker.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { contactRegistrar, type RegisteredContact } from '../support/contacts.ts';

const ZHONGYUAN = '91410100MA40A00014';
const LUOYANG = '91410300MA40C00034';
let app: TestApp;
let contact: (enterprise?: string, approved?: boolean) => Promise<RegisteredContact>;

beforeAll(async () => {
  app = await createTestApp('rateflow');
  const register = contactRegistrar(app, { idPrefix: '8100', name: '李会计' });
  contact = (enterprise = ZHONGYUAN, approved = true) => register(enterprise, approved);
});
afterAll(() => app.close());


/** A complaint taken through the services to `resolved`: assigned by the worker, accepted, resolved. */
async function resolvedTicket(owner: Sender & { contactId: string }, enterprise = ZHONGYUAN): Promise<TicketRecord> {
  const created = await createTicket(app, {
    enterprise,
    contact: owner.contactId,
    replyTo: { platform: 'telegram', chatId: owner.chatId },
    category: 'complaint',
    text: '窗口工作人员多次要求补交同一份材料，办理拖延了一个月。',
  });
  expect(await processAssign(app, { ticketId: created._id })).toBe('assigned');
  const assigned = await loadTicket(app, created._id);
  const officer = await officialActor(app, assigned?.assignee ?? '');
  await accept(app, created.number, officer);
  return resolve(app, created.number, officer, '已核实，材料一次性告知清单已发给贵公司，审批已办结。');
}

function chat() {
  const store = new MemorySessionStore();
  const runner = createFlowRunner({ store, clock: app.clock, flows: [rateFlow] });
  const keyOf = (sender: Sender): SessionKey => ({ platform: sender.platform, senderId: sender.senderId });
  async function context(sender: Sender) {
    const { identity, lang } = await resolveSender(app, sender.platform, sender.senderId);
    const deps: FlowDeps = { lang: lang ?? 'zh-CN', sender, identity, app };
    return { lang: deps.lang, depsFor: () => deps };
  }
  return {
    store,
    keyOf,
    begin: async (sender: Sender, args: Record<string, string> = {}) => runner.begin(keyOf(sender), 'rate', await context(sender), args),
    say: async (sender: Sender, input: string | Partial<FlowInput>) => {
      const message: FlowInput = typeof input === 'string' ? { text: input, attachments: [] } : { text: '', attachments: [], ...input };
      return runner.handle(keyOf(sender), message, await context(sender));
    },
  };
}

const texts = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n');

describe('rate flow', () => {
  it('a good rating from the notice button closes the ticket', async () => {
    const owner = await contact();
    const ticket = await resolvedTicket(owner);
    expect(ticket.status).toBe('resolved');
    const { begin, say } = chat();
    const ask = await begin(owner, { number: ticket.number, level: 'very-satisfied' });
    expect(texts(ask)).toContain('您选择了“非常满意”');
    const done = await say(owner, '跳过');
    expect(done).toMatchObject({ outcome: 'done', replies: [{ text: t('zh-CN', 'rate.thanks') }] });
    expect(await loadTicket(app, ticket._id)).toMatchObject({ status: 'closed', outcome: 'rated', ratings: [{ level: 'very-satisfied', round: 'first' }] });

    // The same button again: the ticket is closed, so it is stale, and nothing changes.
    expect(await begin(owner, { number: ticket.number, level: 'satisfied' })).toEqual([{ text: t('zh-CN', 'rate.stale') }]);
    expect((await loadTicket(app, ticket._id))?.ratings).toHaveLength(1);
  });

  it('/rate lists the tickets waiting; a bad rating reopens the ticket to the unit supervisor', async () => {
    const owner = await contact();
    const ticket = await resolvedTicket(owner);
    const { begin, say } = chat();
    const list = await begin(owner);
    expect(list[0]?.buttons).toEqual([[{ action: `rate:pick:${ticket.number}`, label: ticket.number }]]);
    const ask = await say(owner, { action: `rate:pick:${ticket.number}`, text: ticket.number });
    expect(texts(ask.replies)).toContain('材料一次性告知清单');
    const comment = await say(owner, '4');
    expect(texts(comment.replies)).toContain('您选择了“不满意”');
    const done = await say(owner, '还是要求补材料，问题没有解决。');
    expect(texts(done.replies)).toBe(t('zh-CN', 'rate.thanks-bad', { number: ticket.number, unit: '办公室' }));
    const reopened = await loadTicket(app, ticket._id);
    expect(reopened).toMatchObject({ status: 'reopened', assignee: 'rf-office-sup', ratings: [{ level: 'dissatisfied', comment: '还是要求补材料，问题没有解决。' }] });
    expect(reopened?.deadlines.rectifyBy).toBeInstanceOf(Date);
  });

  it("a button for another enterprise's ticket is refused without saying whose it is", async () => {
    const owner = await contact(LUOYANG);
    const stranger = await contact(ZHONGYUAN);
    const ticket = await resolvedTicket(owner, LUOYANG);
    const { begin, store, keyOf } = chat();
    expect(await begin(stranger, { number: ticket.number, level: 'very-dissatisfied' })).toEqual([{ text: t('zh-CN', 'rate.stale') }]);
    expect(await store.read(keyOf(stranger))).toBeUndefined();
    expect(await loadTicket(app, ticket._id)).toMatchObject({ status: 'resolved', ratings: [] });
  });

  it('a level that is not one of the five is asked again', async () => {
    const owner = await contact();
    const ticket = await resolvedTicket(owner);
    const { begin, say } = chat();
    await begin(owner, { number: ticket.number });
    expect(await say(owner, '还行吧')).toMatchObject({ outcome: 'retried', replies: [{ text: t('zh-CN', 'rate.level-hint', { number: ticket.number }) }] });
    expect(texts((await say(owner, '满意')).replies)).toContain('您选择了“满意”');
  });
});
