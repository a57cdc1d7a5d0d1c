import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** RFC-lite email (DOMAIN §4.2). */
export const emailFieldType: FieldTypeDefinition = {
  type: 'email',
  label: { 'zh-CN': '邮箱', en: 'Email' },
  widget: 'email',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 254, format: 'email' }),
  normalize: trimString,
};
