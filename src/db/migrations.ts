/**
 * Data written by earlier versions, brought to the current shape at start. Each step is idempotent and
 * survives a crash half-way: running it again finishes the job.
 */
import type { mongo } from 'mongoose';
import { chatAccountKey, type Models } from './models/index.ts';

type Doc = { _id: mongo.ObjectId | string; [field: string]: unknown };

/**
 * Chat accounts and enterprises used to carry generated ObjectIds; they are now keyed by what they are
 * looked up by (`platform:userId`, the credit code). Each old document is copied to a side collection
 * first, then replaced: a crash between the delete and the insert is repaired from the copy next time.
 */
export async function keyDirectoryDocuments(models: Models): Promise<number> {
  const db = models.ChatAccount.db.db;
  if (!db) throw new Error('database not connected');
  const steps: [string, (doc: Doc) => string][] = [
    [models.ChatAccount.collection.collectionName, (d) => chatAccountKey(String(d.platform), String(d.userId))],
    [models.Enterprise.collection.collectionName, (d) => String(d.creditCode)],
  ];
  let moved = 0;
  for (const [name, keyOf] of steps) moved += await rekey(db, name, keyOf);
  return moved;
}

async function rekey(db: mongo.Db, name: string, keyOf: (doc: Doc) => string): Promise<number> {
  const collection = db.collection<Doc>(name);
  const side = db.collection<Doc>(`${name}_rekey`);
  const old = await collection.find({ _id: { $type: 'objectId' } }).toArray();
  if (old.length > 0) {
    await side.insertMany(old, { ordered: false }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 11000 && !String(error).includes('E11000')) throw error;
    });
  }
  const pending = await side.find({}).toArray();
  for (const doc of pending) {
    const key = keyOf(doc);
    // The unique index on the natural key would refuse the copy while the old document exists.
    await collection.deleteOne({ _id: doc._id });
    if ((await collection.countDocuments({ _id: key }, { limit: 1 })) === 0) await collection.insertOne({ ...doc, _id: key });
    await side.deleteOne({ _id: doc._id });
  }
  if (pending.length > 0) await side.drop().catch(() => undefined);
  return pending.length;
}
