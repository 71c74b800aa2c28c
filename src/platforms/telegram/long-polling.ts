/**
 * Long polling that never loses an update: the offset moves past an update only once it was handled.
 *
 * telegraf's own polling (`bot.launch()`) advances its offset when a batch arrives, so when a handler throws
 * the update is already confirmed to Telegram and polling ends with it. Here a failed update is asked for
 * again (getUpdates from its id, which confirms only what came before it) after a growing pause, until it is
 * handled; the loop ends only on `stop()` or on a 401/409, which no retry can mend.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError, type Telegram, type Types } from 'telegraf';
import type { Update } from 'telegraf/types';

/** The pino-compatible subset the loop logs through. */
export interface PollingLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Pauses after a failure: `initialMs`, doubling per consecutive failure, at most `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

/** Options for {@link startLongPolling}. */
export interface LongPollingOptions {
  telegram: Telegram;
  /** Handles one update; a rejection leaves the update unconfirmed, to be retried. */
  handle(update: Update): Promise<void>;
  /**
   * Told of the updates held back behind one that failed (each is handled later, in order), so that their
   * senders can be told why they wait: those of its batch at once, and, while it stays unhandled (failing
   * again, paused, or slow to answer), those that arrived since, looked up every `waitingCheckMs`. The same
   * update may be told of more than once. Not awaited by the loop; a failure is only logged.
   */
  onWaiting?(updates: readonly Update[]): Promise<void>;
  /** How often the updates behind a failing one are looked up (default 2 s). */
  waitingCheckMs?: number;
  allowedUpdates: readonly Types.UpdateType[];
  logger: PollingLogger;
  /** Seconds Telegram holds a getUpdates open when nothing is pending (default 50, like telegraf). */
  timeoutSeconds?: number;
  /** Updates per getUpdates (1–100, default 100). */
  limit?: number;
  backoff?: Backoff;
  /** Called once when polling ends on its own: a 401 (token revoked) or 409 (another poller or a webhook). */
  onFatal?(error: unknown): void;
}

/** A running loop; see {@link startLongPolling}. */
export interface LongPolling {
  /** Ends the loop: aborts the pending getUpdates or pause, waits for the update in hand, confirms what was handled. */
  stop(): Promise<void>;
  /** Settles when the loop has ended (after `stop()` or a fatal error); never rejects. */
  readonly done: Promise<void>;
}

/** The pause before attempt `failures + 1`: 1 s, 2 s, 4 s … capped. */
export function backoffDelay(backoff: Backoff, failures: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
}

/** 401: the token is wrong or revoked; 409: a webhook is set or another process polls the same bot. */
function isFatal(error: unknown): boolean {
  return error instanceof TelegramError && (error.code === 401 || error.code === 409);
}

/** Telegram's `retry_after` (a 429), in ms. */
function retryAfterMs(error: unknown): number | undefined {
  const seconds = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
  return seconds !== undefined ? seconds * 1000 : undefined;
}

/**
 * Starts polling at once (the webhook must already be deleted). Updates are handled one at a time, in order.
 * Nothing is ever given up: a failing update holds the ones behind it until it succeeds or the loop stops,
 * and is delivered again on the next start.
 */
export function startLongPolling(options: LongPollingOptions): LongPolling {
  const { telegram, logger } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const abort = new AbortController();
  let offset = 0;
  let fatal = false;
  /** The id of the update at the head that failed and is not handled yet. */
  let failingHead: number | undefined;
  /** Set while the loop's own getUpdates runs: Telegram answers 409 to two at once. */
  let fetching = false;
  let peeking: Promise<void> | undefined;

  const getUpdates = (): Promise<Update[]> =>
    telegram.callApi(
      'getUpdates',
      { timeout: options.timeoutSeconds ?? 50, limit: options.limit ?? 100, offset, allowed_updates: [...options.allowedUpdates] },
      // telegraf types the signal as its abort-controller polyfill's; node-fetch takes the native one alike.
      { signal: abort.signal as unknown as NonNullable<Parameters<Telegram['callApi']>[2]>['signal'] },
    );

  /** Resolves after `ms`, or at once when the loop is stopped. */
  const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined);

  /**
   * Handles a batch in order. At the first failure it pauses and returns: the offset still points at the failed
   * update, so the next getUpdates delivers it again (and confirms only what came before it).
   */
  const tellWaiting = (waiting: readonly Update[]): void => {
    if (waiting.length === 0 || !options.onWaiting) return;
    options.onWaiting(waiting).catch((failure: unknown) => logger.warn({ err: failure, updates: waiting.length }, 'telegram: could not tell the waiting senders'));
  };

  /**
   * Looks at what arrived behind the failing head without handling it: getUpdates from the head's id
   * confirms only what was handled before it, and runs only while the loop's own getUpdates does not.
   */
  const peekBehindFailingHead = (): void => {
    if (failingHead === undefined || fetching || peeking !== undefined || abort.signal.aborted) return;
    const head = failingHead;
    peeking = telegram
      .callApi('getUpdates', { offset: head, limit: options.limit ?? 100, timeout: 0, allowed_updates: [...options.allowedUpdates] })
      .then((updates) => tellWaiting(updates.filter((update) => update.update_id > head)))
      .catch((error: unknown) => logger.warn({ err: error }, 'telegram: could not look at the waiting updates'))
      .finally(() => {
        peeking = undefined;
      });
  };
  const waitingTimer = options.onWaiting ? setInterval(peekBehindFailingHead, options.waitingCheckMs ?? 2000) : undefined;
  waitingTimer?.unref();

  const handleBatch = async (updates: Update[], failures: { count: number }): Promise<void> => {
    for (const [index, update] of updates.entries()) {
      try {
        await options.handle(update);
      } catch (error) {
        failures.count += 1;
        failingHead = update.update_id;
        const delayMs = backoffDelay(backoff, failures.count);
        logger.warn({ err: error, updateId: update.update_id, attempt: failures.count, retryInMs: delayMs }, 'telegram: update not handled; it will be delivered again');
        tellWaiting(updates.slice(index + 1));
        await pause(delayMs);
        return;
      }
      failures.count = 0;
      failingHead = undefined;
      offset = update.update_id + 1;
      if (abort.signal.aborted) return;
    }
  };

  const loop = async (): Promise<void> => {
    const handlerFailures = { count: 0 };
    let fetchFailures = 0;
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        fetching = true;
        await peeking;
        updates = await getUpdates();
        fetchFailures = 0;
      } catch (error) {
        if (abort.signal.aborted) break;
        if (isFatal(error)) {
          fatal = true;
          throw error;
        }
        fetchFailures += 1;
        const delayMs = retryAfterMs(error) ?? backoffDelay(backoff, fetchFailures);
        logger.warn({ err: error, attempt: fetchFailures, retryInMs: delayMs }, 'telegram: getUpdates failed; retrying');
        await pause(delayMs);
        continue;
      } finally {
        fetching = false;
      }
      await handleBatch(updates, handlerFailures);
    }
  };

  /** Confirms what was handled since the last getUpdates, so a restart does not see it again. */
  const confirmHandled = async (): Promise<void> => {
    if (fatal) return;
    try {
      await telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 });
    } catch (error) {
      // Harmless: the next start receives those updates again, and the pipeline's dedupe drops them.
      logger.warn({ err: error, offset }, 'telegram: could not confirm the last handled updates');
    }
  };

  const done = loop()
    .catch((error: unknown) => {
      logger.error({ err: error }, 'telegram: polling ended with an error');
      options.onFatal?.(error);
    })
    .finally(async () => {
      abort.abort();
      clearInterval(waitingTimer);
      await peeking;
      return confirmHandled();
    });

  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
