import { readFileSync } from 'node:fs';
import type { Env } from '../config/env.ts';
import { connectDatabase } from '../db/connection.ts';
import { importDirectory } from '../services/directory-import.ts';
import { resolveEndpoints } from '../runtime/endpoints.ts';
import { loadProfile } from '../config/profiles.ts';
import { syncProfileUnits } from '../services/profile-units.ts';

/** `qinqing import FILE`: prints what was inserted, updated and left unchanged per collection. */
export async function runImport(env: Env, file: string, out: NodeJS.WritableStream): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    out.write(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 2;
  }
  const profile = loadProfile(env.QINQING_PROFILE);
  const endpoints = await resolveEndpoints(env);
  const db = await connectDatabase(endpoints.mongoUri, { dbName: endpoints.dbName });
  try {
    await syncProfileUnits(db.models, profile);
    const summary = await importDirectory(db.models, text);
    for (const [collection, counts] of Object.entries(summary)) {
      out.write(`${collection.padEnd(14)} inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
