import { describe, expect, it } from 'vitest';
import type { FormRecord } from '../api/records';
import { agingBarOption, distributionOption, formatMoney, summariseCustomers, trendDates, usageGaugeOption } from './credit-charts';

const customer = (id: string, rating: string | null, cls: string | null, alerts: Array<{ code: string; severity: string; message: string }>): FormRecord => ({
  id,
  rev: 1,
  data: { name: id },
  createdAt: '',
  updatedAt: '',
  rollups: { rating },
  rules: { values: cls ? { customer_class: cls } : {}, alerts },
});

describe('credit charts', () => {
  it('formats decimal strings exactly, grouped, with two decimals', () => {
    expect(formatMoney('1234567.8', 'zh-CN')).toBe('1,234,567.80');
    expect(formatMoney('-12345678901234.56', 'en')).toBe('-12,345,678,901,234.56');
    expect(formatMoney('0', 'en')).toBe('0.00');
    expect(formatMoney(null, 'en')).toBe('—');
  });

  it('puts the DSO trend at the month-ends before asOf, then asOf', () => {
    expect(trendDates('2026-03-15', 3)).toEqual(['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-15']);
  });

  it('counts customers per alert code, grade (scale order) and class', () => {
    const s = summariseCustomers([
      customer('a', 'BBB', '普通', [{ code: 'OVERDUE_90', severity: 'high', message: '逾期超过90天' }]),
      customer('b', 'AAA', '优质', []),
      customer('c', null, '高风险', [
        { code: 'OVERDUE_90', severity: 'high', message: '逾期超过90天' },
        { code: 'NEAR_LIMIT', severity: 'medium', message: '额度即将用满' },
      ]),
    ]);
    expect(s.customers).toBe(3);
    expect(s.withAlerts).toBe(2);
    expect(s.alerts.map((a) => [a.code, a.customers])).toEqual([
      ['OVERDUE_90', 2],
      ['NEAR_LIMIT', 1],
    ]);
    expect(s.grades).toEqual([
      { key: 'AAA', count: 1 },
      { key: 'BBB', count: 1 },
      { key: null, count: 1 },
    ]);
    expect(s.classes.map((c) => c.key)).toEqual(['优质', '普通', '高风险']);
  });

  it('draws one bar per bucket from the report totals', () => {
    const option = agingBarOption(
      { buckets: [{ key: 'current', label: '未到期' }, { key: '1-30', label: '逾期1-30天' }], rows: [], totals: { amounts: ['100.50', '20.00'], total: '120.50' } },
      { locale: 'zh-CN', amount: '金额' },
    );
    expect(option.xAxis.data).toEqual(['未到期', '逾期1-30天']);
    expect(option.series[0]!.data.map((d) => d.value)).toEqual([100.5, 20]);
  });

  it('widens the usage gauge beyond 100 % when over the limit', () => {
    expect(usageGaugeOption(133.3, 'x').series[0]!.max).toBe(150);
    expect(usageGaugeOption(null, 'x').series[0]!.data[0]!.value).toBe(0);
  });
});

describe('distribution pie', () => {
  it('names slices through nameOf (a rule output label) while colours stay keyed by the stored value', () => {
    const option = distributionOption(
      [{ key: '高风险', count: 3 }, { key: '其他', count: 1 }, { key: null, count: 2 }],
      { locale: 'en', amount: 'Amount', none: 'Unclassified' },
      { 高风险: '#ef4444' },
      (key) => (key === '高风险' ? 'High risk' : undefined),
    );
    expect(option.series[0]!.data).toEqual([
      { name: 'High risk', value: 3, itemStyle: { color: '#ef4444' } },
      { name: '其他', value: 1 },
      { name: 'Unclassified', value: 2, itemStyle: { color: '#cbd5e1' } },
    ]);
  });
});

describe('alert names', () => {
  it('names an alert code by its rule title, else its message with the placeholders elided', async () => {
    const { alertNames } = await import('./credit-charts');
    const names = alertNames({
      rules: [
        { id: 'overdue_90', kind: 'alert', code: 'OVERDUE_90', message: { 'zh-CN': '存在逾期{max_days_overdue}天的应收（>90天）', en: '{max_days_overdue} days overdue' } },
        { id: 'x', kind: 'alert', code: 'X', title: 'Titled', message: 'm {a}' },
        { id: 'c', kind: 'classification' },
      ],
    });
    expect(names.get('OVERDUE_90')).toEqual({ 'zh-CN': '存在逾期…天的应收（>90天）', en: '… days overdue' });
    expect(names.get('X')).toBe('Titled');
    expect(names.size).toBe(2);
  });
});
