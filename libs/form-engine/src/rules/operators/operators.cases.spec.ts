import { describe, expect, it } from 'vitest';
import { compileRuleSet, evaluateRuleSet, operatorRegistry } from '../../index.js';
import type { FactKind, RuleSet } from '../../index.js';

/*
 * Data-driven operator tests (libs/form-engine/test/cases/rules-operators.json). Every test
 * runs three ways: the operator definition itself, json-rules-engine with the operator registered,
 * and the compiled closures; all three must agree with the expected result.
 */

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
  }
}

interface OperatorCaseFile {
  cases: Array<{ description: string; operator: string; kind: FactKind; tests: Array<{ description: string; fact?: unknown; value: unknown; result: boolean }> }>;
}

const file = Object.values(import.meta.glob<OperatorCaseFile>('../../../test/cases/rules-operators.json', { eager: true, import: 'default' }))[0]!;

function ruleSetFor(operator: string, value: unknown): RuleSet {
  return {
    key: 'operator-case',
    form: 'cases',
    version: 1,
    title: 'operator case',
    rules: [{ id: 'r', kind: 'alert', code: 'HIT', severity: 'info', message: 'hit', actions: [], conditions: { all: [{ fact: 'x', operator, value }] } }],
  };
}

describe('operator case file', () => {
  it('covers every registered operator', () => {
    expect(new Set(file.cases.map((c) => c.operator))).toEqual(new Set(Object.keys(operatorRegistry)));
  });

  for (const c of file.cases) {
    describe(c.description, () => {
      it.each(c.tests)('$description', async (t) => {
        const op = operatorRegistry[c.operator]!;
        expect(op.factKinds).toContain(c.kind);
        expect(op.test(t.fact, op.prepare(t.value))).toBe(t.result);
        const rs = ruleSetFor(c.operator, t.value);
        const facts = t.fact === undefined ? {} : { x: t.fact };
        const reference = await evaluateRuleSet(rs, facts, { asOf: '2026-11-25' });
        expect(reference.alerts.length === 1).toBe(t.result);
        expect(compileRuleSet(rs).evaluate(facts, { asOf: '2026-11-25' })).toEqual(reference);
      });
    });
  }
});
