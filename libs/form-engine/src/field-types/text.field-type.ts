import type { FieldTypeDefinition } from './field-type.js';
import { TEXT_FILTERS } from './field-type.js';
import { boundedString, checkLengths, trimString } from './helpers.js';

export const textFieldType: FieldTypeDefinition = {
  type: 'text',
  label: { 'zh-CN': '单行文本', en: 'Text' },
  widget: 'input',
  storage: 'text',
  filterOperators: TEXT_FILTERS,
  sortable: true,
  computed: false,
  props: ['minLength', 'maxLength', 'pattern'],
  schema: (field) => boundedString(field, 200),
  constraints: (field) => ({ maxLength: field.maxLength ?? 200, minLength: field.minLength, pattern: field.pattern }),
  normalize: trimString,
  check: checkLengths,
};
