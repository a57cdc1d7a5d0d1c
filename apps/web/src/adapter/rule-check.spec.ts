import { describe, expect, it } from 'vitest';
import type { FormDefinition, RuleSet } from '@credo/form-engine';
import { compileClientValidation } from './rule-check';

const form = {
  key: 'supplier',
  title: '供应商',
  fields: [
    { key: 'price', type: 'money', label: '单价' },
    { key: 'quantity', type: 'integer', label: '数量' },
  ],
} as unknown as FormDefinition;

const ruleSet: RuleSet = {
  key: 'supplier-rules',
  form: 'supplier',
  version: 1,
  title: '供应商规则',
  rollups: [{ key: 'open_orders', label: '未结订单', type: 'integer', default: 0 }],
  rules: [
    { id: 'too_many', kind: 'validation', field: 'quantity', message: '数量不能超过 100', conditions: { all: [{ fact: 'quantity', operator: 'greaterThan', value: 100 }] } },
    { id: 'server_only', kind: 'validation', field: 'quantity', message: '未结订单过多', conditions: { all: [{ fact: 'open_orders', operator: 'greaterThan', value: 3 }] } },
    { id: 'alert', kind: 'alert', code: 'A', severity: 'low', message: 'x', actions: [], conditions: { all: [{ fact: 'quantity', operator: 'greaterThan', value: 1 }] } },
  ],
};

describe('compileClientValidation', () => {
  it('runs the validation rules that read only the record, with the rule’s own message', () => {
    const compiled = compileClientValidation(ruleSet, form)!;
    const held = compiled.evaluate({ price: '10.00', quantity: 101 }, { asOf: '2026-11-25', locale: 'zh-CN', explain: false });
    expect(held.errors).toEqual([expect.objectContaining({ path: '/quantity', message: '数量不能超过 100' })]);
    expect(compiled.evaluate({ price: '10.00', quantity: 100 }, { asOf: '2026-11-25', explain: false }).errors).toEqual([]);
  });

  it('leaves rules over rollups to the server, and answers null without any browser-checkable rule', () => {
    const compiled = compileClientValidation(ruleSet, form)!;
    expect(compiled.ruleSet.rules.map((r) => r.id)).toEqual(['too_many']);
    expect(compileClientValidation({ ...ruleSet, rules: ruleSet.rules.slice(1) }, form)).toBeNull();
    expect(compileClientValidation(null, form)).toBeNull();
  });
});
