import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';
import { daysBetween } from '../validators/date.js';

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
    if (field.minDate || field.maxDate) {
      s.dateRange = { ...(field.minDate ? { minimum: field.minDate } : {}), ...(field.maxDate ? { maximum: field.maxDate } : {}) };
    }
    return s;
  },
  constraints: (field) => ({ minDate: field.minDate, maxDate: field.maxDate }),
  check: (field) => {
    if (field.minDate && field.maxDate && (daysBetween(field.minDate, field.maxDate) ?? 0) < 0) {
      return [{ path: '/minDate', keyword: 'rangeInverted', params: { min: field.minDate, max: field.maxDate } }];
    }
    return [];
  },
};
