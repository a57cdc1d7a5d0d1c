import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { checkNumberBounds, pick } from './helpers.js';

export const integerFieldType: FieldTypeDefinition = {
  type: 'integer',
  label: { 'zh-CN': '整数', en: 'Integer' },
  widget: 'integer',
  storage: 'integer',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  schema: (field) => ({
    type: 'integer',
    // Postgres integer range, so an expression index cast never overflows.
    minimum: -2147483648,
    maximum: 2147483647,
    ...pick(field, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']),
  }),
  constraints: (field) => pick(field, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']),
  check: (field) => checkNumberBounds(field, true),
};
