import type { Redis } from 'ioredis';
import type { Choice, ChoiceStore } from './wechat.normalize.ts';

/** The choices last offered in each WeChat chat, in Redis so any bot process (or a restart) can read them. */
export class RedisChoiceStore implements ChoiceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async save(chatId: string, actions: Choice[]): Promise<void> {
    await this.redis.set(`${this.prefix}choices:wechat:${chatId}`, JSON.stringify(actions), 'EX', this.ttlSeconds);
  }

  async load(chatId: string): Promise<Choice[] | undefined> {
    const raw = await this.redis.get(`${this.prefix}choices:wechat:${chatId}`);
    return raw ? (JSON.parse(raw) as Choice[]) : undefined;
  }
}
