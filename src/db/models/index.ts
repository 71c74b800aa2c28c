import type { Connection } from 'mongoose';
import { registerDirectoryModels } from './directory.ts';
import { registerTicketModels } from './tickets.ts';
import { registerLiaisonModels } from './liaison.ts';
import { registerApiKeyModels } from './api-keys.ts';
import { registerServiceDayModels } from './service-days.ts';

export * from './directory.ts';
export * from './tickets.ts';

/** The one place models are registered. */
export function registerModels(connection: Connection) {
  return { ...registerDirectoryModels(connection), ...registerTicketModels(connection), ...registerApiKeyModels(connection), ...registerLiaisonModels(connection), ...registerServiceDayModels(connection) };
}

/** Every model qinqing uses, registered on one connection. */
export type Models = ReturnType<typeof registerModels>;
