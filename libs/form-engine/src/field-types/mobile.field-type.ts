import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { stripSpaces } from './helpers.js';

/** Mainland mobile, optional +86 prefix (DOMAIN §4.2). */
export const mobileFieldType: FieldTypeDefinition = {
  type: 'mobile',
  label: { 'zh-CN': '手机号', en: 'Mobile' },
  widget: 'mobile',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 20, format: 'cn-mobile' }),
  normalize: stripSpaces,
};
