/**
 * Who takes part in a fault run: the officers of the General Office (which complaints go to), each with a
 * Telegram chat, and enterprise contacts registered through the registration service beforehand.
 */
import { creditCodeCheckChar } from '../../../src/domain/credit-code.ts';
import { importDirectory } from '../../../src/services/directory-import.ts';
import { registerEnterprise } from '../../../src/services/registration.ts';
import type { FaultContext } from './fault-servers.ts';

/** Telegram ids: officers from here up, enterprise contacts from `CONTACT_BASE` up. */
export const OFFICER_BASE = 710_000_000;
export const CONTACT_BASE = 820_000_000;

export interface Person {
  /** Telegram user id (= private chat id). */
  userId: number;
  contactId: string;
  enterprise: string;
}

/**
 * Imports `count` officers of the office (the last one its supervisor too). Telegram lets a bot write to one
 * chat about once a second, so a big load needs enough officers for the notices not to queue per chat.
 */
export async function importOfficers(ctx: FaultContext, count: number): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, i) => OFFICER_BASE + i + 1);
  const rows = ids.map((id, i) =>
    [
      `  - code: rf-fault-${String(i + 1).padStart(3, '0')}`,
      `    name: 办事员${i + 1}`,
      '    unit: office',
      `    roles: [${i === count - 1 ? 'officer, supervisor' : 'officer'}]`,
      `    telegram: "${id}"`,
    ].join('\n'),
  );
  await importDirectory(ctx.db.models, `officials:\n${rows.join('\n')}\n`);
  return ids;
}

/** A valid credit code for enterprise `n` of a run. */
export function faultCreditCode(n: number): string {
  const body = `91410100MA${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}

/**
 * Registers `count` enterprises, each with one (active) Telegram contact, through `registerEnterprise`
 * as the register flow would, a few at a time.
 */
export async function registerPeople(ctx: FaultContext, count: number, options: { concurrency?: number } = {}): Promise<Person[]> {
  const people: Person[] = [];
  let next = 0;
  const one = async (n: number): Promise<void> => {
    const userId = CONTACT_BASE + n;
    const enterprise = faultCreditCode(n);
    const result = await registerEnterprise(ctx, {
      sender: { platform: 'telegram', senderId: String(userId), chatId: String(userId) },
      lang: 'zh-CN',
      enterprise: { creditCode: enterprise, name: `故障演练企业${n}有限公司`, ownership: 'private', size: 'small', region: '郑州市' },
      contact: { name: `联系人${n}`, phone: '13800138000' },
    });
    if (result.status !== 'active') throw new Error(`contact ${userId} is ${result.status}, not active`);
    people.push({ userId, contactId: result.contactId, enterprise });
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      while (next < count) await one(++next);
    }),
  );
  return people.sort((a, b) => a.userId - b.userId);
}
