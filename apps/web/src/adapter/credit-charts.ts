import type { AgingReport, Decimal, ProvisionReport } from '../api/reports';
import type { LocalizedText } from '../api/types';
import type { FormRecord } from '../api/records';
import { readRuleResult, type AlertSeverity } from './rule-results';

/*
 * Credit-dashboard figures and chart options, as plain data (no ECharts runtime here: the
 * option objects are what vue-echarts renders). Amounts stay decimal strings until a chart
 * needs a number; totals shown as text are the API's own strings.
 */

/** Overdue buckets from current (green) to 90+ (red); 账龄 brackets reuse the same ramp. */
export const BUCKET_COLORS = ['#22c55e', '#84cc16', '#eab308', '#f97316', '#ef4444', '#b91c1c'];
export const SEVERITY_COLORS: Record<AlertSeverity, string> = { info: '#94a3b8', low: '#3b82f6', medium: '#f59e0b', high: '#ef4444' };

export function num(value: Decimal | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** 1234567.8 → "1,234,567.80" (zh-CN and en group the same way). */
export function formatMoney(value: Decimal | number | null | undefined, locale: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
    // Group the exact string instead of going through a double (keeps every cent).
    const [int, frac = ''] = value.replace('-', '').split('.');
    const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${value.startsWith('-') ? '-' : ''}${grouped}.${(frac + '00').slice(0, 2)}`;
  }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

/** Compact axis labels: 12,300,000 → 1230万 (zh) / 12.3M (en). */
export function compactAmount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

export function provisionTotal(report: ProvisionReport): { balance: Decimal | null; provision: Decimal | null } {
  const total = report.total;
  if (typeof total === 'string') return { balance: null, provision: total };
  return { balance: total?.balance ?? null, provision: total?.provision ?? null };
}

/** The last `count` month-ends strictly before asOf's month, oldest first, then asOf itself. */
export function trendDates(asOf: string, count: number): string[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = count; i >= 1; i--) {
    // Day 0 of month (m - i + 1) is the last day of month (m - i).
    const d = new Date(Date.UTC(y, m - i, 0));
    out.push(d.toISOString().slice(0, 10));
  }
  out.push(asOf);
  return out;
}

export interface CustomerRiskSummary {
  customers: number;
  /** Customers with at least one alert. */
  withAlerts: number;
  /** Per alert code: customers that have it, its severity and a message seen for it. */
  alerts: Array<{ code: string; severity: AlertSeverity; message: string; customers: number }>;
  /** Latest valid rating (grade) → customers; null = not rated. */
  grades: Array<{ key: string | null; count: number }>;
  /** Rule-set classification (customer_class) → customers. */
  classes: Array<{ key: string | null; count: number }>;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** The scorecard's rating scale, best first (seeds/rules/credit-assessment.rules.json). */
export const RATING_ORDER = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'];
const CLASS_ORDER = ['优质', '普通', '高风险'];

function countBy(values: Array<string | null>, order: readonly string[] = []): Array<{ key: string | null; count: number }> {
  const counts = new Map<string | null, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : rank(a.key) - rank(b.key) || a.key.localeCompare(b.key)));
}

function text(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** Alerts, grades and classes over customer records read with include=rollups,rules. */
export function summariseCustomers(records: readonly FormRecord[], classKey = 'customer_class'): CustomerRiskSummary {
  const alerts = new Map<string, { code: string; severity: AlertSeverity; message: string; customers: number }>();
  let withAlerts = 0;
  const grades: Array<string | null> = [];
  const classes: Array<string | null> = [];
  for (const record of records) {
    const rules = readRuleResult(record.rules);
    const codes = new Set<string>();
    for (const alert of rules?.alerts ?? []) {
      if (codes.has(alert.code)) continue;
      codes.add(alert.code);
      const entry = alerts.get(alert.code);
      if (entry) entry.customers += 1;
      else alerts.set(alert.code, { ...alert, customers: 1 });
    }
    if (codes.size) withAlerts += 1;
    grades.push(text(record.rollups?.rating));
    classes.push(text(rules?.values.find((v) => v.key === classKey)?.value));
  }
  return {
    customers: records.length,
    withAlerts,
    alerts: [...alerts.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.customers - a.customers || a.code.localeCompare(b.code)),
    grades: countBy(grades, RATING_ORDER),
    classes: countBy(classes, CLASS_ORDER),
  };
}

export interface ChartText {
  locale: string;
  amount: string;
  provision?: string;
  balance?: string;
  sales?: string;
  dso?: string;
  none?: string;
}

const tooltipMoney = (locale: string) => (value: unknown) => formatMoney(typeof value === 'number' ? value : Number(value), locale);

/** AR by bucket of one aging report (company totals), one coloured bar per bucket. */
export function agingBarOption(report: AgingReport, t: ChartText) {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' as const, valueFormatter: tooltipMoney(t.locale) },
    xAxis: { type: 'category' as const, data: report.buckets.map((b) => b.label), axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: (v: number) => compactAmount(v, t.locale) } },
    series: [
      {
        type: 'bar' as const,
        name: t.amount,
        barMaxWidth: 48,
        data: report.totals.amounts.map((a, i) => ({ value: num(a), itemStyle: { color: BUCKET_COLORS[Math.min(i, BUCKET_COLORS.length - 1)], borderRadius: [4, 4, 0, 0] } })),
      },
    ],
  };
}

/** 账龄 brackets: balance bars and the provision on top of them. */
export function provisionOption(report: ProvisionReport, t: ChartText) {
  return {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0 },
    tooltip: { trigger: 'axis' as const, valueFormatter: tooltipMoney(t.locale) },
    xAxis: { type: 'category' as const, data: report.rows.map((r) => r.label), axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: (v: number) => compactAmount(v, t.locale) } },
    series: [
      { type: 'bar' as const, name: t.balance ?? 'balance', barMaxWidth: 40, itemStyle: { color: '#93c5fd' }, data: report.rows.map((r) => num(r.balance)) },
      { type: 'bar' as const, name: t.provision ?? 'provision', barMaxWidth: 40, itemStyle: { color: '#f97316' }, data: report.rows.map((r) => num(r.provision)) },
    ],
  };
}

/** DSO at each date (line, right axis) over credit sales per month (bars, left axis). */
export function dsoTrendOption(
  points: Array<{ date: string; dso: Decimal | null; bpdso: Decimal | null }>,
  monthlySales: Array<{ month: string; sales: Decimal }>,
  t: ChartText & { bpdso?: string },
) {
  const months = [...new Set([...monthlySales.map((m) => m.month), ...points.map((p) => p.date.slice(0, 7))])].sort();
  const salesBy = new Map(monthlySales.map((m) => [m.month, num(m.sales)]));
  const dsoBy = new Map(points.map((p) => [p.date.slice(0, 7), p]));
  const maybe = (v: Decimal | null | undefined) => (v === null || v === undefined ? null : num(v));
  return {
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0 },
    tooltip: { trigger: 'axis' as const },
    xAxis: { type: 'category' as const, data: months },
    yAxis: [
      { type: 'value' as const, name: '', axisLabel: { formatter: (v: number) => compactAmount(v, t.locale) }, splitLine: { show: false } },
      { type: 'value' as const, name: '', axisLabel: { formatter: '{value}' } },
    ],
    series: [
      { type: 'bar' as const, name: t.sales ?? 'sales', yAxisIndex: 0, itemStyle: { color: '#bfdbfe' }, barMaxWidth: 28, data: months.map((m) => salesBy.get(m) ?? null) },
      { type: 'line' as const, name: t.dso ?? 'DSO', yAxisIndex: 1, smooth: true, symbolSize: 6, itemStyle: { color: '#2563eb' }, connectNulls: true, data: months.map((m) => maybe(dsoBy.get(m)?.dso)) },
      {
        type: 'line' as const,
        name: t.bpdso ?? 'BPDSO',
        yAxisIndex: 1,
        smooth: true,
        symbolSize: 4,
        lineStyle: { type: 'dashed' as const },
        itemStyle: { color: '#22c55e' },
        connectNulls: true,
        data: months.map((m) => maybe(dsoBy.get(m)?.bpdso)),
      },
    ],
  };
}

/** A pie of counts per value; `nameOf` says a value in the UI language (e.g. a rule output's label), colours stay keyed by the value. */
export function distributionOption(items: Array<{ key: string | null; count: number }>, t: ChartText, colors?: Record<string, string>, nameOf?: (key: string) => string | undefined) {
  return {
    tooltip: { trigger: 'item' as const, formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' as const },
    series: [
      {
        type: 'pie' as const,
        radius: ['42%', '68%'],
        center: ['50%', '44%'],
        avoidLabelOverlap: true,
        // ECharts truncates outside labels on the narrow side ("高…" for 高风险); names here are short.
        label: { formatter: '{b}\n{c}', overflow: 'none' as const },
        data: items.map((i) => {
          const name = i.key === null ? (t.none ?? '—') : (nameOf?.(i.key) ?? i.key);
          const color = i.key ? colors?.[i.key] : '#cbd5e1';
          return { name, value: i.count, ...(color ? { itemStyle: { color } } : {}) };
        }),
      },
    ],
  };
}

/** Limit usage in percent (may exceed 100). */
export function usageGaugeOption(percent: number | null, label: string) {
  const value = percent ?? 0;
  const max = Math.max(100, Math.ceil(value / 50) * 50);
  return {
    series: [
      {
        type: 'gauge' as const,
        min: 0,
        max,
        radius: '92%',
        center: ['50%', '58%'],
        startAngle: 210,
        endAngle: -30,
        progress: { show: true, width: 14, itemStyle: { color: value > 100 ? '#ef4444' : value >= 80 ? '#f59e0b' : '#22c55e' } },
        axisLine: { lineStyle: { width: 14 } },
        axisTick: { show: false },
        splitLine: { show: false },
        splitNumber: 4,
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: { valueAnimation: false, offsetCenter: [0, '-4%'], fontSize: 26, fontWeight: 600, color: '#0f172a', formatter: percent === null ? '—' : '{value}%' },
        data: [{ value, name: label }],
      },
    ],
  };
}

/**
 * A name per alert code from a rule-set document: the rule's title, else its message template
 * with the per-customer placeholders elided ("存在逾期…天的应收（>90天）") — the dashboard counts
 * customers per alert, so one customer's figures would mislead.
 */
export function alertNames(document: unknown): Map<string, LocalizedText> {
  const out = new Map<string, LocalizedText>();
  const rules = typeof document === 'object' && document !== null ? (document as { rules?: unknown }).rules : undefined;
  if (!Array.isArray(rules)) return out;
  const elide = (text: string) => text.replace(/\{[^{}]*\}/g, '…');
  for (const rule of rules as Array<Record<string, unknown>>) {
    if (rule?.kind !== 'alert' || typeof rule.code !== 'string') continue;
    const named = rule.title ?? rule.message;
    if (typeof named === 'string') out.set(rule.code, elide(named));
    else if (named && typeof named === 'object') {
      out.set(rule.code, Object.fromEntries(Object.entries(named as Record<string, string>).map(([k, v]) => [k, elide(String(v))])) as LocalizedText);
    }
  }
  return out;
}
