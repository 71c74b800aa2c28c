import type { TestApp } from './app-context.ts';
import type { SubmissionInput } from '../../src/services/tickets/submission.schema.ts';
import { createTicket } from '../../src/services/tickets/create-ticket.ts';
import type { Actor } from '../../src/domain/ticket-state.ts';
import { officialActor } from '../../src/services/tickets/ticket-directory.ts';

/** Demo enterprises (config/demo/directory.yaml). */
export const ZHONGYUAN = '91410100MA40A00014'; // chief service officer rf-works-01 (works)
export const YUAN_EQUIPMENT = '91410100MA40B0002Y'; // no chief officer
export const LUOYANG = '91410300MA40C00034'; // chief officer rf-works-02 (works)

/** Adds an active contact with a Telegram chat account to a demo enterprise. */
export async function addContact(app: TestApp, enterprise: string, telegramId: string, name = '刘经理'): Promise<{ contactId: string; actor: Actor }> {
  const contact = await app.db.models.Contact.create({ enterprise, name, phone: '13800138000', status: 'active' });
  const contactId = String(contact._id);
  await app.db.models.ChatAccount.create({ platform: 'telegram', userId: telegramId, chatId: telegramId, kind: 'contact', ref: contactId, lang: 'zh-CN' });
  return { contactId, actor: { kind: 'enterprise', enterprise, contact: contactId } };
}

export function submission(enterprise: string, contactId: string, telegramId: string, overrides: Partial<SubmissionInput> = {}): SubmissionInput {
  return {
    enterprise,
    contact: contactId,
    replyTo: { platform: 'telegram', chatId: telegramId },
    category: 'project-approval',
    text: '人防工程审批材料已提交二十个工作日，仍未收到任何答复，请帮助协调。',
    attachments: [],
    ...overrides,
  };
}

export async function submit(app: TestApp, enterprise: string, contactId: string, telegramId: string, overrides: Partial<SubmissionInput> = {}) {
  return createTicket(app, submission(enterprise, contactId, telegramId, overrides));
}

export const official = (app: TestApp, code: string) => officialActor(app, code);

/** Notices recorded for a ticket, as `recipientRef:key` strings. */
export async function noticesOf(app: TestApp, ticketId: string): Promise<string[]> {
  const notices = await app.db.models.Notice.find({ ticket: ticketId }).sort({ createdAt: 1, dedupeKey: 1 }).lean();
  return notices.map((n) => `${n.recipient.ref}:${n.message.key}`);
}

export async function historyOf(app: TestApp, ticketId: string): Promise<string[]> {
  const events = await app.db.models.HistoryEvent.find({ ticket: ticketId }).sort({ seq: 1 }).lean();
  return events.map((e) => e.action);
}
