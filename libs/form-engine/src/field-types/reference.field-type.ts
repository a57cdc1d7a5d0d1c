import type { FieldTypeDefinition } from './field-type.js';

/** A record of another form, stored as its id; the API resolves the display label. */
export const referenceFieldType: FieldTypeDefinition = {
  type: 'reference',
  label: { 'zh-CN': '关联记录', en: 'Reference' },
  widget: 'record-picker',
  storage: 'uuid',
  filterOperators: ['eq', 'ne', 'in', 'empty', 'notEmpty'],
  sortable: false,
  computed: false,
  props: ['reference'],
  schema: (field) => ({ type: 'string', format: 'uuid', 'x-reference': { form: field.reference?.form } }),
};
