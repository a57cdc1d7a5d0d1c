import { defineOperator, toDate } from './operator.js';

/** The date fact is before the value date ('YYYY-MM-DD' or a fact reference such as { "fact": "asOf" }). */
export const dateBeforeOperator = defineOperator({
  name: 'dateBefore',
  factKinds: ['date'],
  value: 'same',
  prepare: toDate,
  test: (fact, b) => {
    const a = toDate(fact);
    return a !== null && b !== null && a < b;
  },
});
