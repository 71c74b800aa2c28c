import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminServer, ADMIN_TOKEN, bearer, createKey, type AdminServer } from './admin-server.ts';
import { addContact, submit, ZHONGYUAN } from '../support/fixtures.ts';
import { runJobs } from '../support/jobs.ts';

let s: AdminServer;
let supervisorKey: string;

beforeAll(async () => {
  s = await adminServer('reportsapi');
  const zy = await addContact(s.app, ZHONGYUAN, '960001');
  await submit(s.app, ZHONGYUAN, zy.contactId, '960001');
  await runJobs(s.app);
  supervisorKey = await createKey(s.server, { name: '赵敏', role: 'supervisor', official: 'rf-works-sup' });
});
afterAll(() => s.close());

describe('supervision over the admin API (POLICY §8)', () => {
  it('returns the 三率 of a month', async () => {
    const response = await s.server.inject({ url: '/admin/reports/three-rates?month=2026-03', headers: bearer(ADMIN_TOKEN) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ total: expect.objectContaining({ counts: expect.objectContaining({ submitted: 1 }) }) });
  });

  it('exports the ledger as an XLSX with Chinese headers', async () => {
    const response = await s.server.inject({ url: '/admin/exports/ledger?from=2026-03-01&to=2026-04-01', headers: bearer(ADMIN_TOKEN) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).getCell(1).value).toBe('编号');
    expect(sheet?.rowCount).toBe(2);
  });

  it('exports CSV with a BOM', async () => {
    const response = await s.server.inject({ url: '/admin/exports/ledger?month=2026-03&format=csv', headers: bearer(ADMIN_TOKEN) });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('sends the weekly chart as a PNG', async () => {
    const response = await s.server.inject({ url: '/admin/reports/weekly-chart.png', headers: bearer(ADMIN_TOKEN) });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.subarray(1, 4).toString('ascii')).toBe('PNG');
  }, 60_000);

  it('keeps a supervisor to its own unit and refuses a bad period', async () => {
    const own = await s.server.inject({ url: '/admin/reports/overdue', headers: bearer(supervisorKey) });
    expect(own.statusCode).toBe(200);
    const other = await s.server.inject({ url: '/admin/reports/three-rates?month=2026-03&unit=office', headers: bearer(supervisorKey) });
    expect(other.statusCode).toBe(403);
    const bad = await s.server.inject({ url: '/admin/reports/three-rates?month=2026-13', headers: bearer(ADMIN_TOKEN) });
    expect(bad.statusCode).toBe(400);
    const none = await s.server.inject({ url: '/admin/reports/three-rates', headers: bearer(ADMIN_TOKEN) });
    expect(none.statusCode).toBeGreaterThanOrEqual(400);
    expect(none.statusCode).toBeLessThan(500);
  });
});
