import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { normalizeUscc } from '../validators/uscc.js';

/**
 * 统一社会信用代码 with the GB 32100 checksum. Input may carry spaces, hyphens or lower case;
 * complete() stores the canonical upper-case 18 characters so uniqueness holds.
 */
export const usccFieldType: FieldTypeDefinition = {
  type: 'uscc',
  label: { 'zh-CN': '统一社会信用代码', en: 'USCC' },
  widget: 'uscc',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: ['allowLegacy'],
  schema: (field) => ({ type: 'string', maxLength: 24, format: field.allowLegacy ? 'uscc-or-legacy' : 'uscc' }),
  normalize: (v) => (typeof v === 'string' ? normalizeUscc(v) : v),
};
