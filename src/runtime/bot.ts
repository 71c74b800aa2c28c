/** The bot role: adapters in, the handler pipeline through, replies and notices out. */
import type { Redis } from 'ioredis';
import { createFlowRunner, RedisSessionStore } from '../../flows/engine/index.ts';
import { allFlows } from '../../flows/index.ts';
import type { HandlerServices } from '../../handlers/context.ts';
import { APOLOGY_LOOKUP_MS, handleMessage, ServiceUnavailableError } from '../../handlers/pipeline.ts';
import { langFromHint, t } from '../i18n/index.ts';
import { accountLanguage } from '../services/identity.ts';
import type { InboundMessage, OutboundMessage, PlatformAdapter, PlatformName, SendResult } from '../platforms/types.ts';
import type { TicketServiceContext } from '../services/tickets/create-ticket.ts';
import type { Channels } from '../workers/notify.worker.ts';

export interface Bot {
  channels: Channels;
  services: HandlerServices;
  /** The adapters' inbound handler: exported for the playground and tests. */
  onMessage(message: InboundMessage): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires adapters to the pipeline. Replies go back in order through the adapter the message came from;
 * a reply that fails to send is logged (the person can ask again), while the ticket notices that matter
 * travel through the notify queue with retries.
 */
export function createBot(app: TicketServiceContext & { redis: Redis }, adapters: PlatformAdapter[], options: { keyPrefix: string; floodLimit?: number }): Bot {
  const byPlatform = new Map<PlatformName, PlatformAdapter>(adapters.map((a) => [a.platform, a]));
  const send = (platform: PlatformName, chatId: string, message: OutboundMessage): Promise<SendResult> | undefined =>
    byPlatform.get(platform)?.send(chatId, message);
  const runner = createFlowRunner({ store: new RedisSessionStore(app.redis, { prefix: options.keyPrefix }), flows: allFlows, clock: app.clock });
  const services: HandlerServices = {
    app,
    redis: app.redis,
    runner,
    keyPrefix: options.keyPrefix,
    ...(options.floodLimit ? { floodLimit: options.floodLimit } : {}),
    send: async (platform, chatId, message) => send(platform, chatId, message),
  };

  async function deliver(message: InboundMessage, replies: OutboundMessage[]): Promise<void> {
    const adapter = byPlatform.get(message.platform);
    if (!adapter) return;
    for (const reply of replies) {
      const result = await adapter.send(message.chatId, reply);
      if (!result.ok) app.logger.warn({ platform: message.platform, chat: message.chatId, reason: result.reason }, 'reply not delivered');
    }
  }

  const apologies = onceEach(10 * 60_000);
  /** Set while messages fail for an outage, cleared by the next one handled. */
  let outage = false;

  async function onMessage(message: InboundMessage): Promise<void> {
    const adapter = byPlatform.get(message.platform);
    if (message.callback?.id && adapter?.answerCallback) await adapter.answerCallback(message.callback.id).catch(() => undefined);
    let replies: OutboundMessage[];
    try {
      replies = await handleMessage(services, message);
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        outage = true;
        // Tell the person (once per message, however often it is redelivered during the outage), then fail
        // the update so the platform delivers it again.
        if (apologies.first(message)) await deliver(message, [...error.replies]).catch(() => undefined);
      }
      throw error;
    }
    outage = false;
    await deliver(message, replies);
  }

  /** A message held back behind one failing for an outage: its sender is told why they wait, once. */
  async function onWaiting(message: InboundMessage): Promise<void> {
    if (!outage || !apologies.first(message)) return;
    const lang = (await accountLanguage(app, message.platform, message.senderId, APOLOGY_LOOKUP_MS)) ?? langFromHint(message.languageHint);
    await deliver(message, [{ text: t(lang, 'error.unavailable') }]);
  }

  return {
    channels: { send, running: (platform) => byPlatform.has(platform), ready: (platform) => byPlatform.get(platform)?.ready?.() ?? true },
    services,
    onMessage,
    start: async () => {
      for (const adapter of adapters) await adapter.start(onMessage, onWaiting);
    },
    stop: async () => {
      for (const adapter of adapters) await adapter.stop();
    },
  };
}

/**
 * Remembers which messages were told "briefly unavailable" in the last `ttlMs` (in memory: a restart may
 * say it once more). `first` is true the first time a message is seen.
 */
function onceEach(ttlMs: number, max = 10_000): { first(message: InboundMessage): boolean } {
  const seen = new Map<string, number>();
  return {
    first(message) {
      const now = Date.now();
      const key = `${message.platform}:${message.platformMessageId}`;
      const at = seen.get(key);
      if (at !== undefined && now - at < ttlMs) return false;
      seen.set(key, now);
      // Maps iterate in insertion order: the oldest go first.
      for (const [old, when] of seen) {
        if (seen.size <= max && now - when < ttlMs) break;
        seen.delete(old);
      }
      return true;
    },
  };
}
