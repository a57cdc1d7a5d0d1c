import { defineOperator, equalsPrepared, prepareEquality, SCALAR_KINDS } from './operator.js';

/** Not `equal` (an empty fact is not equal to any value). */
export const notEqualOperator = defineOperator({
  name: 'notEqual',
  factKinds: SCALAR_KINDS,
  value: 'same',
  prepare: prepareEquality,
  test: (fact, v) => !equalsPrepared(fact, v),
});
