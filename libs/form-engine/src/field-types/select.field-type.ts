import type { FieldDefinition } from '../types.js';
import type { FieldDefinitionProblem, FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';

export function optionValues(field: FieldDefinition): string[] {
  return (field.options ?? []).map((o) => o.value);
}

export function checkOptions(field: FieldDefinition): FieldDefinitionProblem[] {
  const seen = new Set<string>();
  const out: FieldDefinitionProblem[] = [];
  (field.options ?? []).forEach((o, i) => {
    if (seen.has(o.value)) out.push({ path: `/options/${i}/value`, keyword: 'duplicateOption', params: { value: o.value } });
    seen.add(o.value);
  });
  return out;
}

/** One value from a fixed option list; archived options stay valid for stored data. */
export const selectFieldType: FieldTypeDefinition = {
  type: 'select',
  label: { 'zh-CN': '下拉选择', en: 'Select' },
  widget: 'select',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: ['options'],
  schema: (field) => ({ type: 'string', enum: optionValues(field) }),
  check: checkOptions,
};
