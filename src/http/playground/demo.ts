/**
 * The playground's people: the demo directory loaded into an empty database, with a playground chat account
 * for each official and a contact (and account) for each demo enterprise, and the list the page picks from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidObjectId } from 'mongoose';
import { chatAccountKey, type ChatAccountDoc, type ContactDoc, type EnterpriseDoc, type Models, type OfficialDoc, type OfficialRole } from '../../db/models/index.ts';
import type { Profile } from '../../domain/profile.ts';
import { projectRoot } from '../../runtime/paths.ts';
import { importDirectory, parseDirectoryFile } from '../../services/directory-import.ts';
import { syncProfileUnits } from '../../services/profile-units.ts';

/** A person the page can act as. */
export interface Persona {
  /** The playground user id (and chat id). */
  id: string;
  /** `visitor`: nobody yet, to try registration. */
  kind: 'official' | 'contact' | 'visitor';
  name: string;
  roles?: OfficialRole[];
  unit?: { code: string; name: { zh: string; en: string } };
  enterprise?: { creditCode: string; name: string };
}

/** The directory holds other people: the demo is only loaded into an empty one. */
export class DemoRefusedError extends Error {
  override name = 'DemoRefusedError';
}

/** Invented contact names for the demo enterprises, in directory order. */
const DEMO_CONTACTS = ['刘洋', '张敏', '王磊', '李娜', '陈静', '杨帆'];

export const officialPersona = (code: string): string => `official-${code}`;
export const contactPersona = (creditCode: string): string => `contact-${creditCode}`;

/** The demo directory that ships with qinqing. */
export function readDemoDirectory(): string {
  return readFileSync(join(projectRoot, 'config', 'demo', 'directory.yaml'), 'utf8');
}

// Loads of one database run one after another: two clicks on "Load demo" must not create two contacts.
const running = new WeakMap<Models, Promise<unknown>>();

/**
 * Loads the demo directory when the database holds no officials and no enterprises, then (also when the demo
 * is already there) makes sure its playground accounts exist. Running it again changes nothing.
 * @throws {DemoRefusedError} when the directory holds people who are not the demo's.
 */
export function loadDemoDirectory(models: Models, profile: Profile, text: string): Promise<{ status: 'loaded' | 'already-loaded'; personas: number }> {
  const previous = running.get(models) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => loadOnce(models, profile, text));
  running.set(models, next);
  return next;
}

async function loadOnce(models: Models, profile: Profile, text: string): Promise<{ status: 'loaded' | 'already-loaded'; personas: number }> {
  const { Official, Enterprise, Unit, Contact, ChatAccount } = models;
  const [officials, enterprises] = await Promise.all([Official.distinct('code'), Enterprise.distinct('creditCode')]);
  await syncProfileUnits(models, profile);
  const units = new Set((await Unit.distinct('code')).map(String));
  const file = parseDirectoryFile(text, { units, officials: new Set(), enterprises: new Set() });

  const empty = officials.length === 0 && enterprises.length === 0;
  const knownOfficials = new Set(officials.map(String));
  const knownEnterprises = new Set(enterprises.map(String));
  const demoPresent = file.officials.every((o) => knownOfficials.has(o.code)) && file.enterprises.every((e) => knownEnterprises.has(e.creditCode));
  if (!empty && !demoPresent) {
    throw new DemoRefusedError('the directory already holds officials or enterprises that are not the demo’s: the demo is only loaded into an empty one');
  }
  if (empty) await importDirectory(models, text);

  for (const official of file.officials) {
    const id = officialPersona(official.code);
    await ChatAccount.updateOne(
      { _id: chatAccountKey('playground', id) },
      { $set: { platform: 'playground', userId: id, chatId: id, kind: 'official', ref: official.code }, $setOnInsert: { lang: 'zh-CN' } },
      { upsert: true },
    );
  }
  for (const [i, enterprise] of file.enterprises.entries()) {
    const id = contactPersona(enterprise.creditCode);
    if (await ChatAccount.exists({ _id: chatAccountKey('playground', id) })) continue;
    // Keyed by enterprise and phone, so a load interrupted between the two writes finishes without a twin.
    const phone = `1380000${String(i + 1).padStart(4, '0')}`;
    const existing = await Contact.findOne({ enterprise: { $eq: enterprise.creditCode }, phone: { $eq: phone } }).lean<ContactDoc & { _id: unknown }>();
    const contact = existing ?? (await Contact.create({ enterprise: enterprise.creditCode, name: DEMO_CONTACTS[i % DEMO_CONTACTS.length], phone, status: 'active' }));
    await ChatAccount.create({ platform: 'playground', userId: id, chatId: id, kind: 'contact', ref: String(contact._id), lang: 'zh-CN' });
  }
  return { status: empty ? 'loaded' : 'already-loaded', personas: file.officials.length + file.enterprises.length };
}

/**
 * Everyone with a playground account: contacts (by enterprise) first, then active officials in the profile's
 * unit order, then one visitor who has none yet.
 */
export async function listPersonas(models: Models, profile: Profile): Promise<{ personas: Persona[]; directoryEmpty: boolean }> {
  const { ChatAccount, Official, Contact, Enterprise } = models;
  const accounts = await ChatAccount.find({ platform: { $eq: 'playground' } }).lean<ChatAccountDoc[]>();
  const officialCodes = accounts.filter((a) => a.kind === 'official').map((a) => a.ref);
  const contactIds = accounts.filter((a) => a.kind === 'contact' && isValidObjectId(a.ref)).map((a) => a.ref);
  const [officials, contacts, officialCount, enterpriseCount] = await Promise.all([
    Official.find({ code: { $in: officialCodes }, active: { $eq: true } }).lean<OfficialDoc[]>(),
    Contact.find({ _id: { $in: contactIds } }).lean<(ContactDoc & { _id: unknown })[]>(),
    Official.countDocuments({}),
    Enterprise.countDocuments({}),
  ]);
  const enterprises = await Enterprise.find({ creditCode: { $in: contacts.map((c) => c.enterprise) } }).lean<EnterpriseDoc[]>();
  const officialBy = new Map(officials.map((o) => [o.code, o]));
  const contactBy = new Map(contacts.map((c) => [String(c._id), c]));
  const enterpriseBy = new Map(enterprises.map((e) => [e.creditCode, e]));
  const unitOrder = (code: string) => {
    const index = profile.units.findIndex((u) => u.code === code);
    return index < 0 ? profile.units.length : index;
  };

  const sorted: { persona: Persona; key: string }[] = [];
  for (const account of accounts) {
    if (account.kind === 'official') {
      const official = officialBy.get(account.ref);
      if (!official) continue;
      const unit = profile.units.find((u) => u.code === official.unit);
      const persona: Persona = {
        id: account.userId,
        kind: 'official',
        name: official.name,
        roles: official.roles,
        unit: { code: official.unit, name: unit ? unit.name : { zh: official.unit, en: official.unit } },
      };
      sorted.push({ persona, key: `1|${String(unitOrder(official.unit)).padStart(4, '0')}|${official.code}|${account.userId}` });
    } else {
      const contact = contactBy.get(account.ref);
      const enterprise = contact ? enterpriseBy.get(contact.enterprise) : undefined;
      if (!contact || !enterprise) continue;
      const persona: Persona = { id: account.userId, kind: 'contact', name: contact.name, enterprise: { creditCode: enterprise.creditCode, name: enterprise.name } };
      sorted.push({ persona, key: `0|${enterprise.creditCode}|${account.userId}` });
    }
  }
  // Code-unit order, not the locale's: the list is the same on every machine.
  sorted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const people = sorted.map((s) => s.persona);

  const taken = new Set(accounts.map((a) => a.userId));
  let n = 1;
  while (taken.has(`visitor-${n}`)) n += 1;
  people.push({ id: `visitor-${n}`, kind: 'visitor', name: `访客 ${n} / Visitor ${n}` });
  return { personas: people, directoryEmpty: officialCount === 0 && enterpriseCount === 0 };
}
