import { describe, expect, it } from 'vitest';
import { archiveRemovedFields, compileFormOrThrow, diffDefinitions, migrateRecord } from '../index.js';
import type { FieldDefinition, FormDefinition } from '../index.js';

const v1: FormDefinition = {
  key: 'customer',
  title: '客户',
  fields: [
    { key: 'code', type: 'autonumber', label: '编号', autoNumber: { pattern: 'C{YYYY}{#####}' } },
    { key: 'name', type: 'text', label: '名称', required: true, maxLength: 100 },
    { key: 'level', type: 'select', label: '等级', options: [{ value: 'A' }, { value: 'B' }, { value: 'C' }] },
    { key: 'employees', type: 'text', label: '员工人数' },
    { key: 'limit', type: 'integer', label: '额度' },
    { key: 'fax', type: 'text', label: '传真' },
    { key: 'vip', type: 'text', label: 'VIP' },
    { key: 'double_limit', type: 'formula', label: '双倍额度', formula: 'limit * 2', resultType: 'decimal' },
  ],
};

function withFields(def: FormDefinition, fields: FieldDefinition[]): FormDefinition {
  return { ...def, fields };
}

const byKey = (def: FormDefinition) => new Map(def.fields.map((f) => [f.key, f]));

describe('diffDefinitions', () => {
  it('classifies every kind of change', () => {
    const f = byKey(v1);
    const v2 = withFields(v1, [
      f.get('code')!,
      { ...f.get('name')!, maxLength: 50, label: '客户名称' },
      { ...f.get('level')!, options: [{ value: 'A' }, { value: 'B' }, { value: 'D' }] },
      { key: 'employees', type: 'integer', label: '员工人数', minimum: 0 },
      { key: 'limit', type: 'money', label: '额度' },
      { key: 'vip', type: 'boolean', label: 'VIP' },
      { key: 'double_limit', type: 'formula', label: '双倍额度', formula: 'limit * 3', resultType: 'decimal' },
      { key: 'region', type: 'text', label: '区域' },
      { key: 'owner', type: 'user', label: '负责人', required: true },
      { key: 'status', type: 'select', label: '状态', required: true, default: '正常', options: [{ value: '正常' }] },
    ]);
    const d = diffDefinitions(v1, v2);
    const summary = d.changes.map((c) => `${c.field}:${c.kind}:${c.impact}${c.property ? `:${c.property}` : ''}`);
    expect(summary).toEqual([
      'name:constraintTightened:revalidate:maxLength',
      'name:presentationChanged:safe:label',
      'level:optionsRemoved:revalidate:options',
      'level:optionsAdded:safe:options',
      'employees:typeChanged:needsMigration:type',
      'limit:typeChanged:needsMigration:type',
      'vip:typeChanged:needsMigration:type',
      'double_limit:formulaChanged:recompute:formula',
      'region:fieldAdded:safe',
      'owner:fieldAdded:needsDefault',
      'status:fieldAdded:safe',
      'fax:fieldRemoved:archived',
    ]);
    expect(d.compatible).toBe(false);
    expect(d.actionRequired.map((c) => c.field)).toEqual(['employees', 'limit', 'vip', 'owner']);
  });

  it('treats relaxed constraints, labels and layout as safe', () => {
    const f = byKey(v1);
    const v2 = withFields({ ...v1, title: '客户档案' }, v1.fields.map((x) => (x.key === 'name' ? { ...f.get('name')!, maxLength: 200, required: false } : x)));
    const d = diffDefinitions(v1, v2);
    expect(d.compatible).toBe(true);
    expect(d.changes.map((c) => `${c.kind}:${c.impact}`)).toEqual(['formChanged:safe', 'requiredRemoved:safe', 'constraintRelaxed:safe']);
    expect(diffDefinitions(v1, v1).changes).toEqual([]);
  });

  it('making a field required needs a default, or re-validation when it has one', () => {
    const f = byKey(v1);
    const req = (extra: Partial<FieldDefinition>) => withFields(v1, v1.fields.map((x) => (x.key === 'fax' ? { ...f.get('fax')!, ...extra } : x)));
    expect(diffDefinitions(v1, req({ required: true })).actionRequired[0]).toMatchObject({ field: 'fax', kind: 'requiredAdded', impact: 'needsDefault' });
    expect(diffDefinitions(v1, req({ required: true, default: '-' })).changes[0]).toMatchObject({ kind: 'requiredAdded', impact: 'revalidate' });
  });
});

describe('archiveRemovedFields + migrateRecord', () => {
  const f = byKey(v1);
  const v2 = withFields(v1, [
    f.get('code')!,
    f.get('name')!,
    f.get('level')!,
    { key: 'employees', type: 'integer', label: '员工人数', minimum: 0 },
    { key: 'limit', type: 'money', label: '额度' },
    { key: 'vip', type: 'boolean', label: 'VIP' },
    { key: 'double_limit', type: 'formula', label: '双倍额度', formula: 'limit * 3', resultType: 'decimal' },
    { key: 'status', type: 'select', label: '状态', required: true, default: '正常', options: [{ value: '正常' }] },
  ]);
  const published = archiveRemovedFields(v1, v2);
  const target = compileFormOrThrow(published);
  const stored = { code: 'C202600001', name: '甲公司', level: 'A', employees: '120', limit: 5000, fax: '010-12345678', vip: '是', double_limit: '10000.00' };

  it('keeps removed fields as archived (data kept, hidden from the UI)', () => {
    expect(published.fields.find((x) => x.key === 'fax')).toEqual({ key: 'fax', type: 'text', label: '传真', archived: true });
    expect(target.ui.order).not.toContain('fax');
    expect(diffDefinitions(v1, published).changes.find((c) => c.field === 'fax')).toMatchObject({ kind: 'fieldArchived', impact: 'archived' });
  });

  it('converts values, fills defaults, recomputes formulas and reports each step', () => {
    const { data, report } = migrateRecord(stored, v1, target, { asOf: '2026-11-25' });
    expect(data).toEqual({
      code: 'C202600001',
      name: '甲公司',
      level: 'A',
      employees: 120,
      limit: '5000',
      fax: '010-12345678',
      vip: true,
      status: '正常',
      double_limit: '15000.00',
    });
    expect(report.ok).toBe(true);
    expect(report.steps).toEqual([
      { path: '/employees', action: 'converted', from: '120', to: 120 },
      { path: '/limit', action: 'converted', from: 5000, to: '5000' },
      { path: '/vip', action: 'converted', from: '是', to: true },
      { path: '/status', action: 'defaultFilled', to: '正常' },
      { path: '/double_limit', action: 'recomputed', from: '10000.00', to: '15000.00' },
    ]);
  });

  it('reports values it cannot convert instead of losing them silently', () => {
    const { data, report } = migrateRecord({ ...stored, employees: '约100人', limit: 12.345 }, v1, target, { asOf: '2026-11-25' });
    expect(report.ok).toBe(false);
    expect(report.steps.filter((s) => s.action === 'conversionFailed')).toEqual([
      { path: '/employees', action: 'conversionFailed', from: '约100人', reason: 'notNumber' },
      { path: '/limit', action: 'conversionFailed', from: 12.345, reason: 'scale' },
    ]);
    expect(data.employees).toBeUndefined();
  });

  it('reports records that no longer validate after a tightened constraint', () => {
    const tighter = compileFormOrThrow(withFields(v1, v1.fields.map((x) => (x.key === 'name' ? { ...x, maxLength: 2 } : x))));
    const { report } = migrateRecord(stored, v1, tighter, { asOf: '2026-11-25' });
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => `${e.path} ${e.keyword}`)).toEqual(['/name maxLength']);
  });
});
