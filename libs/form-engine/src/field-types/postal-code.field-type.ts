import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** Six digits, first digit 0–8 (DOMAIN §4.2). */
export const postalCodeFieldType: FieldTypeDefinition = {
  type: 'postal_code',
  label: { 'zh-CN': '邮政编码', en: 'Postal code' },
  widget: 'input',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 6, format: 'cn-postal-code' }),
  normalize: trimString,
};
