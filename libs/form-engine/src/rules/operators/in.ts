import { defineOperator, equalsPrepared, prepareEquality, SCALAR_KINDS } from './operator.js';
import type { EqualityValue } from './operator.js';

export function prepareList(value: unknown): EqualityValue[] | null {
  return Array.isArray(value) ? value.map(prepareEquality) : null;
}

export function inList(fact: unknown, list: EqualityValue[] | null): boolean {
  if (list === null) return false;
  for (const v of list) if (equalsPrepared(fact, v)) return true;
  return false;
}

/** fact is one of the listed values. */
export const inOperator = defineOperator({
  name: 'in',
  factKinds: SCALAR_KINDS,
  value: 'list',
  prepare: prepareList,
  test: inList,
});
