import { defineOperator, equalsPrepared, prepareEquality } from './operator.js';
import type { EqualityValue } from './operator.js';

export function containsValue(fact: unknown, v: EqualityValue): boolean {
  if (typeof fact === 'string') return typeof v.raw === 'string' && fact.includes(v.raw);
  if (Array.isArray(fact)) {
    for (const item of fact) if (equalsPrepared(item, v)) return true;
  }
  return false;
}

/** A list fact (multiselect) has the value as an element, or a text fact contains it as a substring. */
export const containsOperator = defineOperator({
  name: 'contains',
  factKinds: ['list', 'text'],
  value: 'element',
  prepare: prepareEquality,
  test: containsValue,
});
