import { defineOperator, toDate } from './operator.js';

function prepareDateRange(value: unknown): [string, string] | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const lo = toDate(value[0]);
  const hi = toDate(value[1]);
  return lo && hi ? [lo, hi] : null;
}

/** low ≤ date ≤ high (value ['YYYY-MM-DD', 'YYYY-MM-DD']). */
export const dateBetweenOperator = defineOperator({
  name: 'dateBetween',
  factKinds: ['date'],
  value: 'range',
  prepare: prepareDateRange,
  test: (fact, range) => {
    const d = toDate(fact);
    return d !== null && range !== null && d >= range[0] && d <= range[1];
  },
});
