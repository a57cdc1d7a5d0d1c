import type { OperatorDefinition } from './operator.js';
import { equalOperator } from './equal.js';
import { notEqualOperator } from './not-equal.js';
import { inOperator } from './in.js';
import { notInOperator } from './not-in.js';
import { containsOperator } from './contains.js';
import { doesNotContainOperator } from './does-not-contain.js';
import { lessThanOperator } from './less-than.js';
import { lessThanInclusiveOperator } from './less-than-inclusive.js';
import { greaterThanOperator } from './greater-than.js';
import { greaterThanInclusiveOperator } from './greater-than-inclusive.js';
import { betweenOperator } from './between.js';
import { isEmptyOperator } from './is-empty.js';
import { dateBeforeOperator } from './date-before.js';
import { dateOnOrBeforeOperator } from './date-on-or-before.js';
import { dateAfterOperator } from './date-after.js';
import { dateOnOrAfterOperator } from './date-on-or-after.js';
import { dateBetweenOperator } from './date-between.js';

/**
 * The one place operators are registered: rule sets may use only these names. The same definitions
 * are registered on json-rules-engine (replacing its built-ins of the same name) and used by the
 * compiled closures, so both paths share one meaning per operator.
 */
export const operatorRegistry: Readonly<Record<string, OperatorDefinition<unknown>>> = Object.freeze(
  Object.fromEntries(
    (
      [
        equalOperator,
        notEqualOperator,
        inOperator,
        notInOperator,
        containsOperator,
        doesNotContainOperator,
        lessThanOperator,
        lessThanInclusiveOperator,
        greaterThanOperator,
        greaterThanInclusiveOperator,
        betweenOperator,
        isEmptyOperator,
        dateBeforeOperator,
        dateOnOrBeforeOperator,
        dateAfterOperator,
        dateOnOrAfterOperator,
        dateBetweenOperator,
      ] as OperatorDefinition<unknown>[]
    ).map((op) => [op.name, op]),
  ),
);

export function getOperator(name: string): OperatorDefinition<unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(operatorRegistry, name) ? operatorRegistry[name] : undefined;
}
