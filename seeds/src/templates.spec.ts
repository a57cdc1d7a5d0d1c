import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, validateFormDefinition } from '@credo/form-engine';
import { loadTemplate, templateKeys } from './index.js';

describe('form templates', () => {
  it.each(templateKeys)('%s is a valid definition that compiles', (key) => {
    const def = loadTemplate(key);
    expect(def.key).toBe(key);
    expect(validateFormDefinition(def)).toEqual({ valid: true, errors: [] });
    expect(() => compileFormOrThrow(def)).not.toThrow();
  });

  it('refuses unknown template keys', () => {
    expect(() => loadTemplate('../package')).toThrow(RangeError);
  });

  describe('customer (DOMAIN §6.1)', () => {
    const def = loadTemplate('customer');
    const form = compileFormOrThrow(def);
    const owner = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const base = { name: '北京测试科技有限公司', customer_type: '企业', uscc: '91110000600037341L', contact_name: '张伟', sales_owner: owner };

    it('has the §6.1 fields and no rollup stubs', () => {
      expect(def.title).toEqual({ 'zh-CN': '客户档案', en: 'Customers' });
      expect(def.fields.map((f) => f.key)).toEqual([
        'customer_code', 'name', 'customer_type', 'country', 'uscc', 'foreign_tax_id', 'industry', 'established_on',
        'registered_capital', 'legal_rep', 'address', 'postal_code', 'contact_name', 'mobile', 'phone', 'email',
        'bank_name', 'bank_account', 'bank_cnaps', 'is_sme', 'credit_limit', 'payment_term_days', 'term_basis',
        'settlement', 'credit_status', 'sales_owner', 'collector',
      ]);
      expect(form.autoNumberFields).toEqual([{ key: 'customer_code', pattern: 'C{YYYY}{#####}' }]);
    });

    it('accepts a minimal valid customer and fills defaults', () => {
      expect(form.validateInput(base)).toEqual({ valid: true, errors: [] });
      expect(form.complete(base, { asOf: '2026-11-25' })).toMatchObject({
        country: 'CN', payment_term_days: 30, term_basis: '开票日', credit_status: '正常', is_sme: false,
      });
    });

    it('enforces the §6.1 rules', () => {
      const errs = (d: Record<string, unknown>) => form.validateInput({ ...base, ...d }).errors.map((e) => `${e.path} ${e.keyword}`);
      expect(errs({ name: 'A' })).toEqual(['/name minLength']);
      expect(errs({ name: 'x'.repeat(101) })).toEqual(['/name maxLength']);
      expect(errs({ customer_type: '合伙' })).toEqual(['/customer_type enum']);
      expect(errs({ uscc: undefined })).toEqual(['/uscc required']);
      expect(errs({ uscc: undefined, customer_type: '个人' })).toEqual([]);
      expect(errs({ uscc: undefined, country: 'HK' })).toEqual([]);
      expect(errs({ uscc: '91110000600037341K' })).toEqual(['/uscc format']);
      expect(errs({ registered_capital: '-1' })).toEqual(['/registered_capital minimum']);
      expect(errs({ legal_rep: '张'.repeat(51) })).toEqual(['/legal_rep maxLength']);
      expect(errs({ address: '路'.repeat(201) })).toEqual(['/address maxLength']);
      expect(errs({ postal_code: '10000' })).toEqual(['/postal_code format']);
      expect(errs({ contact_name: undefined })).toEqual(['/contact_name required']);
      expect(errs({ mobile: '12812345678' })).toEqual(['/mobile format']);
      expect(errs({ mobile: '+86 13812345678', phone: '0755-88886666-123' })).toEqual([]);
      expect(errs({ phone: '400-820-8820' })).toEqual([]);
      expect(errs({ phone: '0755-08886666' })).toEqual(['/phone format']);
      expect(errs({ email: 'a@b' })).toEqual(['/email format']);
      expect(errs({ bank_account: '1234567' })).toEqual(['/bank_account format']);
      expect(errs({ bank_cnaps: '10210000000' })).toEqual(['/bank_cnaps format']);
      expect(errs({ credit_limit: '-0.01' })).toEqual(['/credit_limit minimum']);
      expect(errs({ credit_limit: '0' })).toEqual([]);
      expect(errs({ payment_term_days: 366 })).toEqual(['/payment_term_days maximum']);
      expect(errs({ payment_term_days: 30.5 })).toEqual(['/payment_term_days type']);
      expect(errs({ term_basis: '月结', settlement: '月结', credit_status: '冻结' })).toEqual([]);
      expect(errs({ sales_owner: undefined })).toEqual(['/sales_owner required']);
      expect(errs({ collector: 'someone' })).toEqual(['/collector format']);
      expect(errs({ customer_code: 'C202600001' })).toEqual(['/customer_code readOnly']);
      expect(form.validateInput({ ...base, established_on: '2026-11-26' }, 'zh-CN', { asOf: '2026-11-25' }).errors[0]!.message).toBe('成立日期不能晚于2026-11-25');
      expect(errs({ foreign_tax_id: 'X' })).toEqual(['/foreign_tax_id notVisible']);
      expect(errs({ country: 'US', foreign_tax_id: 'EIN-1', uscc: undefined, postal_code: undefined })).toEqual([]);
    });
  });
});
