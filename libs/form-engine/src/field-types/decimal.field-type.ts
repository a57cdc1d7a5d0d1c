import type { FieldDefinition } from '../types.js';
import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { checkDecimalBounds, decimalBounds } from './helpers.js';

export const DEFAULT_DECIMAL_SCALE = 2;

/** Shared by decimal, money and percent: an exact decimal string with bounded scale. */
export function decimalSchema(field: FieldDefinition, scale: number): Record<string, unknown> {
  return { type: 'string', maxLength: 40, decimal: { scale, ...decimalBounds(field) } };
}

export const decimalFieldType: FieldTypeDefinition = {
  type: 'decimal',
  label: { 'zh-CN': '小数', en: 'Decimal' },
  widget: 'decimal',
  storage: 'numeric',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'scale'],
  schema: (field) => decimalSchema(field, field.scale ?? DEFAULT_DECIMAL_SCALE),
  constraints: (field) => ({ scale: field.scale ?? DEFAULT_DECIMAL_SCALE, ...decimalBounds(field) }),
  check: (field) => checkDecimalBounds(field, field.scale ?? DEFAULT_DECIMAL_SCALE),
};
