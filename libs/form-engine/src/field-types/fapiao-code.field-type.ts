import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** Legacy 税控 fapiao code: 10 or 12 digits; 数电票 have none. */
export const fapiaoCodeFieldType: FieldTypeDefinition = {
  type: 'fapiao_code',
  label: { 'zh-CN': '发票代码', en: 'Fapiao code' },
  widget: 'input',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 12, format: 'fapiao-code' }),
  normalize: trimString,
};
