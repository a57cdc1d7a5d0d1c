import { defineOperator, equalsPrepared, prepareEquality, SCALAR_KINDS } from './operator.js';

/** fact = value; numbers and decimal strings by value ("1000.00" = 1000). */
export const equalOperator = defineOperator({
  name: 'equal',
  factKinds: SCALAR_KINDS,
  value: 'same',
  prepare: prepareEquality,
  test: equalsPrepared,
});
