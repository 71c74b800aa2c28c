import mongoose, { type Connection } from 'mongoose';
import { registerModels, type Models } from './models/index.ts';
import { keyDirectoryDocuments } from './migrations.ts';

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Hides credentials when a URI is shown in a message. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Connects with a bounded number of attempts, registers every model and builds their indexes.
 * Fails with one plain sentence, never a driver stack trace, when the server cannot be reached.
 */
export async function connectDatabase(
  uri: string,
  options: { dbName?: string; attempts?: number; timeoutMs?: number; buildIndexes?: boolean; monitorCommands?: boolean } = {},
): Promise<Database> {
  const attempts = options.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const connection = mongoose.createConnection(uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: options.timeoutMs ?? 3000,
      // FerretDB v1 has no retryable writes; MongoDB keeps its own default when this is not forced off.
      retryWrites: false,
      autoIndex: false,
      autoCreate: false,
      // Benchmarks trace every command's duration by shape (scripts/bench/query-trace.ts).
      ...(options.monitorCommands ? { monitorCommands: true } : {}),
    });
    try {
      await connection.asPromise();
      const models = registerModels(connection);
      if (options.buildIndexes !== false) {
        await keyDirectoryDocuments(models);
        await Promise.all(Object.values(models).map((model) => model.createIndexes()));
      }
      return { connection, models, close: () => connection.close() };
    } catch (error) {
      lastError = error;
      await connection.close().catch(() => undefined);
      if (attempt < attempts) await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const reason = lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError);
  throw new DatabaseUnavailableError(`MongoDB at ${redactUri(uri)} is not reachable after ${attempts} attempts: ${reason}`);
}
