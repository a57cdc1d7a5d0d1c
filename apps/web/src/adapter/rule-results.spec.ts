import { describe, expect, it } from 'vitest';
import { readRuleResult, ruleSetNames, ruleValueLabel, ruleValueLabels } from './rule-results';

describe('readRuleResult', () => {
  it('reads alerts, values and the explanation’s outcomes with their leaf conditions', () => {
    const view = readRuleResult({
      version: 3,
      asOf: '2026-06-01',
      values: { risk_class: 'B' },
      alerts: [{ code: 'overdue', severity: 'high', message: '逾期超过 90 天', rule: 'r1', actions: [] }, { code: 'x', severity: 'weird' }],
      explanation: {
        outcomes: [
          { rule: 'r1', kind: 'alert', held: true, conditions: { all: [{ fact: 'overdue_days', operator: 'greaterThan', value: 90, factResult: 120, result: true }], result: true } },
          {
            rule: 'class',
            kind: 'classification',
            target: 'risk_class',
            value: 'B',
            matched: 'b',
            cases: [{ id: 'a', held: false }, { id: 'b', held: true, conditions: { not: { fact: 'frozen', operator: 'equal', value: true, factResult: false, result: false }, result: true } }],
          },
          { rule: 'score', kind: 'scoring', score: 72, grade: 'B' },
        ],
      },
    })!;
    expect(view.alerts).toEqual([
      { code: 'overdue', severity: 'high', message: '逾期超过 90 天' },
      { code: 'x', severity: 'info', message: 'x' },
    ]);
    expect(view.values).toEqual([{ key: 'risk_class', value: 'B' }]);
    expect(view.outcomes.map((o) => [o.rule, o.held, o.result, o.conditions.map((c) => [c.fact, c.actual, c.held])])).toEqual([
      ['r1', true, null, [['overdue_days', 120, true]]],
      ['class', null, 'B', [['frozen', false, false]]],
      ['score', null, '72 / B', []],
    ]);
    expect(view.outcomes.map((o) => o.target)).toEqual([null, 'risk_class', null]);
  });

  it('says output values with their labels from the rule set, in the UI language', () => {
    const labels = ruleValueLabels({ outputs: [{ key: 'customer_class', options: [{ value: '高风险', label: { 'zh-CN': '高风险', en: 'High risk' } }, '普通'] }] });
    expect(ruleValueLabel(labels, 'customer_class', '高风险', 'en')).toBe('High risk');
    expect(ruleValueLabel(labels, 'customer_class', '高风险', 'zh-CN')).toBe('高风险');
    expect(ruleValueLabel(labels, 'customer_class', '普通', 'en')).toBeUndefined();
    expect(ruleValueLabel(labels, null, '高风险', 'en')).toBeUndefined();
  });

  it('says an alert in the UI language when it carries that language (messages), else as sent', () => {
    const raw = {
      alerts: [
        { code: 'OVERDUE_90', severity: 'high', message: '存在逾期120天的应收（>90天），客户已冻结', messages: { 'zh-CN': '存在逾期120天的应收（>90天），客户已冻结', en: 'A receivable is 120 days overdue (> 90): customer frozen' } },
        { code: 'OLD', severity: 'low', message: '旧的预警' },
      ],
    };
    expect(readRuleResult(raw, 'en')!.alerts.map((a) => a.message)).toEqual(['A receivable is 120 days overdue (> 90): customer frozen', '旧的预警']);
    expect(readRuleResult(raw, 'zh-CN')!.alerts.map((a) => a.message)).toEqual(['存在逾期120天的应收（>90天），客户已冻结', '旧的预警']);
  });

  it('is null for anything that is not a result', () => {
    expect(readRuleResult(undefined)).toBeNull();
    expect(readRuleResult('x')).toBeNull();
  });
});

describe('ruleSetNames', () => {
  it('names outputs by key and rules by id', () => {
    const names = ruleSetNames({ outputs: [{ key: 'customer_class', label: { 'zh-CN': '客户分类' } }], rules: [{ id: 'r1', title: '逾期预警' }, { id: 'r2' }] });
    expect([...names]).toEqual([
      ['customer_class', { 'zh-CN': '客户分类' }],
      ['r1', '逾期预警'],
    ]);
  });

  it('names rollup facts by their label and untitled alerts by their message, placeholders elided', () => {
    const names = ruleSetNames({
      rollups: [{ key: 'utilisation', label: { 'zh-CN': '额度使用率(%)', en: 'Credit utilisation %' } }],
      rules: [{ id: 'near_limit', kind: 'alert', message: { 'zh-CN': '额度使用率{utilisation}%（80%–100%）', en: 'Credit utilisation {utilisation}% (80–100%)' } }],
    });
    expect(names.get('utilisation')).toEqual({ 'zh-CN': '额度使用率(%)', en: 'Credit utilisation %' });
    expect(names.get('near_limit')).toEqual({ 'zh-CN': '额度使用率…%（80%–100%）', en: 'Credit utilisation …% (80–100%)' });
  });
});
