import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, isCnMobile, isValidUscc } from '@credo/form-engine';
import { loadTemplate } from '../templates.js';
import { generateDemoCustomers } from './demo-customers.js';

const owners = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7', '16fd2706-8baf-433b-82eb-8c7fada847da'];
const opts = { seed: 20261125, count: 600, salesOwnerIds: owners, asOf: '2026-11-25' };

describe('generateDemoCustomers', () => {
  const records = generateDemoCustomers(opts);
  const form = compileFormOrThrow(loadTemplate('customer'));

  it('every record passes the customer template validator', () => {
    const failures = records
      .map((r, i) => ({ i, r, result: form.validateInput(r, 'zh-CN', { asOf: opts.asOf }) }))
      .filter((x) => !x.result.valid)
      .slice(0, 3)
      .map((x) => ({ record: x.r, errors: x.result.errors }));
    expect(failures).toEqual([]);
    expect(records).toHaveLength(600);
  });

  it('is deterministic per seed', () => {
    expect(generateDemoCustomers(opts)).toEqual(records);
    expect(generateDemoCustomers({ ...opts, seed: 1 })).not.toEqual(records);
  });

  it('has unique names and USCCs, valid checksums and phones', () => {
    const names = records.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const codes = records.map((r) => r.uscc).filter((c): c is string => typeof c === 'string');
    expect(codes.length).toBeGreaterThan(500);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every(isValidUscc)).toBe(true);
    expect(records.filter((r) => r.mobile).every((r) => isCnMobile(String(r.mobile)))).toBe(true);
  });

  it('mixes customer types and credit limits, never server fields', () => {
    const types = new Set(records.map((r) => r.customer_type));
    expect(types.size).toBe(6);
    expect(records.some((r) => 'customer_code' in r)).toBe(false);
    expect(records.every((r) => typeof r.credit_limit === 'string' && /^\d+\.\d{2}$/.test(r.credit_limit as string))).toBe(true);
    expect(new Set(records.map((r) => r.credit_limit)).size).toBeGreaterThan(20);
    expect(new Set(records.map((r) => r.industry)).size).toBeGreaterThan(5);
    expect(records.every((r) => owners.includes(r.sales_owner as string))).toBe(true);
    expect(records.every((r) => !r.established_on || (r.established_on as string) <= opts.asOf)).toBe(true);
  });
});
