import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** 开户行联行号: 12 digits; the check-digit algorithm is unpublished, so format only. */
export const cnapsFieldType: FieldTypeDefinition = {
  type: 'cnaps',
  label: { 'zh-CN': '联行号', en: 'CNAPS code' },
  widget: 'input',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 12, format: 'cnaps' }),
  normalize: trimString,
};
