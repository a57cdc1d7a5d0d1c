import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** 8 digits (legacy) or 20 digits (数电票). */
export const fapiaoNumberFieldType: FieldTypeDefinition = {
  type: 'fapiao_number',
  label: { 'zh-CN': '发票号码', en: 'Fapiao number' },
  widget: 'input',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 20, format: 'fapiao-number' }),
  normalize: trimString,
};
