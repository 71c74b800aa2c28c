/** What every flow step is given: the person, their language, and the services. */
import type { Lang } from '../src/i18n/index.ts';
import type { PlatformName } from '../src/platforms/types.ts';
import type { Identity } from '../src/services/identity.ts';
import type { TicketServiceContext } from '../src/services/tickets/create-ticket.ts';

export interface Sender {
  platform: PlatformName;
  senderId: string;
  chatId: string;
  name?: string;
}

export interface FlowDeps {
  lang: Lang;
  sender: Sender;
  identity: Identity;
  /** The services' context: flows call service functions with it and never touch models themselves. */
  app: TicketServiceContext;
}
