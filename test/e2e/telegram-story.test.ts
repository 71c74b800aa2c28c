/**
 * End-to-end stories through the real telegraf client: updates go through a local fake Bot API, the Telegram
 * adapter (long polling, or webhook behind the HTTP server), the handler pipeline and flows, the services on
 * FerretDB, and back out as replies or — through BullMQ and the notify worker — as notices in other chats.
 * Assertions read what the fake API recorded (texts, inline keyboards, calls) and the database.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { creditCodeCheckChar } from '../../src/domain/credit-code.ts';
import { RATING_LABELS, RATING_LEVELS } from '../../src/domain/rating.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { t } from '../../src/i18n/index.ts';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/platforms/telegram/telegram.adapter.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { assignJob } from '../../src/services/tickets/create-ticket.ts';
import { accept } from '../../src/services/tickets/officer-actions.ts';
import { officialActor } from '../../src/services/tickets/ticket-directory.ts';
import { formatShanghai } from '../../src/shared/format.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { addContact, LUOYANG, submit } from '../support/fixtures.ts';
import { actionsOf, createUpdateBuilder, demoTelegramId, keyboardOf, startTelegramHarness, textOf, type TelegramHarness } from '../support/telegram-harness.ts';

/** A valid credit code for a new enterprise: 17 characters and the check character computed for them. */
const creditCode = (body17: string): string => body17 + creditCodeCheckChar(body17);
/** The same code with a wrong check character. */
const mistyped = (code: string): string => code.slice(0, 17) + (code.endsWith('1') ? '2' : '1');

const zh = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t('zh-CN', key, params);
const en = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t('en', key, params);

/** How many documents each collection a chat can change holds. */
async function stored(app: TestApp) {
  const { Ticket, Enterprise, Contact, ChatAccount, HistoryEvent, Notice } = app.db.models;
  const [tickets, enterprises, contacts, chatAccounts, history, notices] = await Promise.all([
    Ticket.countDocuments(),
    Enterprise.countDocuments(),
    Contact.countDocuments(),
    ChatAccount.countDocuments(),
    HistoryEvent.countDocuments(),
    Notice.countDocuments(),
  ]);
  return { tickets, enterprises, contacts, chatAccounts, history, notices };
}

/**
 * For a failure message: each ticket still `submitted` with the state and result of its assign job. "completed
 * → assigned" next to a `submitted` ticket means the worker's committed update was lost by the database.
 */
async function unassigned(app: TestApp): Promise<string> {
  const waiting = await app.db.models.Ticket.find({ status: 'submitted' }).lean();
  const lines = await Promise.all(
    waiting.map(async (ticket) => {
      const job = await app.queues.tickets.getJob(assignJob(String(ticket._id), 0).jobId);
      const state = job ? `${await job.getState()} → ${String(job.returnvalue ?? job.failedReason ?? '')}` : 'missing';
      return `${ticket.number} submitted at rev ${ticket.rev}, assign job ${state}`;
    }),
  );
  return lines.length === 0 ? 'no ticket waits for assignment' : lines.join('; ');
}

/** Everything a message could change: the documents and the sender's flow session (revision and state). */
async function snapshot(h: TelegramHarness, userId: number) {
  return { documents: await stored(h.app), session: await h.app.redisClient.hgetall(`${h.keyPrefix}flow:telegram:${userId}`) };
}

/** Registers a new enterprise through the chat, with buttons where the bot offers them. */
async function registerInChat(h: TelegramHarness, userId: number, company: string, code: string): Promise<void> {
  await h.say(userId, '/start');
  await h.say(userId, company);
  await h.say(userId, code);
  await h.tap(userId, 'reg:own:private');
  await h.tap(userId, 'reg:size:micro');
  await h.say(userId, '郑州市二七区');
  await h.say(userId, '刘洋');
  await h.say(userId, '13911112222');
  expect((await h.tap(userId, 'reg:confirm')).text).toBe(zh('register.done.active', { enterprise: company }));
}

/** /new → 投诉 → 投诉 (the general complaint category): the flow then asks for the description. */
async function complaintDraft(h: TelegramHarness, userId: number): Promise<void> {
  await h.say(userId, '/new');
  await h.tap(userId, 'submit:group:complaint');
  expect((await h.tap(userId, 'submit:cat:complaint')).text).toBe(zh('submit.describe', { min: 10, max: 5000 }));
}

describe('Telegram, long polling: conversations across chats', () => {
  let h: TelegramHarness;
  beforeAll(async () => {
    h = await startTelegramHarness({ label: 'tgstory' });
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('the whole story', () => {
    const ENTERPRISE = 5001;
    const COMPANY = '河南鼎盛建材有限公司';
    const CODE = creditCode('91410105MA47QN8T2');
    const DESCRIPTION = '办理人防工程竣工验收时，窗口三次要求补交同一份材料，已拖延一个多月，请协调尽快办理。';
    const RESULT = '已核实：材料一次性告知清单已发给贵公司，验收已于今日办结，经办人员已提醒改进。';
    let number = '';

    it('registers an enterprise, submits a complaint with a photo, is handled by the officer, rated 不满意 and reopened to the supervisor', async () => {
      const u = ENTERPRISE;
      const { Enterprise, Contact, ChatAccount, Ticket, Official, Notice } = h.app.db.models;
      h.user(u, { first_name: '伟', last_name: '张', language_code: 'zh-hans' });

      // Registration: an unknown user's /start begins it; ownership and size are buttons.
      const start = await h.say(u, '/start');
      expect(start.text).toBe(`${zh('register.welcome')}\n${zh('register.ask.company-name')}`);
      expect((await h.say(u, COMPANY)).text).toBe(zh('register.ask.credit-code'));
      const ownership = await h.say(u, CODE);
      expect(ownership.text).toBe(zh('register.ask.ownership'));
      expect(keyboardOf(ownership.replies.at(-1))).toEqual([
        [{ text: '国有企业', callback_data: 'reg:own:state' }, { text: '民营企业', callback_data: 'reg:own:private' }],
        [{ text: '外资企业', callback_data: 'reg:own:foreign' }, { text: '个体工商户', callback_data: 'reg:own:individual' }],
      ]);
      expect((await h.tap(u, 'reg:own:private')).text).toBe(zh('register.ask.size'));
      expect((await h.tap(u, 'reg:size:small')).text).toBe(zh('register.ask.region'));
      expect((await h.say(u, '郑州市金水区')).text).toBe(zh('register.ask.contact-name'));
      expect((await h.say(u, '张伟')).text).toBe(zh('register.ask.phone'));
      const summary = await h.say(u, '13812345678');
      expect(summary.text).toBe(
        zh('register.summary.new', { companyName: COMPANY, creditCode: CODE, ownership: '民营企业', size: '小型', region: '郑州市金水区', contactName: '张伟', phone: '13812345678' }),
      );
      expect(actionsOf(summary.replies.at(-1))).toEqual(['reg:confirm', 'reg:edit', 'reg:cancel']);
      expect((await h.tap(u, 'reg:confirm')).text).toBe(zh('register.done.active', { enterprise: COMPANY }));
      expect(await Enterprise.findOne({ creditCode: CODE }).lean()).toMatchObject({ name: COMPANY, ownership: 'private', size: 'small', region: '郑州市金水区' });
      const contact = await Contact.findOne({ enterprise: CODE }).lean();
      expect(contact).toMatchObject({ name: '张伟', status: 'active' });
      expect(await ChatAccount.findOne({ platform: 'telegram', userId: String(u) }).lean()).toMatchObject({ chatId: String(u), kind: 'contact', ref: String(contact?._id), lang: 'zh-CN' });

      // Submission: group, category, description, a photo, done, confirm.
      const groups = await h.say(u, '/new');
      expect(groups.text).toBe(zh('submit.choose-group'));
      expect(actionsOf(groups.replies.at(-1))).toEqual(['submit:group:request', 'submit:group:complaint', 'submit:group:consultation', 'submit:group:suggestion', 'submit:group:misconduct']);
      const categories = await h.tap(u, 'submit:group:complaint');
      expect(categories.text).toBe(zh('submit.choose-category'));
      expect(actionsOf(categories.replies.at(-1))).toContain('submit:cat:complaint');
      expect((await h.tap(u, 'submit:cat:complaint')).text).toBe(zh('submit.describe', { min: 10, max: 5000 }));
      const askFiles = await h.say(u, DESCRIPTION);
      expect(askFiles.text).toBe(zh('submit.ask-attachments', { max: 10 }));
      expect(actionsOf(askFiles.replies.at(-1))).toEqual(['submit:files-done', 'submit:files-skip']);
      const photo = await h.photo(u);
      expect(photo.text).toBe(zh('submit.attachment-added', { count: 1 }));
      const check = await h.tap(u, 'submit:files-done');
      expect(check.text).toBe(`${zh('submit.summary', { category: '投诉', unit: '办公室', text: DESCRIPTION, attachments: 1 })}\n${zh('submit.confirm-question')}`);
      const accepted = await h.tap(u, 'submit:confirm');
      expect(accepted.replies).toHaveLength(1);
      expect(accepted.text).toMatch(/^受理成功！\n事项编号：RF-2026-\d{6}\n承办单位：办公室\n办结时限：\d{4}-\d{2}-\d{2} \d{2}:\d{2}\n/);
      number = /事项编号：(RF-\d{4}-\d{6})/.exec(accepted.text)?.[1] ?? '';
      expect(number).toMatch(/^RF-2026-\d{6}$/);
      expect(await Ticket.findOne({ number }).lean()).toMatchObject({
        category: 'complaint',
        unit: 'office',
        enterprise: CODE,
        contact: String(contact?._id),
        text: DESCRIPTION,
        attachments: [{ kind: 'photo', fileRef: photo.fileId, platform: 'telegram' }],
      });

      // The assign worker picks an officer of the unit; their Telegram chat gets the notice with its buttons.
      const assigned = await vi.waitFor(
        async () => {
          const ticket = await Ticket.findOne({ number }).lean();
          expect(ticket?.status, await unassigned(h.app)).toBe('assigned');
          return ticket;
        },
        { timeout: 10_000, interval: 20 },
      );
      const officerCode = assigned?.assignee ?? '';
      const officer = await Official.findOne({ code: officerCode }).lean();
      expect(officer).toMatchObject({ unit: 'office', roles: expect.arrayContaining(['officer']) });
      const officerChat = demoTelegramId(officerCode);
      const notice = await h.waitForText(officerChat, `【新事项】${number}`);
      expect(textOf(notice)).toContain(`企业：${COMPANY}`);
      expect(textOf(notice)).toContain(`内容：${DESCRIPTION}`);
      expect(keyboardOf(notice)).toEqual([
        [
          { text: '受理', callback_data: `t:accept:${number}` },
          { text: '进展', callback_data: `t:progress:${number}` },
          { text: '转办', callback_data: `t:transfer:${number}` },
        ],
        [
          { text: '延期', callback_data: `t:extend:${number}` },
          { text: '办结', callback_data: `t:resolve:${number}` },
        ],
      ]);
      await h.waitForText(u, `您的事项 ${number} 已交由办公室的 ${officer?.name} 办理`);

      // The officer accepts; the enterprise is told who has it.
      const acceptedByOfficer = await h.tap(officerChat, `t:accept:${number}`);
      expect(acceptedByOfficer.text).toBe(zh('officer.accept.done', { number, resolveBy: formatShanghai(assigned?.deadlines.resolveBy ?? new Date(0)) }));
      expect(actionsOf(acceptedByOfficer.replies.at(-1))).toEqual([`t:progress:${number}`, `t:transfer:${number}`, `t:extend:${number}`, `t:resolve:${number}`]);
      expect(await Ticket.findOne({ number }).lean()).toMatchObject({ status: 'accepted', assignee: officerCode });
      await h.waitForText(u, zh('notice.enterprise.accepted', { number, officer: officer?.name ?? '' }));

      // The officer resolves: result, confirmation, done.
      expect((await h.tap(officerChat, `t:resolve:${number}`)).text).toBe(zh('officer.resolve.ask-result', { number }));
      const confirm = await h.say(officerChat, RESULT);
      expect(confirm.text).toBe(zh('officer.resolve.confirm', { number, result: RESULT }));
      expect(actionsOf(confirm.replies.at(-1))).toEqual(['of:yes', 'of:edit']);
      expect((await h.tap(officerChat, 'of:yes')).text).toBe(zh('officer.resolve.done', { number }));

      // The enterprise receives the result with the five rating buttons, and rates 不满意 without a comment.
      const result = await h.waitForText(u, `您的事项 ${number} 已办结。`);
      expect(textOf(result)).toContain(`办理结果：${RESULT}`);
      expect(keyboardOf(result)).toEqual(RATING_LEVELS.map((level) => [{ text: RATING_LABELS[level].zh, callback_data: `r:${level}:${number}` }]));
      const askComment = await h.tap(u, `r:dissatisfied:${number}`);
      expect(askComment.text).toBe(zh('rate.ask-comment-bad', { level: RATING_LABELS.dissatisfied }));
      expect(actionsOf(askComment.replies.at(-1))).toEqual(['rate:skip']);
      const office = h.app.profile.units.find((unit) => unit.code === 'office')?.name ?? '';
      expect((await h.tap(u, 'rate:skip')).text).toBe(zh('rate.thanks-bad', { number, unit: office }));

      // Reopened to the unit's supervisor, whose chat receives the rectification notice.
      const [supervisor] = await Official.find({ unit: 'office', roles: 'supervisor', active: true }).sort({ code: 1 }).lean();
      const reopened = await Ticket.findOne({ number }).lean();
      expect(reopened).toMatchObject({ status: 'reopened', assignee: supervisor?.code, ratings: [{ level: 'dissatisfied', round: 'first' }] });
      expect(reopened?.ratings[0]?.comment).toBeUndefined();
      expect(reopened?.deadlines.rectifyBy).toBeInstanceOf(Date);
      const supervisorChat = demoTelegramId(supervisor?.code ?? '');
      expect(supervisorChat).toBe(700000005);
      const rectify = await h.waitForText(supervisorChat, `【整改】企业对事项 ${number} 的办理结果评价为“不满意”`);
      expect(textOf(rectify)).toContain(`时限 ${formatShanghai(reopened?.deadlines.rectifyBy ?? new Date(0))}`);
      // Every notice of the ticket went out over Telegram, once: none held, none retried.
      await vi.waitFor(
        async () => {
          const notices = await Notice.find({ ticket: String(reopened?._id) }).lean();
          expect(notices.map((n) => `${n.recipient.ref}:${n.message.key}`)).toEqual(
            expect.arrayContaining([
              `${officerCode}:notice.assigned`,
              `${String(contact?._id)}:notice.enterprise.assigned`,
              `${String(contact?._id)}:notice.enterprise.accepted`,
              `${String(contact?._id)}:notice.enterprise.resolved`,
              `${supervisor?.code}:notice.rectify`,
            ]),
          );
          expect(notices.filter((n) => n.status !== 'sent' || n.platform !== 'telegram' || n.attempts !== 1)).toEqual([]);
        },
        { timeout: 5_000, interval: 20 },
      );
      expect(h.logs.error).toEqual([]);
      expect(h.jobFailures).toEqual([]);
    });

    it('the same enterprise switches to English, and /status shows the ticket in English', async () => {
      const u = ENTERPRISE;
      expect(number).not.toBe('');
      expect((await h.say(u, '/lang en')).text).toBe(en('bot.lang-set'));
      expect(await h.app.db.models.ChatAccount.findOne({ platform: 'telegram', userId: String(u) }).lean()).toMatchObject({ lang: 'en' });

      const ticket = await h.app.db.models.Ticket.findOne({ number }).lean();
      const rectifyBy = formatShanghai(ticket?.deadlines.rectifyBy ?? new Date(0));
      const list = await h.say(u, '/status');
      expect(list.text).toBe(`Your open cases (1):\n${number} Complaint | under rectification | General Office | Rectify by ${rectifyBy}\nSend /status with a case number for details.`);
      const one = await h.say(u, `/status ${number}`);
      expect(one.text).toBe(`Case ${number}\nCategory: Complaint\nStatus: under rectification\nHandled by: General Office\nRectify by: ${rectifyBy}\nResult: ${RESULT}`);
      // The language sticks for what the bot says on its own too.
      expect((await h.say(u, '/help')).text).toBe(en('bot.help.contact'));
    });
  });

  describe('bad input at every step: a clear reply, and nothing stored changes', () => {
    it('a wrong credit code is refused with the reason; so is a sticker', async () => {
      const u = 5002;
      const code = creditCode('91410302MA48RP3K5');
      await h.say(u, '/start');
      await h.say(u, '洛阳恒信机械有限公司');
      const before = await snapshot(h, u);
      expect(before.session).toMatchObject({ rev: '2' });

      const wrongCheck = await h.say(u, mistyped(code));
      expect(wrongCheck.text).toBe(`${zh('register.credit-code.check')}\n${zh('register.ask.credit-code')}`);
      const tooShort = await h.say(u, code.slice(0, 12));
      expect(tooShort.text).toBe(`${zh('register.credit-code.length', { length: 12 })}\n${zh('register.ask.credit-code')}`);
      const badCharacter = await h.say(u, `${code.slice(0, 10)}O${code.slice(11)}`);
      expect(badCharacter.text).toBe(`${zh('register.credit-code.character', { position: 11, char: 'O' })}\n${zh('register.ask.credit-code')}`);
      const sticker = await h.sticker(u);
      expect(sticker.text).toBe(`${zh('flow.hint-prefix')}\n${zh('register.ask.credit-code')}`);
      expect(await snapshot(h, u)).toEqual(before);

      // The right code is taken, so the step itself works.
      expect((await h.say(u, code)).text).toBe(zh('register.ask.ownership'));
    });

    it('an empty, emoji-only or 10,000-character description, or a sticker, is refused and the draft stays as it was', async () => {
      const u = 5003;
      await registerInChat(h, u, '郑州启明物流有限公司', creditCode('91410102MA49TW6L1'));
      await complaintDraft(h, u);
      const before = await snapshot(h, u);
      expect(JSON.parse(before.session.data ?? '{}')).toMatchObject({ flow: 'submit', step: 'describe' });

      const invisible = await h.say(u, '\u200B\u200B\u200B');
      expect(invisible.text).toBe(`${zh('flow.hint-prefix')}\n${zh('submit.describe', { min: 10, max: 5000 })}`);
      const emoji = await h.say(u, '😡😡😡 👎👎');
      expect(emoji.text).toBe(zh('submit.text-emoji', { min: 10 }));
      const long = await h.say(u, '窗'.repeat(10_000));
      expect(long.text).toBe(zh('submit.text-too-long', { max: 5000, length: 10_000 }));
      expect(long.replies).toHaveLength(1);
      const sticker = await h.sticker(u);
      expect(sticker.text).toBe(`${zh('flow.hint-prefix')}\n${zh('submit.describe', { min: 10, max: 5000 })}`);
      expect(await snapshot(h, u)).toEqual(before);
    });

    it('a button from a flow that was cancelled is answered as expired and starts nothing', async () => {
      const u = 5004;
      await registerInChat(h, u, '河南瑞丰食品有限公司', creditCode('91410103MA4AXC2M7'));
      await h.say(u, '/new');
      await h.tap(u, 'submit:group:complaint');
      expect((await h.say(u, '/cancel')).text).toBe(zh('flow.cancelled'));
      const before = await snapshot(h, u);
      expect(before.session).toEqual({});
      const answered = h.fake.callsTo('answerCallbackQuery').length;

      const oldCategory = await h.tap(u, 'submit:cat:complaint');
      expect(oldCategory.text).toBe(zh('flow.stale-button'));
      const oldRegistration = await h.tap(u, 'reg:confirm');
      expect(oldRegistration.text).toBe(zh('flow.stale-button'));
      expect(await snapshot(h, u)).toEqual(before);
      // Both presses were still acknowledged, so the client's spinner stops.
      expect(h.fake.callsTo('answerCallbackQuery')).toHaveLength(answered + 2);
    });

    it('a replayed update (the same confirm pressed once, delivered twice) makes one ticket and one reply', async () => {
      const u = 5005;
      await registerInChat(h, u, '新乡华诚电气有限公司', creditCode('91410702MA4BKD5N3'));
      await complaintDraft(h, u);
      await h.say(u, '工地旁人防工程施工噪音夜间不停，多次反映无果，请协调处理。');
      await h.tap(u, 'submit:files-skip');
      const before = await stored(h.app);
      const card = [...h.sent(u)].reverse().find((message) => actionsOf(message).includes('submit:confirm'));
      expect(card).toBeDefined();
      const mark = h.sent(u).length;

      const press = h.updates.callback(u, 'submit:confirm', card?.messageId ?? 0);
      h.push(press);
      await h.processed(h.push(press));

      const { replies } = await h.arrivedSince(u, mark);
      expect(replies.map(textOf)).toEqual([expect.stringMatching(/^受理成功！\n事项编号：RF-2026-\d{6}\n/)]);
      expect((await stored(h.app)).tickets).toBe(before.tickets + 1);
      const callbackId = 'callback_query' in press ? press.callback_query.id : '';
      expect(await h.app.redisClient.exists(`${h.keyPrefix}seen:telegram:cb:${callbackId}`)).toBe(1);
      expect(h.fake.callsTo('answerCallbackQuery').filter((call) => call.params.callback_query_id === callbackId)).toHaveLength(2);
    });
  });
});

describe('Telegram, webhook mode behind the HTTP server', () => {
  const SECRET = 'hook-secret-0123456789abcdef';
  const USER = 5101;
  let app: TestApp;
  let fake: FakeTelegramApi;
  let adapter: TelegramAdapter;
  let bot: Bot;
  let http: FastifyInstance;
  let url = '';
  const keyPrefix = () => `${app.prefix}:hook:`;
  const build = createUpdateBuilder();
  let updateId = 1;
  const post = (body: unknown, secret?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await createTestApp('tghook');
    fake = await startFakeTelegramApi();
    adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, webhook: { url: 'https://example.test/hook', secret: SECRET }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    bot = createBot({ ...app, redis: app.redisClient }, [adapter], { keyPrefix: keyPrefix() });
    await bot.start();
    http = createHttpServer({ connection: app.db.connection, redis: app.redisClient, logger: app.logger, telegramWebhook: (update, secret) => adapter.handleWebhook(update, secret) });
    await http.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/telegram/webhook`;
  });
  afterAll(async () => {
    await http?.close();
    await bot?.stop();
    await fake?.close();
    await app?.close();
  });

  it('registers the webhook with its secret; a call without or with a wrong secret gets 401 and nothing is processed; with it, 200 and the bot replies', async () => {
    expect(fake.callsTo('setWebhook')).toEqual([expect.objectContaining({ params: expect.objectContaining({ url: 'https://example.test/hook', secret_token: SECRET }) })]);
    expect(fake.callsTo('getUpdates')).toEqual([]);
    build.user(USER, { language_code: 'en' });
    const update = { ...build.text(USER, '/start'), update_id: updateId++ };

    const missing = await post(update);
    expect(missing.status).toBe(401);
    const wrong = await post(update, `${SECRET}x`);
    expect(wrong.status).toBe(401);
    expect(fake.sent.get(String(USER))).toBeUndefined();
    expect(await app.redisClient.keys(`${keyPrefix()}*`)).toEqual([]);

    const right = await post(update, SECRET);
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ ok: true });
    // handleWebhook answers after the update was handled, so the reply is already out.
    expect(fake.sent.get(String(USER))?.map(textOf)).toEqual([en('register.welcome'), en('register.ask.company-name')]);

    // Telegram retries a delivery it did not see acknowledged: the same update is answered once.
    const again = await post(update, SECRET);
    expect(again.status).toBe(200);
    expect(fake.sent.get(String(USER))).toHaveLength(2);
  });
});

describe('notices under Telegram-like flood limits', () => {
  const OFFICER = 'rf-works-02'; // the chief service officer of 洛阳城建集团 (demo directory), Telegram only
  const CONTACT_CHAT = '6001';
  let h: TelegramHarness;
  const numbers: string[] = [];
  beforeAll(async () => {
    h = await startTelegramHarness({ label: 'tglimits', limits: { perSecond: 30, perChatPerSecond: 1 }, chatGapMs: 1000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Every sendMessage call to the chat (from call index `since` on), whatever the fake answered. */
  const sendsTo = (chatId: string | number, since = 0) =>
    h.fake.calls.slice(since).filter((call) => call.method === 'sendMessage' && String(call.params.chat_id) === String(chatId));

  it('five notices to one officer arrive about a second apart, none lost or duplicated', async () => {
    const { contactId } = await addContact(h.app, LUOYANG, CONTACT_CHAT);
    for (let i = 1; i <= 5; i++) {
      const ticket = await submit(h.app, LUOYANG, contactId, CONTACT_CHAT, { text: `第 ${i} 项：人防工程审批材料已提交二十个工作日，仍未收到答复，请协调。` });
      numbers.push(ticket.number);
    }
    const chat = demoTelegramId(OFFICER);
    // Ten notices in all: five to the officer, five to the enterprise's chat.
    await vi.waitFor(
      async () =>
        expect(await h.app.db.models.Notice.countDocuments({ status: 'sent' }), `${await unassigned(h.app)}; job failures: ${h.jobFailures.join('; ') || 'none'}`).toBe(10),
      { timeout: 20_000, interval: 50 },
    );
    const received = h.sent(chat).map(textOf);
    expect(received).toHaveLength(5);
    expect(received.map((text) => /【新事项】(RF-\d{4}-\d{6})/.exec(text)?.[1]).sort()).toEqual([...numbers].sort());
    const attempts = sendsTo(chat);
    const delivered = attempts.filter((call) => call.outcome === 'ok');
    expect(delivered).toHaveLength(5);
    const gaps = delivered.slice(1).map((call, i) => call.at - (delivered[i]?.at ?? 0));
    expect(gaps).toHaveLength(4);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
    // Any refusal (a 429 when a send came early) was retried, not lost: every attempt is either one of the five
    // deliveries or a 429. How many 429s depends on the machine's load, so it is not asserted.
    expect(attempts.filter((call) => call.outcome !== 'ok' && call.outcome !== 429)).toEqual([]);
    expect(h.sent(CONTACT_CHAT)).toHaveLength(5);
  });

  it('a 429 with retry_after 1 makes the notice wait about a second, and it arrives once', async () => {
    expect(numbers).toHaveLength(5);
    const number = numbers[0] ?? '';
    const since = h.fake.calls.length;
    h.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await accept(h.app, number, await officialActor(h.app, OFFICER));

    const text = zh('notice.enterprise.accepted', { number, officer: '李静' });
    await h.waitForText(CONTACT_CHAT, text);
    const attempts = sendsTo(CONTACT_CHAT, since);
    expect(attempts.map((call) => call.outcome)).toEqual([429, 'ok']);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(h.sent(CONTACT_CHAT).filter((message) => textOf(message) === text)).toHaveLength(1);
    const ticket = await h.app.db.models.Ticket.findOne({ number }).lean();
    // The worker records the delivery right after Telegram's answer: two attempts, the second one sent.
    await vi.waitFor(
      async () =>
        expect(await h.app.db.models.Notice.findOne({ ticket: String(ticket?._id), 'message.key': 'notice.enterprise.accepted' }).lean()).toMatchObject({ status: 'sent', attempts: 2 }),
      { timeout: 5_000, interval: 20 },
    );
  });
});
