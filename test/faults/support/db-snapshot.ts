/**
 * What "the database did not change" means in the abuse tests: every document of the watched collections,
 * read straight through the driver (no model, no cast) and hashed one by one, so a comparison names the
 * documents added, removed or changed, and the changed documents can be searched for what was stored.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';

/** The collections a chat message could change. */
export const WATCHED = ['tickets', 'ticket_history', 'chat_accounts', 'contacts', 'enterprises', 'officials', 'visits', 'notices'] as const;

export interface StoredDoc {
  hash: string;
  doc: Record<string, unknown>;
}

/** Collection name → document id → the document and its hash. */
export type Snapshot = ReadonlyMap<string, ReadonlyMap<string, StoredDoc>>;

export interface CollectionChange {
  collection: string;
  added: string[];
  removed: string[];
  changed: string[];
}

function hashOf(doc: unknown): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

/** Reads every document of `names` (in parallel: each is one query). */
export async function snapshot(connection: Connection, names: readonly string[] = WATCHED): Promise<Snapshot> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  const entries = await Promise.all(
    names.map(async (name) => {
      const docs = await db.collection(name).find({}).toArray();
      const byId = new Map<string, StoredDoc>(docs.map((doc) => [String(doc._id), { hash: hashOf(doc), doc: doc as Record<string, unknown> }]));
      return [name, byId] as const;
    }),
  );
  return new Map(entries);
}

/** What differs between two snapshots; empty when nothing does. */
export function compare(before: Snapshot, after: Snapshot): CollectionChange[] {
  const changes: CollectionChange[] = [];
  for (const [collection, docs] of after) {
    const old = before.get(collection) ?? new Map<string, StoredDoc>();
    const added = [...docs.keys()].filter((id) => !old.has(id));
    const removed = [...old.keys()].filter((id) => !docs.has(id));
    const changed = [...docs].filter(([id, doc]) => old.has(id) && old.get(id)?.hash !== doc.hash).map(([id]) => id);
    if (added.length + removed.length + changed.length > 0) changes.push({ collection, added, removed, changed });
  }
  return changes;
}

/** One line per changed collection, for failure messages. */
export function describeChanges(changes: readonly CollectionChange[]): string {
  return changes.map((c) => `${c.collection}: +${c.added.length} -${c.removed.length} ~${c.changed.length}`).join('; ');
}

/** The documents added or changed in `after`, by collection. */
export function touchedDocs(after: Snapshot, changes: readonly CollectionChange[]): { collection: string; doc: Record<string, unknown> }[] {
  return changes.flatMap((change) =>
    [...change.added, ...change.changed].flatMap((id) => {
      const stored = after.get(change.collection)?.get(id);
      return stored ? [{ collection: change.collection, doc: stored.doc }] : [];
    }),
  );
}

/** Every string value anywhere in a document (nested objects and arrays too). */
export function stringValues(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringValues(item, into);
  else if (value && typeof value === 'object' && !(value instanceof Date)) for (const item of Object.values(value)) stringValues(item, into);
  return into;
}

/** Counts and a digest per collection: what the recorded figures show of the database. */
export function digest(state: Snapshot): Record<string, string> {
  return Object.fromEntries([...state].map(([name, docs]) => [name, `${docs.size}:${hashOf([...docs.values()].map((d) => d.hash).sort()).slice(0, 12)}`]));
}
