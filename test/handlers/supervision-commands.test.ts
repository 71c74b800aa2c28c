import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { advance, DAY, runJobs } from '../support/jobs.ts';
import { addContact, submit, ZHONGYUAN } from '../support/fixtures.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../../src/platforms/playground/playground.adapter.ts';

let app: TestApp;
let bot: Bot;
let playground: PlaygroundAdapter;

beforeAll(async () => {
  app = await createTestApp('supervision');
  for (const [userId, ref] of [
    ['sup', 'rf-works-sup'],
    ['officer', 'rf-works-02'],
    ['leader', 'rf-leader-01'],
  ] as const) {
    await app.db.models.ChatAccount.create({ platform: 'playground', userId, chatId: userId, kind: 'official', ref, lang: 'zh-CN' });
  }
  const zy = await addContact(app, ZHONGYUAN, '970001');
  await submit(app, ZHONGYUAN, zy.contactId, '970001');
  await runJobs(app);
  await advance(app, 4 * DAY); // the response deadline passes unanswered
  playground = createPlaygroundAdapter();
  bot = createBot({ ...app, redis: app.redisClient }, [playground], { keyPrefix: `${app.prefix}:` });
  await bot.start();
});
afterAll(async () => {
  await bot.stop();
  await app.close();
});

const last = (persona: string) => playground.history(persona).at(-1);

describe('supervisors in chat (POLICY §4, §8)', () => {
  it('lists the unit’s overdue tickets on /overdue', async () => {
    await playground.receive('sup', '/overdue');
    expect(last('sup')?.text).toMatch(/^超期事项（1 件）：\n⚠ RF-2026-\d{6} 工程管理处 承办人 王建国/);
  });

  it('sends the weekly chart as an image on /report', async () => {
    await playground.receive('leader', '/report');
    expect(last('leader')?.image?.src).toMatch(/^data:image\/png;base64,/);
  }, 60_000);

  it('tells an officer who supervises nothing that it is not for them', async () => {
    await playground.receive('officer', '督办');
    expect(last('officer')?.text).toBe('该功能仅供负责督办的工作人员使用。');
  });
});

describe('visits in chat (POLICY §6)', () => {
  it('starts the visit log when an official sends 走访, and tells others it is for officials', async () => {
    await app.db.models.ChatAccount.create({ platform: 'playground', userId: 'works01', chatId: 'works01', kind: 'official', ref: 'rf-works-01', lang: 'zh-CN' });
    await playground.receive('works01', '走访');
    expect(last('works01')?.text).toContain('走访的是哪家企业？');
    await playground.receive('stranger', '/visit');
    expect(playground.history('stranger').map((e) => e.text).join('\n')).not.toContain('走访的是哪家企业？');
  });
});
