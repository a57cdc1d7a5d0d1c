import { defineOperator, toDate } from './operator.js';

/** The date fact is after the value date ('YYYY-MM-DD' or a fact reference such as { "fact": "asOf" }). */
export const dateAfterOperator = defineOperator({
  name: 'dateAfter',
  factKinds: ['date'],
  value: 'same',
  prepare: toDate,
  test: (fact, b) => {
    const a = toDate(fact);
    return a !== null && b !== null && a > b;
  },
});
