import { readFileSync } from 'node:fs';
import { createRandom, generateDemoCustomers, generateValidationCorpus, loadTemplate } from '@credo/seeds';
import type { Random } from '@credo/seeds';
import type { FormDefinition } from '@credo/form-engine';
// The seeds' own mutator (the fuzz test's), not re-exported from the package index.
import { mutate } from '../../../seeds/src/demo/validation-corpus.js';
import type { ParityEntry } from './run-corpus.js';

/*
 * The parity corpus: customer payloads from the seeds' validation corpus (valid demo customers,
 * mutated garbage, the DOMAIN §4.1 USCC examples), the DOMAIN §4.2 phone / postal / bank / fapiao
 * examples, and generated receivables (§6.3) and credit assessments (§6.2), valid and mutated.
 * Deterministic per seed.
 */

const OWNER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const CUSTOMER_ID = '7b0a3c5e-1f2d-4a6b-9c8d-0e1f2a3b4c5d';
const examples = new URL('../../../schemas/examples/', import.meta.url);

export function parityForms(): Record<string, FormDefinition> {
  const load = (file: string) => JSON.parse(readFileSync(new URL(file, examples), 'utf8')) as FormDefinition;
  return { customer: loadTemplate('customer'), receivable: load('receivable.form.json'), credit_assessment: load('credit-assessment.form.json') };
}

/** DOMAIN §4.2 examples, valid and not, per customer field. */
const DOMAIN_CUSTOMER_VALUES: Record<string, unknown[]> = {
  mobile: ['13800138000', '+8613800138000', '86 13800138000', '+86-19912345678', '12800138000', '1380013800', '138001380001', 13800138000],
  phone: ['010-12345678', '0755-8765432', '02112345678', '021-12345678-123', '010-02345678', '400-123-4567', '8001234567', '800-12-34567', '123-12345678'],
  postal_code: ['100000', '518000', '900000', '10000', '1000000', 'abcdef'],
  bank_account: ['6222 0212 3456 7890 123', '12345678', '1234567', '1'.repeat(32), '1'.repeat(33), '6222-0212'],
  bank_cnaps: ['102100099996', '10210009999', '1021000999961', 'A02100099996'],
  email: ['finance@example.com', 'a@b.c', 'no-at.example.com', 'a b@example.com', 'a@b'],
};

/** DOMAIN §4.2 fapiao examples: [invoice_type, invoice_code?, invoice_no]. */
const DOMAIN_FAPIAO: Array<[string, string | undefined, string | undefined]> = [
  ['数电专票', undefined, '24312000000012345678'],
  ['数电普票', undefined, '25110000000000000001'],
  ['数电专票', undefined, '2431200000001234567'],
  ['数电专票', undefined, '99312000000012345678'],
  ['数电普票', undefined, '12345678'],
  ['增值税专用发票', '3100211130', '12345678'],
  ['增值税普通发票', '031001800111', '00123456'],
  ['增值税普通发票', '03100180011', '00123456'],
  ['增值税专用发票', '3100211130', '1234567'],
  ['增值税专用发票', undefined, '12345678'],
  ['数电专票', '3100211130', '24312000000012345678'],
  ['无发票', undefined, undefined],
  ['无发票', undefined, '12345678'],
];

const VALID_FAPIAO = [0, 1, 5, 6, 11].map((i) => DOMAIN_FAPIAO[i]!);

const isoDate = (base: string, days: number): string => {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const money = (r: Random, max: number): string => `${r.int(0, max)}.${String(r.int(0, 99)).padStart(2, '0')}`;

function receivable(r: Random, asOf: string): Record<string, unknown> {
  const [invoiceType, invoiceCode, invoiceNo] = r.pick(VALID_FAPIAO);
  const biz = isoDate(asOf, -r.int(0, 900));
  const amount = `${r.int(1, 5_000_000)}.${String(r.int(0, 99)).padStart(2, '0')}`;
  const out: Record<string, unknown> = { customer: CUSTOMER_ID, biz_date: biz, amount, invoice_type: invoiceType };
  if (invoiceCode) out.invoice_code = invoiceCode;
  if (invoiceNo) out.invoice_no = invoiceNo;
  if (r.chance(0.8)) out.invoice_date = isoDate(biz, r.int(0, 20));
  if (r.chance(0.5)) out.contract_no = `HT-${r.digits(8)}`;
  if (r.chance(0.5)) out.currency = r.pick(['CNY', 'USD', 'EUR', 'HKD']);
  if (r.chance(0.6)) out.tax_rate = r.pick(['0', '1', '3', '6', '9', '13']);
  if (r.chance(0.6)) out.term_basis = r.pick(['开票日', '发货日', '验收日', '月结']);
  if (r.chance(0.6)) out.term_days = r.pick([0, 15, 30, 45, 60, 90, 180, 365]);
  if (r.chance(0.6)) out.received = r.chance(0.2) ? amount : `${Math.floor(Number(amount) * r.next())}.00`;
  if (r.chance(0.1)) out.written_off = '0.00';
  if (r.chance(0.15)) {
    out.disputed = true;
    out.dispute_reason = r.pick(['质量问题', '数量不符', 'Price disagreement']);
  }
  if (r.chance(0.5)) out.sales_owner = OWNER;
  if (r.chance(0.3)) out.collector = OWNER;
  return out;
}

function assessment(r: Random, asOf: string): Record<string, unknown> {
  const total = r.int(1_000, 50_000_000);
  const liabilities = r.int(0, total * 2);
  const out: Record<string, unknown> = {
    customer: CUSTOMER_ID,
    assessed_on: isoDate(asOf, -r.int(0, 400)),
    total_assets: `${total}.00`,
    total_liabilities: `${liabilities}.00`,
    industry_risk: r.pick(['低', '中', '高']),
    public_record: r.pick(['无不良', '一般诉讼', '被执行人', '经营异常名录', '失信被执行人']),
  };
  if (r.chance(0.7)) out.fiscal_year = r.int(2015, 2026);
  if (r.chance(0.7)) out.current_assets = `${r.int(0, total)}.00`;
  if (r.chance(0.7)) out.current_liabilities = `${r.int(0, liabilities)}.00`;
  if (r.chance(0.7)) out.revenue = r.chance(0.1) ? '0' : money(r, 90_000_000);
  if (r.chance(0.7)) out.net_profit = `${r.chance(0.2) ? '-' : ''}${money(r, 5_000_000)}`;
  if (r.chance(0.5)) out.employees = r.int(0, 20_000);
  if (r.chance(0.4)) out.guarantee = r.chance(0.5);
  if (r.chance(0.3)) {
    out.approved_limit = money(r, 10_000_000);
    if (r.chance(0.9)) out.approver = OWNER;
  }
  if (r.chance(0.2)) out.attachments = [{ id: `f${r.digits(6)}`, name: '财务报表.pdf', size: r.int(1, 5_000_000), mime: 'application/pdf' }];
  return out;
}

const json = (form: string, payload: unknown): ParityEntry => ({ form, json: JSON.stringify(payload) ?? 'null' });

/**
 * About `customers` + 2 × `others` payloads (a quarter to a half valid), plus the DOMAIN examples.
 */
export function parityCorpus(opts: { seed: number; asOf: string; customers: number; others: number }): ParityEntry[] {
  const entries: ParityEntry[] = generateValidationCorpus({ seed: opts.seed, count: opts.customers, asOf: opts.asOf, salesOwnerIds: [OWNER] });

  const [customer] = generateDemoCustomers({ seed: opts.seed, count: 1, salesOwnerIds: [OWNER], asOf: opts.asOf });
  for (const [key, values] of Object.entries(DOMAIN_CUSTOMER_VALUES)) for (const v of values) entries.push(json('customer', { ...customer, [key]: v }));

  const r = createRandom(opts.seed + 1);
  for (const [form, make] of [
    ['receivable', receivable],
    ['credit_assessment', assessment],
  ] as const) {
    const bases = Array.from({ length: 40 }, () => make(r, opts.asOf));
    const keys = [...new Set(bases.flatMap((b) => Object.keys(b)))].concat(form === 'receivable' ? ['outstanding', 'ar_no', 'due_date'] : ['debt_ratio', 'assessment_no']);
    for (const b of bases) entries.push(json(form, b));
    for (let i = bases.length; i < opts.others; i++) entries.push(json(form, r.chance(0.3) ? make(r, opts.asOf) : mutate(r.pick(bases), keys, r)));
  }
  // DOMAIN §4.2 fapiao examples and the §6.2 / §6.3 cross-field rules at their edges.
  const rec = { customer: CUSTOMER_ID, biz_date: isoDate(opts.asOf, -60), invoice_date: isoDate(opts.asOf, -55), amount: '1000.00' };
  for (const [invoice_type, invoice_code, invoice_no] of DOMAIN_FAPIAO) entries.push(json('receivable', { ...rec, invoice_type, invoice_code, invoice_no }));
  for (const extra of [
    { received: '1000.00' },
    { received: '1000.01' },
    { written_off: '1000.01' },
    { invoice_date: isoDate(opts.asOf, -61) },
    { biz_date: isoDate(opts.asOf, 30), invoice_date: undefined },
    { biz_date: isoDate(opts.asOf, 31), invoice_date: undefined },
    { term_basis: '月结', term_days: 60 },
    { disputed: true },
    { dispute_reason: '质量问题' },
    { amount: '0.00' },
    { amount: '0.001' },
    { amount: 1000 },
    { outstanding: '1.00' },
  ]) {
    entries.push(json('receivable', { ...rec, invoice_type: '无发票', ...extra }));
  }
  const ca = { customer: CUSTOMER_ID, assessed_on: opts.asOf, total_assets: '1000', total_liabilities: '700', industry_risk: '中', public_record: '无不良' };
  for (const extra of [
    { current_assets: '600', current_liabilities: '0', revenue: '0', net_profit: '-5' },
    { revenue: '3', net_profit: '1' },
    { current_assets: '1000.01' },
    { current_liabilities: '700.01' },
    { approved_limit: '50000' },
    { approved_limit: '50000', approver: OWNER },
    { assessed_on: isoDate(opts.asOf, 1) },
    { total_assets: '0' },
    { fiscal_year: 1999 },
    { attachments: Array.from({ length: 11 }, (_, i) => ({ id: `f${i}`, name: `${i}.pdf` })) },
    { debt_ratio: '70.00' },
  ]) {
    entries.push(json('credit_assessment', { ...ca, ...extra }));
  }
  // Prototype keys inside an attachment item and at the top level (only JSON text carries them).
  const withProto = JSON.stringify({ ...ca, attachments: [{ id: 'f1', name: 'a.pdf' }] });
  entries.push({ form: 'credit_assessment', json: withProto.replace('{"id":"f1"', '{"__proto__":{"polluted":true},"constructor":1,"id":"f1"') });
  entries.push({ form: 'credit_assessment', json: withProto.replace(/^\{/, '{"__proto__":{"x":1},') });
  return entries;
}
