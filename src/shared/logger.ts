import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line: phone numbers and whistle-blowers' identities are personal data
 * the rules protect, and logs travel further than the database does.
 */
export const REDACTED_KEYS = ['phone', 'mobile', 'reporter', 'reporterIdentity', 'identity', 'token', 'apiKey', 'password'];

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** Creates the process logger: JSON lines on stdout (or the given destination). */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const base = { level: options.level ?? 'info', name: options.name ?? 'qinqing', redact: { paths: redactPaths, censor: '[redacted]' } };
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** Masks a phone number for display: 138****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
