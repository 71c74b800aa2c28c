/**
 * The playground in real Chromium against a real server: the bot with the playground adapter, BullMQ workers
 * for assignment and notices, the HTTP server on a loopback port. An enterprise contact submits a complaint,
 * the assigned officer sees the notice arrive live, accepts and resolves it, and the enterprise rates the
 * result. Screenshots of each stage go to test-artifacts/playground/; the final one also to docs/playground.png when UPDATE_DOCS=1.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.ts';
import { t, type MessageKey, type Params } from '../../src/i18n/index.ts';
import { createPlaygroundAdapter, type PlaygroundAdapter } from '../../src/platforms/playground/playground.adapter.ts';
import { createBot, type Bot } from '../../src/runtime/bot.ts';
import { projectRoot } from '../../src/runtime/paths.ts';
import { MAX_ATTACHMENTS, MAX_TEXT, MIN_TEXT } from '../../src/services/tickets/submission.schema.ts';
import type { TicketRecord } from '../../src/services/tickets/ticket-store.ts';
import { startWorkers, type RunningWorkers } from '../../src/workers/runtime.ts';
import { createTestApp, type TestApp } from '../support/app-context.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = join(projectRoot, 'test-artifacts', 'playground');
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium ? 'playground in Chromium' : `playground in Chromium — SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`;

const zh = (key: MessageKey, params?: Params) => t('zh-CN', key, params);
const DESCRIPTION = '我公司反映的人防工程验收问题已过去三周，多次电话询问无人答复，请督促办理。';
const RESULT = '已督促工程管理处于本周五前完成验收并电话告知贵公司，经办人：陈晨。';

describe.skipIf(!hasChromium)(title, () => {
  let app: TestApp;
  let adapter: PlaygroundAdapter;
  let bot: Bot;
  let workers: RunningWorkers;
  let workerConnection: Redis;
  let http: FastifyInstance;
  let httpOpen = false;
  let userDataDir: string;
  let browser: BrowserContext;
  let page: Page;
  let url: string;
  const consoleErrors: string[] = [];
  /** The ticket the story creates. */
  let number = '';

  beforeAll(async () => {
    app = await createTestApp('pgbrowser');
    adapter = createPlaygroundAdapter();
    const context = { ...app, redis: app.redisClient };
    bot = createBot(context, [adapter], { keyPrefix: `${app.prefix}:` });
    await bot.start();
    workerConnection = app.redisClient.duplicate();
    workers = await startWorkers(context, { connection: workerConnection, prefix: app.prefix, channels: bot.channels, queues: ['tickets', 'notify'] });
    http = createHttpServer({
      connection: app.db.connection,
      redis: app.redisClient,
      logger: app.logger,
      playground: { adapter, models: app.db.models, profile: app.profile, host: '127.0.0.1' },
    });
    await http.listen({ host: '127.0.0.1', port: 0 });
    httpOpen = true;
    url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/`;
    mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'qinqing-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 860 },
      locale: 'zh-CN',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Script errors and refused resources (a CSP violation, say) would pass unseen without this.
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
  });

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (httpOpen) await http.close();
    await workers?.close();
    workerConnection?.disconnect();
    await bot?.stop();
    await app?.close();
  });

  const pane = (side: 'left' | 'right'): Locator => page.locator(`.pane[data-side="${side}"]`);
  const shot = async (name: string) => {
    const path = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  const botCount = (side: 'left' | 'right') => pane(side).locator('.msg.from-bot').count();

  /** Waits for a bot message after the first `from` ones that contains `text`; returns its text. */
  async function botSays(side: 'left' | 'right', text: string, from = 0, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const texts = (await pane(side).locator('.msg.from-bot').allTextContents()).slice(from);
      const hit = texts.find((shown) => shown.includes(text));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`the ${side} pane never showed "${text}"; it shows:\n${texts.join('\n---\n')}`);
      await delay(100);
    }
  }

  /** Types into a pane like a person, and waits for the bot's answer containing `expected`. */
  async function say(side: 'left' | 'right', text: string, expected: string): Promise<string> {
    const before = await botCount(side);
    const input = pane(side).locator('input.text');
    await input.fill(text);
    await input.press('Enter');
    return botSays(side, expected, before);
  }

  /** Taps a button of the pane's latest message that carries it, and waits for the answer. */
  async function tap(side: 'left' | 'right', action: string, expected: string): Promise<string> {
    const before = await botCount(side);
    await pane(side).locator(`.msg.from-bot button[data-action="${action}"]`).last().click();
    return botSays(side, expected, before);
  }

  it('a complaint goes round the whole loop, live, in two panes', { timeout: 120_000 }, async () => {
    await page.goto(url);
    const load = page.locator('#load-demo');
    await load.waitFor({ state: 'visible' });
    await shot('01-empty-directory');
    await load.click();
    await page.locator('#empty').waitFor({ state: 'hidden' });
    await pane('right').locator('select option[value="official-rf-office-01"]').waitFor({ state: 'attached' });
    expect(await pane('left').locator('select').inputValue()).toBe('contact-91410100MA40A00014');
    expect(await pane('right').locator('select').inputValue()).toBe('official-rf-office-01');
    expect(await pane('right').locator('.who').textContent()).toBe('办公室 · 经办人');

    // The enterprise contact: /new → 投诉 → 投诉 → description → no files → confirm.
    const groups = await say('left', '/new', zh('submit.choose-group'));
    expect(groups).toContain('2. 投诉');
    await tap('left', 'submit:group:complaint', zh('submit.choose-category'));
    await tap('left', 'submit:cat:complaint', zh('submit.describe', { min: MIN_TEXT, max: MAX_TEXT }));
    await say('left', DESCRIPTION, zh('submit.ask-attachments', { max: MAX_ATTACHMENTS }));
    const summary = await tap('left', 'submit:files-skip', zh('submit.confirm-question'));
    expect(summary).toContain(DESCRIPTION);
    await shot('02-contact-confirms');
    const accepted = await tap('left', 'submit:confirm', '受理成功');
    number = /RF-\d{4}-\d{6}/.exec(accepted)?.[0] ?? '';
    expect(number).not.toBe('');

    // The officer's pane was open all along: the assignment notice arrives by itself.
    const assigned = await botSays('right', number);
    const ticket = await app.db.models.Ticket.findOne({ number }).lean<TicketRecord>();
    expect(ticket?.assignee).toBe('rf-office-01');
    expect(assigned).toContain('受理');
    await shot('03-officer-notified');

    await tap('right', `t:accept:${number}`, number);
    // The officer types the list number shown on 办结 instead of tapping it, as on WeChat.
    const resolve = pane('right').locator(`.msg.from-bot button[data-action="t:resolve:${number}"]`).last();
    const shown = (await resolve.locator('.num').textContent())?.replace('.', '') ?? '';
    expect(shown).toMatch(/^\d$/);
    await say('right', shown, zh('officer.resolve.ask-result', { number }));
    await say('right', RESULT, zh('officer.resolve.confirm', { number, result: RESULT }).split('\n')[0] ?? number);
    await tap('right', 'of:yes', zh('officer.resolve.done', { number }));
    await shot('04-officer-resolved');

    // The enterprise sees the result with the rating buttons, and rates it.
    await botSays('left', RESULT);
    await shot('05-contact-sees-result');
    await tap('left', `r:very-satisfied:${number}`, '非常满意');
    await tap('left', 'rate:skip', zh('rate.thanks'));
    const final = await shot('06-contact-rated');
    // The README's picture changes only when asked (UPDATE_DOCS=1), not on every run.
    if (process.env.UPDATE_DOCS === '1') {
      mkdirSync(join(projectRoot, 'docs'), { recursive: true });
      copyFileSync(final, join(projectRoot, 'docs', 'playground.png'));
    }
    const rated = await app.db.models.Ticket.findOne({ number }).lean<TicketRecord & { rating?: { level: string } }>();
    expect(rated?.status).not.toBe('resolved');
    expect(JSON.stringify(rated)).toContain('very-satisfied');
    expect(consoleErrors).toEqual([]);
  });

  it('a reload shows the conversation again; the page speaks English and stacks on a phone', async () => {
    await page.reload();
    await botSays('left', zh('rate.thanks'));
    await botSays('right', zh('officer.resolve.done', { number }));

    await page.locator('#lang-toggle').click();
    expect(await page.locator('h1').textContent()).toBe('qinqing · Playground');
    expect(await pane('left').locator('button[type="submit"]').textContent()).toBe('Send');
    expect(await pane('right').locator('.who').textContent()).toBe('General Office · officer');

    await page.setViewportSize({ width: 390, height: 844 });
    const [left, right] = [await pane('left').boundingBox(), await pane('right').boundingBox()];
    expect(left && right && right.y >= left.y + left.height).toBe(true);
    expect(left && left.width <= 390).toBe(true);
    await shot('07-phone-english');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('asks for the admin token when the server is guarded, then works with it', async () => {
    const token = 'browser-test-admin-token-0123456789';
    // Guarded as on a non-loopback host, while listening on loopback so the test reaches it.
    const guarded = createHttpServer({
      connection: app.db.connection,
      redis: app.redisClient,
      logger: app.logger,
      playground: { adapter, models: app.db.models, profile: app.profile, host: '0.0.0.0', adminToken: token },
    });
    await guarded.listen({ host: '127.0.0.1', port: 0 });
    const other = await browser.newPage();
    try {
      await other.goto(`http://127.0.0.1:${(guarded.server.address() as AddressInfo).port}/`);
      await other.locator('#token-form').waitFor({ state: 'visible' });
      await other.locator('#token-input').fill(token);
      await other.locator('#token-form button').click();
      await other.locator('.pane[data-side="right"] select option[value="official-rf-office-01"]').waitFor({ state: 'attached' });
      await other.locator('.pane[data-side="right"] .msg.from-bot').first().waitFor();
      expect(await other.locator('#token-form').isHidden()).toBe(true);
    } finally {
      await other.close();
      await guarded.close();
    }
  });

  it('says so inline when a message is refused, and shows a banner when the server is gone', async () => {
    await bot.stop();
    const input = pane('left').locator('input.text');
    await input.fill('/help');
    await input.press('Enter');
    const error = pane('left').locator('.error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toBe('Not delivered: the playground channel is not running');
    expect(await input.inputValue()).toBe('/help');

    await http.close();
    httpOpen = false;
    const banner = page.locator('#banner');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.textContent()).toBe('Lost the connection to the server; reconnecting…');
    await shot('08-server-gone');
  });
});
