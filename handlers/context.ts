/** The per-message context the handler pipeline passes along, and the pipeline's shape. */
import type { Redis } from 'ioredis';
import type { FlowRunner } from '../flows/engine/index.ts';
import type { Lang } from '../src/i18n/index.ts';
import type { InboundMessage, OutboundMessage, PlatformName } from '../src/platforms/types.ts';
import type { Identity } from '../src/services/identity.ts';
import type { TicketServiceContext } from '../src/services/tickets/create-ticket.ts';

/** What the handlers run on: the services' context, Redis for dedupe and limits, the flow runner. */
export interface HandlerServices {
  app: TicketServiceContext;
  redis: Redis;
  runner: FlowRunner;
  /** Key prefix for dedupe, flood counters and flow sessions (a test isolates itself with its own). */
  keyPrefix: string;
  /** Messages per sender per minute before the flood notice (default 20). */
  floodLimit?: number;
  /** Sends to a chat other than the sender's (a refused join request's farewell). */
  send(platform: PlatformName, chatId: string, message: OutboundMessage): Promise<unknown>;
}

export interface MessageContext {
  readonly message: InboundMessage;
  readonly services: HandlerServices;
  lang: Lang;
  identity: Identity;
  /** Whether `identity` and `lang` come from the database (else: unknown, and the platform's language hint). */
  identified?: boolean;
  readonly replies: OutboundMessage[];
  reply(message: OutboundMessage | string): void;
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: MessageContext, next: Next) => Promise<void>;

/** Composes middleware into one; calling `next` twice is a bug and throws (as grammY's does). */
export function compose(middleware: readonly Middleware[]): Middleware {
  return (ctx, last) => {
    const run = (i: number): Promise<void> => {
      const current = middleware[i];
      if (!current) return last();
      let called = false;
      return current(ctx, () => {
        if (called) throw new Error('next() called twice');
        called = true;
        return run(i + 1);
      });
    };
    return run(0);
  };
}
