import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** Landline with area code and optional extension, or a 400/800 hotline (DOMAIN §4.2). */
export const phoneFieldType: FieldTypeDefinition = {
  type: 'phone',
  label: { 'zh-CN': '座机/400电话', en: 'Phone' },
  widget: 'phone',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 30, format: 'cn-phone' }),
  normalize: trimString,
};
