/**
 * Flood limit (fault and abuse suite): one sender sends 200 messages in a minute while 20 others send a
 * few. The flooder gets exactly one polite notice, in their own language, and is then silent until the
 * next minute; everyone else is answered; the count is per sender and per platform.
 *
 * The pipeline counts per minute of Date.now(). The test fixes Date (only Date: timers, Redis and the
 * database run in real time) one second after a minute boundary, so the 200 messages fall in one window
 * however long they take on a loaded machine, and then moves it to the next minute.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { t, type Lang } from '../../../src/i18n/index.ts';
import type { OutboundMessage } from '../../../src/platforms/types.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { addChatContact, chatDriver, handlerServices, officialPersona, type ChatDriver, type Persona } from '../support/abuse-world.ts';
import { markdownTable, recordSection } from '../support/record.ts';

const COMMAND = 'RECORD_RELIABILITY=1 npx vitest run --config vitest.faults.config.ts test/faults/abuse/flood-limit.test.ts';
const FLOOD = 200;
const LIMIT = 20;
const WAVE = 10;
const TEXTS = ['/help', '/status', '你好，请问我们的事项办到哪一步了？'];

let app: TestApp;
let driver: ChatDriver;
const others: Persona[] = [];
let contacts = 0;
const rows: (string | number)[][] = [];

beforeAll(async () => {
  app = await createTestApp('flood');
  // The production limit: no floodLimit option, so the pipeline's default of 20 a minute applies.
  driver = chatDriver(handlerServices(app));
  const officials = [['rf-works-01', 'zh-CN'], ['rf-works-02', 'en'], ['rf-works-sup', 'zh-CN'], ['rf-office-sup', 'en'], ['rf-discipline-01', 'zh-CN']] as const;
  for (const [code, lang] of officials) others.push(await officialPersona(app, { label: code, code, role: 'official', lang, ...(lang === 'en' ? { hint: 'en' } : {}) }));
  for (const [i, enterprise] of [ZHONGYUAN, LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN, LUOYANG].entries()) others.push(await contact(enterprise, i % 2 === 0 ? 'zh-CN' : 'en', i % 2 === 0 ? undefined : 'en'));
  for (let i = 0; i < 10; i++) {
    const en = i % 3 === 0;
    others.push({ label: `unknown-${i}`, role: 'unknown', lang: en ? 'en' : 'zh-CN', platform: 'telegram', senderId: `9710${i}`, ...(en ? { hint: 'en-US' } : i % 2 === 0 ? { hint: 'zh-hans' } : {}) });
  }
  expect(others).toHaveLength(20);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  recordSection(
    'flood-limit',
    [
      '## Flood limit',
      '',
      `One sender sends ${FLOOD} messages within one minute (in waves of ${WAVE} at once) while 20 others — officers, contacts and unknown people, in Chinese and English — send 3 each in between, through the handler pipeline with the production limit of ${LIMIT} messages per sender per minute. Goal: the flooder's first ${LIMIT} are handled, the next gets exactly one polite notice in the flooder's language, the rest get silence; the next minute (and the same person on another platform) is answered again; every other sender is answered and never sees the notice.`,
      '',
      markdownTable(['case', 'flooder’s messages', 'handled', 'notices (language)', 'silent', 'others’ messages', 'others answered', 'next minute / other platform answered', 'goal met'], rows),
      '',
      'The minute window is the pipeline’s `Date.now()` minute; the test fixes `Date` one second after a minute boundary so the run cannot straddle two windows, then moves it one minute on.',
    ].join('\n'),
    COMMAND,
  );
  await app.close();
});

async function contact(enterprise: string, lang: Lang, hint: string | undefined, platform: Persona['platform'] = 'telegram'): Promise<Persona> {
  contacts += 1;
  return addChatContact(app, { label: `contact-${contacts}`, enterprise, senderId: `96${String(contacts).padStart(5, '0')}`, name: `联系人${contacts}`, lang, platform, ...(hint ? { hint } : {}) });
}

const noticeOf = (lang: Lang) => t(lang, 'bot.flood');
const isNotice = (replies: OutboundMessage[]) => replies.some((reply) => reply.text === noticeOf('zh-CN') || reply.text === noticeOf('en'));

/** Sets Date one second into a fresh minute, `minutes` minutes after the real one. */
function startOfMinute(minutes: number): number {
  const at = (Math.floor(Date.now() / 60_000) + minutes) * 60_000 + 1_000;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
  return at;
}

interface Outcome {
  flood: OutboundMessage[][];
  others: OutboundMessage[][];
}

/** The flooder's messages in waves, each wave followed by three of the others' messages. */
async function floodAmong(flooder: Persona): Promise<Outcome> {
  const outcome: Outcome = { flood: [], others: [] };
  const queue = others.flatMap((persona) => [0, 1, 2].map((n) => ({ persona, text: TEXTS[n] ?? '/help' })));
  for (let sent = 0, wave = 0; sent < FLOOD; wave++) {
    const size = Math.min(WAVE, FLOOD - sent);
    const batch = Array.from({ length: size }, (_, i) => driver.send(flooder, { text: TEXTS[(sent + i) % TEXTS.length] ?? '/help' }));
    outcome.flood.push(...(await Promise.all(batch)));
    sent += size;
    for (const { persona, text } of queue.splice(0, 3)) outcome.others.push(await driver.send(persona, { text }));
  }
  for (const { persona, text } of queue) outcome.others.push(await driver.send(persona, { text }));
  return outcome;
}

/** The case's figures and checks; `elsewhere` is the flooder on another platform in the same minute. */
async function floodCase(name: string, flooder: Persona, minute: number, elsewhere: Persona): Promise<void> {
  const at = startOfMinute(minute);
  const { flood, others: answers } = await floodAmong(flooder);
  const handled = flood.filter((replies) => replies.length > 0 && !isNotice(replies)).length;
  const notices = flood.filter((replies) => isNotice(replies));
  const silent = flood.filter((replies) => replies.length === 0).length;
  const othersAnswered = answers.filter((replies) => replies.length > 0 && !isNotice(replies)).length;
  expect(Math.floor(Date.now() / 60_000)).toBe(Math.floor(at / 60_000));
  const otherPlatform = await driver.send(elsewhere, { text: '/help' });
  vi.setSystemTime(at + 60_000);
  const nextMinute = await driver.send(flooder, { text: '/help' });
  const againAnswered = nextMinute.length > 0 && !isNotice(nextMinute) && otherPlatform.length > 0 && !isNotice(otherPlatform);
  const noticeLang = notices.length === 1 && notices[0]?.length === 1 && notices[0][0]?.text === noticeOf(flooder.lang) ? flooder.lang : notices.map((r) => r.map((x) => x.text).join(' ')).join(' | ').slice(0, 60);
  const met = handled === LIMIT && notices.length === 1 && noticeLang === flooder.lang && silent === FLOOD - LIMIT - 1 && othersAnswered === answers.length && againAnswered;
  rows.push([name, FLOOD, handled, `${notices.length} (${noticeLang})`, silent, answers.length, othersAnswered, againAnswered ? 'yes' : 'no', met ? 'yes' : 'no']);

  expect(handled).toBe(LIMIT);
  expect(silent).toBe(FLOOD - LIMIT - 1);
  expect(answers.filter((replies) => replies.length === 0)).toHaveLength(0);
  expect(othersAnswered).toBe(answers.length);
  expect(againAnswered).toBe(true);
  expect(notices.map((replies) => replies.map((reply) => reply.text))).toEqual([[noticeOf(flooder.lang)]]);
}

describe('flood limit', () => {
  it('a Chinese contact flooding gets one Chinese notice, then silence until the next minute; the others are answered', async () => {
    const flooder = await contact(ZHONGYUAN, 'zh-CN', 'zh-hans');
    await floodCase('registered contact, Chinese (Telegram)', flooder, 1, { ...flooder, platform: 'wechat' });
  }, 120_000);

  it('an English-speaking stranger flooding gets one English notice', async () => {
    const flooder: Persona = { label: 'stranger', role: 'unknown', lang: 'en', platform: 'telegram', senderId: '9720001', hint: 'en-GB' };
    await floodCase('unknown person, English by the Telegram hint', flooder, 3, { ...flooder, platform: 'playground' });
  }, 120_000);

  it('a contact who chose English gets the notice in English on WeChat, where there is no language hint', async () => {
    const flooder = await contact(LUOYANG, 'en', undefined, 'wechat');
    await floodCase('registered contact who chose English (WeChat, no hint)', flooder, 5, { ...flooder, platform: 'telegram' });
  }, 120_000);

  it('a contact who chose English gets the notice in English even when the Telegram app is in Chinese', async () => {
    const flooder = await contact(LUOYANG, 'en', 'zh-hans');
    await floodCase('registered contact who chose English (Telegram app in Chinese)', flooder, 7, { ...flooder, platform: 'wechat' });
  }, 120_000);
});
