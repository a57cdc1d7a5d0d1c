import { defineOperator, toDate } from './operator.js';

/** The date fact is on or after the value date ('YYYY-MM-DD' or a fact reference such as { "fact": "asOf" }). */
export const dateOnOrAfterOperator = defineOperator({
  name: 'dateOnOrAfter',
  factKinds: ['date'],
  value: 'same',
  prepare: toDate,
  test: (fact, b) => {
    const a = toDate(fact);
    return a !== null && b !== null && a >= b;
  },
});
