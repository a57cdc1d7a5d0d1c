import { compareNumeric, defineOperator, NUMERIC_KINDS, toNumeric } from './operator.js';
import type { NumericValue } from './operator.js';

function prepareRange(value: unknown): [NumericValue, NumericValue] | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const lo = toNumeric(value[0]);
  const hi = toNumeric(value[1]);
  return lo && hi ? [lo, hi] : null;
}

/** low ≤ fact ≤ high (value [low, high]), exactly on numbers and decimal strings. */
export const betweenOperator = defineOperator({
  name: 'between',
  factKinds: NUMERIC_KINDS,
  value: 'range',
  prepare: prepareRange,
  test: (fact, range) => {
    if (range === null) return false;
    const lo = compareNumeric(fact, range[0]);
    if (lo === null || lo < 0) return false;
    const hi = compareNumeric(fact, range[1]);
    return hi !== null && hi <= 0;
  },
});
