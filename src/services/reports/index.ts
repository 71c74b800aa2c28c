/** Reports for supervisors (POLICY §8): 三率, the ledger, the weekly chart, the overdue list. */
export { threeRatesReport, fetchRateTickets, nameReport, toPeriod, type NamedRateRow, type NamedThreeRatesReport, type PeriodInput } from './three-rates.ts';
export { exportLedger, ledgerRows, ledgerXlsx, writeLedgerXlsx, ledgerCsv, LEDGER_COLUMNS, type LedgerFile, type LedgerRow } from './ledger.ts';
export { renderWeeklyChart, weeklyChartData, weeklyChartOption, type WeeklyChartData, type WeeklyChartOptions, type WeekPoint, type OverdueBar } from './weekly-chart.ts';
export { renderChartPng, renderSvg, svgToPng, chartFonts, CHART_FONT_FAMILY, type ChartImage, type ChartSize } from './chart-render.ts';
export { overdueTickets, countByUnit, type OverdueItem, type OverdueOptions } from './overdue.ts';
export { SEALED_ENTERPRISE, type ReportContext } from './report-names.ts';
