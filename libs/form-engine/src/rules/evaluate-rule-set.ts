import { Engine } from 'json-rules-engine';
import type { Almanac } from 'json-rules-engine';
import type { FormDefinition } from '../types.js';
import { assembleRule, finishResult, newAccumulator } from './assemble.js';
import type { UnitResult } from './assemble.js';
import { checkEvaluateOptions, prepareOrThrow } from './compile-rule-set.js';
import { factGetter } from './fact-reader.js';
import type { EvalState } from './fact-reader.js';
import { isParamFact, lookupValue, PARAM_FACTS } from './facts.js';
import { operatorRegistry } from './operators/registry.js';
import type { PreparedRule, PreparedRuleSet } from './prepare.js';
import type { EvaluateRuleSetOptions, ExplainedCondition, RuleSet, RuleSetResult } from './types.js';

/** Thrown when json-rules-engine fails on a record (the message names the rule set and version). */
export class RuleEvaluationError extends Error {
  constructor(
    readonly ruleSet: { key: string; version: number },
    override readonly cause: unknown,
  ) {
    super(`Rule set ${ruleSet.key} v${ruleSet.version} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RuleEvaluationError';
  }
}

interface ReferenceLevel {
  engine: Engine;
  rules: Array<{ pr: PreparedRule; position: number }>;
  /** json-rules-engine rule name -> [rule slot, unit index]. */
  units: Map<string, [number, number]>;
}

interface ReferenceRuleSet {
  prepared: PreparedRuleSet;
  levels: ReferenceLevel[];
  /** Facts handed to json-rules-engine as runtime facts (lookups and params facts are engine facts). */
  runtimeFacts: Array<[string, (s: EvalState) => unknown]>;
}

/** One json-rules-engine Engine per rule set (and level), never per record (PERFORMANCE §7). */
const cache = new WeakMap<RuleSet, ReferenceRuleSet>();

function buildReference(ruleSet: RuleSet, form?: FormDefinition): ReferenceRuleSet {
  const prepared = prepareOrThrow(ruleSet, form);
  const position = new Map(prepared.rules.map((r, i) => [r, i]));
  const lookups = ruleSet.lookups ?? [];
  const lookupKeys = new Set(lookups.map((l) => l.key));
  const runtime = new Set<string>();
  for (const key of prepared.reads) if (!lookupKeys.has(key) && !isParamFact(key)) runtime.add(key);
  for (const l of lookups) runtime.add(l.input);
  runtime.add('asOf');
  const levels = prepared.levels.map((level) => {
    const engine = new Engine([], { allowUndefinedFacts: true });
    for (const op of Object.values(operatorRegistry)) {
      engine.addOperator(op.name, (factValue: unknown, jsonValue: unknown) => op.test(factValue, op.prepare(jsonValue)));
    }
    for (const l of lookups) {
      engine.addFact(l.key, (_params: Record<string, unknown>, almanac: Almanac) => almanac.factValue(l.input).then((v) => lookupValue(l, v)));
    }
    for (const [name, def] of Object.entries(PARAM_FACTS)) {
      engine.addFact(name, async (params: Record<string, unknown>, almanac: Almanac) => {
        const args: Record<string, unknown> = {};
        for (const p of Object.keys(def.params)) {
          const ref = params?.[p];
          args[p] = typeof ref === 'string' && !isParamFact(ref) ? await almanac.factValue(ref) : undefined;
        }
        return def.compute(args, await almanac.factValue('asOf'));
      });
    }
    const units = new Map<string, [number, number]>();
    const rules = level.map((pr, slot) => {
      pr.units.forEach((u, ui) => {
        units.set(u.name, [slot, ui]);
        engine.addRule({ name: u.name, conditions: JSON.parse(JSON.stringify(u.conditions)) as never, event: { type: u.name } });
      });
      return { pr, position: position.get(pr)! };
    });
    return { engine, rules, units };
  });
  return { prepared, levels, runtimeFacts: [...runtime].map((k) => [k, factGetter(ruleSet, k)]) };
}

/** A json-rules-engine condition (as evaluated in a RuleResult) in our explanation shape. */
function explainJre(c: Record<string, unknown>, rootResult?: boolean): ExplainedCondition {
  const result = rootResult ?? c.result === true;
  if (Array.isArray(c.all)) return { all: c.all.map((x) => explainJre(x as Record<string, unknown>)), result };
  if (Array.isArray(c.any)) return { any: c.any.map((x) => explainJre(x as Record<string, unknown>)), result };
  if (c.not && typeof c.not === 'object') return { not: explainJre(c.not as Record<string, unknown>), result };
  const value = c.value;
  const isRef = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, 'fact');
  return {
    fact: c.fact as string,
    operator: c.operator as string,
    value,
    ...(c.path !== undefined ? { path: c.path as string } : {}),
    ...(c.params !== undefined ? { params: c.params as Record<string, unknown> } : {}),
    factResult: c.factResult,
    ...(isRef ? { valueResult: c.valueResult } : {}),
    result,
  };
}

/**
 * The reference path: evaluates a rule set on one record with json-rules-engine (the engine of
 * record) and returns the outcomes as data with an explanation (rule-set version, inputs, every
 * condition with the value it saw, the outcome). `facts` holds the record's fields and the rollup
 * values. Throws RuleSetError for an invalid rule set, RuleEvaluationError if the engine fails.
 */
export async function evaluateRuleSet(
  ruleSet: RuleSet,
  facts: Readonly<Record<string, unknown>>,
  options: EvaluateRuleSetOptions,
  form?: FormDefinition,
): Promise<RuleSetResult> {
  const locale = checkEvaluateOptions(facts, options);
  let ref = cache.get(ruleSet);
  if (!ref) cache.set(ruleSet, (ref = buildReference(ruleSet, form)));
  const explain = options.explain !== false;
  const acc = newAccumulator(ref.prepared, facts, options.asOf, locale);
  try {
    for (const level of ref.levels) {
      const runtime: Record<string, unknown> = {};
      for (const [key, get] of ref.runtimeFacts) runtime[key] = get(acc.state);
      const { results, failureResults } = await level.engine.run(runtime);
      const unitResults: UnitResult[][] = level.rules.map(({ pr }) => new Array(pr.units.length));
      for (const r of [...results, ...failureResults]) {
        const [slot, ui] = level.units.get(r.name as string)!;
        const held = r.result === true;
        unitResults[slot]![ui] = explain ? { held, conditions: explainJre(r.conditions as unknown as Record<string, unknown>, held) } : { held };
      }
      level.rules.forEach(({ pr, position }, slot) => assembleRule(pr, unitResults[slot]!, acc, ref.prepared, position));
    }
  } catch (e) {
    throw new RuleEvaluationError(ruleSet, e);
  }
  return finishResult(ref.prepared, acc, explain);
}
