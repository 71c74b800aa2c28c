/**
 * Charts as PNG images for chat: echarts renders SVG server-side (no DOM, no canvas), resvg rasterises it
 * with the system's Noto CJK fonts so Chinese titles and labels come out as glyphs, not tofu.
 */
import { existsSync } from 'node:fs';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/** The family every chart text asks for; Debian's fonts-noto-cjk provides it. */
export const CHART_FONT_FAMILY = 'Noto Sans CJK SC';

/** Where Debian puts Noto CJK; loading two files is several times faster than scanning all system fonts. */
const NOTO_CJK_FILES = ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'];

/** A rendered chart. */
export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
}

/** The size of a chart in pixels. */
export interface ChartSize {
  width: number;
  height: number;
}

/** resvg's font settings: the Noto CJK files when present, else every system font. */
export function chartFonts(): NonNullable<ResvgRenderOptions['font']> {
  const files = NOTO_CJK_FILES.filter((file) => existsSync(file));
  const family = { defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY };
  return files.length > 0 ? { loadSystemFonts: false, fontFiles: files, ...family } : { loadSystemFonts: true, ...family };
}

function checkSize({ width, height }: ChartSize): void {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    // A typo such as 80000 would allocate gigabytes of pixels.
    if (!Number.isInteger(value) || value < 100 || value > 4000) throw new RangeError(`chart ${name} must be an integer 100–4000, got ${value}`);
  }
}

/**
 * An echarts option as an SVG document. Animation is off (a still image) and every text uses the CJK
 * family, which resvg must find by name.
 */
export function renderSvg(option: EChartsOption, size: ChartSize): string {
  checkSize(size);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: CHART_FONT_FAMILY }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** An SVG document as PNG bytes (rendered off the main thread). */
export async function svgToPng(svg: string, font: ResvgRenderOptions['font'] = chartFonts()): Promise<Buffer> {
  const image = await renderAsync(svg, { font, background: '#ffffff', fitTo: { mode: 'original' } });
  return image.asPng();
}

/** An echarts option rendered to a PNG of the given size. */
export async function renderChartPng(option: EChartsOption, size: ChartSize): Promise<ChartImage> {
  const png = await svgToPng(renderSvg(option, size));
  return { png, width: size.width, height: size.height };
}
