/**
 * The world of the process faults: own Redis and FerretDB, officers and registered people, the fake Bot API,
 * a `--role bot` process polling it and (unless asked not to) a `--role worker` process, both answering.
 */
import { startFakeTelegramApi, type FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import { openFaultContext, startFaultServers, type FaultContext, type FaultServers } from './fault-servers.ts';
import { importOfficers, registerPeople, type Person } from './population.ts';
import { FAULT_BOT_TOKEN, killAll, startQinqing, type QinqingProcess } from './processes.ts';
import { waitForBot, waitForWorker } from './readiness.ts';

export interface FaultWorld {
  servers: FaultServers;
  ctx: FaultContext;
  fake: FakeTelegramApi;
  people: Person[];
  bot: QinqingProcess;
  worker: QinqingProcess | undefined;
}

export async function startFaultWorld(name: string, options: { officers: number; people: number; worker: false }): Promise<FaultWorld & { worker: undefined }>;
export async function startFaultWorld(name: string, options: { officers: number; people: number }): Promise<FaultWorld & { worker: QinqingProcess }>;
export async function startFaultWorld(name: string, options: { officers: number; people: number; worker?: false }): Promise<FaultWorld> {
  const servers = await startFaultServers(name);
  const ctx = await openFaultContext(servers);
  await importOfficers(ctx, options.officers);
  const people = await registerPeople(ctx, options.people);
  const fake = await startFakeTelegramApi({ token: FAULT_BOT_TOKEN });
  const bot = startQinqing('bot', servers.processEnv({ token: fake.token, apiRoot: fake.apiRoot }));
  const worker = options.worker === false ? undefined : startQinqing('worker', servers.processEnv());
  await Promise.all([waitForBot(ctx, fake, bot), ...(worker ? [waitForWorker(ctx, worker)] : [])]);
  return { servers, ctx, fake, people, bot, worker };
}

/** Stops what {@link startFaultWorld} started (and any process a test started since), whatever got started. */
export async function stopFaultWorld(world: Partial<Pick<FaultWorld, 'servers' | 'ctx' | 'fake'>>): Promise<void> {
  await killAll();
  await world.fake?.close();
  await world.ctx?.close();
  await world.servers?.stop();
}
