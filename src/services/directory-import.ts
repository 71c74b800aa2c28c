import { LineCounter, parseDocument, isNode } from 'yaml';
import type { mongo } from 'mongoose';
import { chatAccountKey, type Models, type OfficialDoc } from '../db/models/index.ts';
import { directoryFileSchema, type DirectoryFile } from './directory-import.schema.ts';
import { formatPath } from '../domain/profile.ts';

export interface ImportProblem {
  line: number | undefined;
  path: string;
  message: string;
}

export class DirectoryImportError extends Error {
  override name = 'DirectoryImportError';
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((p) => `${p.line === undefined ? '' : `line ${p.line}: `}${p.path}: ${p.message}`).join('\n'));
  }
}

export interface ImportSummary {
  [collection: string]: { inserted: number; updated: number; unchanged: number };
}

type Path = (string | number)[];

/**
 * Parses and validates a directory file, naming each bad row by its line. Pure of I/O apart from the
 * references it checks against what is already stored (`known`).
 */
export function parseDirectoryFile(
  text: string,
  known: { units: Set<string>; officials: Set<string>; enterprises: Set<string> },
): DirectoryFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (path: Path): number | undefined => {
    for (let cut = path.length; cut >= 0; cut--) {
      const node = doc.getIn(path.slice(0, cut), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (doc.errors.length > 0) {
    throw new DirectoryImportError(
      doc.errors.map((e) => ({ line: e.linePos?.[0].line, path: '(file)', message: e.message.split('\n')[0] ?? e.code })),
    );
  }
  const parsed = directoryFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new DirectoryImportError(
      parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        return { line: lineOf(path), path: formatPath(path), message: issue.message };
      }),
    );
  }
  const file = parsed.data;
  const problems: ImportProblem[] = [];
  const problem = (path: Path, message: string) => problems.push({ line: lineOf(path), path: formatPath(path), message });
  const units = new Set([...known.units, ...file.units.map((u) => u.code)]);
  const officials = new Set([...known.officials, ...file.officials.map((o) => o.code)]);
  const enterprises = new Set([...known.enterprises, ...file.enterprises.map((e) => e.creditCode)]);
  const seen = (list: string[], name: string, key: string) => {
    const first = new Map<string, number>();
    list.forEach((value, i) => {
      if (first.has(value)) problem([name, i, key], `duplicate of row ${(first.get(value) ?? 0) + 1}`);
      else first.set(value, i);
    });
  };
  seen(file.units.map((u) => u.code), 'units', 'code');
  seen(file.officials.map((o) => o.code), 'officials', 'code');
  seen(file.enterprises.map((e) => e.creditCode), 'enterprises', 'creditCode');
  seen(file.links.map((l) => `${l.official}|${l.enterprise}`), 'links', 'official');
  file.officials.forEach((o, i) => {
    if (!units.has(o.unit)) problem(['officials', i, 'unit'], `unknown unit "${o.unit}"`);
  });
  file.enterprises.forEach((e, i) => {
    if (e.chiefOfficer && !officials.has(e.chiefOfficer)) problem(['enterprises', i, 'chiefOfficer'], `unknown official "${e.chiefOfficer}"`);
  });
  file.links.forEach((l, i) => {
    if (!officials.has(l.official)) problem(['links', i, 'official'], `unknown official "${l.official}"`);
    if (!enterprises.has(l.enterprise)) problem(['links', i, 'enterprise'], `unknown enterprise "${l.enterprise}"`);
  });
  if (problems.length > 0) throw new DirectoryImportError(problems);
  return file;
}

type Upsert = mongo.AnyBulkWriteOperation;

function upsert(filter: Record<string, string>, set: object, onInsert?: object): Upsert {
  const update = onInsert ? { $set: set, $setOnInsert: onInsert } : { $set: set };
  return { updateOne: { filter, update, upsert: true } };
}

/**
 * Loads units, officials (and their chat identities), enterprises and liaison links. The whole file is
 * validated first, so a bad row writes nothing; every write is an upsert keyed by a natural key, so running
 * the same file twice changes nothing.
 */
export async function importDirectory(models: Models, text: string): Promise<ImportSummary> {
  const [units, officials, enterprises] = await Promise.all([
    models.Unit.distinct('code'),
    models.Official.distinct('code'),
    models.Enterprise.distinct('creditCode'),
  ]);
  const file = parseDirectoryFile(text, {
    units: new Set(units.map(String)),
    officials: new Set(officials.map(String)),
    enterprises: new Set(enterprises.map(String)),
  });

  const summary: ImportSummary = {};
  // The rows are already validated, so the driver's bulk write is used as is (ordered: the first failure stops it).
  const write = async (name: string, model: { collection: { bulkWrite(ops: Upsert[]): Promise<mongo.BulkWriteResult> } }, ops: Upsert[]) => {
    if (ops.length === 0) return;
    const result = await model.collection.bulkWrite(ops);
    summary[name] = { inserted: result.upsertedCount, updated: result.modifiedCount, unchanged: result.matchedCount - result.modifiedCount };
  };

  await write('units', models.Unit, file.units.map((u) => upsert({ code: u.code }, u)));
  await write(
    'officials',
    models.Official,
    file.officials.map((o) => {
      const set: Partial<OfficialDoc> = { code: o.code, name: o.name, unit: o.unit, roles: o.roles, level: o.level, active: o.active };
      if (o.telegram) set.telegramId = o.telegram;
      if (o.wechat) set.wechatId = o.wechat;
      return upsert({ code: o.code }, set);
    }),
  );
  // An official's chat identities: private chats, so the chat id is the user id on both platforms.
  const accounts = file.officials.flatMap((o) =>
    (
      [
        ['telegram', o.telegram],
        ['wechat', o.wechat],
      ] as const
    )
      .filter((pair): pair is readonly ['telegram' | 'wechat', string] => pair[1] !== undefined)
      .map(([platform, userId]) => upsert(
          { _id: chatAccountKey(platform, userId) },
          { platform, userId, chatId: userId, kind: 'official', ref: o.code },
          // A language the official chose in chat survives a re-import.
          { lang: 'zh-CN' },
        )),
  );
  await write('chat_accounts', models.ChatAccount, accounts);
  await write('enterprises', models.Enterprise, file.enterprises.map((e) => upsert({ _id: e.creditCode }, e)));
  await write('links', models.Link, file.links.map((l) => upsert({ official: l.official, enterprise: l.enterprise }, l)));
  return summary;
}
