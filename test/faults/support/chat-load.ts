/**
 * Submissions the way people make them in Telegram, through the fake Bot API and whichever bot polls it:
 * `/new <description>`, 投诉 → 投诉, skip attachments, confirm. Each step waits for the bot's answer before
 * the next, as a person reads before tapping. A person told the service is briefly unavailable sends the
 * same thing again a moment later; one whose conversation was lost starts over with /new.
 */
import { t } from '../../../src/i18n/index.ts';
import type { FakeTelegramApi, SentMessage, UpdateInput } from '../../support/fake-telegram-api.ts';
import { actionsOf, createUpdateBuilder, textOf } from '../../support/telegram-harness.ts';
import { sleep } from './processes.ts';

export const DESCRIPTION = '我公司人防工程竣工验收申请提交已满一个月，窗口多次要求补交同一份材料，请协调尽快办理。';
export const UNAVAILABLE = t('zh-CN', 'error.unavailable');
const NUMBER = /事项编号：(RF-\d{4}-\d{6})/;
/** A person starts over at most this often, and sends again after "briefly unavailable" at most so often, before giving up. */
const MAX_RESTARTS = 3;
const MAX_POLITE = 30;

/** What became of one person's submission. */
export interface Submission {
  userId: number;
  /** The ticket number the bot replied with: the submission was acknowledged. */
  number?: string;
  startedAt: number;
  ackAt?: number;
  /** Polite "briefly unavailable" replies this person got, and when. */
  unavailable: number[];
  /** Steps that got no answer even after being sent twice. */
  unanswered: number;
  /** Times the person started over (their conversation was lost, or the bot stopped answering). */
  restarts: number;
}

/** One message a person sent and what they read back. */
export interface Exchange {
  userId: number;
  sentAt: number;
  outcome: 'ok' | 'unavailable' | 'other' | 'silence';
  /** When the outcome was known. */
  at: number;
}

interface Step {
  send: (userId: number) => UpdateInput;
  done: (message: SentMessage) => boolean;
}

export interface ChatLoadOptions {
  /** How long a person waits for an answer before sending the same again (ms); they give up on the step after twice that. */
  stepTimeoutMs?: number;
  /** Pause before sending again after "briefly unavailable" (ms). */
  retryPauseMs?: number;
  /** After this moment (epoch ms) a person gives up instead of trying again, and nobody new starts. Read at each decision, so a test may set it once the run is under way. */
  giveUpAt?: number;
}

export interface ChatLoad {
  submit(userId: number): Promise<Submission>;
  /** Everything submitted so far, by user id. */
  readonly results: Map<number, Submission>;
  /** Every step sent, in the order the answers came. */
  readonly exchanges: Exchange[];
  /** What the bot sent a person, one line per message (for failure messages). */
  transcript(userId: number): string;
}

export function createChatLoad(fake: FakeTelegramApi, options: ChatLoadOptions = {}): ChatLoad {
  const build = createUpdateBuilder();
  const stepTimeoutMs = options.stepTimeoutMs ?? 20_000;
  const retryPauseMs = options.retryPauseMs ?? 2_000;
  const results = new Map<number, Submission>();
  const exchanges: Exchange[] = [];
  const sent = (userId: number): SentMessage[] => fake.sent.get(String(userId)) ?? [];
  const carrying = (action: string) => (m: SentMessage) => actionsOf(m).includes(action);
  /** A press on the newest message that carries the button, as a person would press it. */
  const tap = (action: string) => (userId: number) => {
    const message = [...sent(userId)].reverse().find(carrying(action));
    return build.callback(userId, action, message?.messageId ?? 0);
  };
  const steps: Step[] = [
    { send: (u) => build.text(u, `/new ${DESCRIPTION}`), done: carrying('submit:group:complaint') },
    { send: tap('submit:group:complaint'), done: carrying('submit:cat:complaint') },
    { send: tap('submit:cat:complaint'), done: carrying('submit:files-skip') },
    { send: tap('submit:files-skip'), done: carrying('submit:confirm') },
    { send: tap('submit:confirm'), done: (m) => NUMBER.test(textOf(m)) },
  ];

  /**
   * Sends one step and reads the answers: the wanted one, a polite refusal, something else, or nothing.
   * A person who sees nothing for a while sends the same thing once more, and keeps reading what comes.
   */
  const exchange = async (userId: number, step: Step): Promise<{ outcome: Exchange['outcome']; message?: SentMessage }> => {
    const started = Date.now();
    const answer = await read(userId, step, started);
    exchanges.push({ userId, sentAt: started, outcome: answer.outcome, at: Date.now() });
    return answer;
  };

  const read = async (userId: number, step: Step, started: number): Promise<{ outcome: Exchange['outcome']; message?: SentMessage }> => {
    const before = sent(userId).length;
    fake.pushUpdate(step.send(userId));
    let resent = false;
    let otherSince: number | undefined;
    while (Date.now() - started < 2 * stepTimeoutMs) {
      const arrived = sent(userId).slice(before);
      const wanted = arrived.find(step.done);
      if (wanted) return { outcome: 'ok', message: wanted };
      if (arrived.some((m) => textOf(m) === UNAVAILABLE)) return { outcome: 'unavailable' };
      // An answer that is not the one wanted (a stale button after lost state): give the rest a moment.
      if (arrived.length > 0) otherSince ??= Date.now();
      if (otherSince !== undefined && Date.now() - otherSince > 2_000) return { outcome: 'other' };
      if (!resent && Date.now() - started > stepTimeoutMs) {
        resent = true;
        fake.pushUpdate(step.send(userId));
      }
      await sleep(25);
    }
    return { outcome: 'silence' };
  };

  const submit = async (userId: number): Promise<Submission> => {
    const result: Submission = { userId, startedAt: Date.now(), unavailable: [], unanswered: 0, restarts: 0 };
    // Past the end of the run, nobody new starts.
    if (options.giveUpAt !== undefined && Date.now() > options.giveUpAt) return result;
    results.set(userId, result);
    let index = 0;
    while (index < steps.length) {
      const step = steps[index];
      if (!step) break;
      const { outcome, message } = await exchange(userId, step);
      if (outcome === 'ok') {
        if (index === steps.length - 1 && message) {
          result.number = NUMBER.exec(textOf(message))?.[1];
          result.ackAt = Date.now();
        }
        index += 1;
        continue;
      }
      if (outcome === 'unavailable') result.unavailable.push(Date.now());
      if (outcome === 'silence') result.unanswered += 1;
      const late = options.giveUpAt !== undefined && Date.now() > options.giveUpAt;
      if (late || result.restarts >= MAX_RESTARTS || result.unavailable.length >= MAX_POLITE) break;
      if (outcome !== 'unavailable') {
        // Nothing sensible came back: start over, as a person would.
        result.restarts += 1;
        index = 0;
      }
      if (outcome !== 'other') await sleep(retryPauseMs);
    }
    return result;
  };

  const transcript = (userId: number): string =>
    sent(userId)
      .map((m) => `  ${textOf(m).replace(/\s+/g, ' ').slice(0, 60)}${actionsOf(m).length > 0 ? ` [${actionsOf(m).join(' ')}]` : ''}`)
      .join('\n');

  return { submit, results, exchanges, transcript };
}

/** Starts `work` for each item at a steady `perSecond` (people arrive whether or not the bot keeps up), then waits for all. */
export async function openLoop<T>(items: readonly T[], perSecond: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const started = Date.now();
  const running: Promise<unknown>[] = [];
  for (const [i, item] of items.entries()) {
    const wait = started + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await sleep(wait);
    running.push(work(item));
  }
  await Promise.all(running);
}

/** The benchmarks' closed loop: `concurrency` callers, each starting the next item when it finishes. */
export { closedLoop } from '../../../scripts/bench/intake.ts';
