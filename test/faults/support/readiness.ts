/** When a qinqing process is ready: its BullMQ workers are connected, and (bot) it long-polls Telegram. */
import type { FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import type { FaultContext } from './fault-servers.ts';
import { waitUntil, type QinqingProcess } from './processes.ts';

const START_TIMEOUT_MS = 60_000;

/** The `--role worker` process has a worker on the `tickets` queue. */
export async function waitForWorker(ctx: FaultContext, worker: QinqingProcess): Promise<void> {
  await waitUntil(`${worker.role} to work the tickets queue`, async () => (await ctx.queues.tickets.getWorkers()).length > 0, {
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 200,
    watch: [worker],
  });
}

/** The `--role bot` process polls the fake Bot API and has a worker on the `notify` queue. */
export async function waitForBot(ctx: FaultContext, fake: FakeTelegramApi, bot: QinqingProcess): Promise<void> {
  const polls = fake.callsTo('getUpdates').length;
  await waitUntil(
    `${bot.role} to poll Telegram and work the notify queue`,
    async () => fake.callsTo('getUpdates').length > polls && (await ctx.queues.notify.getWorkers()).length > 0,
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, watch: [bot] },
  );
}
