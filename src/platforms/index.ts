/** The platform adapters, built from configuration. The only door to telegraf and wechaty. */
import type { Redis } from 'ioredis';
import type { Env } from '../config/env.ts';
import type { Logger } from '../shared/logger.ts';
import { createTelegramAdapter, type TelegramAdapter } from './telegram/telegram.adapter.ts';
import { createWechatAdapter, wechatAccountKey, type WechatAdapter } from './wechat/wechat.adapter.ts';
import { RedisChoiceStore } from './wechat/redis-choice-store.ts';
import type { PlatformAdapter } from './types.ts';

export type { PlatformAdapter, InboundMessage, OutboundMessage, SendResult, PlatformName, Button, Attachment } from './types.ts';
export { createTelegramAdapter, type TelegramAdapter } from './telegram/telegram.adapter.ts';
export { createWechatAdapter, type WechatAdapter } from './wechat/wechat.adapter.ts';
export { RedisChoiceStore } from './wechat/redis-choice-store.ts';

export interface ConfiguredAdapters {
  adapters: PlatformAdapter[];
  telegram?: TelegramAdapter;
  wechat?: WechatAdapter;
}

/** The adapters the environment asks for: Telegram with a token, WeChat with a puppet. */
export function adaptersFromEnv(env: Env, deps: { redis: Redis; keyPrefix: string; logger: Logger }): ConfiguredAdapters {
  const result: ConfiguredAdapters = { adapters: [] };
  if (env.TELEGRAM_BOT_TOKEN) {
    result.telegram = createTelegramAdapter({
      token: env.TELEGRAM_BOT_TOKEN,
      ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
      ...(env.TELEGRAM_WEBHOOK_URL && env.TELEGRAM_WEBHOOK_SECRET ? { webhook: { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET } } : {}),
      logger: deps.logger.child({ platform: 'telegram' }),
    });
    result.adapters.push(result.telegram);
  }
  if (env.WECHATY_PUPPET) {
    result.wechat = createWechatAdapter({
      puppet: env.WECHATY_PUPPET,
      ...(env.WECHATY_PUPPET_TOKEN ? { puppetOptions: { token: env.WECHATY_PUPPET_TOKEN } } : {}),
      choiceStore: new RedisChoiceStore(deps.redis, deps.keyPrefix),
      // A WeChat account can be logged in only once: one instance serves it, the others wait.
      accountLock: { redis: deps.redis, keyPrefix: deps.keyPrefix, accountKey: wechatAccountKey(env.WECHATY_PUPPET, env.WECHATY_PUPPET_TOKEN) },
      logger: deps.logger.child({ platform: 'wechat' }),
    });
    result.adapters.push(result.wechat);
  }
  return result;
}
