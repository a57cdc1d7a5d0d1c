import type { FormDefinition, Locale } from '../types.js';
import { assembleRule, finishResult, newAccumulator } from './assemble.js';
import type { UnitResult } from './assemble.js';
import { factGetter, paramFactGetter, pathSteps, resolvePath } from './fact-reader.js';
import type { EvalState, FactGetter } from './fact-reader.js';
import { isParamFact } from './facts.js';
import { getOperator } from './operators/registry.js';
import { isFactReference, prepareRuleSet } from './prepare.js';
import type { PreparedRuleSet } from './prepare.js';
import type { EvaluateRuleSetOptions, ExplainedCondition, LeafCondition, RuleCondition, RuleSet, RuleSetResult } from './types.js';
import { checkRuleSet, RuleSetError, ruleSetNames } from './validate-rule-set.js';

type Test = (s: EvalState) => boolean;
type Explain = (s: EvalState) => ExplainedCondition;

export interface CompiledUnit {
  test: Test;
  explain: Explain;
}

/** A rule set compiled to synchronous closures: same outcomes as the json-rules-engine path. */
export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  /** Evaluates one record (its fields plus rollup values). Never throws for any input object. */
  evaluate(facts: Readonly<Record<string, unknown>>, options: EvaluateRuleSetOptions): RuleSetResult;
}

function operandGetter(ruleSet: RuleSet, ref: { fact: string; path?: string; params?: Record<string, unknown> }): FactGetter {
  const base = isParamFact(ref.fact) ? paramFactGetter(ruleSet, ref.fact, ref.params) : factGetter(ruleSet, ref.fact);
  if (ref.path === undefined) return base;
  const steps = pathSteps(ref.path);
  return (s) => resolvePath(base(s), steps);
}

function compileLeaf(ruleSet: RuleSet, leaf: LeafCondition): CompiledUnit {
  const op = getOperator(leaf.operator);
  // unknown operators are refused by validation; json-rules-engine would reject the run
  if (!op) throw new RuleSetError([{ path: '', code: 'unknownOperator', params: { operator: leaf.operator } }]);
  const fact = operandGetter(ruleSet, leaf);
  const { value } = leaf;
  const shape = leafShape(leaf);
  if (isFactReference(value)) {
    const other = operandGetter(ruleSet, value);
    return {
      test: (s) => op.test(fact(s), op.prepare(other(s))),
      explain: (s) => {
        const factResult = fact(s);
        const valueResult = other(s);
        return shape(factResult, valueResult, op.test(factResult, op.prepare(valueResult)));
      },
    };
  }
  const prepared = op.prepare(value);
  return {
    test: (s) => op.test(fact(s), prepared),
    explain: (s) => {
      const factResult = fact(s);
      return shape(factResult, undefined, op.test(factResult, prepared));
    },
  };
}

type LeafShape = (factResult: unknown, valueResult: unknown, result: boolean) => ExplainedCondition;

/** Builds explained leaves as fixed-shape literals (object spread per record costs more than the test itself). */
function leafShape(leaf: LeafCondition): LeafShape {
  const { fact, operator, value, path, params } = leaf;
  const ref = isFactReference(value);
  if (path === undefined && params === undefined) {
    return ref
      ? (factResult, valueResult, result) => ({ fact, operator, value, factResult, valueResult, result })
      : (factResult, _v, result) => ({ fact, operator, value, factResult, result });
  }
  const extra = { ...(path !== undefined ? { path } : {}), ...(params !== undefined ? { params } : {}) };
  return ref
    ? (factResult, valueResult, result) => ({ fact, operator, value, ...extra, factResult, valueResult, result })
    : (factResult, _v, result) => ({ fact, operator, value, ...extra, factResult, result });
}

/**
 * all / any short-circuit in `test`; `explain` evaluates every child like json-rules-engine does
 * (without condition priorities it evaluates a whole all/any list), so explanations match.
 */
export function compileCondition(ruleSet: RuleSet, c: RuleCondition): CompiledUnit {
  if ('all' in c || 'any' in c) {
    const isAll = 'all' in c;
    const children = (isAll ? (c as { all: RuleCondition[] }).all : (c as { any: RuleCondition[] }).any).map((x) => compileCondition(ruleSet, x));
    const tests = children.map((x) => x.test);
    const n = tests.length;
    const test: Test =
      n === 1
        ? tests[0]!
        : isAll
          ? (s) => {
              for (let i = 0; i < n; i++) if (!tests[i]!(s)) return false;
              return true;
            }
          : (s) => {
              for (let i = 0; i < n; i++) if (tests[i]!(s)) return true;
              return false;
            };
    const explain: Explain = (s) => {
      const parts = children.map((x) => x.explain(s));
      const result = isAll ? parts.every((p) => p.result) : parts.some((p) => p.result);
      return isAll ? { all: parts, result } : { any: parts, result };
    };
    return { test, explain };
  }
  if ('not' in c) {
    const inner = compileCondition(ruleSet, c.not);
    return {
      test: (s) => !inner.test(s),
      explain: (s) => {
        const part = inner.explain(s);
        return { not: part, result: !part.result };
      },
    };
  }
  return compileLeaf(ruleSet, c);
}

/** Prepared rule set or the problems that make it unusable (no form: structure only). */
export function prepareOrThrow(ruleSet: RuleSet, form?: FormDefinition): PreparedRuleSet {
  const problems = checkRuleSet(ruleSet, form);
  if (problems.length) throw new RuleSetError(problems, ruleSetNames(ruleSet, form));
  const prepared = prepareRuleSet(ruleSet);
  if ('cycle' in prepared) throw new RuleSetError([{ path: '/rules', code: 'ruleCycle', params: { cycle: prepared.cycle, cycleText: prepared.cycle.join(' → ') } }]);
  return prepared;
}

export function checkEvaluateOptions(facts: unknown, options: EvaluateRuleSetOptions): Locale {
  if (facts === null || typeof facts !== 'object' || Array.isArray(facts)) throw new TypeError('Rule facts must be an object of field and rollup values');
  if (typeof options?.asOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) throw new TypeError("Rule evaluation needs asOf 'YYYY-MM-DD'");
  return options.locale ?? 'zh-CN';
}

/**
 * Compiles a rule set to synchronous closures (no eval, no Function: conditions become nested
 * closures over the shared operator definitions). Throws RuleSetError when the document is
 * invalid; pass the form to also check facts and operator types (validateRuleSet does at publish).
 */
export function compileRuleSet(ruleSet: RuleSet, form?: FormDefinition): CompiledRuleSet {
  const prepared = prepareOrThrow(ruleSet, form);
  const position = new Map(prepared.rules.map((r, i) => [r, i]));
  const levels = prepared.levels.map((level) =>
    level.map((pr) => ({ pr, position: position.get(pr)!, units: pr.units.map((u) => compileCondition(ruleSet, u.conditions)) })),
  );
  return {
    ruleSet,
    evaluate(facts, options) {
      const locale = checkEvaluateOptions(facts, options);
      const explain = options.explain !== false;
      const acc = newAccumulator(prepared, facts, options.asOf, locale);
      const s = acc.state;
      for (const level of levels) {
        for (const { pr, position: at, units } of level) {
          const results: UnitResult[] = new Array(units.length);
          for (let i = 0; i < units.length; i++) {
            if (explain) {
              const conditions = units[i]!.explain(s);
              results[i] = { held: conditions.result, conditions };
            } else results[i] = { held: units[i]!.test(s) };
          }
          assembleRule(pr, results, acc, prepared, at);
        }
      }
      return finishResult(prepared, acc, explain);
    },
  };
}
