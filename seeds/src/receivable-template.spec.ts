import { describe, expect, it } from 'vitest';
import { compileFormOrThrow } from '@credo/form-engine';
import { loadTemplate } from './templates.js';

/* The receivable template a tenant starts from, as its record form shows it while being filled in. */
describe('receivable template', () => {
  const form = compileFormOrThrow(loadTemplate('receivable'));

  it('leaves the aging bracket empty until a business or invoice date is entered (it said 5年以上)', () => {
    expect(form.complete({ amount: '100.00' }, { asOf: '2026-11-25' }).aging_bucket ?? null).toBeNull();
    expect(form.complete({ amount: '100.00', biz_date: '2026-09-10' }, { asOf: '2026-11-25' })).toMatchObject({ aging_bucket: '1年以内' });
    expect(form.complete({ amount: '100.00', biz_date: '2020-09-10' }, { asOf: '2026-11-25' })).toMatchObject({ aging_bucket: '5年以上' });
  });

  it('labels tax rates as percentages in both languages', () => {
    const rate = loadTemplate('receivable').fields.find((f) => f.key === 'tax_rate') as { options: Array<{ value: string; label: { 'zh-CN': string; en: string } }> };
    expect(rate.options.map((o) => o.label['zh-CN'])).toEqual(rate.options.map((o) => `${o.value}%`));
    expect(rate.options.map((o) => o.label.en)).toEqual(rate.options.map((o) => `${o.value}%`));
  });
});
