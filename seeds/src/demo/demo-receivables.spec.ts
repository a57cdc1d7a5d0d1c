import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, isFapiaoCode, isFapiaoNumber } from '@credo/form-engine';
import { loadTemplate } from '../templates.js';
import { generateDemoCollectionRecords } from './demo-collections.js';
import { generateDemoCustomers } from './demo-customers.js';
import { generateDemoPayments } from './demo-payments.js';
import { generateDemoReceivables } from './demo-receivables.js';
import type { DemoRecord } from './demo-util.js';

const AS_OF = '2026-11-25';
const owners = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7', '16fd2706-8baf-433b-82eb-8c7fada847da'];
const uuid = (prefix: number, i: number) => `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
const withIds = (prefix: number, rows: Array<Record<string, unknown>>): DemoRecord[] => rows.map((data, i) => ({ id: uuid(prefix, i), data }));

const customers = withIds(1, generateDemoCustomers({ seed: 20261125, count: 300, salesOwnerIds: owners, asOf: AS_OF }));
const byId = new Map(customers.map((c) => [c.id, c.data]));
const opts = { seed: 42, customers, count: 2000, asOf: AS_OF, salesOwnerIds: owners };
const payloads = generateDemoReceivables(opts);
const receivables = withIds(2, payloads);

const receivableForm = compileFormOrThrow(loadTemplate('receivable'));
const completed = payloads.map((p) => receivableForm.complete(p, { asOf: AS_OF }));

/** Exact money arithmetic on 2-decimal strings. */
const cents = (v: unknown): bigint => (typeof v === 'string' ? BigInt(v.replace('.', '')) * (v.includes('.') ? 1n : 100n) : 0n);
const share = (pred: (d: Record<string, unknown>) => boolean) => payloads.filter(pred).length / payloads.length;

function invalid(form: ReturnType<typeof compileFormOrThrow>, rows: Array<Record<string, unknown>>) {
  return rows
    .map((r) => ({ r, result: form.validateInput(r, 'zh-CN', { asOf: AS_OF }) }))
    .filter((x) => !x.result.valid)
    .slice(0, 3)
    .map((x) => ({ record: x.r, errors: x.result.errors }));
}

describe('generateDemoReceivables', () => {
  it('every payload passes the receivable template validator with asOf, without server or formula fields', () => {
    expect(payloads).toHaveLength(2000);
    expect(invalid(receivableForm, payloads)).toEqual([]);
    const computed = new Set(receivableForm.computedFields);
    expect(payloads.some((p) => Object.keys(p).some((k) => computed.has(k)))).toBe(false);
  });

  it('is deterministic per seed', () => {
    expect(generateDemoReceivables(opts)).toEqual(payloads);
    expect(generateDemoReceivables({ ...opts, seed: 43 })).not.toEqual(payloads);
  });

  it('references the given customers (credit customers only), their owners, collectors and terms', () => {
    for (const p of payloads) {
      const c = byId.get(p.customer as string)!;
      expect(c).toBeDefined();
      expect(c.credit_limit).not.toBe('0.00');
      expect(p.sales_owner).toBe(c.sales_owner);
      expect(p.collector).toBe(c.collector);
      if ((c.payment_term_days as number) > 0) expect(p.term_days).toBe(c.payment_term_days);
      else expect([30, 60, 90]).toContain(p.term_days);
    }
    expect(new Set(payloads.map((p) => p.customer)).size).toBeGreaterThan(150);
  });

  it('covers every overdue bucket and every 账龄 bracket (open items), weighted to recent months', () => {
    const open = completed.filter((d) => cents(d.outstanding) > 0n);
    const count = (key: string) => open.reduce<Record<string, number>>((m, d) => ({ ...m, [d[key] as string]: (m[d[key] as string] ?? 0) + 1 }), {});
    const overdue = count('overdue_bucket');
    const aging = count('aging_bucket');
    expect(Object.keys(overdue).sort()).toEqual(['1-30', '31-60', '61-90', '90+', '未到期']);
    expect(Object.keys(aging).sort()).toEqual(['1-2年', '1年以内', '2-3年', '3-4年', '4-5年', '5年以上']);
    for (const n of Object.values(overdue)) expect(n).toBeGreaterThanOrEqual(20);
    for (const n of Object.values(aging)) expect(n).toBeGreaterThanOrEqual(5);
    const all = completed.map((d) => d.aging_bucket);
    expect(all.filter((a) => a === '1年以内').length / all.length).toBeGreaterThan(0.6);
    expect(all.filter((a) => a === '5年以上').length).toBeGreaterThan(0);
    expect(new Set(completed.map((d) => d.status))).toEqual(new Set(['未到期', '逾期', '部分回款', '已结清', '争议中', '已核销']));
  });

  it.each([1, 2, 3, 4, 5])('covers all buckets even for 11 records (seed %i)', (seed) => {
    const few = generateDemoReceivables({ ...opts, seed, count: 11 }).map((p) => receivableForm.complete(p, { asOf: AS_OF }));
    const open = few.filter((d) => cents(d.outstanding) > 0n);
    expect(new Set(open.map((d) => d.overdue_bucket)).size).toBe(5);
    expect(new Set(open.map((d) => d.aging_bucket)).size).toBe(6);
  });

  it('pays, part-pays, writes off and disputes in realistic shares', () => {
    const paid = share((p) => p.received === p.amount);
    const partly = share((p) => p.received !== undefined && p.received !== p.amount);
    expect(paid).toBeGreaterThan(0.28);
    expect(paid).toBeLessThan(0.42);
    expect(partly).toBeGreaterThan(0.14);
    expect(partly).toBeLessThan(0.26);
    expect(share((p) => p.disputed === true)).toBeGreaterThan(0.03);
    expect(share((p) => p.disputed === true)).toBeLessThan(0.08);
    expect(payloads.filter((p) => p.disputed === true).every((p) => typeof p.dispute_reason === 'string')).toBe(true);
    const writtenOff = completed.filter((d) => d.written_off !== undefined);
    expect(writtenOff.length).toBeGreaterThan(20);
    expect(writtenOff.every((d) => ['2-3年', '3-4年', '4-5年', '5年以上'].includes(d.aging_bucket as string))).toBe(true);
  });

  it('amounts are exact decimal strings between ¥1,000 and ¥2,000,000; received + written off ≤ amount', () => {
    for (const p of payloads) {
      expect(p.amount).toMatch(/^\d+\.\d{2}$/);
      expect(cents(p.amount) >= 100_000n && cents(p.amount) <= 200_000_000n).toBe(true);
      expect(cents(p.received) + cents(p.written_off) <= cents(p.amount)).toBe(true);
    }
    expect(new Set(payloads.map((p) => p.amount)).size).toBeGreaterThan(1500);
  });

  it('money sums are exact: Σ outstanding = Σ amount − Σ received − Σ written off', () => {
    const sum = (rows: Array<Record<string, unknown>>, key: string) => rows.reduce((s, d) => s + cents(d[key]), 0n);
    expect(sum(completed, 'outstanding')).toBe(sum(payloads, 'amount') - sum(payloads, 'received') - sum(payloads, 'written_off'));
    for (const d of completed) expect(d.outstanding).toMatch(/^\d+\.\d{2}$/);
  });

  it('invoices are valid for their type: 数电 20 digits without a code, legacy code + 8 digits, unique', () => {
    const seen = new Set<string>();
    for (const p of payloads) {
      const type = p.invoice_type as string;
      if (type === '无发票') {
        expect(p.invoice_no).toBeUndefined();
        continue;
      }
      expect(isFapiaoNumber(p.invoice_no as string)).toBe(true);
      if (type.startsWith('数电')) {
        expect(p.invoice_no).toMatch(/^\d{20}$/);
        expect(p.invoice_code).toBeUndefined();
        expect((p.invoice_no as string).slice(0, 2)).toBe((p.invoice_date as string).slice(2, 4));
        expect((p.invoice_date as string) >= '2022-01-01').toBe(true);
      } else {
        expect(p.invoice_no).toMatch(/^\d{8}$/);
        expect(isFapiaoCode(p.invoice_code as string)).toBe(true);
        expect((p.invoice_code as string).length).toBe(type === '增值税专用发票' ? 10 : 12);
      }
      const key = `${p.invoice_code ?? ''}/${p.invoice_no}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(new Set(payloads.map((p) => p.invoice_type)).size).toBe(5);
  });

  it('refuses a bad asOf and no customers', () => {
    expect(() => generateDemoReceivables({ ...opts, asOf: '2026-13-01' })).toThrow(RangeError);
    expect(() => generateDemoReceivables({ ...opts, customers: [] })).toThrow(RangeError);
  });
});

describe('generateDemoPayments', () => {
  const form = compileFormOrThrow(loadTemplate('payment'));
  const payments = generateDemoPayments({ seed: 7, receivables, asOf: AS_OF, customers });

  it('every payment passes the payment template validator with asOf', () => {
    expect(payments.length).toBeGreaterThan(500);
    expect(invalid(form, payments)).toEqual([]);
    expect(generateDemoPayments({ seed: 7, receivables, asOf: AS_OF, customers })).toEqual(payments);
  });

  it('allocations explain every receivable’s received amount to the cent', () => {
    const allocated = new Map<string, bigint>();
    for (const p of payments) {
      for (const a of p.allocations as Array<{ receivable: string; amount: string }>) allocated.set(a.receivable, (allocated.get(a.receivable) ?? 0n) + cents(a.amount));
    }
    for (const r of receivables) expect(allocated.get(r.id) ?? 0n, r.id).toBe(cents(r.data.received));
    for (const p of payments) {
      const out = form.complete(p, { asOf: AS_OF });
      expect(cents(out.allocated_total) + cents(out.unallocated)).toBe(cents(p.amount));
      expect(cents(out.unallocated) >= 0n).toBe(true);
      const rows = p.allocations as Array<{ receivable: string }>;
      expect(rows.every((a) => receivables.find((x) => x.id === a.receivable)!.data.customer === p.customer)).toBe(true);
      expect((p.received_on as string) <= AS_OF).toBe(true);
    }
    expect(payments.some((p) => (p.allocations as unknown[]).length > 1)).toBe(true);
    expect(payments.some((p) => p.remark !== undefined)).toBe(true);
  });
});

describe('generateDemoCollectionRecords', () => {
  const form = compileFormOrThrow(loadTemplate('collection_record'));
  const copts = { seed: 9, receivables, customers, count: 1500, asOf: AS_OF, collectorIds: owners };
  const records = generateDemoCollectionRecords(copts);
  const receivableById = new Map(receivables.map((r, i) => [r.id, completed[i]!]));

  it('every record passes the collection_record template validator and is deterministic', () => {
    expect(records).toHaveLength(1500);
    expect(invalid(form, records)).toEqual([]);
    expect(generateDemoCollectionRecords(copts)).toEqual(records);
    expect(generateDemoCollectionRecords({ ...copts, seed: 10 })).not.toEqual(records);
  });

  it('chases overdue items at the stage their lateness calls for, with promises (some broken) and disputes', () => {
    const linked = records.filter((r) => r.receivable !== undefined);
    expect(linked.length / records.length).toBeGreaterThan(0.85);
    for (const r of linked) {
      const ar = receivableById.get(r.receivable as string)!;
      expect(r.customer).toBe(ar.customer);
      expect((r.collected_at as string).slice(0, 10) <= AS_OF).toBe(true);
      if (ar.disputed === true && cents(ar.outstanding) > 0n) expect(r.result).toBe('提出争议');
    }
    expect(new Set(records.map((r) => r.stage)).size).toBe(8);
    expect(new Set(records.map((r) => r.method)).size).toBe(8);
    const promises = linked.filter((r) => r.result === '承诺付款');
    const broken = promises.filter((r) => (r.promised_date as string) < AS_OF && cents(receivableById.get(r.receivable as string)!.outstanding) > 0n);
    expect(promises.length).toBeGreaterThan(200);
    expect(broken.length).toBeGreaterThan(50);
    expect(promises.some((r) => (r.promised_date as string) > AS_OF)).toBe(true);
    expect(records.some((r) => r.disputed === true && typeof r.disputed_amount === 'string')).toBe(true);
    const sorted = records.map((r) => r.collected_at as string);
    expect([...sorted].sort()).toEqual(sorted);
  });

  it('needs a collector from somewhere', () => {
    const bare = receivables.map((r) => ({ id: r.id, data: { ...r.data, collector: undefined, sales_owner: undefined } }));
    const noCollectors = customers.map((c) => ({ id: c.id, data: { ...c.data, collector: undefined } }));
    expect(() => generateDemoCollectionRecords({ ...copts, receivables: bare, customers: noCollectors, collectorIds: [] })).toThrow(RangeError);
  });
});
