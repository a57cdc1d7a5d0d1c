import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, fieldTypeRegistry, validateFormDefinition } from '@credo/form-engine';
import { PALETTE_GROUPS, addColumn, checkDefinition, emptyDefinition, insertField, locateError, moveColumn, moveField, newField, normalizedLayout, removeField, renameField, typeProps, uniqueKey, type FormDefinition } from './designer';

function form(): FormDefinition {
  const def = emptyDefinition();
  def.key = 'supplier';
  def.title = { 'zh-CN': '供应商' };
  return def;
}

describe('designer adapter', () => {
  it('offers every engine field type exactly once in the palette, each a valid field as created', () => {
    const listed = PALETTE_GROUPS.flatMap((g) => g.types);
    expect([...listed].sort()).toEqual([...FIELD_TYPES].sort());
    for (const type of FIELD_TYPES) {
      const def = form();
      def.fields = [newField(type, [])];
      if (type === 'formula') def.fields.unshift({ key: 'a', type: 'number', label: 'A' });
      expect(validateFormDefinition(def).errors, type).toEqual([]);
      expect(typeProps(type).every((p) => fieldTypeRegistry[type].props.includes(p))).toBe(true);
    }
  });

  it('inserts, moves and removes fields keeping each key in exactly one section', () => {
    const def = form();
    const a = insertField(def, 'text', 'main');
    const b = insertField(def, 'money', 'main');
    const c = insertField(def, 'integer', 'main', b);
    expect(def.layout!.sections[0]!.fields).toEqual([a, c, b]);
    def.layout!.sections.push({ key: 'more', fields: [] });
    moveField(def, a, 'more');
    moveField(def, b, 'main', c);
    expect(normalizedLayout(def).map((s) => s.fields)).toEqual([[b, c], [a]]);
    removeField(def, { key: c });
    expect(def.fields.map((f) => f.key)).toEqual([a, b]);
    expect(def.layout!.sections.flatMap((s) => s.fields).sort()).toEqual([a, b].sort());
    expect(uniqueKey('text', ['text_1', 'text_2'])).toBe('text_3');
  });

  it('adds and reorders sub-table columns, never removing the last one', () => {
    const def = form();
    const table = insertField(def, 'subtable', 'main');
    const amount = addColumn(def, table, 'money')!;
    expect(addColumn(def, table, 'subtable')).toBeNull();
    moveColumn(def, table, amount, 'item');
    expect(def.fields[0]!.fields!.map((c) => c.key)).toEqual([amount, 'item']);
    removeField(def, { key: table, column: amount });
    removeField(def, { key: table, column: 'item' });
    expect(def.fields[0]!.fields!.map((c) => c.key)).toEqual(['item']);
  });

  it('renames a field everywhere it is referenced: layout, conditions, formulas, title field', () => {
    const def = form();
    def.fields = [
      { key: 'price', type: 'money', label: '单价' },
      { key: 'qty', type: 'integer', label: '数量', visibleIf: { field: 'price', op: 'notEmpty' } },
      { key: 'total', type: 'formula', label: '合计', formula: 'price * qty + price_extra', resultType: 'decimal' },
      { key: 'price_extra', type: 'money', label: '附加' },
    ];
    def.settings = { titleField: 'price' };
    def.layout = { sections: [{ key: 'main', fields: ['price', 'qty', 'total', 'price_extra'] }] };
    renameField(def, { key: 'price' }, 'unit_price');
    expect(def.fields[2]!.formula).toBe('unit_price * qty + price_extra');
    expect(def.fields[1]!.visibleIf).toEqual({ field: 'unit_price', op: 'notEmpty' });
    expect(def.layout.sections[0]!.fields[0]).toBe('unit_price');
    expect(def.settings.titleField).toBe('unit_price');
  });

  it('places the engine’s definition errors next to the property they are about', () => {
    const def = form();
    def.fields = [
      { key: 'name', type: 'text', label: '名称', maxLength: -1 },
      { key: 'total', type: 'formula', label: '合计', formula: 'name *', resultType: 'decimal' },
    ];
    const check = checkDefinition(def, 'zh-CN');
    expect(check.valid).toBe(false);
    expect(Object.keys(check.byField)).toContain('name');
    expect(check.byField.name!.maxLength).toBeTruthy();
    expect(locateError(def, '/fields/1/formula')).toEqual({ field: 'total', property: 'formula' });
    expect(locateError(def, '/key')).toEqual({ property: 'key' });
    def.fields = [def.fields[0]!];
    def.fields[0]!.maxLength = 10;
    const ok = checkDefinition(def, 'zh-CN');
    expect(ok.valid).toBe(true);
    expect(ok.compiled?.ui.order).toEqual(['name']);
  });
});
