/**
 * The access matrix: rows of "who tries what against what", each attempt counted as denied only when it
 * was refused AND left everything as it was. A row's goal is 100 %.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { OutboundMessage } from '../../../src/platforms/types.ts';
import { sessionOf, type ChatDriver, type handlerServices, type Input, type Persona } from './abuse-world.ts';
import { compare, describeChanges, snapshot, WATCHED, type Snapshot } from './db-snapshot.ts';
import { markdownTable } from './record.ts';

interface Row {
  who: string;
  what: string;
  attempts: number;
  denied: number;
  misses: string[];
}

export class AccessMatrix {
  private readonly rows = new Map<string, Row>();

  /** Counts one attempt of row (who, what); `miss` says why it was not denied, undefined when it was. */
  count(who: string, what: string, miss: string | undefined): void {
    const key = `${who}\u0000${what}`;
    const row = this.rows.get(key) ?? { who, what, attempts: 0, denied: 0, misses: [] };
    row.attempts += 1;
    if (miss === undefined) row.denied += 1;
    else if (row.misses.length < 10) row.misses.push(miss);
    this.rows.set(key, row);
  }

  /** Every attempt that was not denied, by row. */
  misses(): string[] {
    return [...this.rows.values()].flatMap((row) => row.misses.map((miss) => `${row.who} → ${row.what}: ${miss}`));
  }

  totals(): { attempts: number; denied: number } {
    const rows = [...this.rows.values()];
    return { attempts: rows.reduce((n, r) => n + r.attempts, 0), denied: rows.reduce((n, r) => n + r.denied, 0) };
  }

  table(): string {
    const percent = (row: Row) => (row.attempts === 0 ? 0 : (100 * row.denied) / row.attempts);
    return markdownTable(
      ['who', 'against what', 'attempts', 'denied', 'goal (100 %)'],
      [...this.rows.values()].map((row) => [row.who, row.what, row.attempts, row.denied, percent(row) === 100 ? 'met' : `missed (${percent(row).toFixed(1)} %)`]),
    );
  }
}

/** What a chat message could write (besides Redis): the watched collections, ticket counters, sign-ups. */
const CHAT_WRITES = [...WATCHED, 'counters', 'service_day_signups'];

export type State = Awaited<ReturnType<World['state']>>;

/**
 * Everything an attempt could change: the database (every collection for the API; what a chat message can
 * write for chat), and Redis under the deployment's prefix — except the flood counters, which expire on
 * their own two minutes after a message.
 */
export class World {
  private collections: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly ephemeral: RegExp,
  ) {}

  /** Lists the collections once everything is set up (a denied attempt must not create one either). */
  async init(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    this.collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  }

  async state(scope: 'chat' | 'all'): Promise<{ db: Snapshot; redis: Map<string, string>; collections: string }> {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    if (scope === 'chat') return { db: await snapshot(this.connection, CHAT_WRITES.filter((c) => this.collections.includes(c))), redis: new Map(), collections: '' };
    const [names, state, redis] = await Promise.all([db.listCollections({}, { nameOnly: true }).toArray(), snapshot(this.connection, this.collections), this.redisDigest()]);
    return { db: state, redis, collections: names.map((c) => c.name).sort().join(',') };
  }

  /** Each key under the prefix and a hash of its serialised value (DUMP). */
  private async redisDigest(): Promise<Map<string, string>> {
    const keys = (await this.redis.keys(`${this.redisPrefix}*`)).filter((key) => !this.ephemeral.test(key)).sort();
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.dumpBuffer(key);
    const dumps = (await pipeline.exec()) ?? [];
    return new Map(keys.map((key, i) => [key, createHash('sha256').update((dumps[i]?.[1] as Buffer | null) ?? Buffer.alloc(0)).digest('hex')]));
  }

  /** What changed between two states, in words; undefined when nothing did. */
  static changed(before: Awaited<ReturnType<World['state']>>, after: Awaited<ReturnType<World['state']>>): string | undefined {
    const parts: string[] = [];
    const db = compare(before.db, after.db);
    if (db.length > 0) parts.push(describeChanges(db));
    const keys = [...new Set([...before.redis.keys(), ...after.redis.keys()])].filter((key) => before.redis.get(key) !== after.redis.get(key));
    if (keys.length > 0) parts.push(`redis keys changed: ${keys.slice(0, 5).join(', ')}`);
    if (before.collections !== after.collections) parts.push(`collections ${before.collections} → ${after.collections}`);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

/** What a person reads of replies: each text with its buttons' labels and actions. */
export function shown(replies: readonly OutboundMessage[]): string[] {
  return replies.map((r) => [r.text, ...(r.buttons ?? []).flat().map((b) => `${b.label} ${b.action}`)].join('\n'));
}

/** Chat attempts, each compared with the database as the previous attempt left it. */
export class ChatProbe {
  /** The database as the last attempt left it: the next attempt's "before" (forgotten by anything else). */
  private state: State | undefined;

  constructor(
    private readonly driver: ChatDriver,
    private readonly services: Pick<ReturnType<typeof handlerServices>, 'sessions'>,
    private readonly world: World,
    private readonly matrix: AccessMatrix,
  ) {}

  /** A message that is not an attempt (bringing a persona to a step). */
  async setup(persona: Persona, text: string): Promise<OutboundMessage[]> {
    this.state = undefined;
    return this.driver.send(persona, { text });
  }

  /**
   * One attempt: denied when every reply is one of `refusals` (exactly) and contains none of `secrets`, and
   * neither the database nor the sender's flow session changed.
   */
  async attempt(who: string, what: string, persona: Persona, input: Input, refusals: readonly string[] | 'any', secrets: readonly string[] = []): Promise<void> {
    const label = JSON.stringify(input.text ?? input.action);
    const session = await sessionOf(this.services, persona);
    const before = this.state ?? (await this.world.state('chat'));
    let texts: string[] = [];
    let threw: string | undefined;
    try {
      texts = shown(await this.driver.send(persona, input));
    } catch (error) {
      threw = `threw ${String(error)}`;
    }
    const after = await this.world.state('chat');
    this.state = after;
    const sessionAfter = await sessionOf(this.services, persona);
    const changed = World.changed(before, after) ?? (sessionAfter?.revision !== session?.revision ? `the flow session moved to ${sessionAfter?.flow}.${sessionAfter?.step}` : undefined);
    const leaked = secrets.find((secret) => secret !== '' && texts.some((text) => text.includes(secret)));
    const answered = texts.length === 0 ? 'no reply' : refusals === 'any' ? undefined : texts.find((text) => !refusals.includes(text));
    const miss = threw ?? changed ?? (leaked ? `leaked ${JSON.stringify(leaked)}` : answered ? `answered ${JSON.stringify(answered.slice(0, 160))}` : undefined);
    this.matrix.count(who, what, miss && `${label}: ${miss}`);
  }
}

export interface ApiAttempt {
  who: string;
  what: string;
  request: InjectOptions;
  /** The refusal expected, or 'any' for reads judged on what they show. */
  statuses: readonly number[] | 'any';
  secrets?: readonly string[];
  target?: string;
}

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** The text a response carries: the body, or every cell of a spreadsheet. */
export async function bodyText(response: Response): Promise<string> {
  if (!String(response.headers['content-type'] ?? '').includes('spreadsheetml')) return response.body;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value)))));
  return cells.join('\n');
}

/** HTTP attempts, judged in groups against every collection and every Redis key. */
export class ApiProbe {
  constructor(
    private readonly server: FastifyInstance,
    private readonly world: World,
    private readonly matrix: AccessMatrix,
  ) {}

  /** Whether a response is the refusal expected and shows none of the secrets; why not otherwise. */
  private async judge(attempt: ApiAttempt, response: Response): Promise<string | undefined> {
    const text = await bodyText(response);
    const leaked = (attempt.secrets ?? []).find((secret) => secret !== '' && text.includes(secret));
    if (leaked) return `leaked ${JSON.stringify(leaked)}`;
    if (attempt.statuses === 'any') return undefined;
    let code = '';
    try {
      code = String((JSON.parse(response.body) as { code?: unknown }).code ?? '');
    } catch {
      // Not JSON: not one of our refusals.
    }
    const refused = attempt.statuses.includes(response.statusCode) && (response.statusCode === 404 || code.startsWith('auth.'));
    return refused ? undefined : `answered ${response.statusCode} ${response.body.slice(0, 120)}`;
  }

  private count(attempt: ApiAttempt, miss: string | undefined): void {
    this.matrix.count(attempt.who, attempt.what, miss && `${attempt.target ?? `${attempt.request.method} ${attempt.request.url}`}: ${miss}`);
  }

  /**
   * Attempts judged together: the database and Redis are compared once around the group (nothing else runs
   * meanwhile). If anything changed, each attempt is run again on its own with its own comparison, to say
   * which one did; a change no single attempt repeats counts against the group.
   */
  async group(attempts: readonly ApiAttempt[], options: { sequential?: boolean } = {}): Promise<void> {
    const before = await this.world.state('all');
    const responses: Response[] = [];
    if (options.sequential) for (const attempt of attempts) responses.push(await this.server.inject(attempt.request));
    else responses.push(...(await Promise.all(attempts.map((attempt) => this.server.inject(attempt.request)))));
    const after = await this.world.state('all');
    if (World.changed(before, after) === undefined) {
      for (const [i, attempt] of attempts.entries()) {
        const response = responses[i];
        this.count(attempt, response ? await this.judge(attempt, response) : 'no response');
      }
      return;
    }
    let blamed = false;
    for (const attempt of attempts) {
      const one = await this.world.state('all');
      const response = await this.server.inject(attempt.request);
      const changed = World.changed(one, await this.world.state('all'));
      blamed ||= changed !== undefined;
      this.count(attempt, changed ?? (await this.judge(attempt, response)));
    }
    const first = attempts[0];
    if (!blamed && first) this.count(first, `the group together changed ${World.changed(before, after)}`);
  }
}
