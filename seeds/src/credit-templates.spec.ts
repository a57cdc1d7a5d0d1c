import { describe, expect, it } from 'vitest';
import { addDays, compileFormOrThrow } from '@credo/form-engine';
import type { FieldDefinition, FormDefinition, LocalizedText } from '@credo/form-engine';
import { loadTemplate, templateKeys } from './index.js';

/* The credit and receivables pack (issue 8): DOMAIN §5.2, §6.2, §6.3 templates plus 回款 and 额度申请. */

const CUSTOMER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const RECEIVABLE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const USER = '16fd2706-8baf-433b-82eb-8c7fada847da';
const AS_OF = '2026-11-25';

const keys = (def: FormDefinition) => def.fields.map((f) => f.key);
const errorsOf = (form: ReturnType<typeof compileFormOrThrow>, data: Record<string, unknown>, asOf = AS_OF) =>
  form.validateInput(data, 'zh-CN', { asOf }).errors.map((e) => `${e.path} ${e.keyword}`);

function bilingual(text: LocalizedText | undefined): boolean {
  return typeof text === 'object' && !!text['zh-CN'] && !!text.en;
}

describe('template pack', () => {
  it('installs in reference order: every reference points at a template listed before it', () => {
    expect(templateKeys).toEqual(['customer', 'credit_assessment', 'receivable', 'payment', 'collection_record', 'credit_limit_request', 'collection_task']);
    templateKeys.forEach((key, i) => {
      const refs = loadTemplate(key).fields.flatMap((f) => [f, ...(f.fields ?? [])]).filter((f) => f.type === 'reference');
      for (const ref of refs) expect(templateKeys.slice(0, i), `${key}.${ref.key}`).toContain(ref.reference!.form);
    });
  });

  it.each(templateKeys)('%s: zh-CN and en labels everywhere, layout covers every field once, a title field', (key) => {
    const def = loadTemplate(key);
    expect(bilingual(def.title)).toBe(true);
    const all: FieldDefinition[] = def.fields.flatMap((f) => [f, ...(f.fields ?? [])]);
    for (const f of all) {
      expect(bilingual(f.label), `${key}.${f.key} label`).toBe(true);
      if (f.help) expect(bilingual(f.help), `${key}.${f.key} help`).toBe(true);
      for (const o of f.options ?? []) expect(bilingual(o.label), `${key}.${f.key}=${o.value}`).toBe(true);
    }
    const laidOut = def.layout!.sections.flatMap((s) => s.fields);
    expect([...laidOut].sort()).toEqual(keys(def).sort());
    for (const s of def.layout!.sections) expect(bilingual(s.title)).toBe(true);
    expect(keys(def)).toContain(def.settings?.titleField);
  });
});

describe('receivable (DOMAIN §6.3)', () => {
  const def = loadTemplate('receivable');
  const form = compileFormOrThrow(def);
  const base = { customer: CUSTOMER, biz_date: '2026-09-10', invoice_date: '2026-09-15', amount: '1000.00', invoice_type: '无发票' };

  it('has the §6.3 keys, indexed where the reports filter', () => {
    expect(keys(def)).toEqual([
      'ar_no', 'customer', 'contract_no', 'biz_date', 'invoice_type', 'invoice_code', 'invoice_no', 'invoice_date', 'currency',
      'amount', 'tax_rate', 'term_basis', 'term_days', 'received', 'written_off', 'disputed', 'dispute_reason', 'outstanding',
      'basis_date', 'due_date', 'days_overdue', 'overdue_bucket', 'aging_bucket', 'status', 'sales_owner', 'collector',
    ]);
    expect(def.fields.filter((f) => f.indexed).map((f) => f.key)).toEqual(['customer', 'biz_date', 'due_date', 'status', 'sales_owner']);
    expect(form.autoNumberFields).toEqual([{ key: 'ar_no', pattern: 'AR{YYYY}{MM}{####}' }]);
    expect(form.timeDependentFields).toEqual(['days_overdue', 'overdue_bucket', 'aging_bucket', 'status']);
  });

  it('issue 8 "done when": 12,345.67 invoiced 75 days ago on 30-day terms, 2,345.67 received', () => {
    const invoiced = addDays(AS_OF, -75)!;
    const out = form.complete({ customer: CUSTOMER, biz_date: invoiced, invoice_date: invoiced, amount: '12345.67', received: '2345.67', term_days: 30 }, { asOf: AS_OF });
    expect(out).toMatchObject({ outstanding: '10000.00', due_date: addDays(AS_OF, -45), days_overdue: 45, overdue_bucket: '31-60', aging_bucket: '1年以内', status: '逾期' });
    expect(form.validateRecord(out).valid).toBe(true);
  });

  it('overdue buckets at their edges (on the due date an item is current)', () => {
    const bucket = (asOf: string) => form.complete(base, { asOf }).overdue_bucket;
    // due 2026-10-15
    expect(bucket('2026-10-15')).toBe('未到期');
    expect(bucket('2026-10-16')).toBe('1-30');
    expect(bucket('2026-11-14')).toBe('1-30');
    expect(bucket('2026-11-15')).toBe('31-60');
    expect(bucket('2026-12-14')).toBe('31-60');
    expect(bucket('2026-12-15')).toBe('61-90');
    expect(bucket('2027-01-13')).toBe('61-90');
    expect(bucket('2027-01-14')).toBe('90+');
  });

  it('账龄 from the invoice date (else the business date); 1年以内 includes exactly one year', () => {
    const aging = (asOf: string, d: Record<string, unknown> = {}) => form.complete({ ...base, ...d }, { asOf }).aging_bucket;
    expect(aging('2027-09-15')).toBe('1年以内');
    expect(aging('2027-09-16')).toBe('1-2年');
    expect(aging('2028-09-15')).toBe('1-2年');
    expect(aging('2028-09-16')).toBe('2-3年');
    expect(aging('2029-09-16')).toBe('3-4年');
    expect(aging('2030-09-16')).toBe('4-5年');
    expect(aging('2031-09-15')).toBe('4-5年');
    expect(aging('2031-09-16')).toBe('5年以上');
    expect(aging('2027-09-12', { invoice_date: undefined })).toBe('1-2年');
    // paid items keep their 账龄 but are never overdue
    expect(form.complete({ ...base, received: '1000' }, { asOf: '2031-01-01' })).toMatchObject({ aging_bucket: '4-5年', days_overdue: 0, status: '已结清' });
  });

  it('月结: end of the basis month + term days', () => {
    expect(form.complete({ ...base, term_basis: '月结', term_days: 60 }, { asOf: AS_OF }).due_date).toBe('2026-11-29');
    expect(form.complete({ ...base, invoice_date: '2026-09-30', term_basis: '月结', term_days: 0 }, { asOf: AS_OF }).due_date).toBe('2026-09-30');
  });

  it('status: written off, settled, disputed, overdue, partly paid, current', () => {
    const status = (d: Record<string, unknown>, asOf = AS_OF) => form.complete({ ...base, ...d }, { asOf }).status;
    expect(status({ received: '400', written_off: '600' })).toBe('已核销');
    expect(status({ received: '1000' })).toBe('已结清');
    expect(status({ disputed: true, dispute_reason: '质量问题' })).toBe('争议中');
    expect(status({})).toBe('逾期');
    expect(status({ received: '1' }, '2026-10-01')).toBe('部分回款');
    expect(status({}, '2026-10-01')).toBe('未到期');
  });

  it('validates amounts, invoices and disputes', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(errorsOf(form, { ...base, amount: '0' })).toEqual(['/amount exclusiveMinimum']);
    expect(errorsOf(form, { ...base, amount: '1.001' })).toEqual(['/amount scale']);
    expect(errorsOf(form, { ...base, customer: undefined })).toEqual(['/customer required']);
    expect(errorsOf(form, { ...base, received: '-1' })).toEqual(['/received minimum']);
    expect(errorsOf(form, { ...base, received: '1000.01' })).toEqual(['/received compare']);
    expect(errorsOf(form, { ...base, written_off: '1000.01' })).toEqual(['/written_off compare']);
    expect(errorsOf(form, { ...base, disputed: true })).toEqual(['/dispute_reason required']);
    expect(errorsOf(form, { ...base, biz_date: '2026-12-26', invoice_date: undefined })).toEqual(['/biz_date maxDate']);
    expect(errorsOf(form, { ...base, invoice_date: '2026-12-26' })).toEqual(['/invoice_date maxDate']);
    expect(errorsOf(form, { ...base, invoice_date: '2026-12-25' })).toEqual([]);
    expect(errorsOf(form, { ...base, invoice_type: '数电专票', invoice_no: '26312000000012345678' })).toEqual([]);
    expect(errorsOf(form, { ...base, invoice_type: '数电普票', invoice_no: '12345678' })).toEqual([]);
    expect(errorsOf(form, { ...base, invoice_type: '数电专票', invoice_no: '26312000000012345678', invoice_code: '3100211130' })).toEqual(['/invoice_code notVisible']);
    expect(errorsOf(form, { ...base, invoice_type: '增值税专用发票', invoice_no: '01234567' })).toEqual(['/invoice_code required']);
    expect(errorsOf(form, { ...base, invoice_type: '增值税专用发票', invoice_no: '01234567', invoice_code: '3100211130' })).toEqual([]);
    expect(errorsOf(form, { ...base, invoice_type: '增值税普通发票', invoice_no: '0123456', invoice_code: '031001800104' })).toEqual(['/invoice_no format']);
    expect(errorsOf(form, { ...base, outstanding: '1' })).toEqual(['/outstanding readOnly']);
    expect(errorsOf(form, { ...base, ar_no: 'AR2026110001' })).toEqual(['/ar_no readOnly']);
  });
});

describe('credit_assessment (DOMAIN §6.2)', () => {
  const def = loadTemplate('credit_assessment');
  const form = compileFormOrThrow(def);
  const base = { customer: CUSTOMER, assessed_on: AS_OF, total_assets: '1000', total_liabilities: '700', industry_risk: '中', public_record: '无不良' };

  it('keeps the §6.2 keys of the worked example and adds payment behaviour', () => {
    expect(keys(def)).toEqual([
      'assessment_no', 'customer', 'assessed_on', 'fiscal_year', 'total_assets', 'total_liabilities', 'current_assets',
      'current_liabilities', 'revenue', 'net_profit', 'employees', 'debt_ratio', 'current_ratio', 'net_margin', 'net_worth',
      'industry_risk', 'payment_behaviour', 'public_record', 'guarantee', 'approved_limit', 'approver', 'attachments',
    ]);
    expect(form.complete(base, { asOf: AS_OF })).toMatchObject({ debt_ratio: '70.00', net_worth: '300.00', payment_behaviour: '无历史' });
  });

  it('validates dates, balances and the approver', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(errorsOf(form, { ...base, assessed_on: '2026-11-26' })).toEqual(['/assessed_on maxDate']);
    expect(errorsOf(form, { ...base, current_assets: '1000.01' })).toEqual(['/current_assets compare']);
    expect(errorsOf(form, { ...base, approved_limit: '50000' })).toEqual(['/approver required']);
    expect(errorsOf(form, { ...base, approved_limit: '50000', approver: USER, payment_behaviour: '迟付16-30天' })).toEqual([]);
  });
});

describe('payment (回款)', () => {
  const form = compileFormOrThrow(loadTemplate('payment'));
  const base = { customer: CUSTOMER, received_on: AS_OF, amount: '10000.00' };

  it('totals allocations exactly and leaves the rest unallocated', () => {
    const out = form.complete({ ...base, allocations: [{ receivable: RECEIVABLE, amount: '0.10' }, { receivable: RECEIVABLE, amount: '0.20' }] }, { asOf: AS_OF });
    expect(out).toMatchObject({ allocated_total: '0.30', unallocated: '9999.70', method: '银行转账' });
    expect(form.complete(base, { asOf: AS_OF })).toMatchObject({ allocated_total: '0.00', unallocated: '10000.00' });
  });

  it('validates', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(errorsOf(form, { ...base, amount: '0' })).toEqual(['/amount exclusiveMinimum']);
    expect(errorsOf(form, { ...base, received_on: '2026-11-26' })).toEqual(['/received_on maxDate']);
    expect(errorsOf(form, { ...base, customer: undefined, received_on: undefined })).toEqual(['/customer required', '/received_on required']);
    expect(errorsOf(form, { ...base, method: '支票' })).toEqual(['/method enum']);
    expect(errorsOf(form, { ...base, allocations: [{ amount: '1' }] })).toEqual(['/allocations/0/receivable required']);
    expect(errorsOf(form, { ...base, allocations: [{ receivable: RECEIVABLE, amount: '0' }] })).toEqual(['/allocations/0/amount exclusiveMinimum']);
  });
});

describe('collection_record (催收记录, DOMAIN §5.2)', () => {
  const form = compileFormOrThrow(loadTemplate('collection_record'));
  const base = { customer: CUSTOMER, collected_at: '2026-11-25T10:30:00+08:00', method: '电话', collector: USER, summary: '电话联系财务，对方称月底付款', result: '拒绝' };

  it('validates promises, disputes and phones', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(errorsOf(form, { ...base, result: '承诺付款' })).toEqual(['/promised_date required', '/promised_amount required']);
    expect(errorsOf(form, { ...base, result: '承诺付款', promised_date: '2026-11-30', promised_amount: '5000.00', stage: 'S3', receivable: RECEIVABLE })).toEqual([]);
    expect(errorsOf(form, { ...base, stage: 'S8' })).toEqual(['/stage enum']);
    expect(errorsOf(form, { ...base, method: '飞鸽传书' })).toEqual(['/method enum']);
    expect(errorsOf(form, { ...base, disputed_amount: '1' })).toEqual(['/disputed_amount notVisible']);
    expect(errorsOf(form, { ...base, disputed: true, disputed_amount: '1', feedback: '质量/服务争议' })).toEqual([]);
    expect(errorsOf(form, { ...base, contact_phone: '13812345678' })).toEqual([]);
    expect(errorsOf(form, { ...base, contact_phone: '0755-88886666' })).toEqual([]);
    expect(errorsOf(form, { ...base, contact_phone: '12345' })).toEqual(['/contact_phone pattern']);
    expect(errorsOf(form, { ...base, collected_at: '2026-11-25' })).toEqual(['/collected_at format']);
  });

  it('keeps the promise status the daily job sets (open / kept / broken), only on promises', () => {
    const promise = { ...base, result: '承诺付款', promised_date: '2026-11-30', promised_amount: '5000.00' };
    expect(errorsOf(form, { ...promise, promise_status: '已违约', promise_paid: '1000.00', promise_checked_on: '2026-12-04' })).toEqual([]);
    expect(errorsOf(form, { ...promise, promise_status: '失约' })).toEqual(['/promise_status enum']);
    expect(errorsOf(form, { ...base, promise_status: '已兑现' })).toEqual(['/promise_status notVisible']);
    const def = loadTemplate('collection_record');
    expect(def.fields.filter((f) => f.key.startsWith('promise_')).every((f) => f.readOnly)).toBe(true);
    expect(def.fields.find((f) => f.key === 'promise_status')!.options!.map((o) => o.value)).toEqual(['待兑现', '已兑现', '已违约']);
  });
});

describe('collection_task (催收任务, DOMAIN §5.1)', () => {
  const def = loadTemplate('collection_task');
  const form = compileFormOrThrow(def);
  const base = { customer: CUSTOMER, receivable: RECEIVABLE, stage: 'S3', due_on: '2026-11-25', assignee: USER };

  it('one task per receivable and stage (unique task key), open by default', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(form.complete(base, { asOf: AS_OF })).toMatchObject({ status: 'open' });
    expect(def.fields.find((f) => f.key === 'task_key')).toMatchObject({ unique: true, readOnly: true });
    expect(def.fields.find((f) => f.key === 'stage')!.options!.map((o) => o.value)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
    expect(def.fields.filter((f) => f.indexed).map((f) => f.key)).toEqual(['customer', 'receivable', 'stage', 'due_on', 'assignee', 'status']);
  });

  it('validates stage, status and the closing date', () => {
    expect(errorsOf(form, { ...base, receivable: undefined, assignee: undefined })).toEqual(['/receivable required', '/assignee required']);
    expect(errorsOf(form, { ...base, stage: 'S9' })).toEqual(['/stage enum']);
    expect(errorsOf(form, { ...base, status: 'later' })).toEqual(['/status enum']);
    expect(errorsOf(form, { ...base, closed_on: '2026-11-26' })).toEqual(['/closed_on notVisible']);
    expect(errorsOf(form, { ...base, status: 'done', closed_on: '2026-11-26' })).toEqual([]);
  });
});

describe('credit_limit_request (信用额度申请)', () => {
  const form = compileFormOrThrow(loadTemplate('credit_limit_request'));
  const base = { customer: CUSTOMER, current_limit: '100000.00', requested_limit: '150000.00', reason: '年度采购量增加' };

  it('defaults to 草稿 and computes the change', () => {
    expect(form.complete(base, { asOf: AS_OF })).toMatchObject({ status: '草稿', limit_change: '50000.00' });
  });

  it('requires the decision fields once decided', () => {
    expect(errorsOf(form, base)).toEqual([]);
    expect(errorsOf(form, { ...base, requested_limit: '0' })).toEqual(['/requested_limit exclusiveMinimum']);
    expect(errorsOf(form, { ...base, reason: undefined })).toEqual(['/reason required']);
    expect(errorsOf(form, { ...base, status: '已批准' })).toEqual(['/approver required', '/approved_limit required', '/decided_on required']);
    expect(errorsOf(form, { ...base, status: '已驳回', approver: USER, decided_on: AS_OF })).toEqual([]);
    expect(errorsOf(form, { ...base, status: '已批准', approver: USER, decided_on: '2026-11-26', approved_limit: '120000' })).toEqual(['/decided_on maxDate']);
  });

  it('may ask for a new payment term (0-365 days) with the limit', () => {
    expect(errorsOf(form, { ...base, requested_term_days: 60 })).toEqual([]);
    expect(errorsOf(form, { ...base, requested_term_days: 400 })).toEqual(['/requested_term_days maximum']);
  });
});
