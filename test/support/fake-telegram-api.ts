import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'telegraf/types';

/**
 * A local stand-in for the Telegram Bot API, speaking telegraf's URL layout `${apiRoot}/bot${token}/${method}`.
 * Tests push updates into a queue served by `getUpdates` (long poll), inspect every call, script failures, and
 * can switch on Telegram-like flood limits for benchmarks.
 */

/** An update as a test writes it: the fake assigns `update_id`. */
export type UpdateInput = Update extends infer U ? (U extends Update ? Omit<U, 'update_id'> : never) : never;

/** A Bot API error body (`ok: false`). */
export interface FakeApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** One request as the fake saw it. `params` merges query, JSON and multipart fields (JSON fields parsed). */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** Uploaded files by field name (multipart only). */
  files: Record<string, { fileName: string; size: number }>;
  /** What the fake answered: `ok`, the error code, or `reset` (the connection was destroyed unanswered). */
  outcome: 'ok' | number | 'reset';
  at: number;
}

/** A message the fake accepted from the bot. */
export interface SentMessage {
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  messageId: number;
  text?: string;
  caption?: string;
  replyMarkup?: unknown;
  file?: { fileName: string; size: number };
}

/**
 * A failure of every send for a while: `flood` answers 429 with `retry_after` seconds (a flood-wait storm);
 * `reset` destroys the connection without answering (the network dropped the request).
 */
export type SendFailure = { kind: 'flood'; retryAfter: number } | { kind: 'reset' };

/** Options for {@link startFakeTelegramApi}. */
export interface FakeTelegramApiOptions {
  token?: string;
  botUsername?: string;
  /** Flood limits over a sliding 1 s window on the send methods; beyond them the fake answers 429. */
  limits?: { perSecond?: number; perChatPerSecond?: number };
}

/** The running fake; see {@link startFakeTelegramApi}. */
export interface FakeTelegramApi {
  readonly token: string;
  /** Pass as telegraf's `apiRoot`. */
  readonly apiRoot: string;
  readonly calls: RecordedCall[];
  /** Accepted messages per chat id (as a string). */
  readonly sent: Map<string, SentMessage[]>;
  /** Queues an update for `getUpdates`; returns its `update_id`. */
  pushUpdate(update: UpdateInput): number;
  /** The next call to `method` fails with `error` (queued: call repeatedly for several failures). */
  failNext(method: string, error: FakeApiError): void;
  /**
   * For the next `ms`, every send (sendMessage, sendPhoto, sendDocument) fails as `failure` says and nothing
   * is accepted; other methods (getUpdates, answerCallbackQuery…) are served as usual. Resolves when the window
   * ends. A later call replaces the window.
   */
  failSendsFor(ms: number, failure: SendFailure): Promise<void>;
  callsTo(method: string): RecordedCall[];
  /** Resolves once `method` has been called `count` times in total. */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

const SEND_METHODS = new Set(['sendmessage', 'sendphoto', 'senddocument']);

interface Waiter {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/** Starts the fake on 127.0.0.1, on a free port. */
export async function startFakeTelegramApi(options: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? '123456:TEST-token';
  const botUsername = options.botUsername ?? 'qinqing_test_bot';
  const calls: RecordedCall[] = [];
  const sent = new Map<string, SentMessage[]>();
  const failures = new Map<string, FakeApiError[]>();
  const callListeners = new Set<() => void>();
  let updates: Update[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let waiters: Waiter[] = [];
  let webhookUrl = '';
  const sendTimes: number[] = [];
  const chatSendTimes = new Map<string, number[]>();
  let sendFailure: { until: number; failure: SendFailure } | undefined;

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const pending = (offset: number, limit: number): Update[] => updates.filter((u) => u.update_id >= offset).slice(0, limit);
  const confirm = (offset: number): void => {
    // Like Telegram: asking with an offset confirms every update below it, and they are forgotten.
    if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
  };

  /** A 429 with the seconds until the oldest send in the window leaves it, or null when within limits. */
  const overLimit = (chatId: string, now: number): FakeApiError | null => {
    const windowStart = now - 1000;
    const prune = (times: number[]): void => {
      while (times.length > 0 && (times[0] ?? now) <= windowStart) times.shift();
    };
    const chatTimes = chatSendTimes.get(chatId) ?? [];
    chatSendTimes.set(chatId, chatTimes);
    prune(sendTimes);
    prune(chatTimes);
    const check = (times: number[], max: number | undefined): FakeApiError | null => {
      if (max === undefined || times.length < max) return null;
      const retryAfter = Math.max(1, Math.ceil(((times[0] ?? now) + 1000 - now) / 1000));
      return { error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
    };
    const limited = check(sendTimes, options.limits?.perSecond) ?? check(chatTimes, options.limits?.perChatPerSecond);
    if (limited === null) {
      sendTimes.push(now);
      chatTimes.push(now);
    }
    return limited;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (match === null) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, givenToken = '', method = ''] = match;
    const { params, files } = parseParams(url, req.headers['content-type'] ?? '', body);
    const call: RecordedCall = { method, params, files, outcome: 'ok', at: Date.now() };
    calls.push(call);
    const fail = (error: FakeApiError): void => {
      call.outcome = error.error_code;
      reply(res, error.error_code, { ok: false, ...error });
    };
    const ok = (result: unknown): void => reply(res, 200, { ok: true, result });
    try {
      if (givenToken !== token) return fail({ error_code: 401, description: 'Unauthorized' });
      const scripted = failures.get(method.toLowerCase())?.shift();
      if (scripted !== undefined) return fail(scripted);
      const chatId = String(params.chat_id ?? '');
      const lower = method.toLowerCase();
      if (SEND_METHODS.has(lower) && sendFailure !== undefined && call.at < sendFailure.until) {
        const { failure } = sendFailure;
        if (failure.kind === 'reset') {
          call.outcome = 'reset';
          req.socket.destroy();
          return;
        }
        return fail({ error_code: 429, description: `Too Many Requests: retry after ${failure.retryAfter}`, parameters: { retry_after: failure.retryAfter } });
      }
      if (SEND_METHODS.has(lower)) {
        const limited = overLimit(chatId, call.at);
        if (limited !== null) return fail(limited);
      }
      switch (lower) {
        case 'getme':
          return ok({ id: Number(token.split(':')[0]), is_bot: true, first_name: 'Qinqing Test', username: botUsername });
        case 'getupdates': {
          if (webhookUrl !== '') return fail({ error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
          const offset = Number(params.offset ?? 0);
          const limit = Number(params.limit ?? 100);
          const timeout = Number(params.timeout ?? 0);
          confirm(offset);
          const ready = pending(offset, limit);
          if (ready.length > 0 || timeout <= 0) return ok(ready);
          const waiter: Waiter = { offset, limit, res, timer: setTimeout(() => release(waiter), timeout * 1000) };
          waiters.push(waiter);
          // telegraf aborts the request on stop(): forget the waiter so no timer outlives the client.
          res.on('close', () => {
            clearTimeout(waiter.timer);
            waiters = waiters.filter((w) => w !== waiter);
          });
          return;
        }
        case 'setwebhook':
          webhookUrl = String(params.url ?? '');
          if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') updates = [];
          return ok(true);
        case 'deletewebhook':
          webhookUrl = '';
          if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') updates = [];
          return ok(true);
        case 'getwebhookinfo':
          return ok({ url: webhookUrl, has_custom_certificate: false, pending_update_count: webhookUrl === '' ? 0 : updates.length });
        case 'setmycommands':
        case 'answercallbackquery':
        case 'deletemycommands':
          return ok(true);
        case 'sendmessage':
        case 'sendphoto':
        case 'senddocument':
          return ok(recordSend(method, chatId, params, files));
        case 'editmessagereplymarkup':
          return ok({ message_id: Number(params.message_id ?? 0), date: nowSeconds(), chat: chatOf(chatId), reply_markup: params.reply_markup });
        default:
          return fail({ error_code: 404, description: 'Not Found: method not found' });
      }
    } finally {
      for (const listener of callListeners) listener();
    }
  };

  const recordSend = (method: string, chatId: string, params: Record<string, unknown>, files: RecordedCall['files']): unknown => {
    const messageId = nextMessageId++;
    const file = files.photo ?? files.document;
    const entry: SentMessage = {
      method: method as SentMessage['method'],
      messageId,
      ...(typeof params.text === 'string' ? { text: params.text } : {}),
      ...(typeof params.caption === 'string' ? { caption: params.caption } : {}),
      ...(params.reply_markup !== undefined ? { replyMarkup: params.reply_markup } : {}),
      ...(file !== undefined ? { file } : {}),
    };
    sent.set(chatId, [...(sent.get(chatId) ?? []), entry]);
    const base = { message_id: messageId, date: nowSeconds(), chat: chatOf(chatId), from: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Qinqing Test' } };
    const markup = params.reply_markup !== undefined ? { reply_markup: params.reply_markup } : {};
    if (method.toLowerCase() === 'sendphoto') {
      const photo = [{ file_id: `photo-${messageId}`, file_unique_id: `u-photo-${messageId}`, width: 320, height: 240, file_size: file?.size ?? 0 }];
      return { ...base, ...markup, photo, ...(entry.caption !== undefined ? { caption: entry.caption } : {}) };
    }
    if (method.toLowerCase() === 'senddocument') {
      const document = { file_id: `doc-${messageId}`, file_unique_id: `u-doc-${messageId}`, file_name: file?.fileName, file_size: file?.size ?? 0 };
      return { ...base, ...markup, document, ...(entry.caption !== undefined ? { caption: entry.caption } : {}) };
    }
    return { ...base, ...markup, text: entry.text ?? '' };
  };

  const release = (waiter: Waiter): void => {
    clearTimeout(waiter.timer);
    waiters = waiters.filter((w) => w !== waiter);
    reply(waiter.res, 200, { ok: true, result: pending(waiter.offset, waiter.limit) });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { ok: false, error_code: 500, description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    token,
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    sent,
    pushUpdate(update) {
      const full = { ...update, update_id: nextUpdateId++ } as Update;
      updates.push(full);
      for (const waiter of [...waiters]) release(waiter);
      return full.update_id;
    },
    failNext(method, error) {
      const key = method.toLowerCase();
      failures.set(key, [...(failures.get(key) ?? []), error]);
    },
    failSendsFor(ms, failure) {
      sendFailure = { until: Date.now() + ms, failure };
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    callsTo(method) {
      return calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
    },
    waitForCalls(method, count = 1, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const matching = calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
          if (matching.length < count) return;
          clearTimeout(timer);
          callListeners.delete(check);
          resolve(matching);
        };
        const timer = setTimeout(() => {
          callListeners.delete(check);
          reject(new Error(`fake Telegram: ${method} was not called ${count} time(s) within ${timeoutMs} ms`));
        }, timeoutMs);
        callListeners.add(check);
        check();
      });
    },
    async close() {
      for (const waiter of [...waiters]) release(waiter);
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from the client's agent would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function chatOf(chatId: string): { id: number; type: 'private'; first_name: string } {
  return { id: Number(chatId), type: 'private', first_name: 'Test' };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseParams(url: URL, contentType: string, body: Buffer): Pick<RecordedCall, 'params' | 'files'> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: RecordedCall['files'] = {};
  if (contentType.startsWith('application/json') && body.length > 0) {
    Object.assign(params, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } else if (contentType.startsWith('multipart/form-data')) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
    if (boundary !== undefined) {
      for (const part of parseMultipart(body, boundary)) {
        if (part.fileName !== undefined) files[part.name] = { fileName: part.fileName, size: part.body.length };
        else params[part.name] = parseJsonField(part.body.toString('utf8'));
      }
    }
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  return { params, files };
}

/** Multipart sends everything as text; reply_markup and friends are JSON, so decode what looks like it. */
function parseJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

interface Part {
  name: string;
  fileName?: string;
  body: Buffer;
}

/** Just enough multipart/form-data for telegraf's uploads: split on the boundary, read Content-Disposition. */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    // Between delimiters: CRLF, headers, CRLF CRLF, body, CRLF.
    const raw = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = raw.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
      const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
      if (name !== undefined) parts.push({ name, body: raw.subarray(headerEnd + 4), ...(fileName !== undefined ? { fileName } : {}) });
    }
    start = next;
  }
  return parts;
}
