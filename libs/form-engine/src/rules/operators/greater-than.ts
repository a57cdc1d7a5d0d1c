import { compareNumeric, defineOperator, NUMERIC_KINDS, toNumeric } from './operator.js';

/** fact > value, exactly on numbers and decimal strings; false when either is not numeric. */
export const greaterThanOperator = defineOperator({
  name: 'greaterThan',
  factKinds: NUMERIC_KINDS,
  value: 'same',
  prepare: toNumeric,
  test: (fact, v) => {
    if (v === null) return false;
    const c = compareNumeric(fact, v);
    return c !== null && c > 0;
  },
});
