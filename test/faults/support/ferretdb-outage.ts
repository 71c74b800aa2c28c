/**
 * The running system for test/faults/ferretdb-down.test.ts, on servers the test owns: a services context with
 * the demo directory, registered contacts who submit through Telegram, the bot over the Telegram adapter
 * (fake Bot API) and the workers; and the tally of what an outage cost.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { ServerState } from '../../../scripts/local-servers.ts';
import { calendarOverrides, loadProfile } from '../../../src/config/profiles.ts';
import { connectDatabase } from '../../../src/db/connection.ts';
import { createWorkingCalendar } from '../../../src/domain/working-days.ts';
import { t, type Lang } from '../../../src/i18n/index.ts';
import type { TelegramAdapter, TelegramLogger } from '../../../src/platforms/telegram/telegram.adapter.ts';
import { openQueues } from '../../../src/queue/queues.ts';
import { createRedis } from '../../../src/queue/redis.ts';
import { createBot } from '../../../src/runtime/bot.ts';
import { importDirectory } from '../../../src/services/directory-import.ts';
import { syncProfileUnits } from '../../../src/services/profile-units.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import { startWorkers } from '../../../src/workers/runtime.ts';
import { DEMO_DIRECTORY, type TestApp } from '../../support/app-context.ts';
import { startFakeTelegramApi, type FakeTelegramApi, type SentMessage } from '../../support/fake-telegram-api.ts';
import { addContact, LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';
import { uniqueName } from '../../support/servers.ts';
import { textOf } from '../../support/telegram-harness.ts';

/** What a contact types after `/new <description>`: the group, no attachments, confirm. */
export const STEPS: Record<Lang, readonly string[]> = { 'zh-CN': ['建议', '跳过', '确认'], en: ['suggestion', 'skip', 'confirm'] };
const ACCEPTED = /^(?:受理成功！\n事项编号：|Received!\nCase number: )(RF-\d{4}-\d{6})/;
const OFFICER_NOTICE = /^(?:【新事项】|\[New case\] )(RF-\d{4}-\d{6})/;
const ENTERPRISES = [ZHONGYUAN, YUAN_EQUIPMENT, LUOYANG];

/** A clock that starts on a working Monday morning (Shanghai) and runs in real time, so the sweeper's grace is real. */
class RunningClock extends ManualClock {
  private readonly startedAt = Date.now();
  constructor(private readonly from: Date) {
    super(from);
  }
  override now(): Date {
    return new Date(this.from.getTime() + Date.now() - this.startedAt);
  }
}

/** Lines the app logged at error level (the pipeline's "handler failed": a failure it took for a bug). */
export type ErrorLines = string[];

/** A services context on the given servers: a fresh database and queue prefix, the demo directory. */
export async function faultApp(servers: { redis: ServerState; ferretdb: ServerState }, label: string, errors: ErrorLines = []): Promise<TestApp> {
  const db = await connectDatabase(servers.ferretdb.url, { dbName: uniqueName(label) });
  const redis = createRedis(servers.redis.url, 'worker');
  const prefix = `{${uniqueName(label)}}`;
  const profile = loadProfile('henan-rfb');
  const queues = openQueues(redis, prefix);
  await syncProfileUnits(db.models, profile);
  await importDirectory(db.models, DEMO_DIRECTORY);
  return {
    db,
    queues,
    clock: new RunningClock(new Date('2026-03-02T01:00:00Z')),
    logger: createLogger({ level: 'error', destination: new Writable({ write: (chunk: Buffer, _encoding, done) => done(void errors.push(chunk.toString('utf8').trim())) }) }),
    profile,
    calendar: createWorkingCalendar(calendarOverrides(profile)),
    dataKey: randomBytes(32),
    redis,
    redisClient: redis,
    prefix,
    close: async () => {
      await queues.close();
      redis.disconnect();
      // A client that never reconnected cannot drop anything (and would wait 10 s to say so); the servers go
      // with the test's folder anyway.
      if (db.connection.readyState === 1) await db.connection.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}

/** One contact's submission: who, in which language, what it says, and the ticket number it got back. */
export interface Submission {
  userId: number;
  contactId: string;
  lang: Lang;
  text: string;
  number?: string;
}

/** `count` registered contacts (Telegram ids from `base`), half of them writing in English, one submission each. */
export async function contacts(app: TestApp, base: number, count: number): Promise<Submission[]> {
  const list: Submission[] = [];
  for (let i = 0; i < count; i++) {
    const userId = base + i;
    const lang: Lang = i % 2 === 0 ? 'zh-CN' : 'en';
    const { contactId } = await addContact(app, ENTERPRISES[i % ENTERPRISES.length] ?? ZHONGYUAN, String(userId));
    if (lang === 'en') await app.db.models.ChatAccount.updateOne({ platform: 'telegram', userId: String(userId) }, { $set: { lang } });
    const text = lang === 'en' ? `Suggestion ${i}: publish one list of documents for civil air defence approvals.` : `第 ${i} 号建议：人防工程审批请一次性公布所需材料清单。`;
    list.push({ userId, contactId, lang, text });
  }
  return list;
}

/** The ticket number the bot acknowledged to this contact, if it did. */
export function acknowledged(fake: FakeTelegramApi, submission: Submission): string | undefined {
  const ack = sentTo(fake, submission.userId).map(textOf).find((text) => ACCEPTED.test(text));
  return ack === undefined ? undefined : ACCEPTED.exec(ack)?.[1];
}

function sentTo(fake: FakeTelegramApi, chatId: number): SentMessage[] {
  return fake.sent.get(String(chatId)) ?? [];
}

export interface World {
  app: TestApp;
  fake: FakeTelegramApi;
  adapter: TelegramAdapter;
  /** What the adapter logged at warn level, with the time. */
  warnings: { msg: string; fields: Record<string, unknown>; at: number }[];
  /** What the app logged at error level. */
  errors: ErrorLines;
  close(): Promise<void>;
}

/** The bot and the tickets, notify and sweep workers on a fresh app, over the adapter `adapterFor` makes. */
export async function startWorld(
  servers: { redis: ServerState; ferretdb: ServerState },
  label: string,
  adapterFor: (fake: FakeTelegramApi, logger: TelegramLogger) => TelegramAdapter,
): Promise<World> {
  const errors: ErrorLines = [];
  const app = await faultApp(servers, label, errors);
  const fake = await startFakeTelegramApi();
  const warnings: World['warnings'] = [];
  const logger: TelegramLogger = {
    info: () => undefined,
    warn: (fields, msg) => void warnings.push({ msg: msg ?? '', fields: fields as Record<string, unknown>, at: Date.now() }),
    error: () => undefined,
  };
  const adapter = adapterFor(fake, logger);
  const context = { ...app, redis: app.redisClient };
  const bot = createBot(context, [adapter], { keyPrefix: `${app.prefix}:bot:`, floodLimit: 1000 });
  await bot.start();
  const connection = app.redisClient.duplicate();
  // The sweeper flushes an outbox an outage left full (a ticket written, its jobs not yet queued).
  const workers = await startWorkers(context, { connection, prefix: app.prefix, channels: bot.channels, queues: ['tickets', 'notify', 'maintenance'], chatGapMs: { telegram: 0 }, sweepEveryMs: 2000 });
  return {
    app,
    fake,
    adapter,
    warnings,
    errors,
    close: async () => {
      await bot.stop();
      await workers.close();
      connection.disconnect();
      await fake.close();
      await app.close();
    },
  };
}

/** Every officer notice ("【新事项】<number>") the fake accepted, counted by ticket number. */
export function officerNotices(fake: FakeTelegramApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const messages of fake.sent.values()) {
    for (const message of messages) {
      const number = OFFICER_NOTICE.exec(textOf(message))?.[1];
      if (number !== undefined) counts.set(number, (counts.get(number) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Every submission acknowledged, every acknowledged ticket's officer notice delivered, and nothing left in the
 * tickets and notify queues (a notice retried after the outage would otherwise go out after the count).
 */
export async function drained(world: World, submissions: readonly Submission[]): Promise<boolean> {
  const out = officerNotices(world.fake);
  if (!submissions.every((s) => s.number !== undefined && out.has(s.number))) return false;
  const states = ['active', 'wait', 'delayed', 'prioritized', 'waiting-children'] as const;
  const counts = await Promise.all([world.app.queues.tickets.getJobCounts(...states), world.app.queues.notify.getJobCounts(...states)]);
  return counts.every((byState) => Object.values(byState).every((n) => n === 0));
}

/**
 * What the outage cost. Lost: a submission with no acknowledged ticket, or whose ticket is missing or never
 * reached its officer. Duplicated: anything beyond one — tickets per submission, acknowledgements, officer
 * notices, notices to the enterprise. `problems` says which, for the failure message.
 */
export async function tally(world: World, submissions: readonly Submission[]) {
  const { Ticket, Notice } = world.app.db.models;
  const problems: string[] = [];
  // When the app's client never reconnected, count from what the fake Bot API saw and say so.
  const stored = await Promise.all([Ticket.find({}, { number: 1, contact: 1 }).lean(), Notice.find({}, { status: 1, attempts: 1, chatId: 1, ticket: 1, message: 1 }).lean()]).catch(
    (error: unknown) => void problems.push(`the app could not read the database: ${String(error)}; ${mongoClientState(world.app)}`),
  );
  const [tickets, records] = stored ?? [undefined, []];
  const notices = officerNotices(world.fake);
  let lost = 0;
  let duplicated = 0;
  for (const s of submissions) {
    const mine = tickets?.filter((ticket) => ticket.contact === s.contactId);
    const chat = sentTo(world.fake, s.userId).map(textOf);
    const acks = chat.filter((text) => ACCEPTED.test(text));
    const toEnterprise = s.number === undefined ? [] : chat.filter((text) => text.includes(s.number ?? '') && !ACCEPTED.test(text));
    const toOfficer = s.number === undefined ? 0 : (notices.get(s.number) ?? 0);
    if (s.number === undefined || (mine !== undefined && !mine.some((ticket) => ticket.number === s.number)) || toOfficer === 0) {
      lost += 1;
      const said = chat.map((text) => JSON.stringify(text.split('\n')[0]?.slice(0, 40))).join(' | ');
      problems.push(`${s.userId} lost: acknowledged ${s.number ?? 'nothing'}, tickets ${mine?.map((ticket) => ticket.number).join(',') || 'none'}, officer notices ${toOfficer}; the bot said: ${said}`);
    }
    const extra = Math.max(0, (mine?.length ?? 0) - 1) + Math.max(0, acks.length - 1) + Math.max(0, toOfficer - 1) + Math.max(0, toEnterprise.length - 1);
    if (extra > 0) {
      const ticketIds = new Set(mine?.map((ticket) => String(ticket._id)));
      const recorded = records.filter((r) => r.ticket !== undefined && ticketIds.has(r.ticket)).map((r) => `${r.message.key} ${r.status} after ${r.attempts} attempt(s)`);
      problems.push(`${s.userId} doubled: ${mine?.length ?? '?'} tickets, ${acks.length} acknowledgements, ${toOfficer} officer notices, ${toEnterprise.length} enterprise notices (records: ${recorded.join('; ')})`);
    }
    duplicated += extra;
  }
  // A request the pipeline took for a bug was answered "something went wrong" and not delivered again.
  const handlerFailures = world.errors.filter((line) => line.includes('handler failed'));
  if (lost > 0 && handlerFailures.length > 0) problems.push(`the pipeline logged: ${handlerFailures.map((line) => line.slice(0, 400)).join('\n')}`);
  const assigned = records.filter((r) => r.message.key === 'notice.assigned');
  return { lost, duplicated, problems, tickets: tickets?.length, officerRecords: assigned.length, unsent: assigned.filter((r) => r.status !== 'sent').length };
}

/** The "briefly unavailable" replies the contacts received, and whether each was in the contact's language. */
export function apologies(fake: FakeTelegramApi, submissions: readonly Submission[]): { total: number; wrongLanguage: number; languages: Set<Lang> } {
  let total = 0;
  let wrongLanguage = 0;
  const languages = new Set<Lang>();
  for (const s of submissions) {
    for (const text of sentTo(fake, s.userId).map(textOf)) {
      const lang = (['zh-CN', 'en'] as const).find((l) => text === t(l, 'error.unavailable'));
      if (lang === undefined) continue;
      total += 1;
      languages.add(lang);
      if (lang !== s.lang) wrongLanguage += 1;
    }
  }
  return { total, wrongLanguage, languages };
}

/** The app's own MongoDB client as the driver sees it: for a failure message when it never reconnected. */
export function mongoClientState(app: TestApp): string {
  const client = app.db.connection.getClient() as unknown as {
    topology?: { description: { servers: Map<string, { type: string; error?: { message?: string } | null }> } };
  };
  const servers = [...(client.topology?.description.servers.values() ?? [])].map((s) => `${s.type}${s.error?.message ? ` (${s.error.message})` : ''}`);
  return `mongoose readyState ${app.db.connection.readyState}, server ${servers.join(', ') || 'none'}`;
}
