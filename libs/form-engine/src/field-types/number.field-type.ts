import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { checkNumberBounds, pick } from './helpers.js';

/** A JSON number, for measures where binary floating point is acceptable (never money). */
export const numberFieldType: FieldTypeDefinition = {
  type: 'number',
  label: { 'zh-CN': '数字', en: 'Number' },
  widget: 'number',
  storage: 'double',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  schema: (field) => ({
    type: 'number',
    minimum: -1e15,
    maximum: 1e15,
    ...pick(field, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']),
  }),
  constraints: (field) => pick(field, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']),
  check: (field) => checkNumberBounds(field, false),
};
