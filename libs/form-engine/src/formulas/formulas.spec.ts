import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, FormDefinitionError } from '../index.js';
import type { FieldDefinition, FormDefinition } from '../index.js';
import { evaluateFormula } from './evaluate.js';
import { parseFormula } from './parser.js';
import { FDecimal, FDate, toText } from './values.js';
import type { FValue } from './values.js';

const ctx = { asOf: '2026-11-25' };

function ev(src: string, vars: Record<string, FValue> = {}): string {
  return toText(evaluateFormula(parseFormula(src), (n) => vars[n] ?? null, ctx));
}

describe('formula language', () => {
  it('does exact decimal arithmetic', () => {
    expect(ev('0.1 + 0.2')).toBe('0.3');
    expect(ev('0.1 + 0.2 = 0.3')).toBe('TRUE');
    expect(ev('ROUND(1 / 3 * 3, 10)')).toBe('1'); // 40 significant digits, rounded at the end
    expect(ev('2 + 3 * 4 - (1 - 1)')).toBe('14');
    expect(ev('-2 * -3')).toBe('6');
  });

  it('rounds half away from zero', () => {
    expect(ev('ROUND(2.5)')).toBe('3');
    expect(ev('ROUND(-2.5)')).toBe('-3');
    expect(ev('ROUND(1.005, 2)')).toBe('1.01');
    expect(ev('ROUND(1234.5, -2)')).toBe('1200');
    expect(ev('ROUNDUP(1.001, 2)')).toBe('1.01');
    expect(ev('ROUNDDOWN(1.009, 2)')).toBe('1');
  });

  it('divides by zero to empty and treats blanks as 0 next to numbers', () => {
    expect(ev('1 / 0')).toBe('');
    expect(ev('amount - received', { amount: new FDecimal('100') })).toBe('100');
    expect(ev('x + y')).toBe('');
  });

  it('IF evaluates only the branch it takes; IFS and SWITCH', () => {
    expect(ev('IF(1 > 0, "yes", 1 / 0)')).toBe('yes');
    expect(ev('IF(FALSE, 1)')).toBe('');
    expect(ev('IFS(d <= 0, "未到期", d <= 30, "1-30", TRUE, "30+")', { d: new FDecimal(12) })).toBe('1-30');
    expect(ev('SWITCH("b", "a", 1, "b", 2, 9)')).toBe('2');
    expect(ev('SWITCH("z", "a", 1, 9)')).toBe('9');
    expect(ev('AND(TRUE, 1, "x") && NOT(FALSE) || FALSE')).toBe('TRUE');
  });

  it('date arithmetic: + days, days between, end of month, months', () => {
    expect(ev('DATE("2026-01-31") + 30')).toBe('2026-03-02');
    expect(ev('DATE("2026-03-01") - DATE("2026-02-01")')).toBe('28');
    expect(ev('DAYS(DATE("2025-01-01"), DATE("2024-01-01"))')).toBe('366');
    expect(ev('EOMONTH(DATE("2024-02-10"))')).toBe('2024-02-29');
    expect(ev('EOMONTH(DATE("2026-11-25"), 1) + 60')).toBe('2027-03-01');
    expect(ev('ADDMONTHS(DATE("2026-01-31"), 1)')).toBe('2026-02-28');
    expect(ev('TODAY()')).toBe('2026-11-25');
    expect(ev('YEAR(TODAY()) & "-" & MONTH(TODAY())')).toBe('2026-11');
    expect(ev('DATEDIF(DATE("2020-02-29"), DATE("2026-02-28"), "Y")')).toBe('5');
    expect(ev('DATE(2026, 2, 28) < DATE("2026-03-01")')).toBe('TRUE');
  });

  it('text functions count characters, not UTF-16 units', () => {
    expect(ev('LEN("客户档案")')).toBe('4');
    expect(ev('LEFT("统一社会信用代码", 2) & RIGHT("ABC", 1) & MID("abcdef", 2, 3)')).toBe('统一Cbcd');
    expect(ev('UPPER(TRIM("  ab "))')).toBe('AB');
    expect(ev('FIXED(1234.5)')).toBe('1234.50');
    expect(ev('CONCAT("a", 1, TRUE)')).toBe('a1TRUE');
    expect(ev('CONTAINS("福州测试", "测试")')).toBe('TRUE');
    expect(ev('VALUE("1,234.50") * 2')).toBe('2469');
  });

  it('aggregates lists (sub-table columns)', () => {
    const col: FValue = [new FDecimal('0.1'), new FDecimal('0.2'), null];
    expect(ev('SUM(c)', { c: col })).toBe('0.3');
    expect(ev('COUNT(c)', { c: col })).toBe('2');
    expect(ev('MAX(c) + MIN(c)', { c: col })).toBe('0.3');
    expect(ev('AVERAGE(c)', { c: col })).toBe('0.15');
    expect(ev('MAX(DATE("2026-01-01"), DATE("2025-01-01"))')).toBe('2026-01-01');
  });

  it('parses strings with escapes and braces for field keys', () => {
    expect(ev("'it''s' & \"a\\\"b\"")).toBe('it\'sa"b');
    expect(ev('{amount} * 2', { amount: new FDecimal(2) })).toBe('4');
  });

  it('refuses syntax errors and never evaluates user text as code', () => {
    for (const bad of ['1 +', '(1', 'a b', '1 ; 2', 'constructor.constructor("x")()', '"unterminated', '`x`', 'a[0]']) {
      expect(() => parseFormula(bad), bad).toThrow();
    }
    expect(() => parseFormula('('.repeat(100) + '1' + ')'.repeat(100))).toThrow(/deeply/);
  });

  it('keeps FDate comparable with date strings', () => {
    expect(ev('d = "2026-11-25"', { d: FDate.parse('2026-11-25') })).toBe('TRUE');
  });
});

const money = (key: string, label: string, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ key, type: 'money', label, ...extra });

/** A receivable with DOMAIN §2.1 / §6.3 formulas. */
const receivable: FormDefinition = {
  key: 'receivable',
  title: '应收单',
  fields: [
    { key: 'invoice_date', type: 'date', label: '开票日期', required: true },
    { key: 'term_basis', type: 'select', label: '账期起算', default: '开票日', options: [{ value: '开票日' }, { value: '月结' }] },
    { key: 'term_days', type: 'integer', label: '账期(天)', default: 30, minimum: 0, maximum: 365 },
    money('amount', '应收金额', { required: true, exclusiveMinimum: '0' }),
    money('received', '已收金额', { minimum: '0' }),
    money('written_off', '核销金额', { minimum: '0' }),
    { key: 'outstanding', type: 'formula', label: '未收金额', formula: 'amount - received - written_off', resultType: 'decimal' },
    {
      key: 'due_date',
      type: 'formula',
      label: '到期日',
      formula: 'IF(term_basis = "月结", EOMONTH(invoice_date) + term_days, invoice_date + term_days)',
      resultType: 'date',
    },
    { key: 'days_overdue', type: 'formula', label: '逾期天数', formula: 'MAX(0, TODAY() - due_date)', resultType: 'integer' },
    {
      key: 'overdue_bucket',
      type: 'formula',
      label: '逾期账龄段',
      formula: 'IFS(days_overdue <= 0, "未到期", days_overdue <= 30, "1-30", days_overdue <= 60, "31-60", days_overdue <= 90, "61-90", TRUE, "90+")',
      resultType: 'text',
    },
    {
      key: 'lines',
      type: 'subtable',
      label: '明细',
      fields: [
        { key: 'qty', type: 'integer', label: '数量', required: true, minimum: 1 },
        money('price', '单价', { required: true }),
        { key: 'line_total', type: 'formula', label: '金额', formula: 'ROUND(qty * price, 2)', resultType: 'decimal' },
      ],
    },
    { key: 'lines_total', type: 'formula', label: '明细合计', formula: 'SUM(lines.line_total)', resultType: 'decimal' },
  ],
};

describe('formulas in a compiled form', () => {
  const form = compileFormOrThrow(receivable);

  it('computes outstanding, due date, days overdue and bucket exactly (DOMAIN §2.1)', () => {
    const out = form.complete(
      { invoice_date: '2026-09-15', amount: '1000.10', received: '0.10', written_off: '0.2', lines: [{ qty: 3, price: '0.10' }, { qty: 1, price: '0.20' }] },
      ctx,
    );
    expect(out).toMatchObject({
      outstanding: '999.80',
      due_date: '2026-10-15',
      days_overdue: 41,
      overdue_bucket: '31-60',
      lines: [{ qty: 3, price: '0.10', line_total: '0.30' }, { qty: 1, price: '0.20', line_total: '0.20' }],
      lines_total: '0.50',
    });
    expect(form.validateRecord(out).valid).toBe(true);
  });

  it('月结: end of the invoice month + days; on the due date itself the item is current', () => {
    const out = form.complete({ invoice_date: '2026-01-10', term_basis: '月结', term_days: 60, amount: '5' }, { asOf: '2026-04-01' });
    expect(out).toMatchObject({ due_date: '2026-04-01', days_overdue: 0, overdue_bucket: '未到期' });
    expect(form.complete({ invoice_date: '2026-01-10', term_basis: '月结', term_days: 60, amount: '5' }, { asOf: '2026-07-01' })).toMatchObject({
      days_overdue: 91,
      overdue_bucket: '90+',
    });
  });

  it('plans formulas in dependency order and marks time-dependent ones', () => {
    expect(form.formulaPlan.steps.map((s) => s.key)).toEqual(['outstanding', 'due_date', 'days_overdue', 'overdue_bucket', 'lines_total']);
    expect(form.timeDependentFields).toEqual(['days_overdue', 'overdue_bucket']);
  });

  it('refuses computed values from clients, including sub-table column formulas', () => {
    const r = form.validateInput({ invoice_date: '2026-01-01', amount: '1', outstanding: '5', lines: [{ qty: 1, price: '1', line_total: '9' }] });
    expect(r.errors.map((e) => [e.path, e.keyword])).toEqual([
      ['/outstanding', 'readOnly'],
      ['/lines/0/line_total', 'readOnly'],
    ]);
    expect(r.errors[1]!.message).toBe('明细第1行金额由系统计算或生成，不能填写');
  });

  it('overwrites stale computed values and leaves empty results out', () => {
    const out = form.complete({ invoice_date: '2026-01-01', outstanding: '42.00' } as Record<string, unknown>, ctx);
    expect(out.outstanding).toBeUndefined();
  });

  it('names sub-table rows in messages', () => {
    const r = form.validateInput({ invoice_date: '2026-01-01', amount: '1', lines: [{ qty: 1, price: '1' }, { price: '1' }] }, 'en');
    expect(r.errors).toEqual([expect.objectContaining({ path: '/lines/1/qty', keyword: 'required', message: '明细 row 2 数量 is required' })]);
  });

  it('refuses bad formulas at compile time with paths', () => {
    const bad = (formula: string, resultType: 'decimal' | 'date' = 'decimal') => {
      try {
        compileFormOrThrow({ ...receivable, fields: [...receivable.fields, { key: 'z', type: 'formula', label: 'Z', formula, resultType }] });
        return null;
      } catch (e) {
        return (e as FormDefinitionError).errors.map((x) => `${x.path} ${x.keyword}`);
      }
    };
    const at = `/fields/${receivable.fields.length}/formula`;
    expect(bad('amount +')).toEqual([`${at} formulaSyntax`]);
    expect(bad('nope * 2')).toEqual([`${at} formulaReference`]);
    expect(bad('EVAL("1")')).toEqual([`${at} formulaFunction`]);
    expect(bad('ROUND()')).toEqual([`${at} formulaArity`]);
    expect(bad('term_basis * 2')).toEqual([`${at} formulaType`]);
    expect(bad('amount', 'date')).toEqual([`${at} formulaType`]);
    expect(bad('SUM(lines.nope)')).toEqual([`${at} formulaReference`]);
    expect(bad('SUM(lines.qty) + z')).toEqual([`${at} formulaCycle`]);
  });
});
