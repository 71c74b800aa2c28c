import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { processNotice, type Channels } from '../../../src/workers/notify.worker.ts';
import { redeliverHeldNotices } from '../../../src/services/notices/held-notices.ts';
import type { NoticeJob } from '../../../src/queue/notice.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp('held');
});
afterAll(() => app.close());

const job: NoticeJob = { recipient: { kind: 'official', ref: 'rf-works-02' }, message: { key: 'notice.reminder', params: { number: 'RF-2026-000001', deadline: '办结时限', due: '2026-03-20 18:00' } }, dedupeKey: 'held.test.1' };

describe('a notice the channel refuses (an Official Account outside its 48 h window)', () => {
  it('is kept as held, keyed by its dedupe key, and queued again when that chat next writes — once', async () => {
    const refusing: Channels = { send: async () => ({ ok: false, reason: 'unreachable', detail: 'outside the 48 h window' }) };
    expect(await processNotice(app, job, refusing)).toBe('held');
    const stored = await app.db.models.Notice.findById('held.test.1').lean();
    expect(stored).toMatchObject({ status: 'held', platform: 'telegram', chatId: '700000002', detail: 'outside the 48 h window' });

    expect(await redeliverHeldNotices(app, 'telegram', '700000002')).toBe(1);
    expect(await app.queues.notify.getJob('held.test.1.retry1')).toBeDefined();
    // The mark is spent: the next message from that chat costs nothing.
    expect(await redeliverHeldNotices(app, 'telegram', '700000002')).toBe(0);

    const delivering: Channels = { send: async () => ({ ok: true }) };
    expect(await processNotice(app, job, delivering)).toBe('sent');
    expect(await processNotice(app, job, delivering)).toBe('duplicate');
  });
});

describe('a notice whose send landed but whose record did not (the database failing right after)', () => {
  it('is recorded as sent on the retry, not sent again', async () => {
    const once: NoticeJob = { ...job, dedupeKey: 'sent.mark.1' };
    // What the send leaves in Redis before the record is written.
    await app.redisClient.set(`qinqing:{${app.db.connection.name}}:notice-sent:sent.mark.1`, String(Date.parse('2026-03-02T01:00:00Z')), 'EX', 60);
    let sends = 0;
    const counting: Channels = {
      send: async () => {
        sends += 1;
        return { ok: true };
      },
    };
    expect(await processNotice(app, once, counting)).toBe('duplicate');
    expect(sends).toBe(0);
    expect(await app.db.models.Notice.findById('sent.mark.1').lean()).toMatchObject({ status: 'sent', sentAt: new Date('2026-03-02T01:00:00Z') });
  });

  it('waits, without sending, while its channel runs here but is not ready (WeChat held by another instance)', async () => {
    const waiting: Channels = { send: async () => ({ ok: true }), ready: () => false };
    await expect(processNotice(app, { ...job, dedupeKey: 'not.ready.1' }, waiting)).rejects.toMatchObject({ name: 'ChannelNotReadyError' });
    expect(await app.db.models.Notice.findById('not.ready.1').lean()).toBeNull();
  });
});
