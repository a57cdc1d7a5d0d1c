import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, usccCheckChar, type FormDefinition } from '@credo/form-engine';
import { changedFields, checkRecord, compiledFor, conflictRows, inputFor, messagesByField, previewComputed, reapply } from './record-form';

const definition: FormDefinition = {
  key: 'client',
  title: '客户',
  fields: [
    { key: 'code', type: 'autonumber', label: '编号', autoNumber: { pattern: 'C{#####}' } },
    { key: 'name', type: 'text', label: '名称', required: true, minLength: 2 },
    { key: 'country', type: 'select', label: '国家', default: 'CN', options: [{ value: 'CN' }, { value: 'US' }] },
    { key: 'uscc', type: 'uscc', label: '统一社会信用代码', requiredIf: { field: 'country', op: 'eq', value: 'CN' } },
    { key: 'foreign_tax_id', type: 'text', label: '境外税号', visibleIf: { field: 'country', op: 'ne', value: 'CN' } },
    { key: 'limit', type: 'money', label: '额度' },
    { key: 'doubled', type: 'formula', label: '双倍额度', formula: 'limit * 2', resultType: 'decimal' },
  ],
};
const compiled = compileFormOrThrow(definition);
const body = '91330100MA2H4K7B0';
const valid = body + usccCheckChar(body)!;
const invalid = body + (usccCheckChar(body) === '0' ? '1' : '0');

describe('checkRecord', () => {
  it('gives the engine’s own messages by field, as the server would', () => {
    const data = { name: '杭州某某有限公司', uscc: invalid };
    const check = checkRecord(compiled, data, 'zh-CN', '2026-06-01');
    const server = compiled.validateInput(inputFor(compiled, data), 'zh-CN', { asOf: '2026-06-01' });
    expect(check.valid).toBe(false);
    expect(check.errors.uscc).toBe(server.errors.find((e) => e.path === '/uscc')!.message);
    expect(checkRecord(compiled, { ...data, uscc: valid }, 'zh-CN').valid).toBe(true);
  });

  it('applies required-if and drops values of fields the conditions hide', () => {
    expect(Object.keys(checkRecord(compiled, { name: 'AB' }, 'en').errors)).toEqual(['uscc']);
    expect(checkRecord(compiled, { name: 'AB', country: 'US' }, 'en').valid).toBe(true);
    expect(inputFor(compiled, { name: 'AB', country: 'CN', foreign_tax_id: 'X1', code: 'C00001', limit: '' })).toEqual({ name: 'AB', country: 'CN' });
  });
});

describe('previewComputed', () => {
  it('computes formulas exactly for the values on screen', () => {
    expect(previewComputed(compiled, { name: 'AB', country: 'US', limit: '100.25' }, '2026-06-01').doubled).toBe('200.50');
  });
});

describe('changedFields', () => {
  it('sends only what changed, null for a cleared field, never computed fields', () => {
    const base = { code: 'C00001', name: 'AB', country: 'CN', uscc: valid, limit: '10.00', doubled: '20' };
    expect(changedFields(compiled, base, { ...base, limit: '12.00', doubled: '24' })).toEqual({ limit: '12.00' });
    expect(changedFields(compiled, base, { ...base, limit: '' })).toEqual({ limit: null });
    expect(changedFields(compiled, base, base)).toEqual({});
  });

  it('does not send a clear for a value its condition now hides (the server drops it)', () => {
    const base = { name: 'AB', country: 'US', foreign_tax_id: 'X1' };
    expect(changedFields(compiled, base, { ...base, country: 'CN', uscc: valid })).toEqual({ country: 'CN', uscc: valid });
  });
});

describe('conflicts', () => {
  const base = { name: 'AB', limit: '10.00', country: 'CN' };
  const theirs = { name: 'AB Ltd', limit: '80.00', country: 'CN' };
  const mine = { name: 'AB', limit: '90.00', country: 'CN' };
  const myChanges = { limit: '90.00' };

  it('lists the fields either side changed, in form order, marking clashes', () => {
    const rows = conflictRows(base, theirs, mine, myChanges, ['name', 'limit', 'country']);
    expect(rows.map((r) => [r.key, r.theirs, r.mine, r.clash])).toEqual([
      ['name', 'AB Ltd', 'AB', false],
      ['limit', '80.00', '90.00', true],
    ]);
  });

  it('re-applies mine on top of theirs (null clears)', () => {
    expect(reapply(theirs, { limit: '90.00', name: null })).toEqual({ limit: '90.00', country: 'CN' });
  });
});

describe('messagesByField', () => {
  it('keys server errors by top-level field, first message wins', () => {
    expect(messagesByField([{ path: '/uscc', message: 'a' }, { path: '/uscc', message: 'b' }, { path: '/lines/0/qty', message: 'c' }])).toEqual({ uscc: 'a', lines: 'c' });
  });
});

describe('compiledFor', () => {
  it('compiles a version once', () => {
    const version = { id: 'v1', definition: definition as never };
    expect(compiledFor(version)).toBe(compiledFor(version));
  });
});
