import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLedger, LEDGER_COLUMNS, ledgerCsv, type LedgerRow } from '../../../src/services/reports/ledger.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { seedTickets, ticketNumber } from './seed.ts';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp('ledger');
  await seedTickets(app);
});
afterAll(() => app.close());

const HEADERS = ['编号', '企业', '类别', '责任单位', '承办人', '提交时间', '响应时限', '办结时限', '办结时间', '状态', '办理结果', '评价'];
/** Tickets submitted in March 2026: T1–T10 and T12, in submission order. */
const MARCH = [1, 7, 2, 3, 12, 8, 4, 9, 5, 10, 6].map(ticketNumber);

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records; throws on anything else. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      // A quoted field runs to the next quote that is not doubled.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`unterminated quote at ${i}`);
        field += text.slice(j, q);
        if (text[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        field += '"';
        j = q + 2;
      }
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else {
      if (text[i] === '\n' || text[i] === '\r') throw new Error(`bare line break at ${i}`);
      field += text[i];
      i += 1;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

describe('台账 as XLSX', () => {
  it('has Chinese headers in a frozen, filtered first row, typed dates and one row per ticket', async () => {
    const file = await exportLedger(app, { month: '2026-03' }, 'xlsx');
    expect(file).toMatchObject({ fileName: 'ledger-20260301-20260331.xlsx', rows: 11 });
    expect(file.contentType).toContain('spreadsheetml');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.data as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('台账');
    expect(sheet).toBeDefined();
    if (!sheet) return;
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:L${1 + MARCH.length}`);
    expect(sheet.getColumn(11).width).toBe(50);
    expect(sheet.rowCount).toBe(1 + MARCH.length);
    expect(sheet.getColumn(1).values.slice(2)).toEqual(MARCH);

    // T1: dates are Date cells holding Shanghai wall-clock time, shown as yyyy-mm-dd hh:mm.
    const t1 = sheet.getRow(2);
    const submitted = t1.getCell(6);
    expect(submitted.type).toBe(ExcelJS.ValueType.Date);
    expect(submitted.value).toBeInstanceOf(Date);
    expect((submitted.value as Date).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(submitted.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(t1.values).toEqual([
      undefined,
      'RF-2026-000001',
      '郑州中原建设工程有限公司',
      '人防工程审批',
      '工程管理处',
      '王建国',
      new Date('2026-03-02T09:00:00Z'),
      new Date('2026-03-04T18:00:00Z'),
      new Date('2026-03-23T18:00:00Z'),
      new Date('2026-03-20T16:00:00Z'),
      '已关闭',
      '审批已办结，批复文件已寄出。',
      '满意',
    ]);
  });

  it('seals the misconduct report, shows rectification and unrated tickets, leaves unresolved dates empty', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exportLedger(app, { month: '2026-03' }, 'xlsx')).data as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('台账');
    const row = (number: string) => sheet?.getRow(MARCH.indexOf(number) + 2);
    expect(row(ticketNumber(12))?.getCell(2).value).toBe('（举报，身份保密）');
    expect(row(ticketNumber(12))?.getCell(3).value).toBe('收受财物、接受宴请');
    expect(row(ticketNumber(12))?.getCell(4).value).toBe('驻办纪检监察组');
    // T3: reopened by 不满意 and rectified: the deadline in force is the 整改 deadline.
    expect(row(ticketNumber(3))?.getCell(8).value).toEqual(new Date('2026-04-02T18:00:00Z'));
    expect(row(ticketNumber(3))?.getCell(12).value).toBe('不满意；回访：满意');
    expect(row(ticketNumber(9))?.getCell(12).value).toBe('未评价');
    expect(row(ticketNumber(8))?.getCell(10).value).toBe('整改中');
    expect(row(ticketNumber(4))?.getCell(9).value).toBeNull();
    expect(row(ticketNumber(4))?.getCell(10).value).toBe('已分派');
  });

  it('narrows to one unit', async () => {
    const file = await exportLedger(app, { month: '2026-03' }, 'xlsx', { unit: 'office' });
    expect(file.rows).toBe(4);
  });
});

describe('台账 as CSV', () => {
  it('starts with the BOM, ends records with CRLF and parses back to the same cells', async () => {
    const file = await exportLedger(app, { month: '2026-03' }, 'csv');
    expect(file.fileName).toBe('ledger-20260301-20260331.csv');
    expect([...file.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.data.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);

    const records = parseCsv(text.slice(1));
    expect(records[0]).toEqual(HEADERS);
    expect(records).toHaveLength(1 + MARCH.length);
    expect(records.slice(1).map((r) => r[0])).toEqual(MARCH);
    const record = (n: number) => records.find((r) => r[0] === ticketNumber(n));
    expect(record(1)).toEqual([
      'RF-2026-000001',
      '郑州中原建设工程有限公司',
      '人防工程审批',
      '工程管理处',
      '王建国',
      '2026-03-02 09:00',
      '2026-03-04 18:00',
      '2026-03-23 18:00',
      '2026-03-20 16:00',
      '已关闭',
      '审批已办结，批复文件已寄出。',
      '满意',
    ]);
    // Quotes, commas and line breaks survive the round trip; a formula-like cell is defused.
    expect(record(2)?.[10]).toBe('已协调，含"加急"说明, 详见附件');
    expect(record(3)?.[10]).toBe('整改完成：\n重新出具意见。');
    expect(record(5)?.[10]).toBe("'=SUM(A1) 已办结");
    expect(record(4)?.[8]).toBe('');
    expect(record(12)?.[1]).toBe('（举报，身份保密）');
  });

  it('quotes exactly the fields RFC 4180 requires', () => {
    const row: LedgerRow = {
      number: 'RF-1',
      enterprise: 'A,B',
      category: 'say "hi"',
      unit: 'x\r\ny',
      assignee: '',
      submittedAt: new Date('2026-03-02T01:00:00Z'),
      respondBy: new Date('2026-03-02T01:00:00Z'),
      resolveBy: new Date('2026-03-02T01:00:00Z'),
      resolvedAt: undefined,
      status: '已提交',
      result: '@cmd',
      rating: '',
    };
    const text = ledgerCsv([row]).toString('utf8');
    expect(text.split('\r\n')[1]).toBe('RF-1,"A,B","say ""hi""","x');
    expect(text).toContain(`y",,2026-03-02 09:00,2026-03-02 09:00,2026-03-02 09:00,,已提交,'@cmd,\r\n`);
    expect(LEDGER_COLUMNS).toHaveLength(12);
  });
});
