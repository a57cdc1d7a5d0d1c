import { describe, expect, it } from 'vitest';
import { compileRuleSet, RuleSetError, validateRuleSet } from '../index.js';
import type { FormDefinition } from '../index.js';

/* Data-driven rule-set validation cases (libs/form-engine/test/cases/rules-validation.json). */

interface ValidationCaseFile {
  form: FormDefinition;
  cases: Array<{ description: string; ruleSet: unknown; errors: Array<{ path: string; keyword: string; message?: string; messageEn?: string }> }>;
}

const file = Object.values(import.meta.glob<ValidationCaseFile>('../../test/cases/rules-validation.json', { eager: true, import: 'default' }))[0]!;

describe('rule-set validation case file', () => {
  it.each(file.cases)('$description', (c) => {
    const zh = validateRuleSet(c.ruleSet, file.form, 'zh-CN');
    const en = validateRuleSet(c.ruleSet, file.form, 'en');
    expect(zh.errors.map((e) => ({ path: e.path, keyword: e.keyword }))).toEqual(c.errors.map((e) => ({ path: e.path, keyword: e.keyword })));
    expect(zh.valid).toBe(c.errors.length === 0);
    c.errors.forEach((e, i) => {
      if (e.message) expect(zh.errors[i]!.message).toBe(e.message);
      if (e.messageEn) expect(en.errors[i]!.message).toBe(e.messageEn);
    });
    for (const err of [...zh.errors, ...en.errors]) expect(err.message).not.toMatch(/\{[a-zA-Z]+\}|undefined/);
    if (c.errors.length) expect(() => compileRuleSet(c.ruleSet as never, file.form)).toThrow(RuleSetError);
  });

  it('never throws on hostile documents', () => {
    let deep: unknown = { fact: 'x', operator: 'equal', value: 1 };
    for (let i = 0; i < 10_000; i++) deep = { not: deep };
    const hostile = [null, 42, 'rules', [], { rules: 'x' }, { key: 't', form: 'customer', version: 1, title: 't', rules: [{ id: 'a', kind: 'alert', conditions: deep }] }];
    for (const doc of hostile) {
      const r = validateRuleSet(doc, file.form, 'en');
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.length).toBeLessThanOrEqual(100);
    }
  });
});
