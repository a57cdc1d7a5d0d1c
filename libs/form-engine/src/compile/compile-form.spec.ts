import { describe, expect, it } from 'vitest';
import { CompiledFormCache, compileFormOrThrow, FormDefinitionError, isValidUscc, usccCheckChar, validateFormDefinition } from '../index.js';
import type { FormDefinition } from '../index.js';

const OWNER = '7b0a3c5e-1f2d-4a6b-9c8d-0e1f2a3b4c5d';

/** A trimmed customer form (the full template lives in seeds/templates and is tested there). */
const customer: FormDefinition = {
  key: 'customer',
  title: { 'zh-CN': '客户档案', en: 'Customers' },
  fields: [
    { key: 'customer_code', type: 'autonumber', label: { 'zh-CN': '客户编号', en: 'Customer code' }, autoNumber: { pattern: 'C{YYYY}{#####}' } },
    { key: 'name', type: 'text', label: { 'zh-CN': '客户名称', en: 'Customer name' }, required: true, minLength: 2, maxLength: 100 },
    {
      key: 'customer_type',
      type: 'select',
      label: { 'zh-CN': '客户类型', en: 'Customer type' },
      required: true,
      options: ['企业', '个体工商户', '事业单位', '政府机关', '境外企业', '个人'].map((value) => ({ value })),
    },
    { key: 'country', type: 'select', label: '国家/地区', default: 'CN', options: [{ value: 'CN' }, { value: 'US' }] },
    {
      key: 'uscc',
      type: 'uscc',
      label: { 'zh-CN': '统一社会信用代码', en: 'USCC' },
      requiredIf: { all: [{ field: 'country', op: 'eq', value: 'CN' }, { field: 'customer_type', op: 'ne', value: '个人' }] },
    },
    { key: 'foreign_tax_id', type: 'text', label: '境外税号', maxLength: 50, visibleIf: { field: 'country', op: 'ne', value: 'CN' } },
    { key: 'credit_limit', type: 'money', label: { 'zh-CN': '信用额度', en: 'Credit limit' }, minimum: '0', maximum: '100000000' },
    { key: 'payment_term_days', type: 'integer', label: '账期(天)', minimum: 0, maximum: 365, default: 30 },
    { key: 'sales_owner', type: 'user', label: '销售负责人', required: true },
    { key: 'mobile', type: 'mobile', label: '手机' },
    { key: 'established_on', type: 'date', label: '成立日期' },
  ],
};

const valid = { name: '福州测试科技有限公司', customer_type: '企业', uscc: '91350100M000100Y43', sales_owner: OWNER };

describe('compileFormOrThrow + validateInput', () => {
  const form = compileFormOrThrow(customer);

  it('accepts a valid payload', () => {
    expect(form.validateInput(valid)).toEqual({ valid: true, errors: [] });
  });

  it('points required errors at the field, with the label in the message', () => {
    const r = form.validateInput({ customer_type: '企业', uscc: '91350100M000100Y43', sales_owner: OWNER });
    expect(r.errors).toEqual([{ path: '/name', keyword: 'required', params: { missingProperty: 'name' }, message: '客户名称为必填项' }]);
    expect(form.validateInput({ customer_type: '企业', uscc: '91350100M000100Y43', sales_owner: OWNER }, 'en').errors[0]!.message).toBe(
      'Customer name is required',
    );
  });

  it('reports a wrong USCC check character as 校验位错误', () => {
    const r = form.validateInput({ ...valid, uscc: '91350100M000100Y4Z' });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      { path: '/uscc', keyword: 'format', params: { format: 'uscc', reason: 'checksum' }, message: '统一社会信用代码校验位错误' },
    ]);
    expect(form.validateInput({ ...valid, uscc: '91350100M000100Y4Z' }, 'en').errors[0]!.message).toBe('USCC has a wrong check character');
  });

  it('requires USCC only when country = CN (default) and type ≠ 个人', () => {
    const { uscc: _u, ...noUscc } = valid;
    expect(form.validateInput(noUscc).errors.map((e) => [e.path, e.keyword])).toEqual([['/uscc', 'required']]);
    expect(form.validateInput({ ...noUscc, customer_type: '个人' }).valid).toBe(true);
    expect(form.validateInput({ ...noUscc, country: 'US' }).valid).toBe(true);
    expect(form.validateInput({ ...noUscc, country: 'CN' }).errors[0]!.path).toBe('/uscc');
  });

  it('refuses a field hidden by its visibility condition', () => {
    const r = form.validateInput({ ...valid, foreign_tax_id: 'X1' });
    expect(r.errors.map((e) => [e.path, e.keyword])).toEqual([['/foreign_tax_id', 'notVisible']]);
    expect(form.validateInput({ ...valid, country: 'US', foreign_tax_id: 'X1' }).valid).toBe(true);
  });

  it('refuses unknown properties, prototype keys and computed fields', () => {
    const r = form.validateInput({ ...valid, extra: 1, customer_code: 'C202600001' });
    expect(r.errors.map((e) => [e.path, e.keyword])).toEqual([
      ['/customer_code', 'readOnly'],
      ['/extra', 'additionalProperties'],
    ]);
    const proto = form.validateInput(JSON.parse(`{"__proto__": {"admin": true}, "constructor": {}, ${JSON.stringify(valid).slice(1)}`));
    expect(proto.errors.map((e) => [e.path, e.keyword])).toEqual([
      ['/__proto__', 'forbiddenKey'],
      ['/constructor', 'forbiddenKey'],
    ]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('compares money as exact decimal strings, never floats', () => {
    expect(form.validateInput({ ...valid, credit_limit: '100000000.00' }).valid).toBe(true);
    expect(form.validateInput({ ...valid, credit_limit: '100000000.01' }).errors[0]).toMatchObject({ path: '/credit_limit', keyword: 'maximum' });
    expect(form.validateInput({ ...valid, credit_limit: '-0.01' }).errors[0]).toMatchObject({ keyword: 'minimum', message: '信用额度不能小于0' });
    expect(form.validateInput({ ...valid, credit_limit: '1.234' }).errors[0]).toMatchObject({ keyword: 'scale' });
    expect(form.validateInput({ ...valid, credit_limit: '1e3' }).errors[0]).toMatchObject({ keyword: 'format' });
    expect(form.validateInput({ ...valid, credit_limit: 100 }).errors[0]).toMatchObject({ keyword: 'type' });
  });

  it('treats null and blank strings as absent', () => {
    expect(form.validateInput({ ...valid, mobile: '', credit_limit: null }).valid).toBe(true);
    expect(form.validateInput({ ...valid, name: '   ' }).errors[0]).toMatchObject({ path: '/name', keyword: 'required' });
  });

  it('validates calendar dates', () => {
    expect(form.validateInput({ ...valid, established_on: '2024-02-29' }).valid).toBe(true);
    expect(form.validateInput({ ...valid, established_on: '2023-02-29' }).errors[0]).toMatchObject({ keyword: 'format', message: '成立日期不是有效的日期（YYYY-MM-DD）' });
  });

  it('never throws on garbage', () => {
    for (const g of [null, undefined, 1, 'x', [], [1], true, { name: { a: 1 } }, { name: [1, 2] }, { sales_owner: 42 }]) {
      const r = form.validateInput(g);
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });

  it('complete() normalises values and fills defaults', () => {
    const out = form.complete({ ...valid, uscc: '91350100m000100y43', name: ' 福州测试科技有限公司 ' }, { asOf: '2026-01-01' });
    expect(out).toEqual({ ...valid, country: 'CN', payment_term_days: 30 });
    expect(form.validateRecord({ ...out, customer_code: 'C202600001' }).valid).toBe(true);
  });

  it('exposes schema, ui and auto-number fields', () => {
    expect(form.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(form.schema.additionalProperties).toBe(false);
    expect(form.autoNumberFields).toEqual([{ key: 'customer_code', pattern: 'C{YYYY}{#####}' }]);
    expect(form.ui.order[0]).toBe('customer_code');
    const type = form.ui.sections[0]!.fields.find((f) => f.key === 'customer_type')!;
    expect(type).toMatchObject({ widget: 'select', required: true, readOnly: false });
    expect(type.options![0]).toEqual({ value: '企业', label: '企业' });
    expect(form.ui.sections[0]!.fields[0]!.readOnly).toBe(true);
  });
});

describe('definition errors', () => {
  it('validateFormDefinition reports meta-schema violations with paths', () => {
    const r = validateFormDefinition({ key: 'Bad Key', title: 'x', fields: [{ key: 'a', type: 'nope', label: 'A' }] });
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/key', '/fields/0/type']));
    expect(validateFormDefinition(null).valid).toBe(false);
    expect(validateFormDefinition(customer)).toEqual({ valid: true, errors: [] });
  });

  it('refuses duplicate keys, unknown condition fields and bad defaults', () => {
    const bad: FormDefinition = {
      key: 'x',
      title: 'X',
      fields: [
        { key: 'a', type: 'text', label: 'A' },
        { key: 'a', type: 'text', label: 'A2' },
        { key: 'b', type: 'text', label: 'B', requiredIf: { field: 'zzz', op: 'eq', value: 1 } },
        { key: 'c', type: 'money', label: 'C', minimum: 0 as unknown as string },
      ],
    };
    const e = (() => {
      try {
        compileFormOrThrow(bad);
      } catch (err) {
        return err as FormDefinitionError;
      }
      throw new Error('expected a FormDefinitionError');
    })();
    expect(e).toBeInstanceOf(FormDefinitionError);
    expect(e.errors.map((x) => [x.path, x.keyword])).toEqual([
      ['/fields/1/key', 'duplicateKey'],
      ['/fields/2/requiredIf/field', 'unknownField'],
      ['/fields/3/minimum', 'decimalBound'],
    ]);
    expect(() => compileFormOrThrow({ key: 'x', title: 'X', fields: [{ key: 'n', type: 'integer', label: 'N', default: 1.5 }] })).toThrow(
      FormDefinitionError,
    );
  });

  it('names formula cycles', () => {
    try {
      compileFormOrThrow({
        key: 'x',
        title: 'X',
        fields: [
          { key: 'a', type: 'formula', label: 'A', formula: 'b + 1', resultType: 'decimal' },
          { key: 'b', type: 'formula', label: 'B', formula: 'c + 1', resultType: 'decimal' },
          { key: 'c', type: 'formula', label: 'C', formula: 'a + 1', resultType: 'decimal' },
        ],
      });
      throw new Error('expected a cycle error');
    } catch (e) {
      expect(e).toBeInstanceOf(FormDefinitionError);
      const err = (e as FormDefinitionError).errors[0]!;
      expect(err.keyword).toBe('formulaCycle');
      expect(err.message).toContain('a → b → c → a');
    }
  });
});

describe('CompiledFormCache', () => {
  it('compiles once per version id', () => {
    const cache = new CompiledFormCache(2);
    const a = cache.getOrCompile('v1', customer);
    expect(cache.getOrCompile('v1', customer)).toBe(a);
    cache.getOrCompile('v2', customer);
    cache.getOrCompile('v3', customer);
    expect(cache.size).toBe(2);
    expect(cache.has('v1')).toBe(false);
    expect(a.validateInput(valid).valid).toBe(true); // an evicted form still works
  });

  it('keeps a form compiled elsewhere (at publish) without compiling it again', () => {
    const cache = new CompiledFormCache(2);
    const published = compileFormOrThrow(customer);
    cache.set('v1', published);
    expect(cache.get('v1')).toBe(published);
    expect(cache.getOrCompile('v1', customer)).toBe(published);
    cache.set('v2', compileFormOrThrow(customer));
    cache.set('v3', compileFormOrThrow(customer));
    expect(cache.size).toBe(2);
    expect(cache.has('v1')).toBe(false);
  });
});

describe('validation-date bounds and advisory warnings', () => {
  const form = compileFormOrThrow({
    key: 'c',
    title: 'C',
    fields: [
      { key: 'established_on', type: 'date', label: '成立日期', maxDate: 'today' },
      { key: 'biz_date', type: 'date', label: '业务日期', minDate: 'today-365', maxDate: 'today+30' },
      { key: 'uscc', type: 'uscc', label: '统一社会信用代码' },
    ],
  });

  it('checks relative date bounds only against the asOf the caller passes', () => {
    expect(form.validateInput({ established_on: '2026-11-26' }).valid).toBe(true);
    const r = form.validateInput({ established_on: '2026-11-26' }, 'zh-CN', { asOf: '2026-11-25' });
    expect(r.errors).toEqual([
      { path: '/established_on', keyword: 'maxDate', params: { comparison: '<=', limit: '2026-11-25', bound: 'today' }, message: '成立日期不能晚于2026-11-25' },
    ]);
    expect(form.validateInput({ established_on: '2026-11-25', biz_date: '2026-12-25' }, 'zh-CN', { asOf: '2026-11-25' }).valid).toBe(true);
    expect(form.validateInput({ biz_date: '2026-12-26' }, 'en', { asOf: '2026-11-25' }).errors[0]!.message).toBe('业务日期 must not be after 2026-12-25');
    expect(form.validateInput({ biz_date: '2025-11-24' }, 'zh-CN', { asOf: '2026-11-25' }).errors[0]!.keyword).toBe('minDate');
  });

  it('warns (does not block) when the organisation-code part fails GB 11714', () => {
    const body = `91110000600037342`; // org code 60003734 has check char 1, not 2
    const code = body + usccCheckChar(body);
    expect(isValidUscc(code)).toBe(true);
    const r = form.validateInput({ uscc: code });
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ path: '/uscc', keyword: 'usccOrgCode' })]);
    expect(form.validateInput({ uscc: '91110000600037341L' }).warnings).toBeUndefined();
  });
});

describe('fieldStates (live form preview)', () => {
  const form = compileFormOrThrow(customer);
  it('agrees with the schema on visible-if and required-if', () => {
    const s = form.fieldStates({ customer_type: '企业' });
    expect(s.uscc).toEqual({ visible: true, required: true });
    expect(s.foreign_tax_id).toEqual({ visible: false, required: false });
    expect(s.customer_code).toEqual({ visible: true, required: false });
    const foreign = form.fieldStates({ customer_type: '企业', country: 'US' });
    expect(foreign.uscc.required).toBe(false);
    expect(foreign.foreign_tax_id.visible).toBe(true);
    expect(form.fieldStates({ customer_type: '个人' }).uscc.required).toBe(false);
  });
});

describe('legacy identifiers', () => {
  it('accepts them only with allowLegacy, and warns', () => {
    const form = compileFormOrThrow({ key: 'c', title: 'C', fields: [{ key: 'uscc', type: 'uscc', label: '统一社会信用代码', allowLegacy: true }] });
    const r = form.validateInput({ uscc: '110108000123456' });
    expect(r.valid).toBe(true);
    expect(r.warnings?.map((w) => w.keyword)).toEqual(['legacyId']);
    expect(form.validateInput({ uscc: '91110000600037341L' }).warnings).toBeUndefined();
  });
});

describe('hostile payloads', () => {
  it('caps the error list', () => {
    const form = compileFormOrThrow(customer);
    const payload = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const r = form.validateInput(payload);
    expect(r.valid).toBe(false);
    expect(r.errors.length).toBeLessThanOrEqual(100);
  });
});
