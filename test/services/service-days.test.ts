import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.ts';
import type { NoticeJob } from '../../src/queue/notice.ts';
import { resolveSender, type Identity } from '../../src/services/identity.ts';
import { announceServiceDay, listServiceDaySignups, respondServiceDay } from '../../src/services/service-days.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../../src/platforms/playground/playground.adapter.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { addContact, LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../support/fixtures.ts';
import { ADMIN_TOKEN, adminServer, bearer, createKey } from '../http/admin-server.ts';

let app: TestApp;
const STARTS = new Date('2026-03-10T06:30:00Z'); // 14:30 Shanghai; the clock stands at 2026-03-02 09:00
const ids = { zy1: '', zy2: '', ly: '', pending: '', outsider: '' };

async function identityOf(telegramId: string): Promise<Identity> {
  return (await resolveSender(app, 'telegram', telegramId)).identity;
}

async function noticeJobs(): Promise<NoticeJob[]> {
  const jobs = await app.queues.notify.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
  return jobs.map((job) => job.data as NoticeJob);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

const announce = (enterprises?: string[], startsAt = STARTS) =>
  announceServiceDay(app, { title: '2026年春季企业服务日', kind: 'service-day', startsAt, place: '人防办三楼会议室', createdBy: 'admin-token', ...(enterprises ? { enterprises } : {}) });

beforeAll(async () => {
  app = await createTestApp('service-days');
  ids.zy1 = (await addContact(app, ZHONGYUAN, '960001', '张经理')).contactId;
  ids.zy2 = (await addContact(app, ZHONGYUAN, '960002', '李经理')).contactId;
  ids.ly = (await addContact(app, LUOYANG, '960003', '王经理')).contactId;
  ids.outsider = (await addContact(app, YUAN_EQUIPMENT, '960004', '赵经理')).contactId;
  const pending = await app.db.models.Contact.create({ enterprise: ZHONGYUAN, name: '钱经理', phone: '13800138001', status: 'pending' });
  ids.pending = String(pending._id);
});
afterAll(async () => {
  await app.close();
});

describe('service days (POLICY §9)', () => {
  let eventId = '';

  it('announces to two enterprises: one notice per active contact, with 报名 / 不参加', async () => {
    const event = await announce([ZHONGYUAN, LUOYANG]);
    eventId = event.id;
    expect(event.notified).toBe(3);
    const notices = (await noticeJobs()).filter((job) => job.message.key === 'service-day.notice.announce');
    expect(notices.map((job) => job.recipient.ref).sort()).toEqual([ids.zy1, ids.zy2, ids.ly].sort());
    for (const notice of notices) {
      expect(notice.recipient.kind).toBe('contact');
      expect(notice.buttons).toEqual([
        [
          { action: `sd:yes:${eventId}`, label: { zh: '报名', en: 'Sign up' } },
          { action: `sd:no:${eventId}`, label: { zh: '不参加', en: 'Not attending' } },
        ],
      ]);
      expect(notice.message.params).toMatchObject({ title: '2026年春季企业服务日', when: '2026-03-10 14:30', place: '人防办三楼会议室' });
    }
  });

  it('a second announcement is a new event with notices of its own', async () => {
    const before = (await noticeJobs()).length;
    const again = await announce([ZHONGYUAN]);
    expect((await noticeJobs()).length).toBe(before + 2);
    expect(again.id).not.toBe(eventId);
  });

  it('records one sign-up per contact; the last answer stands', async () => {
    const who = await identityOf('960001');
    expect((await respondServiceDay(app, who, eventId, true)).attending).toBe(true);
    expect((await respondServiceDay(app, who, eventId, false)).attending).toBe(false);
    const last = await respondServiceDay(app, who, eventId, true);
    expect(last).toEqual({ attending: true, event: { title: '2026年春季企业服务日', when: '2026-03-10 14:30', place: '人防办三楼会议室' } });
    await respondServiceDay(app, await identityOf('960003'), eventId, false);

    expect(await app.db.models.ServiceDaySignup.countDocuments({ event: { $eq: eventId }, contact: { $eq: ids.zy1 } })).toBe(1);
    const list = await listServiceDaySignups(app, eventId);
    expect(list.attending).toBe(1);
    expect(list.declined).toBe(1);
    expect(list.signups).toMatchObject([
      { contact: ids.zy1, name: '张经理', enterprise: ZHONGYUAN, attending: true },
      { contact: ids.ly, name: '王经理', enterprise: LUOYANG, attending: false },
    ]);
  });

  it('refuses a contact of an enterprise not invited, and a pending contact', async () => {
    expect(await refusal(respondServiceDay(app, await identityOf('960004'), eventId, true))).toBe('service-day.forbidden');
    const zy = await identityOf('960001');
    if (zy.kind !== 'contact') throw new Error('960001 is a contact');
    const pending: Identity = { ...zy, contactId: ids.pending, name: '钱经理', status: 'pending' };
    expect(await refusal(respondServiceDay(app, pending, eventId, true))).toBe('service-day.forbidden');
    expect(await app.db.models.ServiceDaySignup.countDocuments({ contact: { $in: [ids.outsider, ids.pending] } })).toBe(0);
  });

  it('an event for all invites every enterprise', async () => {
    const open = await announce();
    expect(open.notified).toBe(4);
    expect((await respondServiceDay(app, await identityOf('960004'), open.id, true)).attending).toBe(true);
  });

  it('politely refuses an unknown or malformed id', async () => {
    const who = await identityOf('960002');
    expect(await refusal(respondServiceDay(app, who, 'ffffffffffffffffffffffff', true))).toBe('service-day.not-found');
    expect(await refusal(respondServiceDay(app, who, 'bogus', true))).toBe('service-day.not-found');
    expect(await refusal(listServiceDaySignups(app, '$where'))).toBe('service-day.not-found');
  });

  it('refuses an announcement in the past and an unknown enterprise', async () => {
    expect(await refusal(announce([ZHONGYUAN], new Date('2026-03-01T00:00:00Z')))).toBe('service-day.past');
    expect(await refusal(announce(['91410100MA40Z9999X']))).toBe('enterprise.not-found');
  });

  it('closes sign-ups once the event starts: "报名已截止", the answer unchanged', async () => {
    const who = await identityOf('960002');
    await respondServiceDay(app, who, eventId, true);
    app.clock.advance(STARTS.getTime() - app.clock.now().getTime());
    const error = await respondServiceDay(app, who, eventId, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('service-day.closed');
    expect((error as DomainError).params).toEqual({ title: '2026年春季企业服务日' });
    const list = await listServiceDaySignups(app, eventId);
    expect(list.signups.find((s) => s.contact === ids.zy2)?.attending).toBe(true);
  });
});

describe('service days in chat', () => {
  let bot: Bot;
  let playground: PlaygroundAdapter;
  let chat: TestApp;

  beforeAll(async () => {
    chat = await createTestApp('service-days-bot');
    const contact = await chat.db.models.Contact.create({ enterprise: ZHONGYUAN, name: '孙经理', phone: '13800138002', status: 'active' });
    await chat.db.models.ChatAccount.create({ platform: 'playground', userId: 'boss', chatId: 'boss', kind: 'contact', ref: String(contact._id), lang: 'zh-CN' });
    playground = createPlaygroundAdapter();
    bot = createBot({ ...chat, redis: chat.redisClient }, [playground], { keyPrefix: `${chat.prefix}:` });
    await bot.start();
  });
  afterAll(async () => {
    await bot.stop();
    await chat.close();
  });

  it('thanks a contact who taps 报名, and says 报名已截止 after the start', async () => {
    const event = await announceServiceDay(chat, { title: '企业家恳谈日', kind: 'entrepreneur-day', startsAt: STARTS, place: '市民之家', enterprises: [ZHONGYUAN], createdBy: 'admin-token' });
    await playground.receive('boss', { action: `sd:yes:${event.id}`, label: '报名' });
    expect(playground.history('boss').at(-1)?.text).toBe('感谢报名！您已报名参加“企业家恳谈日”（2026-03-10 14:30，市民之家），期待您的到来。');
    await playground.receive('boss', { action: `sd:no:${event.id}`, label: '不参加' });
    expect(playground.history('boss').at(-1)?.text).toContain('已记录：您不参加“企业家恳谈日”');
    await playground.receive('boss', { action: 'sd:yes:ffffffffffffffffffffffff', label: '报名' });
    expect(playground.history('boss').at(-1)?.text).toBe('抱歉，没有找到这项活动。');
    chat.clock.advance(STARTS.getTime() - chat.clock.now().getTime() + 1);
    await playground.receive('boss', { action: `sd:yes:${event.id}`, label: '报名' });
    expect(playground.history('boss').at(-1)?.text).toBe('抱歉，“企业家恳谈日”已开始，报名已截止。');
    const list = await listServiceDaySignups(chat, event.id);
    expect(list.signups).toMatchObject([{ name: '孙经理', attending: false }]);
  });
});

describe('service days in the admin API', () => {
  it('announces for admins, lists sign-ups for auditors, and refuses what it should', async () => {
    const s = await adminServer('service-days-admin');
    try {
      await addContact(s.app, ZHONGYUAN, '961001');
      const auditor = await createKey(s.server, { name: '审计', role: 'auditor' });
      const payload = { title: '座谈会', kind: 'symposium', startsAt: '2026-03-12T14:30:00+08:00', place: '二楼会议室', enterprises: [ZHONGYUAN] };
      const created = await s.server.inject({ method: 'POST', url: '/admin/service-days', headers: bearer(ADMIN_TOKEN), payload });
      expect(created.statusCode).toBe(201);
      const event = created.json<{ id: string; notified: number; startsAt: string }>();
      expect(event).toMatchObject({ notified: 1, startsAt: '2026-03-12T06:30:00.000Z' });

      const denied = await s.server.inject({ method: 'POST', url: '/admin/service-days', headers: bearer(auditor), payload });
      expect(denied.statusCode).toBe(403);
      const invalid = await s.server.inject({ method: 'POST', url: '/admin/service-days', headers: bearer(ADMIN_TOKEN), payload: { ...payload, kind: 'banquet' } });
      expect(invalid.statusCode).toBe(400);

      const list = await s.server.inject({ method: 'GET', url: `/admin/service-days/${event.id}/signups`, headers: bearer(auditor) });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ attending: 0, declined: 0, signups: [] });
      const unknown = await s.server.inject({ method: 'GET', url: '/admin/service-days/ffffffffffffffffffffffff/signups', headers: bearer(auditor) });
      expect(unknown.statusCode).toBe(404);
      const malformed = await s.server.inject({ method: 'GET', url: '/admin/service-days/nope/signups', headers: bearer(auditor) });
      expect(malformed.statusCode).toBe(400);
    } finally {
      await s.close();
    }
  });
});
