import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { daysBetween, isRelativeDate } from '../validators/date.js';

export const dateFieldType: FieldTypeDefinition = {
  type: 'date',
  label: { 'zh-CN': '日期', en: 'Date' },
  widget: 'date',
  storage: 'date',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: ['compare', 'minDate', 'maxDate'],
  schema: (field) => {
    const s: Record<string, unknown> = { type: 'string', maxLength: 10, format: 'date' };
    // Relative bounds ('today', 'today+30') depend on the date of validation; CompiledForm checks
    // them when the caller passes asOf. Absolute bounds live in the schema.
    const min = field.minDate && !isRelativeDate(field.minDate) ? field.minDate : undefined;
    const max = field.maxDate && !isRelativeDate(field.maxDate) ? field.maxDate : undefined;
    if (min || max) s.dateRange = { ...(min ? { minimum: min } : {}), ...(max ? { maximum: max } : {}) };
    return s;
  },
  constraints: (field) => ({ minDate: field.minDate, maxDate: field.maxDate }),
  check: (field) => {
    if (field.minDate && field.maxDate && !isRelativeDate(field.minDate) && !isRelativeDate(field.maxDate) && (daysBetween(field.minDate, field.maxDate) ?? 0) < 0) {
      return [{ path: '/minDate', keyword: 'rangeInverted', params: { min: field.minDate, max: field.maxDate } }];
    }
    return [];
  },
};
