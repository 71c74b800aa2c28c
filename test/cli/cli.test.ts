import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { mongoUri, redisUrl, uniqueName } from '../support/servers.ts';
import mongoose from 'mongoose';

const dbName = uniqueName('cli');
const servers = () => ({ MONGODB_URI: `${mongoUri()}${dbName}`, REDIS_URL: redisUrl() });

afterAll(async () => {
  const client = new mongoose.mongo.MongoClient(mongoUri());
  await client.connect();
  await client.db(dbName).dropDatabase();
  await client.close();
});

describe('qinqing doctor', () => {
  it('reports both servers with their versions and the calendar coverage', async () => {
    const result = await runCli(['doctor'], servers());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ mongodb: .*FerretDB v1\.24\.2, MongoDB wire version \d+\.\d+/);
    expect(result.stdout).toMatch(/✔ redis: .*Redis 7\.\d+\.\d+/);
    expect(result.stdout).toMatch(/✔ profile: henan-rfb/);
    expect(result.stdout).toMatch(/holiday calendar \d{4}/);
  });

  it('gives a one-line reason for an unreachable Redis and fails', async () => {
    const result = await runCli(['doctor'], { ...servers(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ redis: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable: .*ECONNREFUSED/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });
});

describe('qinqing start with wrong servers', () => {
  it('stops with a one-line reason for a wrong MONGODB_URI, no stack trace', async () => {
    const result = await runCli(['start', '--role', 'api'], { MONGODB_URI: 'mongodb://127.0.0.1:1/x', REDIS_URL: redisUrl(), HTTP_PORT: '0' });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^qinqing: MongoDB at mongodb:\/\/127\.0\.0\.1:1\/x is not reachable after 3 attempts: .*ECONNREFUSED/);
  });

  it('stops with a one-line reason for a wrong REDIS_URL', async () => {
    const result = await runCli(['start'], { ...servers(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^qinqing: Redis at redis:\/\/127\.0\.0\.1:1 is not reachable: .*ECONNREFUSED.*$/);
  });

  it('lists every bad variable before touching anything', async () => {
    const result = await runCli(['start'], { REDIS_URL: 'nope', HTTP_PORT: '99999' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Configuration is not valid:');
    expect(result.stderr).toContain('REDIS_URL: a Redis URL such as redis://127.0.0.1:6379');
    expect(result.stderr).toContain('HTTP_PORT: a port from 0 (any free port) to 65535');
  });
});

describe('qinqing import', () => {
  it('imports the demo directory idempotently and reports a bad file by line', async () => {
    const first = await runCli(['import', 'config/demo/directory.yaml'], servers());
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/officials\s+inserted 11, updated 0, unchanged 0/);
    const second = await runCli(['import', 'config/demo/directory.yaml'], servers());
    expect(second.stdout).toMatch(/officials\s+inserted 0, updated 0, unchanged 11/);
    expect(second.stdout).toMatch(/links\s+inserted 0, updated 0, unchanged 5/);

    const dir = mkdtempSync(join(tmpdir(), 'qinqing-import-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'enterprises:\n  - creditCode: "123"\n    name: x\n    ownership: private\n    size: small\n    region: y\n');
    const third = await runCli(['import', bad], servers());
    rmSync(dir, { recursive: true });
    expect(third.code).toBe(1);
    expect(third.stderr).toBe('qinqing: line 2: enterprises[0].creditCode: not a valid unified social credit code (length)\n');
  });
});

describe('qinqing services', () => {
  it('starts, reports and stops its own local servers', async () => {
    const home = mkdtempSync(join(tmpdir(), 'qinqing-home-'));
    try {
      const start = await runCli(['services', 'start'], { QINQING_HOME: home });
      expect(start.code).toBe(0);
      expect(start.stdout).toMatch(/^redis\s+redis:\/\/127\.0\.0\.1:\d+ \(pid \d+/m);
      expect(start.stdout).toMatch(/^ferretdb\s+mongodb:\/\/127\.0\.0\.1:\d+\/ \(pid \d+/m);

      const status = await runCli(['services', 'status'], { QINQING_HOME: home });
      expect(status.code).toBe(0);
      expect(status.stdout.match(/answering/g)).toHaveLength(2);

      const doctor = await runCli(['doctor'], { QINQING_HOME: home });
      expect(doctor.code).toBe(0);
      expect(doctor.stdout).toMatch(/FerretDB v1\.24\.2/);

      const stop = await runCli(['services', 'stop'], { QINQING_HOME: home });
      expect(stop.stdout).toBe('stopped redis, ferretdb\n');
      const after = await runCli(['services', 'status'], { QINQING_HOME: home });
      expect(after.code).toBe(3);
      expect(after.stdout).toMatch(/^redis\s+not running$/m);
    } finally {
      await runCli(['services', 'stop'], { QINQING_HOME: home });
      rmSync(home, { recursive: true, force: true });
    }
    // Five CLI processes and two server starts: generous on a loaded two-core machine.
  }, 120_000);
});
