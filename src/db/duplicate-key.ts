/** MongoDB's answer to a write that would repeat a unique key (an `_id` or a unique index). */
const DUPLICATE_KEY = 11000;

/** Whether a write failed because the document (or its unique key) was there already. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === DUPLICATE_KEY;
}

/** Whether a bulk insert failed only because some documents were there already. */
export function onlyDuplicates(error: unknown): boolean {
  const { writeErrors } = error as { writeErrors?: { code?: number }[] | { code?: number } };
  if (writeErrors === undefined) return isDuplicateKey(error);
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every(isDuplicateKey);
}
