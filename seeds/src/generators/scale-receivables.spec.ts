import { describe, expect, it } from 'vitest';
import { compileFormOrThrow } from '@credo/form-engine';
import { loadTemplate } from '../templates.js';
import { scaleReceivableBatches, type ScaleCustomer } from './scale-receivables.js';

const AS_OF = '2026-11-25';
const uuid = (i: number) => `00000001-0000-4000-8000-${String(i).padStart(12, '0')}`;
const customers: ScaleCustomer[] = Array.from({ length: 50 }, (_, i) => ({
  id: uuid(i),
  salesOwner: i % 5 ? uuid(1000 + (i % 3)) : null,
  termDays: i % 4 ? 30 * (1 + (i % 3)) : null,
  termBasis: i % 7 === 0 ? '月结' : '开票日',
}));
const opts = { seed: 7, count: 3000, asOf: AS_OF, customers, salesOwnerIds: [uuid(2000)], batchSize: 700 };
const all = [...scaleReceivableBatches(opts)].flat();
const form = compileFormOrThrow(loadTemplate('receivable'));

describe('scaleReceivableBatches (bench scale mode)', () => {
  it('streams batches of the requested size, deterministic, and any batch regenerates alone', () => {
    const sizes = [...scaleReceivableBatches(opts)].map((b) => b.length);
    expect(sizes).toEqual([700, 700, 700, 700, 200]);
    expect([...scaleReceivableBatches(opts)].flat()).toEqual(all);
    const third = [...scaleReceivableBatches({ ...opts, start: 1401, count: 700 })][0];
    expect(third).toEqual(all.slice(1400, 2100));
    expect(new Set(all.map((r) => r.ar_no)).size).toBe(3000);
    expect([...scaleReceivableBatches({ ...opts, seed: 8 })].flat()).not.toEqual(all);
  });

  it('stored values are what the receivable template computes (formulas as of asOf) and pass its validator', () => {
    const computed = new Set(form.computedFields);
    for (const stored of all.slice(0, 600)) {
      const input = Object.fromEntries(Object.entries(stored).filter(([k]) => !computed.has(k) && k !== 'ar_no'));
      const check = form.validateInput(input, 'zh-CN', { asOf: AS_OF });
      expect(check.errors, JSON.stringify(input)).toEqual([]);
      const completed = form.complete(input, { asOf: AS_OF });
      for (const key of computed) if (key !== 'ar_no') expect([key, stored[key]]).toEqual([key, completed[key]]);
    }
  });

  it('spreads over every overdue bucket and 账龄 bracket, with paid, partly paid, written-off and disputed items', () => {
    const count = (pred: (r: Record<string, unknown>) => boolean) => all.filter(pred).length;
    for (const b of ['未到期', '1-30', '31-60', '61-90', '90+']) expect(count((r) => r.overdue_bucket === b && r.outstanding !== '0.00')).toBeGreaterThan(10);
    for (const b of ['1年以内', '1-2年', '2-3年', '3-4年', '4-5年', '5年以上']) expect(count((r) => r.aging_bucket === b)).toBeGreaterThan(10);
    for (const s of ['已结清', '已核销', '逾期', '部分回款', '未到期', '争议中']) expect(count((r) => r.status === s)).toBeGreaterThan(10);
    expect(count((r) => !r.sales_owner)).toBe(0);
  });
});
