/** The per-official reminder built from grouped short links: pure, no servers. */
import { describe, expect, it } from 'vitest';
import { halfYearOf, linkStatus, type ReminderSlot } from '../../../src/domain/liaison-cadence.ts';
import { DIGEST_MAX_NAMES, officialReminder } from '../../../src/services/liaison/liaison-notices.ts';
import { shortLinks } from '../../../src/services/liaison/short-links.ts';
import { renderNotice } from '../../../src/services/notices/render-notice.ts';

const rules = { linkVisitsPerHalfYear: 2, leadershipVisitsPerYear: 3 };
const h1 = halfYearOf('2026-03-02');
const h2 = halfYearOf('2026-09-01');
const code = (i: number) => `914101000000${String(i).padStart(5, '0')}X`;

describe('short links grouped per official', () => {
  it('keeps the first `cap` links of each official and counts the rest', () => {
    const found = shortLinks(DIGEST_MAX_NAMES);
    const status = linkStatus(rules, h1, { halfYear: 0, year: 0 }, false);
    for (let i = 0; i < 100; i++) found.add('o-many', code(i), status);
    for (let i = 0; i < 3; i++) found.add('o-few', code(i), status);
    expect(found.count).toBe(103);
    const [many, few, ...none] = [...found.officials()];
    expect(none).toEqual([]);
    expect(many).toMatchObject({ official: 'o-many', required: 2, more: 100 - DIGEST_MAX_NAMES });
    expect(many?.links).toHaveLength(DIGEST_MAX_NAMES);
    expect(many?.links[0]).toEqual({ enterprise: code(0), done: 0 });
    expect(few).toMatchObject({ official: 'o-few', more: 0, links: [{ enterprise: code(0) }, { enterprise: code(1) }, { enterprise: code(2) }] });
  });

  it('keeps the year figures of a leadership member in the second half', () => {
    const found = shortLinks(DIGEST_MAX_NAMES);
    found.add('leader', code(1), linkStatus(rules, h2, { halfYear: 1, year: 2 }, true));
    expect([...found.officials()]).toEqual([{ official: 'leader', required: 2, yearRequired: 3, links: [{ enterprise: code(1), done: 1, yearDone: 2 }], more: 0 }]);
  });
});

describe('the reminder of one official', () => {
  const names = new Map([
    [code(1), '甲公司'],
    [code(2), '乙公司'],
  ]);
  const before: ReminderSlot = { period: h1, kind: 'before-14', days: 14 };

  it('names each short enterprise, with the visits made when there are some', () => {
    const found = shortLinks(DIGEST_MAX_NAMES);
    found.add('o1', code(1), linkStatus(rules, h1, { halfYear: 1, year: 1 }, false));
    found.add('o1', code(2), linkStatus(rules, h1, { halfYear: 0, year: 0 }, false));
    // An enterprise missing from the directory is shown by its code.
    found.add('o1', code(3), linkStatus(rules, h1, { halfYear: 0, year: 0 }, false));
    const [shortfall] = [...found.officials()];
    if (!shortfall) throw new Error('no shortfall');
    const job = officialReminder(before, 'liaison.remind.2026-H1.before-14.o1', shortfall, names, 14);
    expect(job.opts.jobId).toBe('liaison.remind.2026-H1.before-14.o1');
    expect(job.data.recipient).toEqual({ kind: 'official', ref: 'o1' });
    expect(renderNotice(job.data, 'zh-CN').text).toBe(
      `【联系企业提醒】2026年上半年您还有 3 家联系企业未按要求走访（每家应不少于 2 次）：甲公司（已走访 1 次）、乙公司、${code(3)}。距 2026-06-30 还有 14 个工作日，请及时走访，走访后发送“走访”记录。`,
    );
    expect(renderNotice(job.data, 'en').text).toContain(`(at least 2 each): 甲公司 (1 of 2), 乙公司, ${code(3)}. 14 working days remain`);
  });

  it('says how many more there are beyond the names shown', () => {
    const found = shortLinks(2);
    for (let i = 1; i <= 5; i++) found.add('o1', code(i), linkStatus(rules, h1, { halfYear: 0, year: 0 }, false));
    const [shortfall] = [...found.officials()];
    if (!shortfall) throw new Error('no shortfall');
    const job = officialReminder({ period: h1, kind: 'missed' }, 'k', shortfall, names, 0);
    expect(job.data.message.key).toBe('liaison.reminder.missed');
    expect(renderNotice(job.data, 'zh-CN').text).toBe('【联系企业】2026年上半年已结束，您有 5 家联系企业未达到每家不少于 2 次的走访要求：甲公司、乙公司，另有 3 家。此情况将在周报中告知主管，请尽快走访。');
    expect(renderNotice(job.data, 'en').text).toContain('5 of your linked enterprises did not get the visits required (at least 2 each): 甲公司, 乙公司, and 3 more. Your supervisor');
  });

  it('tells a leadership member in the second half both rules, with both counts per enterprise', () => {
    const found = shortLinks(DIGEST_MAX_NAMES);
    // Short on the year's rule, and short on the half-year's.
    found.add('leader', code(1), linkStatus(rules, h2, { halfYear: 2, year: 2 }, true));
    found.add('leader', code(2), linkStatus(rules, h2, { halfYear: 0, year: 3 }, true));
    const [shortfall] = [...found.officials()];
    if (!shortfall) throw new Error('no shortfall');
    const remind = officialReminder({ period: h2, kind: 'before-3', days: 3 }, 'k', shortfall, names, 3);
    expect(remind.data.message.key).toBe('liaison.reminder.before-leadership');
    expect(renderNotice(remind.data, 'zh-CN').text).toBe(
      '【联系企业提醒】领导班子成员走访每家联系企业每年不少于 3 次、每半年不少于 2 次。2026年您还有 2 家联系企业未达到要求：甲公司（全年 2 次，下半年 2 次）、乙公司（全年 3 次，下半年 0 次）。距 2026-12-31 还有 3 个工作日，请及时安排，走访后发送“走访”记录。',
    );
    expect(renderNotice(remind.data, 'en').text).toContain('甲公司 (2 in 2026, 2 in the second half), 乙公司 (3 in 2026, 0 in the second half). 3 working days remain until 2026-12-31');
    expect(officialReminder({ period: h2, kind: 'missed' }, 'k', shortfall, names, 0).data.message.key).toBe('liaison.reminder.missed-leadership');
  });
});
