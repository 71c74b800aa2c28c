import { Queue, type Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NoticeJob } from '../../../src/queue/notice.ts';
import { QUEUE_NAMES, type JobPayloads } from '../../../src/queue/queues.ts';
import { logVisit, type VisitInput } from '../../../src/services/liaison/visits.ts';
import { renderNotice } from '../../../src/services/notices/render-notice.ts';
import { digestLiaison, scanLiaison, scheduleLiaison, startLiaisonWorker } from '../../../src/workers/liaison.worker.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { LUOYANG, YUAN_EQUIPMENT, ZHONGYUAN } from '../../support/fixtures.ts';

const SHOP = '92410100MA40D0004H';
/** The demo directory's links. */
const LINKS = [
  ['rf-works-01', ZHONGYUAN],
  ['rf-works-02', LUOYANG],
  ['rf-office-01', YUAN_EQUIPMENT],
  ['rf-leader-01', LUOYANG],
  ['rf-leader-01', SHOP],
] as const;

/** The demo officials with a link, and their enterprises' names. */
const OFFICIALS = [...new Set(LINKS.map(([o]) => o))];
const NAMES: Record<string, string> = {
  [ZHONGYUAN]: '郑州中原建设工程有限公司',
  [LUOYANG]: '洛阳城建集团有限公司',
  [YUAN_EQUIPMENT]: '河南豫安人防设备有限公司',
  [SHOP]: '郑州市金水区老李五金店',
};

const key = (official: string, slot: string) => `liaison.remind.${slot}.${official}`;

describe('the liaison scan', () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await createTestApp('liaison');
  });
  afterEach(() => app.close());

  /** Sets the clock to 09:00 Shanghai of `date`, when the scheduler runs the scan. */
  function on(date: string): string {
    app.clock.set(new Date(`${date}T01:00:00Z`));
    return date;
  }

  async function visit(official: string, enterprise: string, date: string, extra: Partial<VisitInput> = {}): Promise<void> {
    on(date);
    await logVisit(app, { code: official }, { enterprise, form: 'on-site', learnt: '了解企业经营情况，听取意见建议。', problems: [], meal: 'no', giftsAccepted: false, ...extra });
  }

  async function notices(): Promise<Job<NoticeJob>[]> {
    return app.queues.notify.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
  }

  async function reminderIds(): Promise<string[]> {
    return (await notices()).map((job) => job.id ?? '').filter((id) => id.startsWith('liaison.')).sort();
  }

  async function reminders(): Promise<Map<string, NoticeJob>> {
    return new Map((await notices()).filter((job) => job.id?.startsWith('liaison.remind.')).map((job) => [job.id ?? '', job.data]));
  }

  it('reminds each official once per reminder day across the half-year boundary, naming its short links', async () => {
    expect(await scanLiaison(app, on('2026-05-18'))).toMatchObject({ slots: [], linksRead: 0, shortLinks: 0, reminders: 0 });
    // Five short links, four officials: rf-leader-01's two links share one reminder.
    expect(await scanLiaison(app, on('2026-05-19'))).toMatchObject({ slots: ['2026-H1.before-30'], linksRead: 5, shortLinks: 5, reminders: 4 });
    await visit('rf-works-02', LUOYANG, '2026-06-01');
    expect(await scanLiaison(app, on('2026-06-09'))).toMatchObject({ shortLinks: 0, reminders: 0 });
    expect(await scanLiaison(app, on('2026-06-10'))).toMatchObject({ slots: ['2026-H1.before-14'], shortLinks: 4, reminders: 3 });
    expect(await scanLiaison(app, on('2026-06-26'))).toMatchObject({ slots: ['2026-H1.before-3'], shortLinks: 4, reminders: 3 });
    // A visit on the last day of the half-year counts for it.
    await visit('rf-works-01', ZHONGYUAN, '2026-06-30');
    expect(await scanLiaison(app, on('2026-06-30'))).toMatchObject({ slots: [], reminders: 0 });
    // A visit on the first day of the next one does not.
    await visit('rf-office-01', YUAN_EQUIPMENT, '2026-07-01');
    expect(await scanLiaison(app, on('2026-07-01'))).toMatchObject({ slots: ['2026-H1.missed'], shortLinks: 3, reminders: 2 });
    expect(await scanLiaison(app, on('2026-07-02'))).toMatchObject({ slots: [], reminders: 0 });

    const expected = [
      ...OFFICIALS.map((o) => key(o, '2026-H1.before-30')),
      ...OFFICIALS.filter((o) => o !== 'rf-works-02').flatMap((o) => [key(o, '2026-H1.before-14'), key(o, '2026-H1.before-3')]),
      ...['rf-office-01', 'rf-leader-01'].map((o) => key(o, '2026-H1.missed')),
    ].sort();
    expect(await reminderIds()).toEqual(expected);

    const byId = await reminders();
    const lastCall = byId.get(key('rf-works-01', '2026-H1.before-3'));
    expect(lastCall?.recipient).toEqual({ kind: 'official', ref: 'rf-works-01' });
    expect(renderNotice(lastCall as NoticeJob, 'zh-CN').text).toBe(
      '【联系企业提醒】2026年上半年您还有 1 家联系企业未按要求走访（每家应不少于 1 次）：郑州中原建设工程有限公司。距 2026-06-30 还有 3 个工作日，请及时走访，走访后发送“走访”记录。',
    );
    expect(renderNotice(lastCall as NoticeJob, 'en').text).toBe(
      '[Liaison] In the first half of 2026 you have yet to visit 1 of your linked enterprises as required (at least 1 each): 郑州中原建设工程有限公司. 3 working days remain until 2026-06-30; please visit, then send "visit" to record each visit.',
    );
    // One message names both of rf-leader-01's enterprises (a leadership member, but the year's rule waits for the second half).
    const leader = renderNotice(byId.get(key('rf-leader-01', '2026-H1.before-3')) as NoticeJob, 'zh-CN').text;
    expect(leader).toMatch(/^【联系企业提醒】2026年上半年您还有 2 家联系企业未按要求走访（每家应不少于 1 次）：(\S+)、(\S+)。距 2026-06-30 还有 3 个工作日/);
    expect(leader).toContain(NAMES[LUOYANG]);
    expect(leader).toContain(NAMES[SHOP]);
    const missed = byId.get(key('rf-office-01', '2026-H1.missed'));
    expect(renderNotice(missed as NoticeJob, 'zh-CN').text).toBe(
      '【联系企业】2026年上半年已结束，您有 1 家联系企业未达到每家不少于 1 次的走访要求：河南豫安人防设备有限公司。此情况将在周报中告知主管，请尽快走访。',
    );
    expect(renderNotice(missed as NoticeJob, 'en').text).toContain(
      'the first half of 2026 has ended, and 1 of your linked enterprises did not get the visits required (at least 1 each): 河南豫安人防设备有限公司.',
    );

    // The same day scanned again queues nothing new: it hands the queue the same reminders, which keeps the first.
    expect(await scanLiaison(app, on('2026-07-01'))).toMatchObject({ shortLinks: 3, reminders: 2 });
    expect(await reminderIds()).toEqual(expected);
  });

  it('an official with many short links gets one reminder: the first names, then "and N more"', async () => {
    const { Enterprise, Link } = app.db.models;
    // rf-works-01 holds 40 more links, 5 of them visited: 36 short with its demo link.
    const extra = Array.from({ length: 40 }, (_, i) => ({ creditCode: `914101000000${String(i).padStart(5, '0')}X`, name: `测试企业${String(i).padStart(2, '0')}` }));
    await Enterprise.insertMany(extra.map((e) => ({ ...e, ownership: 'private', size: 'small', region: '郑州市' })));
    await Link.insertMany(extra.map((e) => ({ official: 'rf-works-01', enterprise: e.creditCode })));
    for (const e of extra.slice(0, 5)) await visit('rf-works-01', e.creditCode, '2026-05-11');

    expect(await scanLiaison(app, on('2026-05-19'))).toMatchObject({ linksRead: 45, shortLinks: 40, reminders: 4 });
    const byId = await reminders();
    expect([...byId.keys()].sort()).toEqual(OFFICIALS.map((o) => key(o, '2026-H1.before-30')).sort());
    const notice = byId.get(key('rf-works-01', '2026-H1.before-30')) as NoticeJob;
    const zh = renderNotice(notice, 'zh-CN').text;
    const listed = /：(.*)，另有 6 家。距/.exec(zh)?.[1]?.split('、') ?? [];
    expect(zh).toContain('2026年上半年您还有 36 家联系企业未按要求走访');
    expect(listed).toHaveLength(30);
    expect(new Set(listed).size).toBe(30);
    // The visited ones are not named; every named one is a short link of rf-works-01.
    const short = new Set([NAMES[ZHONGYUAN], ...extra.slice(5).map((e) => e.name)]);
    for (const name of listed) expect(short).toContain(name);
    const en = renderNotice(notice, 'en').text;
    expect(en).toContain('you have yet to visit 36 of your linked enterprises as required (at least 1 each): ');
    expect(en).toMatch(/: (\S+, ){30}and 6 more\. \d+ working days remain until 2026-06-30/);
  });

  it('leadership members owe two visits a year, and the leading group a symposium', async () => {
    await visit('rf-leader-01', LUOYANG, '2026-03-02');
    await visit('rf-leader-01', LUOYANG, '2026-08-03');
    await visit('rf-leader-01', SHOP, '2026-08-03');
    expect(await scanLiaison(app, on('2026-11-20'))).toMatchObject({ slots: ['2026-H2.before-30', '2026.before-30'], shortLinks: 4, reminders: 4, symposiumReminders: 1 });
    const ids = await reminderIds();
    expect(ids).toContain('liaison.symposium.2026.before-30.rf-leader-01');
    const byId = await reminders();
    expect([...byId.keys()].sort()).toEqual(OFFICIALS.map((o) => key(o, '2026-H2.before-30')).sort());
    // Luoyang was visited twice this year, once since July: only the shop is named, with both counts.
    const leader = byId.get(key('rf-leader-01', '2026-H2.before-30')) as NoticeJob;
    expect(renderNotice(leader, 'zh-CN').text).toBe(
      '【联系企业提醒】领导班子成员走访每家联系企业每年不少于 2 次、每半年不少于 1 次。2026年您还有 1 家联系企业未达到要求：郑州市金水区老李五金店（全年 1 次，下半年 1 次）。距 2026-12-31 还有 30 个工作日，请及时安排，走访后发送“走访”记录。',
    );
    expect(renderNotice(leader, 'en').text).toContain(
      'at least 2 times a year, at least 1 of them in each half. In 2026 you have yet to do so at 1 of your linked enterprises: 郑州市金水区老李五金店 (1 in 2026, 1 in the second half). 30 working days remain until 2026-12-31',
    );
    const symposium = (await notices()).find((job) => job.id === 'liaison.symposium.2026.before-30.rf-leader-01');
    expect(renderNotice(symposium?.data as NoticeJob, 'zh-CN').text).toContain('2026年已召开企业家座谈会 0 次，每年应不少于 1 次');

    // A symposium held: the next reminder day reminds the links still short, not the symposium.
    await visit('rf-leader-01', ZHONGYUAN, '2026-12-01', { form: 'symposium', meal: 'none' });
    expect(await scanLiaison(app, on('2026-12-14'))).toMatchObject({ slots: ['2026-H2.before-14', '2026.before-14'], shortLinks: 4, reminders: 4, symposiumReminders: 0 });

    // The year ended short: on its first working day the leadership member is told the year's rule (the symposium was held).
    expect(await scanLiaison(app, on('2027-01-04'))).toMatchObject({ slots: ['2026-H2.missed', '2026.missed'], shortLinks: 4, reminders: 4, symposiumReminders: 0 });
    const missed = (await reminders()).get(key('rf-leader-01', '2026-H2.missed')) as NoticeJob;
    expect(renderNotice(missed, 'zh-CN').text).toBe(
      '【联系企业】2026年已结束，您有 1 家联系企业未达到领导班子成员每年不少于 2 次、每半年不少于 1 次的走访要求：郑州市金水区老李五金店（全年 1 次，下半年 1 次）。',
    );
    expect(renderNotice(missed, 'en').text).toBe(
      '[Liaison] 2026 has ended, and 1 of your linked enterprises did not get the visits required of leadership members (at least 2 a year, 1 in each half): 郑州市金水区老李五金店 (1 in 2026, 1 in the second half).',
    );
  });

  it('two workers running the same scan queue each reminder once', async () => {
    const today = on('2026-05-19');
    const workers = ['one', 'two'].map((name) => startLiaisonWorker(app, { connection: app.redisClient.duplicate(), prefix: app.prefix, name }));
    try {
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
      const jobs = await Promise.all(['scan-a', 'scan-b', 'scan-c'].map((jobId) => app.queues.liaison.add('scan', { scan: 'daily', today }, { jobId })));
      const deadline = Date.now() + 20_000;
      const completed = async () => (await app.queues.liaison.getJobCounts('completed')).completed ?? 0;
      while ((await completed()) < jobs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await app.queues.liaison.getJobCounts('completed', 'failed')).completed).toBe(3);
      // Both workers took part: each runs one scan at a time, so the second job goes to the idle one.
      const done = await app.queues.liaison.getJobs(['completed']);
      expect(new Set(done.map((job) => job.processedBy)).size).toBe(2);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    // And two scans at once in this process.
    await Promise.all([scanLiaison(app, today), scanLiaison(app, today)]);
    const ids = (await notices()).map((job) => job.id ?? '');
    expect(ids.sort()).toEqual(OFFICIALS.map((o) => key(o, '2026-H1.before-30')).sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('one scheduler entry each, however many processes schedule', async () => {
    const others = [1, 2, 3].map(() => new Queue<JobPayloads['liaison']>(QUEUE_NAMES.liaison, { connection: app.redisClient.duplicate(), prefix: app.prefix }));
    try {
      await Promise.all([scheduleLiaison(app.queues), ...others.map((queue) => scheduleLiaison({ liaison: queue }))]);
      const schedulers = await app.queues.liaison.getJobSchedulers();
      expect(schedulers.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'liaison-daily', pattern: '0 9 * * *', tz: 'Asia/Shanghai' },
        { key: 'liaison-weekly', pattern: '0 9 * * 1', tz: 'Asia/Shanghai' },
      ]);
      expect(await app.queues.liaison.getDelayedCount()).toBe(2);
    } finally {
      await Promise.all(others.map((queue) => queue.close()));
    }
  });

  it('the weekly digest tells each unit’s supervisors who has no link and who is behind', async () => {
    const today = on('2026-03-02');
    await visit('rf-works-02', LUOYANG, '2026-03-02');
    const summary = await digestLiaison(app, today);
    expect(summary).toMatchObject({ digests: 7, unlinked: 6, behind: 3 });
    const digests = (await notices()).filter((job) => job.data.message.key === 'liaison.notice.digest');
    expect(digests.map((job) => job.data.recipient.ref).sort()).toEqual(['rf-equipment-01', 'rf-finance-01', 'rf-leader-01', 'rf-office-sup', 'rf-policy-01', 'rf-quality-01', 'rf-works-sup']);
    const works = digests.find((job) => job.data.recipient.ref === 'rf-works-sup');
    expect(works?.id).toBe('liaison.digest.2026-03-02.rf-works-sup');
    expect(renderNotice(works?.data as NoticeJob, 'zh-CN').text).toBe(
      '【联系企业周报】工程管理处，截至 2026-03-02（2026年上半年还剩 83 个工作日）\n未联系企业的人员（1 人）：赵敏\n尚未完成本期走访的人员（1 人）：王建国（1 家）',
    );
    const leadership = digests.find((job) => job.data.recipient.ref === 'rf-leader-01');
    expect(renderNotice(leadership?.data as NoticeJob, 'en').text).toContain('Officials yet to make this period’s visits (1): 郑华 (2)\nSymposiums this year: 0 held, at least 1 required');

    await digestLiaison(app, today);
    expect((await notices()).filter((job) => job.data.message.key === 'liaison.notice.digest')).toHaveLength(7);
  });
});
