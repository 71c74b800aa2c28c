import type { Connection } from 'mongoose';
import { registerDirectoryModels, type DirectoryModels } from './directory.ts';

export * from './directory.ts';

/** Every model qinqing uses, registered on one connection. */
export type Models = DirectoryModels;

/** The one place models are registered. */
export function registerModels(connection: Connection): Models {
  return { ...registerDirectoryModels(connection) };
}
