import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';

/**
 * A computed value. The stored schema follows resultType; parsing, references, types and cycles
 * are checked by formulas/plan.ts when the form is compiled.
 */
export const formulaFieldType: FieldTypeDefinition = {
  type: 'formula',
  label: { 'zh-CN': '公式', en: 'Formula' },
  widget: 'readonly-text',
  storage: 'text',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: true,
  // options: a text formula may name its results like a select ({ value, label }) so screens say them in the UI language.
  props: ['formula', 'resultType', 'scale', 'options'],
  schema: (field) => {
    switch (field.resultType) {
      case 'integer':
        return { type: 'integer', readOnly: true };
      case 'boolean':
        return { type: 'boolean', readOnly: true };
      case 'date':
        return { type: 'string', format: 'date', readOnly: true };
      case 'text':
        return { type: 'string', maxLength: 2000, readOnly: true };
      default:
        return { type: 'string', decimal: { scale: field.scale ?? 2 }, readOnly: true };
    }
  },
};
