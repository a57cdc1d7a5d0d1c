import { describe, expect, it } from 'vitest';
import { operatorRegistry, PARAM_FACTS, type FormDefinition, type RuleSet } from '@credo/form-engine';
import { checkRuleSetDraft, defaultValueFor, describeParamFact, emptyRuleSet, factChoices, groupDistribution, literalFor, newRule, operatorsFor, PARAM_FACT_TEXT, paramCandidates, withFact } from './rule-designer';

const form: FormDefinition = {
  key: 'supplier',
  title: '供应商',
  fields: [
    { key: 'name', type: 'text', label: '名称' },
    { key: 'amount', type: 'money', label: '金额' },
    { key: 'grade', type: 'select', label: '等级', options: [{ value: 'A' }, { value: 'B' }] },
    { key: 'since', type: 'date', label: '开始' },
  ],
};

describe('rule designer adapter', () => {
  it('lists the form’s facts with their kinds and labels, plus declared rollups and asOf', () => {
    const rs: RuleSet = { ...emptyRuleSet(form), rollups: [{ key: 'overdue', label: '逾期', type: 'decimal' }] };
    const facts = factChoices(rs, form);
    expect(facts.find((f) => f.key === 'amount')).toMatchObject({ kind: 'decimal', source: 'field', label: '金额' });
    expect(facts.find((f) => f.key === 'grade')?.options).toEqual(['A', 'B']);
    expect(facts.find((f) => f.key === 'overdue')).toMatchObject({ source: 'rollup', label: '逾期' });
    expect(facts.some((f) => f.key === 'asOf')).toBe(true);
  });

  it('offers only operators the engine accepts for the fact’s kind', () => {
    expect(operatorsFor('date')).toContain('dateBefore');
    expect(operatorsFor('date')).not.toContain('greaterThan');
    expect(operatorsFor('decimal')).toContain('between');
    for (const op of operatorsFor('text')) expect(operatorRegistry[op]!.factKinds).toContain('text');
  });

  it('creates rules of each kind that the engine accepts against the form', () => {
    const rs = emptyRuleSet(form);
    rs.outputs = [{ key: 'tier', label: '层级', type: 'text', options: ['高', '低'] }];
    rs.rules.push(newRule('validation', rs, form));
    rs.rules.push(newRule('classification', rs, form));
    rs.rules.push(newRule('alert', rs, form));
    expect(new Set(rs.rules.map((r) => r.id)).size).toBe(3);
    expect(checkRuleSetDraft(rs, form, 'zh-CN').errors).toEqual([]);
  });

  it('reports a bad value at the leaf’s path, and types literals by the fact’s kind', () => {
    const rs = emptyRuleSet(form);
    rs.rules.push({ id: 'big', kind: 'alert', code: 'BIG', severity: 'low', conditions: { all: [{ fact: 'amount', operator: 'greaterThan', value: 'abc' }] }, message: '大额', actions: [] });
    const check = checkRuleSetDraft(rs, form, 'zh-CN');
    expect(check.valid).toBe(false);
    expect(Object.keys(check.byPath).some((p) => p.startsWith('/rules/0/conditions/all/0'))).toBe(true);
    expect(literalFor('decimal', '90')).toBe(90);
    expect(literalFor('decimal', '12345678901234567.5')).toBe('12345678901234567.5');
    expect(literalFor('text', '90')).toBe('90');
    expect(defaultValueFor('between', { key: 'amount', kind: 'decimal', source: 'field' })).toEqual([0, 100]);
    expect(defaultValueFor('in', { key: 'grade', kind: 'text', source: 'field', options: ['A', 'B'] })).toEqual(['A']);
  });

  it('offers every computed fact with its parameters, names them, and switches a leaf to one with fitting params', () => {
    expect(Object.keys(PARAM_FACT_TEXT).sort()).toEqual(Object.keys(PARAM_FACTS).sort());
    const rs: RuleSet = { ...emptyRuleSet(form), rollups: [{ key: 'overdue', label: '逾期', type: 'decimal' }] };
    const facts = factChoices(rs, form);
    const percent = facts.find((f) => f.key === 'percentOf')!;
    expect(percent).toMatchObject({ source: 'param', kind: 'decimal', label: { 'zh-CN': '占比(%)' } });
    expect(percent.params!.map((p) => p.name)).toEqual(['part', 'whole']);
    expect(paramCandidates(facts, ['date']).map((f) => f.key)).toEqual(['since']);
    expect(paramCandidates(facts, ['number', 'decimal']).map((f) => f.key)).toEqual(['amount', 'overdue']);

    const leaf = withFact({ fact: 'name', operator: 'equal', value: 'x' }, 'percentOf', facts);
    expect(leaf).toEqual({ fact: 'percentOf', operator: 'equal', value: 0, params: { part: 'amount', whole: 'overdue' } });
    expect(describeParamFact(leaf, facts, 'zh-CN')).toBe('占比(%)：金额 ÷ 逾期');
    const since = withFact(leaf, 'daysSince', facts);
    expect(since.params).toEqual({ fact: 'since' });
    expect(describeParamFact(since, facts, 'en')).toBe('Days since: 开始');
    expect(withFact(since, 'amount', facts)).not.toHaveProperty('params');

    rs.rules.push({ id: 'old', kind: 'alert', code: 'OLD', severity: 'low', conditions: { all: [{ ...since, operator: 'greaterThan', value: 30 }] }, message: '久', actions: [] });
    expect(checkRuleSetDraft(rs, form, 'zh-CN').errors).toEqual([]);
    rs.rules[0] = { ...rs.rules[0]!, conditions: { all: [{ fact: 'daysSince', operator: 'greaterThan', value: 30, params: { fact: 'amount' } }] } } as (typeof rs.rules)[number];
    // The engine says it with the labels (no rewriting here).
    expect(checkRuleSetDraft(rs, form, 'zh-CN').byPath['/rules/0/conditions/all/0/params/fact']).toBe('已过天数：请为“日期”选择一个日期事实');
    expect(checkRuleSetDraft(rs, form, 'en').byPath['/rules/0/conditions/all/0/params/fact']).toBe('Days since: choose a date fact for "Date"');
  });

  it('groups the impact distribution per target, largest first', () => {
    expect(groupDistribution({ 'tier=高': 2, 'tier=低': 5, 'status=冻结': 1 })).toEqual([
      { target: 'tier', values: [{ value: '低', count: 5 }, { value: '高', count: 2 }] },
      { target: 'status', values: [{ value: '冻结', count: 1 }] },
    ]);
  });
});
