import { defineOperator, prepareEquality } from './operator.js';
import { containsValue } from './contains.js';

/** Not `contains`; true for an empty fact. */
export const doesNotContainOperator = defineOperator({
  name: 'doesNotContain',
  factKinds: ['list', 'text'],
  value: 'element',
  prepare: prepareEquality,
  test: (fact, v) => !containsValue(fact, v),
});
