/**
 * The path of every inbound message: error boundary → dedupe → flood limit → identity → held notices →
 * router. Replies are collected on the context and sent by the caller in order.
 */
import { DomainError } from '../src/domain/errors.ts';
import { isMessageKey, langFromHint, t } from '../src/i18n/index.ts';
import type { InboundMessage, OutboundMessage } from '../src/platforms/types.ts';
import { accountLanguage, resolveSender } from '../src/services/identity.ts';
import { redeliverHeldNotices } from '../src/services/notices/held-notices.ts';
import { compose, type HandlerServices, type MessageContext, type Middleware } from './context.ts';
import { route } from './router.ts';

/** Raised after the user was told the service is briefly unavailable: the platform should redeliver. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    message: string,
    /** What the person was told; the caller sends it before failing the update. */
    readonly replies: readonly OutboundMessage[],
  ) {
    super(message);
  }
}

// LockTimeoutError: a lock held too long means servers too slow to answer now; a retry later succeeds.
const INFRASTRUCTURE = /^(Mongo(Network|ServerSelection|NotConnected|Topology|PoolCleared)\w*|DatabaseUnavailableError|RedisUnavailableError|MaxRetriesPerRequestError|LockTimeoutError)$/;

/** A failure of MongoDB or Redis rather than of the request: worth a retry, not an apology for a bug. */
export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // A server shutting down gracefully ends sockets under the driver: raw EPIPE / ECONNRESET errors.
  if (code === 'EPIPE' || code === 'ECONNRESET') return true;
  return INFRASTRUCTURE.test(error.name) || /ECONNREFUSED|ECONNRESET|EPIPE|Connection is closed|connection .* closed|Stream isn't writeable|socket has been ended/i.test(error.message);
}

const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

/** How long an apology waits for the sender's language before it goes in the platform's hint. */
export const APOLOGY_LOOKUP_MS = 500;

function dedupeKey(ctx: MessageContext): string {
  return `${ctx.services.keyPrefix}seen:${ctx.message.platform}:${ctx.message.platformMessageId}`;
}

/** Turns any failure into a polite reply in the user's language, and a log line with the context. */
const errorBoundary: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const log = ctx.services.app.logger;
    const where = { platform: ctx.message.platform, chat: ctx.message.chatId, message: ctx.message.platformMessageId };
    if (error instanceof DomainError) {
      const key = `error.${error.code}`;
      ctx.reply(isMessageKey(key) ? t(ctx.lang, key, error.params) : t(ctx.lang, 'error.internal'));
      log.info({ ...where, code: error.code }, 'request refused');
      return;
    }
    if (isInfrastructureError(error)) {
      // Failed before the sender was looked up (Redis down): their chosen language, if the database answers at once.
      const lang = ctx.identified ? ctx.lang : ((await accountLanguage(ctx.services.app, ctx.message.platform, ctx.message.senderId, APOLOGY_LOOKUP_MS)) ?? ctx.lang);
      ctx.reply(t(lang, 'error.unavailable'));
      log.warn({ ...where, err: (error as Error).message }, 'service unavailable; asking for redelivery');
      // Forget the message so the platform's redelivery (or the user's resend) is processed, not dropped.
      // Not awaited: with Redis down the client's retries would hold the apology back for seconds.
      void ctx.services.redis.del(dedupeKey(ctx)).catch(() => undefined);
      throw new ServiceUnavailableError((error as Error).message, ctx.replies);
    }
    log.error({ ...where, err: error instanceof Error ? error.stack : String(error) }, 'handler failed');
    ctx.reply(t(ctx.lang, 'error.internal'));
  }
};

/** A platform message id seen before (a webhook retry, a reconnect) is dropped. */
const dedupe: Middleware = async (ctx, next) => {
  const fresh = await ctx.services.redis.set(dedupeKey(ctx), '1', 'EX', DEDUPE_TTL_SECONDS, 'NX');
  if (fresh === 'OK') await next();
};

/** One sender cannot starve the others: past the limit per minute, one polite notice, then silence. */
const floodLimit: Middleware = async (ctx, next) => {
  const limit = ctx.services.floodLimit ?? 20;
  const minute = Math.floor(Date.now() / 60_000);
  const key = `${ctx.services.keyPrefix}flood:${ctx.message.platform}:${ctx.message.senderId}:${minute}`;
  const count = await ctx.services.redis.incr(key);
  if (count === 1) await ctx.services.redis.expire(key, 120);
  if (count <= limit) return next();
  if (count === limit + 1) ctx.reply(t(ctx.lang, 'bot.flood'));
};

/** Far above any form's limit (a submission is at most 5,000 characters), far below what would stall the bot. */
export const MAX_INBOUND_TEXT = 20_000;

/** A text no flow could use gets a polite refusal before the flows measure it (which would stall everyone). */
const boundText: Middleware = async (ctx, next) => {
  if ((ctx.message.text?.length ?? 0) > MAX_INBOUND_TEXT) {
    ctx.reply(t(ctx.lang, 'error.text.too-long', { max: MAX_INBOUND_TEXT }));
    return;
  }
  await next();
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Well-formed text: a lone surrogate would be stored as U+FFFD but hashed as an escape, breaking the history chain. */
function wellFormed(message: InboundMessage): InboundMessage {
  return message.text === undefined ? message : { ...message, text: message.text.replace(LONE_SURROGATE, '\uFFFD') };
}

const identify: Middleware = async (ctx, next) => {
  const resolved = await resolveSender(ctx.services.app, ctx.message.platform, ctx.message.senderId);
  ctx.identity = resolved.identity;
  ctx.lang = resolved.lang ?? ctx.lang;
  ctx.identified = true;
  await next();
};

/** A person who writes is reachable again (WeChat Official Accounts: for 48 hours): send what was held. */
const deliverHeld: Middleware = async (ctx, next) => {
  await redeliverHeldNotices(ctx.services.app, ctx.message.platform, ctx.message.chatId);
  await next();
};

// Identity before the flood limit: its notice is in the language the person chose (an _id read each).
const pipeline = compose([errorBoundary, dedupe, identify, floodLimit, boundText, deliverHeld, route]);

/** Handles one message; returns the replies to send, in order. */
export async function handleMessage(services: HandlerServices, message: InboundMessage): Promise<OutboundMessage[]> {
  const replies: OutboundMessage[] = [];
  const ctx: MessageContext = {
    message: wellFormed(message),
    services,
    lang: langFromHint(message.languageHint),
    identity: { kind: 'unknown' },
    replies,
    reply: (reply) => void replies.push(typeof reply === 'string' ? { text: reply } : reply),
  };
  await pipeline(ctx, async () => undefined);
  return replies;
}
