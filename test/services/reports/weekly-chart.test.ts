import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartFonts, renderSvg, svgToPng } from '../../../src/services/reports/chart-render.ts';
import { renderWeeklyChart, weeklyChartData } from '../../../src/services/reports/weekly-chart.ts';
import { createTestApp, type TestApp } from '../../support/app-context.ts';
import { at, seedTickets } from './seed.ts';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp('weeklychart');
  await seedTickets(app);
});
afterAll(() => app.close());

/** Width and height from the PNG's IHDR chunk (bytes 16–23, big-endian), after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The PNG's RGBA pixels, decoded by resvg itself (the PNG embedded as an image at its own size). */
function pixels(png: Buffer): Uint8Array {
  const { width, height } = pngSize(png);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
}

function distinctColours(rgba: Uint8Array): number {
  const view = new DataView(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const colours = new Set<number>();
  for (let i = 0; i + 3 < rgba.length; i += 4) colours.add(view.getUint32(i));
  return colours.size;
}

const differs = (a: Uint8Array, b: Uint8Array) => a.length !== b.length || a.some((v, i) => v !== b[i]);

describe('the weekly chart data (POLICY §8)', () => {
  it('holds the 三率 of the eight whole weeks before the current one and the overdue tickets by unit', async () => {
    const data = await weeklyChartData(app);
    expect(data.asOf).toEqual(at('2026-04-10 10:00'));
    expect(data.weeks.map((w) => w.label)).toEqual(['02-09', '02-16', '02-23', '03-02', '03-09', '03-16', '03-23', '03-30']);
    const week = (label: string) => data.weeks.find((w) => w.label === label)?.rates;
    // 03-02..03-08: responses due T7✓ (03-03) T1✓ (03-04) T2✗ (03-05) T3✓ (03-06); nothing to resolve or rated.
    expect(week('03-02')).toEqual({ respondedInTime: 0.75, resolvedInTime: null, satisfied: null });
    // 03-16..03-22: T5✓; resolutions T7✓ T11✓; first ratings T7 T11 T1, all satisfied.
    expect(week('03-16')).toEqual({ respondedInTime: 1, resolvedInTime: 1, satisfied: 1 });
    // 03-23..03-29: T10✗; resolutions T1✓ T8✗ T2✗ T3✓ T9✓; ratings T8✗ T2✓ T5✓.
    expect(week('03-23')).toEqual({ respondedInTime: 0, resolvedInTime: 0.6, satisfied: 2 / 3 });
    expect(data.overdue).toEqual([
      { unit: 'works', name: '工程管理处', byLevel: [0, 1, 1] },
      { unit: 'office', name: '办公室', byLevel: [0, 1, 1] },
    ]);
  });
});

describe('the weekly chart image', () => {
  it('is a PNG of the requested size with real content', async () => {
    const cpu = process.cpuUsage();
    const image = await renderWeeklyChart(app, { width: 900, height: 1000 });
    const { user, system } = process.cpuUsage(cpu);
    expect(image).toMatchObject({ width: 900, height: 1000 });
    expect(pngSize(image.png)).toEqual({ width: 900, height: 1000 });
    // A blank canvas has one colour; lines, bars, labels and anti-aliased text give hundreds.
    expect(distinctColours(pixels(image.png))).toBeGreaterThan(100);
    // CPU time of this process (render threads included), not wall time: other test runs share the machine.
    expect((user + system) / 1000).toBeLessThan(5_000);
  }, 120_000);

  it('asks for the CJK family in the SVG it rasterises', () => {
    const svg = renderSvg({ title: { text: '三率周报' } }, { width: 400, height: 200 });
    expect(svg).toContain('三率周报');
    expect(svg).toContain('Noto Sans CJK SC');
  });

  it('renders a Chinese title as glyphs of the CJK font, not as nothing and not as tofu', async () => {
    const size = { width: 400, height: 120 };
    const titled = renderSvg({ title: { text: '三率周报', left: 'center', top: 30 } }, size);
    const untitled = renderSvg({ title: { text: '', left: 'center', top: 30 } }, size);
    const withCjk = pixels(await svgToPng(titled));
    expect(differs(withCjk, pixels(await svgToPng(untitled)))).toBe(true);
    expect(chartFonts().fontFiles?.some((f) => f.includes('NotoSansCJK')) ?? chartFonts().loadSystemFonts).toBe(true);

    // Control: with only a Latin font, the same title is either dropped or drawn as .notdef boxes —
    // either way not what the CJK font draws, so the comparison above can tell glyphs from tofu.
    const dejavu = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
    if (existsSync(dejavu)) {
      const latinOnly = pixels(await svgToPng(titled, { loadSystemFonts: false, fontFiles: [dejavu], defaultFontFamily: 'DejaVu Sans' }));
      expect(differs(withCjk, latinOnly)).toBe(true);
    }
  }, 60_000);

  it('refuses an absurd size before allocating pixels', async () => {
    await expect(renderWeeklyChart(app, { width: 80_000, height: 100 })).rejects.toThrow(/width/);
  });
});
