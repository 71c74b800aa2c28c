import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config/env.ts';
import { qinqingHome } from './paths.ts';

/**
 * The key that seals whistle-blowers' identities: DATA_KEY in production. The embedded default keeps a
 * generated one beside its data (mode 0600), so a newcomer's reports work and survive restarts; without
 * either, reports of misconduct are refused with a clear message.
 */
export function loadDataKey(env: Env, embedded: boolean): Buffer | undefined {
  if (env.DATA_KEY) return Buffer.from(env.DATA_KEY, 'hex');
  if (!embedded) return undefined;
  const dir = join(qinqingHome(env), '.data');
  const file = join(dir, 'data-key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
