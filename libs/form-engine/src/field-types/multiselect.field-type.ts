import type { FieldTypeDefinition } from './field-type.js';
import { checkOptions, optionValues } from './select.field-type.js';

export const multiselectFieldType: FieldTypeDefinition = {
  type: 'multiselect',
  label: { 'zh-CN': '多项选择', en: 'Multi-select' },
  widget: 'checkbox-group',
  storage: 'jsonb',
  filterOperators: ['contains', 'empty', 'notEmpty'],
  sortable: false,
  computed: false,
  props: ['options', 'minItems', 'maxItems'],
  schema: (field) => {
    const values = optionValues(field);
    return {
      type: 'array',
      items: { type: 'string', enum: values },
      uniqueItems: true,
      maxItems: field.maxItems ?? values.length,
      ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
    };
  },
  constraints: (field) => ({ minItems: field.minItems, maxItems: field.maxItems }),
  check: checkOptions,
};
