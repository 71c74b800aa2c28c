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
