import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { decimalSchema } from './decimal.field-type.js';
import { checkDecimalBounds, decimalBounds } from './helpers.js';

/** Money: an exact decimal string with at most 2 places (numeric(20,2) in SQL), never a float. */
export const moneyFieldType: FieldTypeDefinition = {
  type: 'money',
  label: { 'zh-CN': '金额', en: 'Money' },
  widget: 'money',
  storage: 'numeric',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  schema: (field) => decimalSchema(field, 2),
  constraints: (field) => ({ scale: 2, ...decimalBounds(field) }),
  check: (field) => checkDecimalBounds(field, 2),
};
