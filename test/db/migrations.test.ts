import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongo } from 'mongoose';
import { keyDirectoryDocuments } from '../../src/db/migrations.ts';
import { resolveSender } from '../../src/services/identity.ts';
import { testDatabase } from '../support/servers.ts';

describe('keying directory documents written by earlier versions', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase('migrations');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('re-keys chat accounts and enterprises by what they are looked up by, keeping every field', async () => {
    const { ChatAccount, Enterprise, Contact } = db.models;
    const contact = await Contact.create({ enterprise: '91410100MA40A00014', name: '刘经理', phone: '13800138000', status: 'active' });
    await Enterprise.collection.insertOne({ _id: new mongo.ObjectId() as never, creditCode: '91410100MA40A00014', name: '中原精密', ownership: 'private', size: 'small', region: '410100', chiefOfficer: 'rf-works-01' });
    await ChatAccount.collection.insertOne({ _id: new mongo.ObjectId() as never, platform: 'telegram', userId: '777', chatId: '777', kind: 'contact', ref: String(contact._id), lang: 'en' });

    expect(await keyDirectoryDocuments(db.models)).toBe(2);

    const account = await ChatAccount.findById('telegram:777').lean();
    expect(account).toMatchObject({ platform: 'telegram', userId: '777', chatId: '777', kind: 'contact', ref: String(contact._id), lang: 'en' });
    expect(await Enterprise.findById('91410100MA40A00014').lean()).toMatchObject({ name: '中原精密', chiefOfficer: 'rf-works-01' });
    expect(await ChatAccount.countDocuments({})).toBe(1);
    expect(await Enterprise.countDocuments({})).toBe(1);
    const sender = await resolveSender({ db }, 'telegram', '777');
    expect(sender).toMatchObject({ identity: { kind: 'contact', enterprise: { creditCode: '91410100MA40A00014' } }, lang: 'en' });
    // Nothing left to do the second time.
    expect(await keyDirectoryDocuments(db.models)).toBe(0);
  });

  it('finishes a run that stopped between removing an old document and inserting its copy', async () => {
    const { ChatAccount } = db.models;
    const id = new mongo.ObjectId();
    // What a crash leaves: the copy in the side collection, the original already deleted.
    await db.connection.db?.collection('chat_accounts_rekey').insertOne({ _id: id, platform: 'wechat', userId: 'wx-9', chatId: 'wx-9', kind: 'official', ref: 'rf-works-01', lang: 'zh-CN' });

    expect(await keyDirectoryDocuments(db.models)).toBe(1);

    expect(await ChatAccount.findById('wechat:wx-9').lean()).toMatchObject({ kind: 'official', ref: 'rf-works-01' });
    expect(await db.connection.db?.collection('chat_accounts_rekey').countDocuments({})).toBe(0);
  });
});
