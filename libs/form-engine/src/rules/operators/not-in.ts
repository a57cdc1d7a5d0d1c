import { defineOperator, SCALAR_KINDS } from './operator.js';
import { inList, prepareList } from './in.js';

/** fact is none of the listed values (an empty fact is in no list). */
export const notInOperator = defineOperator({
  name: 'notIn',
  factKinds: SCALAR_KINDS,
  value: 'list',
  prepare: prepareList,
  test: (fact, list) => list !== null && !inList(fact, list),
});
