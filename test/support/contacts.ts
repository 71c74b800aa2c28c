import type { Sender } from '../../flows/deps.ts';
import { resolveSender } from '../../src/services/identity.ts';
import { decideJoin, registerEnterprise } from '../../src/services/registration.ts';
import type { TestApp } from './app-context.ts';

export type RegisteredContact = Sender & { contactId: string };

/**
 * Registers Telegram contacts through the registration service, as a person in chat would. The first
 * contact of an enterprise is active at once; a later one is pending until the first approves it, which
 * `contact` does unless `approved` is false. Sender ids are `<idPrefix><n>`, unique within the test file.
 */
export function contactRegistrar(app: TestApp, options: { idPrefix: string; name: string }) {
  let senders = 0;
  const firstContacts = new Map<string, Sender>();
  return async function contact(enterprise: string, approved = true): Promise<RegisteredContact> {
    const senderId = `${options.idPrefix}${(senders += 1)}`;
    const sender: Sender = { platform: 'telegram', senderId, chatId: senderId };
    const result = await registerEnterprise(app, { sender, lang: 'zh-CN', enterprise: { creditCode: enterprise }, contact: { name: options.name, phone: '13800138000' } });
    const first = firstContacts.get(enterprise);
    if (!first) firstContacts.set(enterprise, sender);
    if (result.status === 'pending-approval' && approved && first) {
      const { identity } = await resolveSender(app, first.platform, first.senderId);
      await decideJoin(app, identity, result.contactId, true);
    }
    return { ...sender, contactId: result.contactId };
  };
}
