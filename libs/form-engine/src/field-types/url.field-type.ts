import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { trimString } from './helpers.js';

/** An http(s) URL. */
export const urlFieldType: FieldTypeDefinition = {
  type: 'url',
  label: { 'zh-CN': '网址', en: 'URL' },
  widget: 'url',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 2000, format: 'http-url' }),
  normalize: trimString,
};
