/** Who is writing: the bridge from a platform identity to a contact of an enterprise or an official. */
import { chatAccountKey, type ChatAccountDoc, type ContactDoc, type EnterpriseDoc, type OfficialDoc } from '../db/models/index.ts';
import type { PlatformName } from '../platforms/types.ts';
import type { Lang } from '../i18n/index.ts';
import type { Actor } from '../domain/ticket-state.ts';
import type { TicketServiceContext } from './tickets/create-ticket.ts';

export type Identity =
  | { kind: 'unknown' }
  | { kind: 'contact'; contactId: string; name: string; status: ContactDoc['status']; enterprise: Pick<EnterpriseDoc, 'creditCode' | 'name' | 'ownership' | 'size' | 'region'> }
  | { kind: 'official'; official: Pick<OfficialDoc, 'code' | 'name' | 'unit' | 'roles' | 'level'> };

export interface ResolvedSender {
  identity: Identity;
  /** The language the person chose, if they have an account. */
  lang?: Lang;
}

/** Resolves a sender; inactive officials and contacts whose enterprise vanished count as unknown. */
export async function resolveSender(ctx: Pick<TicketServiceContext, 'db'>, platform: PlatformName, senderId: string): Promise<ResolvedSender> {
  const { ChatAccount, Official, Contact, Enterprise } = ctx.db.models;
  const account = await ChatAccount.findById(chatAccountKey(platform, String(senderId))).lean<ChatAccountDoc>();
  if (!account) return { identity: { kind: 'unknown' } };
  if (account.kind === 'official') {
    const official = await Official.findOne({ code: { $eq: account.ref }, active: true }).lean<OfficialDoc>();
    return { identity: official ? { kind: 'official', official } : { kind: 'unknown' }, lang: account.lang };
  }
  const contact = await Contact.findById(account.ref).lean<ContactDoc & { _id: unknown }>();
  const enterprise = contact ? await Enterprise.findById(contact.enterprise).lean<EnterpriseDoc>() : null;
  if (!contact || !enterprise) return { identity: { kind: 'unknown' }, lang: account.lang };
  return {
    identity: { kind: 'contact', contactId: String(contact._id), name: contact.name, status: contact.status, enterprise },
    lang: account.lang,
  };
}

/** The state machine's view of an identity. Pending contacts act for nobody yet. */
export function actorOf(identity: Identity): Actor | undefined {
  if (identity.kind === 'official') return { kind: 'official', code: identity.official.code, unit: identity.official.unit, roles: identity.official.roles };
  if (identity.kind === 'contact' && identity.status === 'active') return { kind: 'enterprise', enterprise: identity.enterprise.creditCode, contact: identity.contactId };
  return undefined;
}

/**
 * The language a sender's account chose, if the database answers within `withinMs` (else undefined): what
 * an apology for an outage is written in when the usual lookup is what failed, or has not run yet.
 */
export async function accountLanguage(ctx: Pick<TicketServiceContext, 'db'>, platform: PlatformName, senderId: string, withinMs: number): Promise<Lang | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const lookup = ctx.db.models.ChatAccount.findById(chatAccountKey(platform, String(senderId)), { lang: 1 })
    .lean<Pick<ChatAccountDoc, 'lang'>>()
    .then((account) => account?.lang)
    .catch(() => undefined);
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, withinMs, undefined);
  });
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Remembers a language choice (/lang). */
export async function setLanguage(ctx: Pick<TicketServiceContext, 'db'>, platform: PlatformName, senderId: string, lang: Lang): Promise<boolean> {
  const result = await ctx.db.models.ChatAccount.updateOne({ _id: chatAccountKey(platform, String(senderId)) }, { $set: { lang } });
  return result.matchedCount > 0;
}
