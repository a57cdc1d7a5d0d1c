import type { FieldTypeDefinition } from './field-type.js';

export const booleanFieldType: FieldTypeDefinition = {
  type: 'boolean',
  label: { 'zh-CN': '是/否', en: 'Yes / no' },
  widget: 'switch',
  storage: 'boolean',
  filterOperators: ['eq', 'empty', 'notEmpty'],
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'boolean' }),
};
