import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.ts';

describe('environment', () => {
  it('applies defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ QINQING_PROFILE: 'henan-rfb', HTTP_PORT: 8080, LOG_LEVEL: 'info', TZ: 'Asia/Shanghai' });
    expect(env.MONGODB_URI).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it('lists every bad variable in one error, each with what it should be', () => {
    let caught: unknown;
    try {
      loadEnv({ REDIS_URL: 'localhost:6379', MONGODB_URI: 'postgres://x', HTTP_PORT: 'eighty', DATA_KEY: 'short', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATA_KEY', 'HTTP_PORT', 'LOG_LEVEL', 'MONGODB_URI', 'REDIS_URL']);
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toContain('redis://');
    expect(problems.find((p) => p.startsWith('DATA_KEY'))).toContain('64 hexadecimal');
  });

  it('requires a webhook secret with a webhook URL', () => {
    expect(() => loadEnv({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://bot.example.gov.cn/telegram/webhook' })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET/,
    );
  });

  it('refuses a plain-http webhook URL', () => {
    expect(() =>
      loadEnv({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'http://x.cn/hook', TELEGRAM_WEBHOOK_SECRET: 'abcdefghijklmnop' }),
    ).toThrow(/TELEGRAM_WEBHOOK_URL/);
  });
});
