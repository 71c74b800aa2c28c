import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError, loadEnv, type Env } from '../config/env.ts';
import { createLogger } from '../shared/logger.ts';
import { ROLES, startService, type Role } from '../runtime/app.ts';
import { runDoctor } from './doctor.ts';
import { runImport } from './import.ts';
import { runServices } from './services.ts';
import { runVerifyHistory } from './verify-history.ts';
import { projectRoot } from '../runtime/paths.ts';

/** Errors whose message is already the whole story for a person at a terminal: no stack trace. */
const PLAIN_ERRORS = new Set(['ConfigError', 'DatabaseUnavailableError', 'RedisUnavailableError', 'LocalServerError', 'DirectoryImportError', 'ProfileError']);

function fail(error: unknown): never {
  if (error instanceof Error && PLAIN_ERRORS.has(error.name)) {
    process.stderr.write(`qinqing: ${error.message}\n`);
  } else if (error instanceof Error) {
    process.stderr.write(`qinqing: ${error.message}\n${process.env.LOG_LEVEL === 'debug' ? `${error.stack}\n` : ''}`);
  } else {
    process.stderr.write(`qinqing: ${String(error)}\n`);
  }
  process.exit(1);
}

function env(): Env {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) fail(error);
    throw error;
  }
}

const version = (JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { version: string }).version;
const program = new Command('qinqing').description('亲清: enterprises reach the department in chat; officials answer on time').version(version);

program
  .command('start')
  .description('run the service (local FerretDB and Redis unless MONGODB_URI and REDIS_URL are set)')
  .addOption(new Option('--role <role>', 'which part to run').choices(ROLES).default('all'))
  .action(async (options: { role: Role }) => {
    const config = env();
    const logger = createLogger({ level: config.LOG_LEVEL });
    const service = await startService(config, options.role, logger);
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'qinqing stopping');
      await service.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('doctor')
  .description('check configuration, servers, profile and holiday calendar; exits non-zero when something is wrong')
  .action(async () => {
    process.exitCode = await runDoctor(env(), process.stdout);
  });

program
  .command('services')
  .description('the local servers of the embedded default')
  .argument('<action>', 'start | stop | status')
  .action(async (action: string) => {
    process.exitCode = await runServices(env(), action, process.stdout);
  });

program
  .command('import')
  .description('load units, officials, enterprises and liaison links from a YAML file (idempotent)')
  .argument('<file>', 'the YAML file')
  .action(async (file: string) => {
    process.exitCode = await runImport(env(), file, process.stdout);
  });

program
  .command('verify-history')
  .description("check a ticket's hash-chained history; names the first broken event")
  .argument('<ticket>', 'the ticket number, e.g. RF-2026-000123')
  .action(async (ticket: string) => {
    process.exitCode = await runVerifyHistory(env(), ticket, process.stdout);
  });

program.parseAsync(process.argv).catch(fail);
