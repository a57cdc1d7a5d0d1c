import type { FieldTypeDefinition } from './field-type.js';
import { NUMBER_FILTERS } from './field-type.js';

/** RFC 3339 date-time with an explicit offset, e.g. 2026-11-25T09:30:00+08:00. */
export const datetimeFieldType: FieldTypeDefinition = {
  type: 'datetime',
  label: { 'zh-CN': '日期时间', en: 'Date and time' },
  widget: 'datetime',
  storage: 'timestamptz',
  filterOperators: NUMBER_FILTERS,
  sortable: true,
  computed: false,
  props: [],
  schema: () => ({ type: 'string', maxLength: 40, format: 'date-time' }),
};
