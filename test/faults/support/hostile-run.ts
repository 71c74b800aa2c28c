/**
 * One run of the hostile-input test: brings personas to flow steps, throws hostile messages, checks each
 * reply and the database after each message, carries some conversations on to their end, and counts.
 * The test file sets it up and asserts on its figures; the rules live here so they read in one place.
 */
import { normalizeText, stripInvisible, type Session } from '../../../flows/engine/index.ts';
import { rolesOn, type Actor } from '../../../src/domain/ticket-state.ts';
import { t, type MessageKey } from '../../../src/i18n/index.ts';
import type { OutboundMessage } from '../../../src/platforms/types.ts';
import { factsOf } from '../../../src/services/tickets/act.ts';
import type { TicketRecord } from '../../../src/services/tickets/ticket-store.ts';
import { verifyTicketHistory } from '../../../src/services/tickets/verify-history.ts';
import type { TestApp } from '../../support/app-context.ts';
import { sessionOf, type ChatDriver, type handlerServices, type Input, type Persona } from './abuse-world.ts';
import { compare, describeChanges, snapshot, stringValues, touchedDocs, type CollectionChange, type Snapshot } from './db-snapshot.ts';
import { describeHostile, type Hostile, type Rng } from './hostile.ts';
import { emptyFigures, type Tally } from './hostile-figures.ts';
import { handleIsolated } from './isolated-message.ts';
import { Conversation, quotedForms } from './reply-checks.ts';

/** How long a 10 MB message may take to be answered (the machine is shared: generous). */
export const HUGE_LIMIT_MS = 30_000;

/** Steps whose free text is written to the database by the message itself. */
const WRITES_AT_ONCE = new Set(['officer-progress.note', 'officer-extend.reason', 'extension-refuse.reason', 'rate.comment']);
const SKIP_WORDS = new Set(['跳过', '没有', '无', '不用', 'skip', 'no', 'none']);
/** What a successful write answers (in the person's language). */
const SUCCESS: MessageKey[] = [
  'submit.accepted', 'register.done.active', 'register.done.pending', 'officer.progress.done', 'officer.progress.done-sealed', 'officer.extend.done',
  'officer.refuse.done', 'rate.thanks', 'rate.thanks-bad', 'officer.transfer.done', 'officer.transfer.done-bounced', 'officer.resolve.done',
  'officer.resolve.done-substantiated', 'officer.resolve.done-unfounded', 'liaison.visit.done', 'officer.accept.done', 'officer.approve.done',
];

/** A lone surrogate cannot be stored in UTF-8: the driver writes U+FFFD in its place. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function templateRegex(key: MessageKey, lang: 'zh-CN' | 'en'): RegExp {
  const parts = t(lang, key).split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('[\\s\\S]*?'));
}

function stepOf(session: Session | undefined): string {
  return session ? `${session.flow}.${session.step}` : 'idle';
}

/** A hostile text a draft took in: as the flow keeps it (`form`) and as the database must then hold it. */
interface Pending {
  form: string;
  expected: string;
  where: string;
}

type Services = ReturnType<typeof handlerServices>;

export class HostileRun {
  readonly figures = emptyFigures();
  private quotable: string[] = [];
  /** Hostile texts a draft took in (flow state), to find in the database once the conversation ends. */
  private pending: Pending[] = [];
  /** Tickets whose history was already found broken (reported once, not at every later write). */
  private broken = new Set<string>();
  /** Whether a draft took in hostile attachments (they are submitted only when the conversation ends). */
  private tookFiles = false;
  private officials = new Map<string, Actor & { kind: 'official' }>();

  constructor(
    private readonly app: TestApp,
    private readonly services: Services,
    private readonly driver: ChatDriver,
    private readonly rng: Rng,
    private readonly seed: number,
  ) {}

  /** Names and stored texts the bot may show anyone, as shown; refreshed from a snapshot. */
  async learn(state: Snapshot, texts: readonly string[] = []): Promise<void> {
    const names = ['enterprises', 'contacts', 'officials'].flatMap((c) => [...(state.get(c)?.values() ?? [])].map((d) => String(d.doc.name ?? '')));
    // What officials store on a ticket and the bot shows the enterprise (a result, an extension's reason), and
    // the enterprise's rating comments shown to officials: whoever wrote them, in whatever script.
    const shown = [...(state.get('tickets')?.values() ?? [])].flatMap(({ doc }) => {
      const ticket = doc as { result?: unknown; extension?: { reason?: unknown }; ratings?: { comment?: unknown }[] };
      return [ticket.result, ticket.extension?.reason, ...(ticket.ratings ?? []).map((r) => r.comment)].filter((t): t is string => typeof t === 'string' && t !== '');
    });
    const forms = [...names, ...[...texts, ...shown].flatMap(quotedForms), ...this.quotable];
    this.quotable = [...new Set(forms)].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
    for (const d of state.get('officials')?.values() ?? []) {
      const o = d.doc as { code: string; unit: string; roles: string[] };
      this.officials.set(o.code, { kind: 'official', code: o.code, unit: o.unit, roles: o.roles });
    }
  }

  /** The database now (timed: the snapshot is most of the run's cost). */
  async snapshot(): Promise<Snapshot> {
    const started = performance.now();
    const state = await snapshot(this.app.db.connection);
    this.figures.time.snapshot += performance.now() - started;
    return state;
  }

  /** Whether the persona's draft holds something hostile: then the conversation is always carried on to its end. */
  get draftTookIn(): boolean {
    return this.pending.length > 0 || this.tookFiles;
  }

  conversation(persona: Persona): Conversation {
    return new Conversation(persona.lang, () => this.quotable);
  }

  private note(tally: Tally, what: string, persona: Persona, where: string, detail: string): void {
    tally.count += 1;
    if (tally.examples.length < 20) tally.examples.push(`[seed ${this.seed}] ${persona.label} at ${where}: ${what} — ${detail}`);
  }

  /** Checks replies: at least one (none for a replay), each polite and in the person's language. */
  private checkReplies(persona: Persona, conv: Conversation, where: string, what: string, replies: OutboundMessage[], replay: boolean): void {
    const f = this.figures;
    if (replay && replies.length > 0) this.note(f.repliedToReplay, what, persona, where, replies.map((r) => r.text).join(' | ').slice(0, 200));
    if (!replay && replies.length === 0) this.note(f.noReply, what, persona, where, 'no reply');
    for (const reply of replies) {
      const impolite = conv.impoliteProblem(reply);
      if (impolite) this.note(f.impolite, what, persona, where, `${impolite}: ${JSON.stringify(reply.text.slice(0, 200))}`);
      const language = conv.languageProblem(reply);
      if (language) this.note(f.wrongLanguage, what, persona, where, `${language}: ${JSON.stringify(reply.text.slice(0, 200))}`);
    }
  }

  /** Sends legitimate messages (setup or carrying on), checking their replies like any other. */
  async legit(persona: Persona, conv: Conversation, inputs: readonly Input[]): Promise<void> {
    for (const input of inputs) {
      conv.add(input.text ?? '');
      const where = stepOf(await sessionOf(this.services, persona));
      this.figures.legit += 1;
      try {
        const started = performance.now();
        const replies = await this.driver.send(persona, input);
        this.figures.time.legit += performance.now() - started;
        this.checkReplies(persona, conv, where, `legitimate ${JSON.stringify(input.text ?? input.action)}`, replies, false);
      } catch (error) {
        this.note(this.figures.crashes, `legitimate ${JSON.stringify(input.text)}`, persona, where, String((error as Error).stack ?? error));
      }
    }
  }

  /** Brings the persona to the scenario's step; false (and noted) when it did not get there. */
  async arrive(persona: Persona, conv: Conversation, inputs: readonly Input[], expected: string): Promise<boolean> {
    this.pending = [];
    this.tookFiles = false;
    await this.services.sessions.delete({ platform: persona.platform, senderId: persona.senderId });
    await this.legit(persona, conv, inputs);
    const where = stepOf(await sessionOf(this.services, persona));
    if (where !== expected) this.note(this.figures.setupFailed, `expected ${expected}`, persona, where, 'setup did not reach the step');
    return where === expected;
  }

  /** A ticket number the persona has no part in (another enterprise's, another unit's), from the snapshot. */
  private othersTicket(persona: Persona, state: Snapshot): string {
    const tickets = [...(state.get('tickets')?.values() ?? [])].map((d) => d.doc as unknown as TicketRecord).sort((a, b) => (a.number < b.number ? -1 : 1));
    const actor = persona.official ? this.officials.get(persona.official) : undefined;
    const foreign = tickets.filter((ticket) => {
      if (actor) return ![...rolesOn(factsOf(ticket, this.app.profile), actor)].some((role) => role === 'assignee' || role === 'supervisor' || role === 'leadership');
      if (persona.role === 'contact') return ticket.enterprise !== persona.enterprise && !ticket.sealedReporter;
      return true;
    });
    return foreign.length > 0 ? this.rng.pick(foreign).number : 'RF-2099-000001';
  }

  /** Throws one hostile message at the persona wherever it stands; returns the snapshot after it. */
  async hostile(persona: Persona, conv: Conversation, hostile: Hostile, before: Snapshot, others: { pendingContact: string }): Promise<Snapshot> {
    const f = this.figures;
    f.hostile += 1;
    f.byKind[hostile.kind] += 1;
    const sessionBefore = await sessionOf(this.services, persona);
    const where = stepOf(sessionBefore);
    f.steps.add(`${persona.role}:${where}`);
    const what = describeHostile(hostile);
    if (hostile.kind === 'replay' && this.driver.sent.length === 0) await this.legit(persona, conv, [{ text: '/help' }]);
    const replayOf = hostile.kind === 'replay' ? this.driver.sent[Math.floor(hostile.pick * this.driver.sent.length)] : undefined;
    let replies: OutboundMessage[] = [];
    let text = '';
    let timedOut = false;
    const started = performance.now();
    try {
      if (hostile.kind === 'replay') {
        if (!replayOf) throw new Error('nothing to replay');
        // Half the time the same update again (a webhook retry), half the time someone reusing its id.
        const inbound = hostile.pick < 0.5 ? replayOf : this.driver.message(persona, { text: replayOf.text, messageId: replayOf.platformMessageId });
        replies = await this.driver.resend(inbound);
      } else if (hostile.kind === 'huge') {
        text = hostile.text;
        conv.add(text);
        const inbound = this.driver.message(persona, { text });
        this.driver.sent.push(inbound);
        const floodLimit = this.services.floodLimit;
        const outcome = await handleIsolated(this.app, inbound, { keyPrefix: this.services.keyPrefix, limitMs: HUGE_LIMIT_MS, ...(floodLimit ? { floodLimit } : {}) });
        timedOut = outcome.kind === 'timeout';
        if (outcome.kind === 'timeout') this.note(f.hangs, what, persona, where, `no answer within ${HUGE_LIMIT_MS / 1000} s: the event loop is blocked`);
        else if (outcome.kind === 'error') throw new Error(outcome.error);
        else replies = outcome.replies;
      } else if (hostile.kind === 'callback') {
        const data = hostile.data.replace('«TICKET»', this.othersTicket(persona, before)).replace('«CONTACT»', others.pendingContact).replace('«EVENT»', 'ffffffffffffffffffffffff');
        conv.add(data);
        replies = await this.driver.send(persona, { action: data });
      } else {
        text = hostile.text;
        conv.add(text);
        replies = await this.driver.send(persona, { text, ...(hostile.kind === 'attachment' ? { attachments: hostile.attachments } : {}) });
      }
    } catch (error) {
      this.note(f.crashes, what, persona, where, String((error as Error).stack ?? error));
    }
    const ms = performance.now() - started;
    f.time.hostile += ms;
    f.slowest = [...f.slowest, { ms, what: `${persona.label} at ${where}: ${what}` }].sort((a, b) => b.ms - a.ms).slice(0, 5);
    if (ms > 3000) process.stderr.write(`slow hostile message: ${ms.toFixed(0)} ms, ${persona.label} at ${where}: ${what}\n`);
    if (!timedOut) this.checkReplies(persona, conv, where, what, replies, replayOf !== undefined);
    const after = await this.snapshot();
    const changes = compare(before, after);
    const sessionAfter = await sessionOf(this.services, persona);
    if (replayOf && sessionAfter?.revision !== sessionBefore?.revision) this.note(f.unexpectedDb, what, persona, where, 'a replay changed the flow session');
    if (changes.length > 0) await this.judgeWrite(persona, where, what, hostile, text, replies, after, changes, sessionAfter === undefined);
    else {
      this.prune(sessionAfter);
      if (text !== '') this.remember(text, where, sessionBefore, sessionAfter);
      if (hostile.kind === 'attachment' && sessionAfter) {
        const kept = stringValues(sessionAfter.state);
        this.tookFiles ||= hostile.attachments.some((attachment) => kept.includes(attachment.fileRef));
      }
    }
    return after;
  }

  /** A hostile message changed the database: fine only if it was a legitimate answer that wrote what was typed. */
  private async judgeWrite(
    persona: Persona,
    where: string,
    what: string,
    hostile: Hostile,
    text: string,
    replies: OutboundMessage[],
    after: Snapshot,
    changes: CollectionChange[],
    ended: boolean,
  ): Promise<void> {
    const succeeded = replies.some((reply) => SUCCESS.some((key) => templateRegex(key, persona.lang).test(reply.text)));
    if (hostile.kind === 'callback' || hostile.kind === 'replay' || !succeeded) {
      this.note(this.figures.unexpectedDb, what, persona, where, describeChanges(changes));
      return;
    }
    this.figures.acceptedWrites += 1;
    const stored = stripInvisible(text);
    const skipped = where === 'rate.comment' && SKIP_WORDS.has(normalizeText(stored).toLowerCase().replace(/[。.!！]+$/u, ''));
    // What this very message wrote, and what earlier messages of the draft it just confirmed had taken in.
    const expected = [...(WRITES_AT_ONCE.has(where) && !skipped ? [{ form: stored, expected: wellFormed(stored), where }] : []), ...(ended ? this.pending : [])];
    if (ended) this.pending = [];
    if (expected.length > 0) await this.expectStored(persona, where, what, expected, after, changes);
    else await this.checkHistories(persona, where, what, after, changes);
  }

  /**
   * Forgets what the draft no longer holds: a cancelled or replaced flow, or an answer changed on the way
   * (修改) will never store it.
   */
  private prune(session: Session | undefined): void {
    const kept = session ? stringValues(session.state) : [];
    this.pending = this.pending.filter((item) => kept.includes(item.form));
  }

  /** Remembers hostile text a draft took in, in the form the flow keeps it. */
  private remember(text: string, where: string, before: Session | undefined, after: Session | undefined): void {
    if (!after || (before && before.revision === after.revision && before.flow === after.flow)) return;
    const kept = stringValues(after.state);
    const stripped = stripInvisible(text);
    const form = [stripped, stripped.replace(/\s+/gu, ' ')].find((candidate) => candidate !== '' && kept.includes(candidate));
    if (form !== undefined) this.pending.push({ form, expected: wellFormed(form), where });
  }

  private async expectStored(persona: Persona, where: string, what: string, expected: Pending[], after: Snapshot, changes: CollectionChange[]): Promise<void> {
    const values = new Set(touchedDocs(after, changes).flatMap(({ doc }) => stringValues(doc)));
    for (const item of expected) {
      this.figures.storedChecked += 1;
      if (!values.has(item.expected)) this.note(this.figures.notVerbatim, `text taken at ${item.where}`, persona, where, `${JSON.stringify(item.expected.slice(0, 120))} is not stored as sent (${describeChanges(changes)})`);
    }
    await this.learn(after, expected.map((item) => item.expected));
    await this.checkHistories(persona, where, `${what}; stored ${expected.map((item) => JSON.stringify(item.expected.slice(0, 80))).join(', ')}`, after, changes);
  }

  /** Every ticket a write touched still verifies against its tamper-evident history. */
  private async checkHistories(persona: Persona, where: string, what: string, after: Snapshot, changes: CollectionChange[]): Promise<void> {
    const tickets = changes.filter((c) => c.collection === 'tickets').flatMap((c) => [...c.added, ...c.changed]);
    for (const id of tickets) {
      const number = String(after.get('tickets')?.get(id)?.doc.number ?? id);
      if (this.broken.has(number)) continue;
      const check = await verifyTicketHistory(this.app, number);
      if (!check.ok) this.broken.add(number);
      if (!check.ok) this.note(this.figures.brokenHistory, what, persona, where, `ticket ${number}'s history does not verify: ${JSON.stringify(check)}`);
    }
  }

  /** Answers legitimately until the conversation ends, then looks for what the draft took in. */
  async carryOn(persona: Persona, conv: Conversation, before: Snapshot, answer: (flow: string, step: string) => Input): Promise<Snapshot> {
    this.figures.continued += 1;
    // Legitimate answers until the conversation ends; two answers that change nothing mean it is stuck.
    let idle = 0;
    for (let turn = 0; turn < 15 && idle < 2; turn++) {
      const session = await sessionOf(this.services, persona);
      if (!session) break;
      this.prune(session);
      await this.legit(persona, conv, [answer(session.flow, session.step)]);
      idle = (await sessionOf(this.services, persona))?.revision === session.revision ? idle + 1 : 0;
    }
    const left = await sessionOf(this.services, persona);
    if (left) this.note(this.figures.stuck, 'carrying on', persona, stepOf(left), 'the conversation does not move on with legitimate answers');
    const after = await this.snapshot();
    const changes = compare(before, after);
    if (this.pending.length > 0 && changes.length > 0) await this.expectStored(persona, 'the end of the conversation', 'carrying on', this.pending, after, changes);
    else {
      await this.checkHistories(persona, 'the end of the conversation', 'carrying on', after, changes);
      await this.learn(after);
    }
    this.pending = [];
    this.tookFiles = false;
    return after;
  }
}
