import { z } from 'zod';

/** Every environment variable qinqing reads, in one schema. */
const envSchema = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'a MongoDB connection string such as mongodb://127.0.0.1:27017/qinqing')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'a Redis URL such as redis://127.0.0.1:6379')
    .optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'a bot token from @BotFather, like 123456:ABC-DEF...')
    .optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'an http(s) URL of a Bot API server' }).optional(),
  TELEGRAM_WEBHOOK_URL: z
    .url({ protocol: /^https$/, error: 'an https URL Telegram can reach' })
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  WECHATY_PUPPET: z.string().min(1).optional(),
  WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
  QINQING_PROFILE: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'the name of a file in config/profiles without .yaml, e.g. henan-rfb')
    .default('henan-rfb'),
  HTTP_PORT: z.coerce
    .number({ error: 'a TCP port number' })
    .int('a whole number')
    .min(0, 'a port from 0 (any free port) to 65535')
    .max(65535, 'a port from 0 (any free port) to 65535')
    .default(8080),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  ADMIN_TOKEN: z.string().min(24, 'at least 24 characters (a random secret)').optional(),
  DATA_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal characters (a 256-bit key: openssl rand -hex 32)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ: z.string().default('Asia/Shanghai'),
  PLAYGROUND: z.enum(['on', 'off']).default('on'),
  QINQING_HOME: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

/** A configuration problem that stops start-up; its message lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws one `ConfigError` naming every bad variable and what it should be. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable means "not set": shells and .env files often leave `FOO=` behind.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const env = result.data;
  const problems: string[] = [];
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every call)');
  }
  if ((env.TELEGRAM_WEBHOOK_URL || env.TELEGRAM_API_ROOT) && !env.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN: required when another TELEGRAM_ variable is set');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return env;
}
