import { AS_OF_FACT, isParamFact, lookupValue, PARAM_FACTS, rollupValue } from './facts.js';
import type { RuleSet } from './types.js';

/** The per-record state both evaluation paths read facts from. */
export interface EvalState {
  input: Readonly<Record<string, unknown>>;
  asOf: string;
  /** Values produced by rules of earlier levels (classification targets, scores, grades, …). */
  outputs: Record<string, unknown>;
}

export type FactGetter = (state: EvalState) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A getter per fact key: outputs first (a computed field the rule set supplies), then rollups (with
 * their default), lookups (table of another fact's value), asOf, else the record's field.
 */
export function factGetter(ruleSet: RuleSet, key: string): FactGetter {
  if (key === AS_OF_FACT) return (s) => s.asOf;
  if ((ruleSet.outputs ?? []).some((o) => o.key === key)) return (s) => s.outputs[key];
  const rollup = (ruleSet.rollups ?? []).find((r) => r.key === key);
  if (rollup) return (s) => rollupValue(rollup, s.input[key]);
  const lookup = (ruleSet.lookups ?? []).find((l) => l.key === key);
  if (lookup) {
    const input = factGetter(ruleSet, lookup.input);
    return (s) => lookupValue(lookup, input(s));
  }
  return (s) => (hasOwn.call(s.input, key) ? s.input[key] : undefined);
}

/** A parameterised fact (daysUntil, percentOf, …) from the facts its params name. */
export function paramFactGetter(ruleSet: RuleSet, fact: string, params: Readonly<Record<string, unknown>> | undefined): FactGetter {
  const def = PARAM_FACTS[fact]!;
  const names = Object.keys(def.params);
  const getters = names.map((n) => {
    const ref = params?.[n];
    return typeof ref === 'string' && !isParamFact(ref) ? factGetter(ruleSet, ref) : () => undefined;
  });
  return (s) => {
    const args: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) args[names[i]!] = getters[i]!(s);
    return def.compute(args, s.asOf);
  };
}

/** Steps of a restricted JSONPath ($.a.b[0]). */
export function pathSteps(path: string): string[] {
  const steps: string[] = [];
  for (const m of path.slice(1).matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) steps.push(m[1] ?? m[2]!);
  return steps;
}

/**
 * json-rules-engine semantics of `path`: applied only when the fact is an object (else the value
 * is used as is), then JSONPath's walk: each step must be an own property (strings and arrays
 * included, so $.name.length works as it does in jsonpath-plus).
 */
export function resolvePath(value: unknown, steps: readonly string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  let cur: unknown = value;
  for (const step of steps) {
    if (cur === null || cur === undefined || !hasOwn.call(cur, step)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}
