import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, FormDefinitionError } from '../index.js';
import type { FormDefinition } from '../index.js';

/** Credit-assessment and receivable cross-field rules from DOMAIN §6.2 / §6.3. */
const assessment: FormDefinition = {
  key: 'credit_assessment',
  title: '信用评估',
  fields: [
    { key: 'total_assets', type: 'money', label: { 'zh-CN': '总资产', en: 'Total assets' }, required: true, exclusiveMinimum: '0' },
    { key: 'total_liabilities', type: 'money', label: '总负债', required: true, minimum: '0' },
    { key: 'current_assets', type: 'money', label: { 'zh-CN': '流动资产', en: 'Current assets' }, minimum: '0', compare: [{ op: 'lte', field: 'total_assets' }] },
    { key: 'current_liabilities', type: 'money', label: '流动负债', minimum: '0', compare: [{ op: 'lte', field: 'total_liabilities' }] },
    { key: 'employees', type: 'integer', label: '员工人数', minimum: 0 },
    { key: 'assessed_on', type: 'date', label: '评估日期', required: true },
    { key: 'valid_until', type: 'date', label: '有效期至', compare: [{ op: 'gt', field: 'assessed_on' }] },
    { key: 'debt_ratio', type: 'formula', label: '资产负债率', formula: 'ROUND(total_liabilities / total_assets * 100, 2)', resultType: 'decimal' },
    {
      key: 'current_ratio',
      type: 'formula',
      label: '流动比率',
      formula: 'IF(current_liabilities > 0, current_assets / current_liabilities)',
      resultType: 'decimal',
    },
  ],
};

describe('cross-field comparisons', () => {
  const form = compileFormOrThrow(assessment);
  const base = { total_assets: '1000.00', total_liabilities: '700', assessed_on: '2026-11-25' };

  it('current_assets ≤ total_assets, compared exactly', () => {
    expect(form.validateInput({ ...base, current_assets: '1000.00' }).valid).toBe(true);
    const r = form.validateInput({ ...base, current_assets: '1000.01' });
    expect(r.errors).toEqual([
      {
        path: '/current_assets',
        keyword: 'compare',
        params: { op: 'lte', other: 'total_assets', value: '1000.00', otherLabel: '总资产' },
        message: '流动资产不能大于总资产',
      },
    ]);
    expect(form.validateInput({ ...base, current_assets: '1000.01' }, 'en').errors[0]!.message).toBe(
      'Current assets must not be greater than Total assets',
    );
  });

  it('dates in order', () => {
    expect(form.validateInput({ ...base, valid_until: '2027-11-25' }).valid).toBe(true);
    expect(form.validateInput({ ...base, valid_until: '2026-11-25' }).errors[0]).toMatchObject({ path: '/valid_until', message: '有效期至必须大于评估日期' });
  });

  it('skips the comparison when either side is absent or malformed (reported by its own keyword)', () => {
    expect(form.validateInput({ ...base, current_liabilities: '9999' }).errors.map((e) => e.keyword)).toEqual(['compare']);
    expect(form.validateInput({ total_assets: '1', total_liabilities: '0', current_liabilities: '5', assessed_on: '2026-01-01' }).errors.map((e) => e.keyword)).toEqual(['compare']);
    expect(form.validateInput({ ...base, total_assets: 'abc', current_assets: '5' }).errors.map((e) => e.keyword)).toEqual(['format']);
  });

  it('computes debt ratio and leaves current ratio empty when the denominator is 0 (DOMAIN §6.2)', () => {
    expect(form.complete({ ...base, current_assets: '500', current_liabilities: '0' }, { asOf: '2026-11-25' })).toMatchObject({ debt_ratio: '70.00' });
    expect(form.complete({ ...base, current_assets: '500', current_liabilities: '0' }, { asOf: '2026-11-25' }).current_ratio).toBeUndefined();
    expect(form.complete({ ...base, current_assets: '500', current_liabilities: '300' }, { asOf: '2026-11-25' }).current_ratio).toBe('1.67');
  });

  it('refuses comparisons with unknown or incomparable fields', () => {
    const bad = (compare: NonNullable<FormDefinition['fields'][number]['compare']>) => {
      try {
        compileFormOrThrow({ ...assessment, fields: [...assessment.fields, { key: 'x', type: 'money', label: 'X', compare }] });
        return [];
      } catch (e) {
        return (e as FormDefinitionError).errors.map((x) => x.keyword);
      }
    };
    expect(bad([{ op: 'lt', field: 'nope' }])).toEqual(['unknownField']);
    expect(bad([{ op: 'lt', field: 'assessed_on' }])).toEqual(['compareType']);
    expect(bad([{ op: 'lt', field: 'employees' }])).toEqual([]);
  });
});
