import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, validateFormDefinition } from '@credo/form-engine';
import type { FormDefinition } from '@credo/form-engine';

/* schemas/examples/*.form.json: example definitions for designers and API clients; each must compile. */
const dir = new URL('../../schemas/examples/', import.meta.url);
const load = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as FormDefinition;
const files = readdirSync(dir).filter((f) => f.endsWith('.form.json'));
const CUSTOMER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('schemas/examples', () => {
  it.each(files)('%s is valid and compiles', (file) => {
    const def = load(file);
    expect(validateFormDefinition(def, 'en')).toEqual({ valid: true, errors: [] });
    expect(() => compileFormOrThrow(def)).not.toThrow();
  });

  describe('receivable (DOMAIN §2.1, §6.3)', () => {
    const form = compileFormOrThrow(load('receivable.form.json'));
    const base = { customer: CUSTOMER_ID, biz_date: '2026-09-10', invoice_date: '2026-09-15', amount: '1000.00', invoice_type: '无发票' };

    it('derives due date, days overdue, buckets and status', () => {
      const out = form.complete({ ...base, received: '200' }, { asOf: '2026-11-25' });
      expect(out).toMatchObject({
        outstanding: '800.00',
        basis_date: '2026-09-15',
        due_date: '2026-10-15',
        days_overdue: 41,
        overdue_bucket: '31-60',
        aging_bucket: '1年以内',
        status: '逾期',
        currency: 'CNY',
        term_days: 30,
      });
      expect(form.validateRecord(out).valid).toBe(true);
    });

    it('settled and month-end (月结) receivables', () => {
      expect(form.complete({ ...base, received: '1000' }, { asOf: '2026-11-25' })).toMatchObject({ outstanding: '0.00', days_overdue: 0, status: '已结清' });
      expect(form.complete({ ...base, term_basis: '月结', term_days: 60 }, { asOf: '2026-11-29' })).toMatchObject({ due_date: '2026-11-29', days_overdue: 0, status: '未到期' });
      expect(form.complete({ ...base, invoice_date: undefined }, { asOf: '2029-01-01' })).toMatchObject({ basis_date: '2026-09-10', aging_bucket: '2-3年' });
    });

    it('enforces received ≤ amount, invoice date ≥ business date and the dispute reason', () => {
      const paths = (d: Record<string, unknown>) => form.validateInput({ ...base, ...d }).errors.map((e) => `${e.path} ${e.keyword}`);
      expect(paths({ received: '1000.01' })).toEqual(['/received compare']);
      expect(paths({ invoice_date: '2026-09-09' })).toEqual(['/invoice_date compare']);
      expect(paths({ disputed: true })).toEqual(['/dispute_reason required']);
      expect(paths({ dispute_reason: '质量问题' })).toEqual(['/dispute_reason notVisible']);
      expect(paths({ invoice_type: '数电专票' })).toEqual(['/invoice_no required']);
      expect(paths({ invoice_type: '数电专票', invoice_no: '24312000000012345678', invoice_code: '3100211130' })).toEqual(['/invoice_code notVisible']);
    });
  });

  describe('credit assessment (DOMAIN §6.2)', () => {
    const form = compileFormOrThrow(load('credit-assessment.form.json'));
    const base = { customer: CUSTOMER_ID, assessed_on: '2026-11-25', total_assets: '1000', total_liabilities: '700', industry_risk: '中', public_record: '无不良' };

    it('computes ratios exactly and leaves undefined ratios empty', () => {
      const out = form.complete({ ...base, current_assets: '600', current_liabilities: '0', revenue: '0', net_profit: '-5' }, { asOf: '2026-11-25' });
      expect(out).toMatchObject({ debt_ratio: '70.00', net_worth: '300.00' });
      expect(out.current_ratio).toBeUndefined();
      expect(out.net_margin).toBeUndefined();
      expect(form.complete({ ...base, revenue: '3', net_profit: '1' }, { asOf: '2026-11-25' }).net_margin).toBe('33.33');
    });

    it('requires an approver once a limit is approved', () => {
      expect(form.validateInput({ ...base, approved_limit: '50000' }).errors.map((e) => e.path)).toEqual(['/approver']);
    });
  });
});
