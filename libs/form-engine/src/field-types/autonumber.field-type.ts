import type { FieldTypeDefinition } from './field-type.js';
import { TEXT_FILTERS } from './field-type.js';
import { autoNumberPatternProblem } from '../auto-number/auto-number.js';

/** A number like C202600007, assigned by the server from a per-period counter. */
export const autonumberFieldType: FieldTypeDefinition = {
  type: 'autonumber',
  label: { 'zh-CN': '自动编号', en: 'Auto number' },
  widget: 'readonly-text',
  storage: 'text',
  filterOperators: TEXT_FILTERS,
  sortable: true,
  computed: true,
  props: ['autoNumber'],
  schema: () => ({ type: 'string', maxLength: 64, readOnly: true }),
  check: (field) => {
    const problem = autoNumberPatternProblem(field.autoNumber?.pattern ?? '');
    return problem ? [{ path: '/autoNumber/pattern', keyword: 'autoNumberPattern', params: { reason: problem } }] : [];
  },
};
