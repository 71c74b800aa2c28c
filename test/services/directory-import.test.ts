import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryImportError, importDirectory } from '../../src/services/directory-import.ts';
import { testDatabase } from '../support/servers.ts';
import { syncProfileUnits } from '../../src/services/profile-units.ts';
import { loadProfile } from '../../src/config/profiles.ts';

const demo = readFileSync(new URL('../../config/demo/directory.yaml', import.meta.url), 'utf8');
let db: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  db = await testDatabase('import');
  // The profile's units come first at start-up; the import refers to them.
  await syncProfileUnits(db.models, loadProfile('henan-rfb'));
});
afterAll(() => db.drop());

async function snapshot() {
  const [officials, enterprises, links, accounts] = await Promise.all([
    db.models.Official.find().sort({ code: 1 }).lean(),
    db.models.Enterprise.find().sort({ creditCode: 1 }).lean(),
    db.models.Link.find().sort({ official: 1, enterprise: 1 }).lean(),
    db.models.ChatAccount.find().sort({ platform: 1, userId: 1 }).lean(),
  ]);
  return { officials, enterprises, links, accounts };
}

describe('directory import', () => {
  it('loads the demo directory, then changes nothing the second time', async () => {
    const first = await importDirectory(db.models, demo);
    expect(first.officials).toEqual({ inserted: 11, updated: 0, unchanged: 0 });
    expect(first.links?.inserted).toBe(5);
    expect(first.chat_accounts?.inserted).toBe(8);
    const before = await snapshot();

    const second = await importDirectory(db.models, demo);
    expect(second.officials).toEqual({ inserted: 0, updated: 0, unchanged: 11 });
    expect(second.enterprises).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await snapshot()).toEqual(before);
    expect(await db.models.ChatAccount.findOne({ platform: 'wechat', userId: 'wx-wang-jianguo' }).lean()).toMatchObject({
      kind: 'official',
      ref: 'rf-works-01',
      chatId: 'wx-wang-jianguo',
    });
  });

  it('reports each bad row with its line and writes nothing', async () => {
    const before = await snapshot();
    const bad = [
      'officials:',
      '  - code: new-official', // line 2
      '    name: 新人',
      '    unit: nowhere', // line 4: unknown unit
      'enterprises:',
      '  - creditCode: 91410100MA40A00015', // line 6: wrong check character
      '    name: 某公司',
      '    ownership: private',
      '    size: huge', // line 9: not a size
      '    region: 郑州市',
    ].join('\n');
    let caught: unknown;
    try {
      await importDirectory(db.models, bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DirectoryImportError);
    const problems = (caught as DirectoryImportError).problems;
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [6, 'enterprises[0].creditCode'],
      [9, 'enterprises[0].size'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('checks references once the rows are well formed', async () => {
    const bad = ['officials:', '  - { code: x1, name: 某, unit: nowhere }', 'links:', '  - { official: x1, enterprise: 91410100MA40E0005F }'].join('\n');
    await expect(importDirectory(db.models, bad)).rejects.toThrow(
      'line 2: officials[0].unit: unknown unit "nowhere"\nline 4: links[0].enterprise: unknown enterprise "91410100MA40E0005F"',
    );
    expect(await db.models.Official.countDocuments({ code: 'x1' })).toBe(0);
  });

  it('names a YAML syntax error by line', async () => {
    await expect(importDirectory(db.models, 'officials:\n  - code: [unclosed\n')).rejects.toThrow(/^line \d+: \(file\)/);
  });
});
