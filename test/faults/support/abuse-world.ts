/**
 * The people and tickets the abuse tests talk to and about: chat personas of the demo directory (an unknown
 * person, enterprise contacts, officers, supervisors, the discipline inspector), a driver that sends their
 * messages through the real handler pipeline, and helpers that put tickets into the states a step needs,
 * through the same services the bot and workers use.
 */
import { createFlowRunner, RedisSessionStore, type Session } from '../../../flows/engine/index.ts';
import { allFlows } from '../../../flows/index.ts';
import type { HandlerServices } from '../../../handlers/context.ts';
import { handleMessage } from '../../../handlers/pipeline.ts';
import { creditCodeCheckChar } from '../../../src/domain/credit-code.ts';
import type { Lang } from '../../../src/i18n/index.ts';
import type { Attachment, Button, InboundMessage, OutboundMessage, PlatformName } from '../../../src/platforms/types.ts';
import { createTicket } from '../../../src/services/tickets/create-ticket.ts';
import { accept, requestExtension, resolve } from '../../../src/services/tickets/officer-actions.ts';
import { officialActor } from '../../../src/services/tickets/ticket-directory.ts';
import { loadTicketByNumber, type TicketRecord } from '../../../src/services/tickets/ticket-store.ts';
import { processAssign } from '../../../src/workers/assign.worker.ts';
import type { TestApp } from '../../support/app-context.ts';

export type Role = 'unknown' | 'contact' | 'pending' | 'official' | 'supervisor' | 'inspector';

export interface Persona {
  /** A label for figures and failure messages (`contact-en`). */
  label: string;
  role: Role;
  lang: Lang;
  platform: PlatformName;
  senderId: string;
  /** The platform's language hint (Telegram `language_code`); absent as on WeChat. */
  hint?: string;
  /** An official's code. */
  official?: string;
  /** A contact's enterprise (credit code) and contact id. */
  enterprise?: string;
  contactId?: string;
}

/** The handler services as the bot builds them, on the test's Redis and key prefix, with its own flood limit. */
export function handlerServices(app: TestApp, options: { floodLimit?: number } = {}): HandlerServices & { sessions: RedisSessionStore } {
  const keyPrefix = `${app.prefix}:`;
  const sessions = new RedisSessionStore(app.redisClient, { prefix: keyPrefix });
  const runner = createFlowRunner({ store: sessions, flows: allFlows, clock: app.clock });
  return {
    app,
    redis: app.redisClient,
    runner,
    keyPrefix,
    ...(options.floodLimit ? { floodLimit: options.floodLimit } : {}),
    send: async () => ({ ok: true }),
    sessions,
  };
}

/** Adds a contact with a chat account (as registration and approval would leave them). */
export async function addChatContact(
  app: TestApp,
  input: { label: string; enterprise: string; senderId: string; name: string; phone?: string; lang: Lang; hint?: string; status?: 'active' | 'pending'; platform?: PlatformName },
): Promise<Persona> {
  const platform = input.platform ?? 'telegram';
  const status = input.status ?? 'active';
  const contact = await app.db.models.Contact.create({ enterprise: input.enterprise, name: input.name, phone: input.phone ?? '13800138000', status });
  const contactId = String(contact._id);
  await app.db.models.ChatAccount.create({ platform, userId: input.senderId, chatId: input.senderId, kind: 'contact', ref: contactId, lang: input.lang });
  return {
    label: input.label,
    role: status === 'pending' ? 'pending' : 'contact',
    lang: input.lang,
    platform,
    senderId: input.senderId,
    enterprise: input.enterprise,
    contactId,
    ...(input.hint ? { hint: input.hint } : {}),
  };
}

/** A demo official on Telegram (the directory gives their id), speaking `lang`. */
export async function officialPersona(app: TestApp, input: { label: string; code: string; role: Role; lang: Lang; hint?: string }): Promise<Persona> {
  const official = await app.db.models.Official.findOne({ code: input.code }).lean();
  if (!official?.telegramId) throw new Error(`official ${input.code} has no Telegram id`);
  await app.db.models.ChatAccount.updateOne({ platform: 'telegram', userId: official.telegramId }, { $set: { lang: input.lang } });
  return { label: input.label, role: input.role, lang: input.lang, platform: 'telegram', senderId: official.telegramId, official: input.code, ...(input.hint ? { hint: input.hint } : {}) };
}

/** What one message is: typed text, a button press, attachments, or a replay of an earlier id. */
export interface Input {
  text?: string;
  action?: string;
  attachments?: Attachment[];
  /** A platform message id to reuse (a replay); a fresh one otherwise. */
  messageId?: string;
}

let drivers = 0;

/** Sends personas' messages through `handleMessage` and remembers what each was offered and every id used. */
export function chatDriver(services: HandlerServices) {
  // Message ids unique across drivers too: a repeated id is a replay, which the pipeline drops.
  const driver = (drivers += 1);
  let counter = 0;
  const offered = new Map<string, Button[]>();
  const sent: InboundMessage[] = [];

  function message(persona: Persona, input: Input): InboundMessage {
    const id = input.messageId ?? `${persona.senderId}:${driver}-${(counter += 1)}`;
    return {
      platform: persona.platform,
      chatId: persona.senderId,
      senderId: persona.senderId,
      senderName: persona.label,
      platformMessageId: id,
      text: input.text ?? '',
      attachments: input.attachments ?? [],
      ...(input.action !== undefined ? { callback: { id: `cb-${counter}`, data: input.action } } : {}),
      ...(persona.hint ? { languageHint: persona.hint } : {}),
      receivedAt: new Date(),
      raw: null,
    };
  }

  async function send(persona: Persona, input: Input): Promise<OutboundMessage[]> {
    const inbound = message(persona, input);
    sent.push(inbound);
    const replies = await handleMessage(services, inbound);
    const buttons = replies.flatMap((reply) => (reply.buttons ?? []).flat());
    if (replies.length > 0) offered.set(persona.senderId, buttons);
    return replies;
  }

  return { send, message, offered, sent, resend: (inbound: InboundMessage) => handleMessage(services, inbound) };
}

export type ChatDriver = ReturnType<typeof chatDriver>;

export function sessionKey(persona: Persona) {
  return { platform: persona.platform, senderId: persona.senderId };
}

export async function sessionOf(services: { sessions: RedisSessionStore }, persona: Persona): Promise<Session | undefined> {
  return services.sessions.read(sessionKey(persona));
}

let creditCodes = 0;
/** A valid credit code no demo enterprise has (GB 32100 check character included). */
export function newCreditCode(): string {
  creditCodes += 1;
  const body = `91410100MA${String(creditCodes).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}

// --- Tickets in the states a step needs -------------------------------------------------------------

export const LEGIT_RESULT = '经核查，审批材料已补齐并已办理完毕。';
export const LEGIT_EXTENSION_REASON = '需要补充现场勘查，请求延期。';

async function reload(app: TestApp, number: string): Promise<TicketRecord> {
  const ticket = await loadTicketByNumber(app, number);
  if (!ticket) throw new Error(`ticket ${number} is gone`);
  return ticket;
}

/** An enterprise's submission, routed by the assign worker's processor as in production. */
export async function submittedTicket(app: TestApp, contact: Persona, category: string, text = '人防工程审批材料已提交二十个工作日，仍未收到任何答复，请帮助协调。'): Promise<TicketRecord> {
  if (!contact.enterprise || !contact.contactId) throw new Error(`${contact.label} is not a contact`);
  const ticket = await createTicket(app, {
    enterprise: contact.enterprise,
    contact: contact.contactId,
    replyTo: { platform: contact.platform, chatId: contact.senderId },
    category,
    text,
    attachments: [],
  });
  await processAssign(app, { ticketId: ticket._id });
  return reload(app, ticket.number);
}

/** Accepted by its assignee. */
export async function acceptedTicket(app: TestApp, contact: Persona, category: string): Promise<TicketRecord> {
  const ticket = await submittedTicket(app, contact, category);
  await accept(app, ticket.number, await officialActor(app, ticket.assignee ?? ''));
  return reload(app, ticket.number);
}

/** Resolved by its assignee, waiting for the enterprise's rating. */
export async function resolvedTicket(app: TestApp, contact: Persona, category: string): Promise<TicketRecord> {
  const ticket = await acceptedTicket(app, contact, category);
  await resolve(app, ticket.number, await officialActor(app, ticket.assignee ?? ''), LEGIT_RESULT);
  return reload(app, ticket.number);
}

/** Accepted, with its assignee's extension request waiting for the unit's supervisor. */
export async function extensionPendingTicket(app: TestApp, contact: Persona, category: string): Promise<TicketRecord> {
  const ticket = await acceptedTicket(app, contact, category);
  await requestExtension(app, ticket.number, await officialActor(app, ticket.assignee ?? ''), 3, LEGIT_EXTENSION_REASON);
  return reload(app, ticket.number);
}
