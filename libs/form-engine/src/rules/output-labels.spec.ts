import { describe, expect, it } from 'vitest';
import { compileRuleSet, ruleValueLabels, ruleValueText, validateRuleSet } from '../index.js';
import type { FormDefinition, RuleSet } from '../index.js';

const form: FormDefinition = {
  key: 'customer',
  title: '客户',
  fields: [{ key: 'overdue_days', type: 'integer', label: '逾期天数' }],
};

const ruleSet: RuleSet = {
  key: 'risk',
  form: 'customer',
  version: 1,
  title: '风险',
  outputs: [
    {
      key: 'risk_level',
      label: { 'zh-CN': '风险等级', en: 'Risk level' },
      type: 'text',
      options: [{ value: '低', label: { 'zh-CN': '低', en: 'Low' } }, { value: '中', label: { 'zh-CN': '中', en: 'Medium' } }, '高'],
    },
  ],
  rules: [
    {
      id: 'level',
      kind: 'classification',
      target: 'risk_level',
      strategy: 'firstMatch',
      cases: [
        { id: 'high', value: '高', label: { 'zh-CN': '高', en: 'High' }, conditions: { all: [{ fact: 'overdue_days', operator: 'greaterThan', value: 90 }] } },
        { id: 'mid', value: '中', label: { 'zh-CN': '中等', en: 'Medium (case)' }, conditions: { all: [{ fact: 'overdue_days', operator: 'greaterThan', value: 30 }] } },
      ],
      default: '低',
    },
  ],
};

describe('rule output labels', () => {
  it('options may be { value, label } like select options; the stored value stays the plain value', () => {
    expect(validateRuleSet(ruleSet, form, 'en')).toEqual({ valid: true, errors: [] });
    const result = compileRuleSet(ruleSet, form).evaluate({ overdue_days: 45 }, { asOf: '2026-11-25' });
    expect(result.values).toEqual({ risk_level: '中' });
    const bad = JSON.parse(JSON.stringify(ruleSet)) as RuleSet;
    (bad.rules[0] as { default?: string }).default = '无';
    expect(validateRuleSet(bad, form, 'zh-CN').errors.map((e) => e.keyword)).toEqual(['unknownOption']);
  });

  it('labels come from the options first, then from the cases that set the value', () => {
    const labels = ruleValueLabels(ruleSet);
    expect(ruleValueText(labels, 'risk_level', '低', 'en')).toBe('Low');
    expect(ruleValueText(labels, 'risk_level', '中', 'en')).toBe('Medium');
    expect(ruleValueText(labels, 'risk_level', '高', 'en')).toBe('High');
    expect(ruleValueText(labels, 'risk_level', '高', 'zh-CN')).toBe('高');
    expect(ruleValueText(labels, 'risk_level', '未知', 'en')).toBeUndefined();
    expect(ruleValueText(labels, 'other', '低', 'en')).toBeUndefined();
    // A scorecard's terms (stored in the language of the evaluation) are said in either language.
    const scoring = ruleValueLabels({
      rules: [{ kind: 'scoring', outputs: { terms: 'required_terms' }, grades: [{ grade: 'C', policy: { terms: { 'zh-CN': '款到发货', en: 'Cash before delivery' } } }] }],
    });
    expect(ruleValueText(scoring, 'required_terms', '款到发货', 'en')).toBe('Cash before delivery');
    expect(ruleValueText(scoring, 'required_terms', 'Cash before delivery', 'zh-CN')).toBe('款到发货');
    for (const junk of [null, 7, 'x', { outputs: 'x', rules: [null, { kind: 'classification', cases: 'x' }] }]) expect(ruleValueLabels(junk).size).toBe(0);
  });
});
