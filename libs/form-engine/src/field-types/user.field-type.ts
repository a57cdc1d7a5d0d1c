import type { FieldTypeDefinition } from './field-type.js';

/** A user of the tenant, stored as the user's id (uuid). */
export const userFieldType: FieldTypeDefinition = {
  type: 'user',
  label: { 'zh-CN': '成员', en: 'User' },
  widget: 'user-picker',
  storage: 'uuid',
  filterOperators: ['eq', 'ne', 'in', 'empty', 'notEmpty'],
  sortable: false,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', format: 'uuid' }),
};
