import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDeps } from '../../flows/deps.ts';
import { createFlowRunner, MemorySessionStore, type FlowInput, type Reply, type SessionKey } from '../../flows/engine/index.ts';
import { registerFlow } from '../../flows/register.flow.ts';
import { creditCodeCheckChar } from '../../src/domain/credit-code.ts';
import type { Lang } from '../../src/i18n/index.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { resolveSender } from '../../src/services/identity.ts';
import { decideJoin, registerEnterprise, type RegistrationInput } from '../../src/services/registration.ts';
import { parsePhone } from '../../src/services/registration.schema.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';

let app: TestApp;
const store = new MemorySessionStore();
const runner = createFlowRunner({ store, flows: [registerFlow] });
let serial = 0;

beforeAll(async () => {
  app = await createTestApp('register');
});
afterAll(() => app.close());

/** A valid credit code no one has registered: `91` + Zhengzhou's division + a serial + its check character. */
function newCode(): string {
  const body = `91410105MA${String(++serial).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}

const text = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n');
const actions = (reply: Reply | undefined) => (reply?.buttons ?? []).flat().map((button) => button.action);

/** A person chatting with the bot: each message resolves their identity again, as the router does. */
function person(lang: Lang = 'zh-CN') {
  const senderId = `u${++serial}`;
  const key: SessionKey = { platform: 'telegram', senderId };
  const sender = { platform: 'telegram' as const, senderId, chatId: `c${senderId}` };
  const context = async () => {
    const { identity } = await resolveSender(app, 'telegram', senderId);
    const deps: FlowDeps = { lang, sender, identity, app };
    return { lang, depsFor: () => deps };
  };
  const send = async (input: Partial<FlowInput>) => runner.handle(key, { text: '', attachments: [], ...input }, await context());
  return {
    key,
    sender,
    start: async () => runner.begin(key, 'register', await context()),
    say: (value: string) => send({ text: value }),
    press: (action: string) => send({ action }),
    sticker: () => send({ attachments: [{ kind: 'sticker', fileRef: 'CAAC' }] }),
    session: () => store.read(key),
    identity: async () => (await resolveSender(app, 'telegram', senderId)).identity,
  };
}

async function counts() {
  const { Enterprise, Contact, ChatAccount } = app.db.models;
  return { enterprises: await Enterprise.countDocuments(), contacts: await Contact.countDocuments(), accounts: await ChatAccount.countDocuments() };
}

async function noticesFor(contactId: string): Promise<NoticeJob[]> {
  const jobs = await app.queues.notify.getJobs(['waiting', 'delayed']);
  return jobs.map((job) => job.data).filter((data) => data.dedupeKey.includes(`.${contactId}.`));
}

/** Drives a person to the summary of a new enterprise. */
async function fillNew(who: ReturnType<typeof person>, code: string, phone = '13812345678') {
  await who.start();
  for (const answer of ['河南新创人防工程有限公司', code, '2', '小型', '郑州市金水区', '张伟', phone]) {
    expect(await who.say(answer)).toMatchObject({ outcome: 'advanced' });
  }
}

describe('register flow: a new enterprise', () => {
  it('registers end to end in Chinese, writing nothing before 确认', async () => {
    const who = person();
    const code = newCode();
    const before = await counts();
    const welcome = await who.start();
    expect(text(welcome)).toContain('一分钟');
    expect(welcome.at(-1)?.text).toContain('企业的名称');
    expect(text((await who.say('河南新创人防工程有限公司')).replies)).toContain('统一社会信用代码');
    const ownership = await who.say(` ${code.toLowerCase().slice(0, 8)} ${code.slice(8)} `);
    expect(actions(ownership.replies[0])).toEqual(['reg:own:state', 'reg:own:private', 'reg:own:foreign', 'reg:own:individual']);
    expect(text((await who.say('2')).replies)).toContain('企业规模');
    expect(text((await who.say('小型')).replies)).toContain('所在地区');
    expect(text((await who.say('郑州市金水区')).replies)).toContain('姓名');
    expect(text((await who.say('张伟')).replies)).toContain('联系电话');
    const summary = await who.say('138 1234 5678');
    expect(summary.replies[0]?.text).toBe(
      `请核对登记信息：\n企业名称：河南新创人防工程有限公司\n统一社会信用代码：${code}\n企业类型：民营企业\n企业规模：小型\n所在地区：郑州市金水区\n联系人：张伟\n联系电话：13812345678\n无误请点「确认」，需要改动请点「修改」。`,
    );
    expect(actions(summary.replies[0])).toEqual(['reg:confirm', 'reg:edit', 'reg:cancel']);
    expect(await counts()).toEqual(before);

    const done = await who.press('reg:confirm');
    expect(done).toEqual({ handled: true, outcome: 'done', replies: [{ text: '登记完成，您现在是「河南新创人防工程有限公司」的联系人。发送 /new 即可提交诉求。' }] });
    expect(await counts()).toEqual({ enterprises: before.enterprises + 1, contacts: before.contacts + 1, accounts: before.accounts + 1 });
    expect(await app.db.models.Enterprise.findOne({ creditCode: code }).lean()).toMatchObject({ name: '河南新创人防工程有限公司', ownership: 'private', size: 'small', region: '郑州市金水区' });
    const identity = await who.identity();
    expect(identity).toMatchObject({ kind: 'contact', name: '张伟', status: 'active', enterprise: { creditCode: code } });
    const contactId = identity.kind === 'contact' ? identity.contactId : '';
    expect(await app.db.models.Contact.findById(contactId).lean()).toMatchObject({ enterprise: code, phone: '13812345678', status: 'active' });
    expect(await app.db.models.ChatAccount.findOne({ userId: who.sender.senderId }).lean()).toMatchObject({ kind: 'contact', ref: contactId, chatId: who.sender.chatId, lang: 'zh-CN' });
    expect(await who.session()).toBeUndefined();
  });

  it('registers in English, with buttons and words', async () => {
    const who = person('en');
    const code = newCode();
    expect(text(await who.start())).toContain('takes about a minute');
    await who.say('Henan Newbuild Ltd');
    await who.say(code);
    expect(text((await who.press('reg:own:foreign')).replies)).toContain('How large');
    await who.say('micro');
    await who.say('Zhengzhou');
    await who.say('Wei Zhang');
    const summary = await who.say('+86 139-0000-1111');
    expect(summary.replies[0]?.text).toContain('Kind: Foreign-invested\nSize: Micro');
    expect(summary.replies[0]?.buttons?.[0]?.map((button) => button.label)).toEqual(['Confirm', 'Change', 'Cancel']);
    const done = await who.press('reg:confirm');
    expect(text(done.replies)).toBe('Done: you are now a contact of "Henan Newbuild Ltd". You can now send /new to submit a request.');
    expect(await app.db.models.ChatAccount.findOne({ userId: who.sender.senderId }).lean()).toMatchObject({ lang: 'en' });
    expect(await app.db.models.Contact.findOne({ name: 'Wei Zhang' }).lean()).toMatchObject({ phone: '13900001111', status: 'active' });
  });

  it('changes one answer from the summary and comes back to it', async () => {
    const who = person();
    await fillNew(who, newCode());
    const menu = await who.press('reg:edit');
    expect(actions(menu.replies[0])).toContain('reg:edit:phone');
    expect(text((await who.press('reg:edit:phone')).replies)).toContain('联系电话');
    const summary = await who.say('0371-6512 3456');
    expect(summary.replies[0]?.text).toContain('联系电话：0371-65123456');
    expect(summary.replies[0]?.text).toContain('联系人：张伟');
  });
});

describe('register flow: bad answers are re-asked with the reason, the state kept', () => {
  const valid = newCode();
  it.each([
    ['too short', valid.slice(0, 17), '信用代码应为 18 位，您发送的是 17 位。'],
    ['a letter that cannot appear', `${valid.slice(0, 9)}O${valid.slice(10)}`, '第 10 位的「O」不会出现在信用代码中'],
    ['bad region digits', `91000000${valid.slice(8)}`, '「000000」不是有效的区划代码'],
    ['a wrong check character', `${valid.slice(0, 17)}${valid.endsWith('1') ? '2' : '1'}`, '最后一位校验码与前 17 位对不上'],
  ])('credit code: %s', async (_label, code, reason) => {
    const who = person();
    await who.start();
    await who.say('河南新创人防工程有限公司');
    const before = await who.session();
    const result = await who.say(code);
    expect(result).toMatchObject({ outcome: 'retried' });
    expect(text(result.replies)).toContain(reason);
    expect(text(result.replies)).toContain('请发送企业的统一社会信用代码');
    expect(await who.session()).toEqual(before);
    expect(text((await who.say(valid)).replies)).toContain('企业类型');
  });

  it.each([
    ['a bad phone', '12345', '这不是有效的电话号码'],
    ['an emoji', '👍👍', '表情无法作为回答'],
  ])('phone: %s', async (_label, answer, reason) => {
    const who = person();
    await who.start();
    for (const step of ['河南新创人防工程有限公司', newCode(), '1', '1', '郑州市', '张伟']) await who.say(step);
    const before = await who.session();
    const result = await who.say(answer);
    expect(result).toMatchObject({ outcome: 'retried' });
    expect(text(result.replies)).toContain(reason);
    expect(await who.session()).toEqual(before);
    expect((await who.say('＋８６ １３８－１２３４－５６７８')).replies[0]?.text).toContain('联系电话：13812345678');
  });

  it('refuses a 10,000-character company name politely, without echoing it', async () => {
    const who = person();
    await who.start();
    const before = await who.session();
    const result = await who.say('企'.repeat(10_000));
    expect(result).toMatchObject({ outcome: 'retried' });
    expect(text(result.replies)).toBe('太长了（最多 100 个字），请精简后再发。\n请问贵企业的名称？（营业执照上的全称）');
    expect(await who.session()).toEqual(before);
  });

  it('a sticker gets the hint, an unknown option the list again', async () => {
    const who = person();
    await who.start();
    expect(await who.sticker()).toMatchObject({ outcome: 'hint', replies: [{ text: '这条消息无法识别。\n请问贵企业的名称？（营业执照上的全称）' }] });
    await who.say('河南新创人防工程有限公司');
    await who.say(newCode());
    const wrong = await who.say('7');
    expect(text(wrong.replies)).toContain('没有这个选项');
    expect(actions(wrong.replies[0])).toHaveLength(4);
  });

  it('cancel mid-flow, by word or by the summary button, writes nothing', async () => {
    const before = await counts();
    const first = person();
    await first.start();
    await first.say('河南新创人防工程有限公司');
    expect(await first.say('取消')).toMatchObject({ outcome: 'cancelled' });
    expect(await first.session()).toBeUndefined();
    const second = person();
    await fillNew(second, newCode());
    expect(await second.press('reg:cancel')).toMatchObject({ outcome: 'done', replies: [{ text: '已取消。需要时发送 /new 重新开始。' }] });
    expect(await counts()).toEqual(before);
  });
});

describe('register flow: an enterprise the database knows', () => {
  it('skips the company questions for a directory enterprise without contacts; the contact becomes active', async () => {
    const who = person();
    await who.start();
    await who.say('豫安');
    const known = await who.say('91410100MA40B0002Y');
    expect(text(known.replies)).toBe('该信用代码已登记为「河南豫安人防设备有限公司」，企业信息无需再填。\n请问您的姓名？');
    await who.say('刘洋');
    const summary = await who.say('13700001234');
    expect(summary.replies[0]?.text).toContain('企业名称：河南豫安人防设备有限公司（已登记）');
    expect(summary.replies[0]?.text).not.toContain('企业类型');
    expect(text((await who.press('reg:confirm')).replies)).toContain('发送 /new 即可提交诉求');
    expect(await app.db.models.Enterprise.findOne({ creditCode: '91410100MA40B0002Y' }).lean()).toMatchObject({ name: '河南豫安人防设备有限公司', ownership: 'private', size: 'small' });
    expect(await who.identity()).toMatchObject({ kind: 'contact', status: 'active' });
  });

  it('takes a credit code sent as the company name as the code', async () => {
    const who = person();
    await who.start();
    expect(text((await who.say('91410300MA40C00034')).replies)).toContain('「洛阳城建集团有限公司」');
    expect((await who.session())?.step).toBe('contact-name');
  });

  it('tells a registered sender so and starts nothing', async () => {
    const who = person();
    await registerEnterprise(app, input(who, '91410300MA40C00034', '13700005678'));
    expect(text(await who.start())).toContain('您已是「洛阳城建集团有限公司」的联系人');
    expect(await who.session()).toBeUndefined();
  });
});

function input(who: ReturnType<typeof person>, creditCode: string, phone: string): RegistrationInput {
  return { sender: who.sender, lang: 'zh-CN', enterprise: { creditCode }, contact: { name: '测试联系人', phone } };
}

describe('joining an enterprise that already has an active contact', () => {
  const code = '92410100MA40D0004H';

  it('waits for approval; the existing contact is asked with buttons and can approve', async () => {
    const first = person();
    const existing = await registerEnterprise(app, input(first, code, '13600000001'));
    expect(existing).toMatchObject({ status: 'active' });
    const second = person();
    await second.start();
    await second.say(code);
    await second.say('王芳');
    await second.say('13600000002');
    expect(text((await second.press('reg:confirm')).replies)).toBe('已提交。「郑州市金水区老李五金店」已有联系人，我们已请其确认您的身份，确认后会马上通知您。');
    const pending = await second.identity();
    expect(pending).toMatchObject({ kind: 'contact', status: 'pending' });
    const pendingId = pending.kind === 'contact' ? pending.contactId : '';
    const [request, ...others] = await noticesFor(pendingId);
    expect(others).toEqual([]);
    expect(request).toMatchObject({ recipient: { kind: 'contact', ref: existing.contactId }, message: { key: 'register.notice.join-request', params: { name: '王芳', phone: '136****0002' } } });
    expect(request?.buttons?.[0]?.map((button) => button.action)).toEqual([`j:yes:${pendingId}`, `j:no:${pendingId}`]);
    expect(JSON.stringify(request)).not.toContain('13600000002');

    await expect(decideJoin(app, pending, pendingId, true)).rejects.toMatchObject({ code: 'registration.forbidden' });
    const approver = await first.identity();
    expect(await decideJoin(app, approver, pendingId, true)).toMatchObject({ decision: 'approved', name: '王芳' });
    expect(await second.identity()).toMatchObject({ status: 'active' });
    expect(await app.db.models.Contact.findById(pendingId).lean()).toMatchObject({ status: 'active', approvedBy: existing.contactId });
    expect((await noticesFor(pendingId)).map((job) => job.message.key)).toContain('register.notice.approved');
    await expect(decideJoin(app, approver, pendingId, false)).rejects.toMatchObject({ code: 'registration.not-pending' });
  });

  it('a refusal removes the pending contact and its account and says so politely', async () => {
    const active = await app.db.models.Contact.find({ enterprise: code, status: 'active' }).sort({ _id: 1 }).lean();
    const approvers = active.map((contact) => String(contact._id));
    const third = person();
    const pending = await registerEnterprise(app, input(third, code, '13600000003'));
    expect(pending).toMatchObject({ status: 'pending-approval', approvers });
    expect((await noticesFor(pending.contactId)).map((job) => job.recipient.ref).sort()).toEqual(approvers);
    // A retried call asks nobody twice.
    expect(await registerEnterprise(app, input(third, code, '13600000003'))).toEqual(pending);
    expect(await noticesFor(pending.contactId)).toHaveLength(approvers.length);
    const account = await app.db.models.ChatAccount.findOne({ ref: approvers[1] }).lean();
    const { identity } = await resolveSender(app, 'telegram', account?.userId ?? '');
    const refused = await decideJoin(app, identity, pending.contactId, false);
    expect(refused).toMatchObject({ decision: 'refused', farewell: { platform: 'telegram', chatId: third.sender.chatId, message: { text: expect.stringContaining('抱歉') } } });
    expect(await app.db.models.Contact.findById(pending.contactId).lean()).toBeNull();
    expect(await app.db.models.ChatAccount.countDocuments({ userId: third.sender.senderId })).toBe(0);
    expect(await third.identity()).toEqual({ kind: 'unknown' });
  });
});

describe('registerEnterprise', () => {
  it('is idempotent for a retried call and refuses a second enterprise', async () => {
    const who = person();
    const code = newCode();
    const call = { ...input(who, code, '13500000001'), enterprise: { creditCode: code, name: '重试测试有限公司', ownership: 'state', size: 'large', region: '开封市' } } as const;
    const first = await registerEnterprise(app, call);
    expect(await registerEnterprise(app, call)).toEqual(first);
    expect(await app.db.models.Contact.countDocuments({ enterprise: code })).toBe(1);
    await expect(registerEnterprise(app, input(who, '91410300MA40C00034', '13500000001'))).rejects.toMatchObject({ code: 'registration.already-registered' });
  });

  it('validates before writing, and never logs a phone number', async () => {
    const before = await counts();
    const who = person();
    await expect(registerEnterprise(app, input(who, '91410300MA40C0003X', '13500000002'))).rejects.toMatchObject({ code: 'registration.credit-code' });
    await expect(registerEnterprise(app, input(who, newCode(), '13500000002'))).rejects.toMatchObject({ code: 'registration.enterprise-incomplete' });
    await expect(registerEnterprise(app, input(who, '91410100MA40A00014', '1350000'))).rejects.toMatchObject({ code: 'registration.phone' });
    expect(await counts()).toEqual(before);

    const lines: string[] = [];
    const destination = new PassThrough().on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    await registerEnterprise({ ...app, logger: createLogger({ destination }) }, input(who, '91410100MA40A00014', '135 0000 0002'));
    expect(lines.join('')).toContain('135****0002');
    expect(lines.join('')).not.toContain('13500000002');
  });
});

describe('parsePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['１３８－１２３４－５６７８', '13812345678'],
    ['0371-65123456', '0371-65123456'],
    ['(010) 6512 3456', '010-65123456'],
    ['03716512345', '0371-6512345'],
  ])('%s → %s', (typed, stored) => {
    expect(parsePhone(typed)).toEqual({ ok: true, phone: stored });
  });

  it.each(['12812345678', '1381234567', '0138-12345678', '0371-123', '电话', ''])('refuses %j', (typed) => {
    expect(parsePhone(typed).ok).toBe(false);
  });
});
