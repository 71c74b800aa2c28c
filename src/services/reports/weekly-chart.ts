/**
 * 周报图 for supervisors (POLICY §8 "charts can be sent to them in chat"): the 三率 trend over the last
 * whole weeks, and today's overdue open tickets by unit, stacked by escalation level — one PNG.
 */
import type { EChartsOption } from 'echarts';
import { computeThreeRates, previousWeeks, type Period, type RateCounts, type Rates } from '../../domain/three-rates.ts';
import { toShanghaiDate } from '../../domain/working-days.ts';
import { renderChartPng, type ChartImage } from './chart-render.ts';
import { countByUnit, overdueTickets } from './overdue.ts';
import { unitNameZh, type ReportContext } from './report-names.ts';
import { fetchRateTickets } from './three-rates.ts';

/** One week of the trend. */
export interface WeekPoint {
  period: Period;
  /** `03-02`: the Monday the week starts (Asia/Shanghai). */
  label: string;
  counts: RateCounts;
  rates: Rates;
}

/** One unit's overdue open tickets by escalation level (0, 1, 2). */
export interface OverdueBar {
  unit: string;
  name: string;
  byLevel: [number, number, number];
}

/** What the weekly chart shows. */
export interface WeeklyChartData {
  asOf: Date;
  /** Set when the chart is one unit's. */
  unitName?: string;
  weeks: WeekPoint[];
  overdue: OverdueBar[];
}

export interface WeeklyChartOptions {
  /** Whole weeks before the current one (default 8). */
  weeks?: number;
  /** One unit only; default the whole department (misconduct reports stay out of the overdue bars). */
  unit?: string;
  width?: number;
  height?: number;
}

const RATE_SERIES = [
  { key: 'respondedInTime', name: '及时响应率', color: '#2f6fba' },
  { key: 'resolvedInTime', name: '按时办结率', color: '#2e9d5b' },
  { key: 'satisfied', name: '满意率', color: '#d9822b' },
] as const;
const LEVELS = [
  { name: '未升级', color: '#f2c14e' },
  { name: '一级督办', color: '#e07a3f' },
  { name: '二级督办', color: '#c0392b' },
] as const;

/** The figures behind the chart: one read for all the weeks, one for the overdue tickets. */
export async function weeklyChartData(ctx: ReportContext, options: Pick<WeeklyChartOptions, 'weeks' | 'unit'> = {}): Promise<WeeklyChartData> {
  const count = options.weeks ?? 8;
  if (!Number.isInteger(count) || count < 1 || count > 26) throw new RangeError(`weeks must be an integer 1–26, got ${count}`);
  const asOf = ctx.clock.now();
  const periods = previousWeeks(asOf, count);
  const span = { from: periods[0]?.from ?? asOf, to: periods[periods.length - 1]?.to ?? asOf };
  const tickets = await fetchRateTickets(ctx, span, options.unit);
  const weeks = periods.map((period) => {
    const { total } = computeThreeRates(tickets, period, asOf);
    return { period, label: toShanghaiDate(period.from).slice(5), counts: total.counts, rates: total.rates };
  });
  const items = await overdueTickets(ctx, { ...(options.unit === undefined ? {} : { unit: options.unit }), limit: 1000 });
  const overdue = [...countByUnit(items).entries()]
    .map(([unit, { byLevel }]) => ({ unit, name: unitNameZh(ctx.profile, unit), byLevel: [byLevel[0] ?? 0, byLevel[1] ?? 0, byLevel[2] ?? 0] as [number, number, number] }))
    .sort((a, b) => a.byLevel.reduce((s, n) => s + n, 0) - b.byLevel.reduce((s, n) => s + n, 0) || b.unit.localeCompare(a.unit));
  return { asOf, weeks, overdue, ...(options.unit === undefined ? {} : { unitName: unitNameZh(ctx.profile, options.unit) }) };
}

/** A rate as a percentage with one decimal, or null (a gap in the line) when there is no figure. */
const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);

/** The echarts option of the weekly chart: trend on top, overdue bars below. Pure. */
export function weeklyChartOption(data: WeeklyChartData): EChartsOption {
  const first = data.weeks[0];
  const last = data.weeks[data.weeks.length - 1];
  const span = first && last ? `${toShanghaiDate(first.period.from)} 至 ${toShanghaiDate(new Date(last.period.to.getTime() - 1))}` : '';
  const hasOverdue = data.overdue.length > 0;
  return {
    title: [
      { text: `${data.unitName ?? ''}三率周报`, subtext: span, left: 'center', top: 10, textStyle: { fontSize: 22 } },
      { text: `逾期未办结工单（截至 ${toShanghaiDate(data.asOf)}）`, subtext: hasOverdue ? '' : '当前无逾期工单', left: 'center', top: '53%', textStyle: { fontSize: 18 } },
    ],
    legend: [
      { data: RATE_SERIES.map((s) => s.name), top: 70 },
      { data: LEVELS.map((l) => l.name), top: '59%' },
    ],
    grid: [
      { left: 70, right: 70, top: 110, height: '32%' },
      { left: 160, right: 60, top: '64%', bottom: 40 },
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: data.weeks.map((w) => `${w.label}周`) },
      { type: 'value', gridIndex: 1, minInterval: 1 },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      { type: 'category', gridIndex: 1, data: data.overdue.map((o) => o.name) },
    ],
    series: [
      ...RATE_SERIES.map((s) => ({
        type: 'line' as const,
        name: s.name,
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: data.weeks.map((w) => percent(w.rates[s.key])),
        connectNulls: false,
        color: s.color,
        // Only the latest value is written out: resvg reads the whole CJK font file (about 20 MB) for
        // every text element, so two dozen point labels would cost a second per image, and clutter it.
        endLabel: { show: true, formatter: (p: { value?: unknown }) => (p.value === null || p.value === undefined ? '' : `${String(p.value)}%`), fontSize: 12 },
      })),
      ...LEVELS.map((l, level) => ({
        type: 'bar' as const,
        name: l.name,
        xAxisIndex: 1,
        yAxisIndex: 1,
        stack: 'overdue',
        color: l.color,
        barMaxWidth: 36,
        data: data.overdue.map((o) => o.byLevel[level] ?? 0),
        label: { show: true, formatter: (p: { value?: unknown }) => (Number(p.value) > 0 ? String(p.value) : '') },
      })),
    ],
  };
}

/**
 * The weekly report image: 三率 of each of the last `weeks` whole weeks (Monday–Sunday, Asia/Shanghai, as
 * defined in `src/domain/three-rates.ts`) and the overdue open tickets by unit now.
 */
export async function renderWeeklyChart(ctx: ReportContext, options: WeeklyChartOptions = {}): Promise<ChartImage> {
  const data = await weeklyChartData(ctx, options);
  return renderChartPng(weeklyChartOption(data), { width: options.width ?? 1000, height: options.height ?? 1100 });
}
