import { defineOperator, isEmptyValue } from './operator.js';

/** value true: the fact has no value (absent, null, "" or []); value false: it has one. */
export const isEmptyOperator = defineOperator({
  name: 'isEmpty',
  factKinds: ['number', 'decimal', 'text', 'date', 'boolean', 'list', 'object'],
  value: 'boolean',
  prepare: (value: unknown) => value === true,
  test: (fact, wantEmpty) => isEmptyValue(fact) === wantEmpty,
});
