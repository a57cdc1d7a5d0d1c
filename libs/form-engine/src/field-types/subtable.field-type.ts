import type { FieldTypeDefinition } from './field-type.js';

/**
 * Rows with their own fields. The row schema is assembled by schema/build-record-schema.ts from
 * the child fields' types, so this fragment only carries the array limits.
 */
export const subtableFieldType: FieldTypeDefinition = {
  type: 'subtable',
  label: { 'zh-CN': '子表', en: 'Sub-table' },
  widget: 'subtable',
  storage: 'jsonb',
  filterOperators: ['empty', 'notEmpty'],
  sortable: false,
  computed: false,
  props: ['fields', 'minItems', 'maxItems'],
  schema: (field) => ({
    type: 'array',
    maxItems: field.maxItems ?? 500,
    ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
  }),
  constraints: (field) => ({ minItems: field.minItems, maxItems: field.maxItems ?? 500 }),
};
