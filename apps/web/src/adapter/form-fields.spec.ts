import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../api/forms';
import { fieldOrderFromUi, flattenFields, isColumnField, orderedFields } from './form-fields';

const definition: FormDefinition = {
  fields: [
    { key: 'code', type: 'autonumber', label: '编号' },
    { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } },
    { key: 'kind', type: 'select', label: '类型', options: [{ value: 'a' }] },
    { key: 'lines', type: 'subtable', label: '明细', fields: [{ key: 'qty', type: 'integer', label: '数量' }] },
    { key: 'old', type: 'text', label: '旧字段', archived: true },
  ],
};

describe('flattenFields', () => {
  it('keeps sub-tables as one field and descends into layout containers', () => {
    const nested: FormDefinition = {
      fields: [{ key: 's1', type: 'section', label: '基本', fields: [{ key: 'a', type: 'text', label: 'A' }] }, { key: 'b', type: 'text', label: 'B' }],
    };
    expect(flattenFields(nested).map((f) => f.key)).toEqual(['a', 'b']);
    expect(flattenFields(definition).map((f) => f.key)).toEqual(['code', 'name', 'kind', 'lines', 'old']);
  });

  it('tolerates a missing or malformed definition', () => {
    expect(flattenFields(undefined)).toEqual([]);
    expect(flattenFields({ fields: 'nope' } as unknown as FormDefinition)).toEqual([]);
  });
});

describe('fieldOrderFromUi', () => {
  const known = new Set(['code', 'name', 'kind']);

  it('uses an explicit order list', () => {
    expect(fieldOrderFromUi({ order: ['kind', 'code', 'ghost'] }, known)).toEqual(['kind', 'code']);
  });

  it('reads layout trees and JSON-Forms scopes', () => {
    expect(fieldOrderFromUi({ layout: [{ items: [{ field: 'name' }, { scope: '#/properties/code' }] }] }, known)).toEqual(['name', 'code']);
  });

  it('returns nothing for an unknown ui', () => {
    expect(fieldOrderFromUi(null, known)).toEqual([]);
    expect(fieldOrderFromUi(42, known)).toEqual([]);
  });
});

describe('orderedFields', () => {
  it('follows the engine ui (order + sections) and prefers its resolved field copies', () => {
    const ui = {
      formKey: 'x',
      title: 'X',
      order: ['name', 'kind', 'code'],
      sections: [
        {
          key: 'main',
          columns: 2,
          collapsed: false,
          fields: [
            { key: 'name', type: 'text', label: '名称', widget: 'text' },
            { key: 'kind', type: 'select', label: '类型', widget: 'select', options: [{ value: 'a', label: '甲' }] },
          ],
        },
      ],
    };
    const fields = orderedFields(definition, ui);
    expect(fields.map((f) => f.key)).toEqual(['name', 'kind', 'code', 'lines', 'old']);
    expect(fields[1]!.options).toEqual([{ value: 'a', label: '甲' }]);
    expect(fields.filter(isColumnField).map((f) => f.key)).toEqual(['name', 'kind', 'code']);
  });

  it('falls back to definition order without a ui', () => {
    expect(orderedFields(definition, undefined).map((f) => f.key)).toEqual(['code', 'name', 'kind', 'lines', 'old']);
  });

  it('drops fields the ui hides', () => {
    expect(orderedFields(definition, { name: { 'ui:widget': 'hidden' } }).map((f) => f.key)).not.toContain('name');
  });
});
