import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { decimalSchema } from './decimal.field-type.js';
import { checkDecimalBounds, decimalBounds } from './helpers.js';

/** A percentage stored as the exact decimal string of the percent value: "12.5" means 12.5 %. */
export const percentFieldType: FieldTypeDefinition = {
  type: 'percent',
  label: { 'zh-CN': '百分比', en: 'Percent' },
  widget: 'percent',
  storage: 'numeric',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'scale'],
  schema: (field) => decimalSchema(field, field.scale ?? 2),
  constraints: (field) => ({ scale: field.scale ?? 2, ...decimalBounds(field) }),
  check: (field) => checkDecimalBounds(field, field.scale ?? 2),
};
