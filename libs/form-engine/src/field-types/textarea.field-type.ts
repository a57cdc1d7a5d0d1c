import type { FieldTypeDefinition } from './field-type.js';
import { TEXT_FILTERS } from './field-type.js';
import { boundedString, checkLengths } from './helpers.js';

export const textareaFieldType: FieldTypeDefinition = {
  type: 'textarea',
  label: { 'zh-CN': '多行文本', en: 'Long text' },
  widget: 'textarea',
  storage: 'text',
  filterOperators: TEXT_FILTERS,
  sortable: false,
  computed: false,
  props: ['minLength', 'maxLength', 'pattern'],
  schema: (field) => boundedString(field, 5000),
  constraints: (field) => ({ maxLength: field.maxLength ?? 5000, minLength: field.minLength }),
  check: checkLengths,
};
