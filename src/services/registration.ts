/**
 * 企业登记: a sender becomes a contact of an enterprise. A new enterprise's first contact is active at once;
 * anyone joining an enterprise that already has an active contact waits until one of them approves, so no
 * one can speak for a company by merely knowing its (public) credit code.
 */
import { isDuplicateKey } from '../db/duplicate-key.ts';
import mongoose from 'mongoose';
import { chatAccountKey, type ChatAccountDoc, type ContactDoc, type EnterpriseDoc } from '../db/models/index.ts';
import { checkCreditCode } from '../domain/credit-code.ts';
import { DomainError } from '../domain/errors.ts';
import { both, t, type MessageKey, type ParamValue } from '../i18n/index.ts';
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import { noticeJob, type NoticeButton } from '../queue/notice.ts';
import { queueNotices } from './notices/notice-queue.ts';
import { maskPhone } from '../shared/logger.ts';
import type { Identity } from './identity.ts';
import type { TicketServiceContext } from './tickets/create-ticket.ts';
import { contactIdSchema, parseRegistration, type Registration, type RegistrationInput } from './registration.schema.ts';

export type { RegistrationInput } from './registration.schema.ts';

/** What registration needs of the services' context. */
export type RegistrationContext = Pick<TicketServiceContext, 'db' | 'queues' | 'logger' | 'clock'>;

/** An enterprise as registration reports it. */
export interface RegisteredEnterprise {
  creditCode: string;
  name: string;
}

/** `approvers`: the active contacts asked to approve the new one (each was sent a notice). */
export type RegistrationResult =
  | { status: 'active'; contactId: string; enterprise: RegisteredEnterprise }
  | { status: 'pending-approval'; contactId: string; enterprise: RegisteredEnterprise; approvers: string[] };

/** A decision on a request to join. `farewell`: see `decideJoin`. */
export type JoinDecision =
  | { decision: 'approved'; contactId: string; name: string; enterprise: RegisteredEnterprise }
  | {
      decision: 'refused';
      contactId: string;
      name: string;
      enterprise: RegisteredEnterprise;
      farewell?: { platform: PlatformName; chatId: string; message: OutboundMessage };
    };

type ContactRecord = ContactDoc & { _id: mongoose.Types.ObjectId };

/** The stored enterprise with this credit code (any accepted spelling), for the flow to skip what is known. */
export async function lookupEnterprise(app: Pick<RegistrationContext, 'db'>, creditCode: string): Promise<RegisteredEnterprise | undefined> {
  const checked = checkCreditCode(creditCode);
  if (!checked.ok) return undefined;
  const stored = await app.db.models.Enterprise.findOne({ creditCode: { $eq: checked.code } }).lean<EnterpriseDoc>();
  return stored ? { creditCode: stored.creditCode, name: stored.name } : undefined;
}

/**
 * Registers the sender as a contact. Creates the enterprise if its credit code is new (a known one keeps
 * its stored data), the contact, and the sender's chat account. The contact is active when the enterprise
 * has no active contact yet; otherwise it is pending and each active contact is sent a notice with
 * approve/refuse buttons (`j:yes:<id>` / `j:no:<id>`).
 *
 * Idempotent: a retried call (same sender, same credit code) returns the same result and creates nothing
 * twice, and finishes what a crashed call left undone. Throws `DomainError`: `registration.already-registered`
 * (the sender is an official, or a contact of another enterprise), `registration.enterprise-incomplete`,
 * and the validation codes of `parseRegistration`.
 */
export async function registerEnterprise(app: RegistrationContext, input: RegistrationInput): Promise<RegistrationResult> {
  const registration = parseRegistration(input);
  const { ChatAccount, Contact } = app.db.models;
  const { sender } = registration;
  const account = await ChatAccount.findById(chatAccountKey(sender.platform, String(sender.senderId))).lean<ChatAccountDoc>();
  if (account) {
    const existing = await existingContact(app, registration, account);
    if (existing) return settle(app, existing);
  }
  // Everything is checked before the first write, so a refused call leaves nothing behind.
  const known = await app.db.models.Enterprise.findOne({ creditCode: { $eq: registration.enterprise.creditCode } }).lean<EnterpriseDoc>();
  if (!known) newEnterpriseFields(registration);

  // The account is claimed first: its unique index lets one of two concurrent calls for a sender through.
  const contactId = account?.ref ?? new mongoose.Types.ObjectId().toHexString();
  if (!account) {
    try {
      await ChatAccount.create({ platform: sender.platform, userId: sender.senderId, chatId: sender.chatId, kind: 'contact', ref: contactId, lang: registration.lang });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return registerEnterprise(app, input);
    }
  }
  const enterprise = known ?? (await createEnterprise(app, registration));
  const approvers = await activeContactIds(app, enterprise.creditCode);
  const status = approvers.length === 0 ? 'active' : 'pending';
  const { name, phone } = registration.contact;
  try {
    await Contact.create({ _id: contactId, enterprise: enterprise.creditCode, name, phone, status });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // A concurrent retry of this very call created it.
  }
  const contact = await Contact.findById(contactId).lean<ContactRecord>();
  if (!contact) throw new Error(`contact ${contactId} vanished during registration`);
  app.logger.info({ enterprise: enterprise.creditCode, contact: contactId, status: contact.status, maskedPhone: maskPhone(phone), created: !known }, 'contact registered');
  return settle(app, contact);
}

/**
 * The sender's contact when this call repeats an earlier one; undefined when the account points at no
 * contact (a crash between the two inserts), so the caller creates it under the account's id.
 */
async function existingContact(app: RegistrationContext, registration: Registration, account: ChatAccountDoc): Promise<ContactRecord | undefined> {
  const refused = new DomainError('registration.already-registered', `${account.platform} sender already has a ${account.kind} account`);
  if (account.kind !== 'contact' || !contactIdSchema.safeParse(account.ref).success) throw refused;
  const contact = await app.db.models.Contact.findById(account.ref).lean<ContactRecord>();
  if (contact && contact.enterprise !== registration.enterprise.creditCode) throw refused;
  return contact ?? undefined;
}

/** What a new enterprise needs; a known one needs only its credit code. */
function newEnterpriseFields(registration: Registration): Omit<EnterpriseDoc, 'chiefOfficer'> {
  const { creditCode, name, ownership, size, region } = registration.enterprise;
  if (name === undefined || ownership === undefined || size === undefined || region === undefined) {
    throw new DomainError('registration.enterprise-incomplete', `enterprise ${creditCode} is new and its details are missing`, { creditCode });
  }
  return { creditCode, name, ownership, size, region };
}

async function createEnterprise(app: RegistrationContext, registration: Registration): Promise<EnterpriseDoc> {
  const fields = newEnterpriseFields(registration);
  const { Enterprise } = app.db.models;
  try {
    // $setOnInsert: when someone else registered it a moment ago, theirs stands.
    await Enterprise.updateOne({ _id: fields.creditCode }, { $setOnInsert: fields }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const stored = await Enterprise.findOne({ creditCode: { $eq: fields.creditCode } }).lean<EnterpriseDoc>();
  if (!stored) throw new Error(`enterprise ${fields.creditCode} vanished during registration`);
  return stored;
}

async function activeContactIds(app: Pick<RegistrationContext, 'db'>, creditCode: string, except?: string): Promise<string[]> {
  const contacts = await app.db.models.Contact.find({ enterprise: { $eq: creditCode }, status: 'active' }, { _id: 1 }).sort({ _id: 1 }).lean<{ _id: mongoose.Types.ObjectId }[]>();
  return contacts.map((contact) => String(contact._id)).filter((id) => id !== except);
}

/**
 * The result for a stored contact. A pending one has its approvers (re)asked: the notices' job ids are
 * deterministic, so asking again after a crash or a retry sends nothing twice. A pending contact whose
 * enterprise has no active contact left is activated, since nobody could ever approve it.
 */
async function settle(app: RegistrationContext, contact: ContactRecord): Promise<RegistrationResult> {
  const contactId = String(contact._id);
  const enterprise = await enterpriseOf(app, contact);
  if (contact.status === 'active') return { status: 'active', contactId, enterprise };
  const approvers = await activeContactIds(app, contact.enterprise, contactId);
  if (approvers.length === 0) {
    await app.db.models.Contact.updateOne({ _id: contact._id, status: 'pending' }, { $set: { status: 'active' } });
    return { status: 'active', contactId, enterprise };
  }
  const buttons = [[button(`j:yes:${contactId}`, 'register.button.approve'), button(`j:no:${contactId}`, 'register.button.refuse')]];
  const params = { name: contact.name, phone: maskPhone(contact.phone), enterprise: enterprise.name };
  for (const approver of approvers) await notify(app, contactId, approver, 'register.notice.join-request', params, buttons);
  return { status: 'pending-approval', contactId, enterprise, approvers };
}

async function enterpriseOf(app: Pick<RegistrationContext, 'db'>, contact: ContactDoc): Promise<RegisteredEnterprise> {
  const stored = await app.db.models.Enterprise.findOne({ creditCode: { $eq: contact.enterprise } }).lean<EnterpriseDoc>();
  // Enterprises are never deleted; the code stands in for the name should one ever be missing.
  return { creditCode: contact.enterprise, name: stored?.name ?? contact.enterprise };
}

function button(action: string, label: MessageKey): NoticeButton {
  return { action, label: both(label) };
}

/**
 * Queues a notice to a contact about the request to join of `subject` (a contact id). Registration notices
 * belong to no ticket; the id derives from subject, recipient and message so each is queued once.
 */
async function notify(app: RegistrationContext, subject: string, recipient: string, key: MessageKey, params: Record<string, ParamValue>, buttons?: NoticeButton[][]): Promise<void> {
  const job = noticeJob({ kind: 'contact', ref: recipient }, key, params, ['n', 'join', subject, 'contact', recipient, key].join('.'), buttons ? { buttons } : {});
  await queueNotices(app, [job]);
}

/**
 * An active contact decides on a pending contact of the same enterprise. Approval activates the pending
 * contact and queues a notice telling them. Refusal deletes the pending contact and its chat accounts;
 * because the notify worker reaches a contact through that very account, the polite refusal cannot be
 * queued and comes back as `farewell` (rendered in their language) for the caller to send at once.
 *
 * Repeating an approval by the same approver returns the same decision. Throws `DomainError`:
 * `registration.forbidden` (not an active contact of that enterprise), `registration.not-pending`
 * (no such pending contact, or already decided).
 */
export async function decideJoin(app: RegistrationContext, approver: Identity, pendingContactId: string, approve: boolean): Promise<JoinDecision> {
  const { Contact } = app.db.models;
  if (approver.kind !== 'contact' || approver.status !== 'active') throw new DomainError('registration.forbidden', `a ${approver.kind} cannot decide on a request to join`);
  if (!contactIdSchema.safeParse(pendingContactId).success) throw new DomainError('registration.not-pending', 'not a contact id');
  const candidate = await Contact.findById(pendingContactId).lean<ContactRecord>();
  if (!candidate) throw new DomainError('registration.not-pending', `contact ${pendingContactId} does not exist`);
  // Re-read the approver: the identity was resolved when the message came in, and may have changed since.
  const stillActive = await Contact.exists({ _id: approver.contactId, enterprise: { $eq: candidate.enterprise }, status: 'active' });
  if (!stillActive) throw new DomainError('registration.forbidden', `contact ${approver.contactId} may not decide for ${candidate.enterprise}`);

  const enterprise = await enterpriseOf(app, candidate);
  const decided = { contactId: pendingContactId, name: candidate.name, enterprise };
  const repeated = candidate.status === 'active' && approve && candidate.approvedBy === approver.contactId;
  if (candidate.status !== 'pending' && !repeated) throw new DomainError('registration.not-pending', `contact ${pendingContactId} is ${candidate.status}`);

  if (approve) {
    if (!repeated) {
      // The status guard makes a concurrent decision by another approver lose cleanly.
      const updated = await Contact.updateOne({ _id: candidate._id, status: 'pending' }, { $set: { status: 'active', approvedBy: approver.contactId } });
      if (updated.modifiedCount === 0) throw new DomainError('registration.not-pending', `contact ${pendingContactId} was decided meanwhile`);
      app.logger.info({ enterprise: candidate.enterprise, contact: pendingContactId, approver: approver.contactId }, 'join approved');
    }
    await notify(app, pendingContactId, pendingContactId, 'register.notice.approved', { enterprise: enterprise.name });
    return { decision: 'approved', ...decided };
  }

  const accounts = await app.db.models.ChatAccount.find({ kind: 'contact', ref: { $eq: pendingContactId } }).sort({ _id: -1 }).lean<ChatAccountDoc[]>();
  const removed = await Contact.deleteOne({ _id: candidate._id, status: 'pending' });
  if (removed.deletedCount === 0) throw new DomainError('registration.not-pending', `contact ${pendingContactId} was decided meanwhile`);
  await app.db.models.ChatAccount.deleteMany({ kind: 'contact', ref: { $eq: pendingContactId } });
  app.logger.info({ enterprise: candidate.enterprise, contact: pendingContactId, approver: approver.contactId }, 'join refused');
  const chat = accounts[0];
  if (!chat) return { decision: 'refused', ...decided };
  const message = { text: t(chat.lang, 'register.notice.refused', { enterprise: enterprise.name }) };
  return { decision: 'refused', ...decided, farewell: { platform: chat.platform, chatId: chat.chatId, message } };
}
