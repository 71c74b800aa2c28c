/**
 * The bot during an outage, on the real servers with Redis cut off from the bot: the person whose message
 * failed is told the service is briefly unavailable (once per message), so is each sender whose message
 * waits behind it, in the language their account chose, and nobody is told anything once it is over.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-context.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { ServiceUnavailableError } from '../../handlers/pipeline.ts';
import type { InboundHandler, InboundMessage, OutboundMessage, PlatformAdapter } from '../../src/platforms/types.ts';
import { t } from '../../src/i18n/index.ts';

let app: TestApp;
/** The bot's own Redis connection, cut and restored by the tests. */
let redis: Redis;
let bot: Bot;
const sent: { chatId: string; text: string }[] = [];
let waitingHandler: InboundHandler | undefined;

/** An adapter that keeps what the bot sends and the handlers it was started with. */
const adapter: PlatformAdapter = {
  platform: 'telegram',
  start: async (_onMessage, onWaiting) => {
    waitingHandler = onWaiting;
  },
  stop: async () => undefined,
  send: async (chatId: string, message: OutboundMessage) => (sent.push({ chatId, text: message.text }), { ok: true }),
};

let seq = 0;
function message(senderId: string, text: string, languageHint?: string): InboundMessage {
  seq += 1;
  return { platform: 'telegram', chatId: senderId, senderId, platformMessageId: `${senderId}-${seq}`, text, attachments: [], receivedAt: new Date(), raw: {}, ...(languageHint ? { languageHint } : {}) };
}

beforeAll(async () => {
  app = await createTestApp('botoutage', { directory: false });
  // An English speaker whose Telegram app is in Chinese: only the account says English.
  await app.db.models.ChatAccount.create({ platform: 'telegram', userId: '7002', chatId: '7002', kind: 'contact', ref: 'c-7002', lang: 'en' });
  // Cut off, every command fails at once, as during an outage.
  redis = app.redisClient.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  bot = createBot({ ...app, redis }, [adapter], { keyPrefix: `${app.prefix}:bot:` });
  await bot.start();
});
afterAll(async () => {
  redis.disconnect();
  await app.close();
});

describe('a bot whose Redis is down', () => {
  it('apologises to the failing message once and to each waiting sender once, in their chosen language', async () => {
    redis.disconnect();
    const head = message('7001', '你好', 'zh-hans');
    await expect(bot.onMessage(head)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(bot.onMessage(head)).rejects.toBeInstanceOf(ServiceUnavailableError);
    const behind = message('7002', 'hello', 'zh-hans');
    await waitingHandler?.(behind);
    await waitingHandler?.(behind);
    // Failing itself before the sender was looked up (the dedupe step needs Redis): the account's language still.
    await expect(bot.onMessage(message('7002', 'hello again', 'zh-hans'))).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(sent).toEqual([
      { chatId: '7001', text: t('zh-CN', 'error.unavailable') },
      { chatId: '7002', text: t('en', 'error.unavailable') },
      { chatId: '7002', text: t('en', 'error.unavailable') },
    ]);
  });

  it('tells waiting senders nothing once messages are handled again', async () => {
    sent.length = 0;
    await redis.connect();
    await bot.onMessage(message('7003', '你好', 'zh-hans'));
    const replies = sent.length;
    expect(replies).toBeGreaterThan(0);
    await waitingHandler?.(message('7004', 'hello', 'en'));
    expect(sent.length).toBe(replies);
  });
});
