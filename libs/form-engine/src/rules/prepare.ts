import { isParamFact, PARAM_FACTS } from './facts.js';
import type { LeafCondition, Rule, RuleCondition, RuleSet } from './types.js';

/**
 * A rule set broken into condition units (one json-rules-engine rule each: a validation rule, a
 * classification case, a scoring band or knock-out, an alert) and ordered in levels so that a rule
 * reading another rule's output runs after it. Both evaluation paths walk this same structure.
 */
export interface ConditionUnit {
  /** Unique name, also the json-rules-engine rule name. */
  name: string;
  conditions: RuleCondition;
}

export interface PreparedRule {
  rule: Rule;
  /** Index in ruleSet.rules. */
  index: number;
  units: ConditionUnit[];
  /** Facts the rule reads (params facts expanded to the facts they name). */
  reads: Set<string>;
  writes: string[];
}

export interface PreparedRuleSet {
  ruleSet: RuleSet;
  /** Enabled rules by dependency level; document order within a level. */
  levels: PreparedRule[][];
  /** Enabled rules in document order. */
  rules: PreparedRule[];
  /** Facts read by any enabled rule (params facts expanded), in first-use order. */
  reads: string[];
}

export function isLeaf(c: RuleCondition): c is LeafCondition {
  return !('all' in c) && !('any' in c) && !('not' in c);
}

export function forEachLeaf(c: RuleCondition, visit: (leaf: LeafCondition) => void): void {
  if ('all' in c) c.all.forEach((x) => forEachLeaf(x, visit));
  else if ('any' in c) c.any.forEach((x) => forEachLeaf(x, visit));
  else if ('not' in c) forEachLeaf(c.not, visit);
  else visit(c);
}

export function isFactReference(value: unknown): value is { fact: string; path?: string; params?: Record<string, unknown> } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, 'fact');
}

/** The facts a leaf reads: its fact (or the facts its params name), and a fact-reference value. */
export function leafReads(leaf: LeafCondition): string[] {
  const out: string[] = [];
  const add = (fact: string, params: Record<string, unknown> | undefined) => {
    if (isParamFact(fact)) {
      for (const name of Object.keys(PARAM_FACTS[fact]!.params)) {
        const v = params?.[name];
        if (typeof v === 'string') out.push(v);
      }
      out.push('asOf');
    } else out.push(fact);
  };
  add(leaf.fact, leaf.params);
  if (isFactReference(leaf.value)) add(leaf.value.fact, leaf.value.params);
  return out;
}

export function ruleUnits(rule: Rule, index: number): ConditionUnit[] {
  const base = `${index}:${rule.id}`;
  switch (rule.kind) {
    case 'validation':
    case 'alert':
      return [{ name: base, conditions: rule.conditions }];
    case 'classification':
      return rule.cases.map((c, i) => ({ name: `${base}:case:${i}`, conditions: c.conditions }));
    case 'scoring':
      return [
        ...(rule.knockouts ?? []).map((k, i) => ({ name: `${base}:knockout:${i}`, conditions: k.conditions })),
        ...rule.factors.flatMap((f, fi) => f.bands.map((b, bi) => ({ name: `${base}:factor:${fi}:${bi}`, conditions: b.conditions }))),
      ];
  }
}

/** Output keys a rule writes (facts later rules may read). */
export function ruleWrites(rule: Rule): string[] {
  if (rule.kind === 'classification') return [rule.target];
  if (rule.kind === 'scoring') return Object.values(rule.outputs).filter((v): v is string => typeof v === 'string');
  return [];
}

export function ruleReads(rule: Rule, units: ConditionUnit[]): Set<string> {
  const reads = new Set<string>();
  for (const u of units) forEachLeaf(u.conditions, (leaf) => leafReads(leaf).forEach((f) => reads.add(f)));
  if (rule.kind === 'scoring') {
    const p = rule.policyInputs;
    for (const k of [p?.netWorth, p?.annualSales, p?.cap, p?.basisDate]) if (k) reads.add(k);
  }
  if (rule.kind === 'validation' || rule.kind === 'alert') {
    for (const text of typeof rule.message === 'string' ? [rule.message] : [rule.message['zh-CN'], rule.message.en ?? '']) {
      for (const m of text.matchAll(PLACEHOLDER_RE)) reads.add(m[1]!);
    }
  }
  return reads;
}

export const PLACEHOLDER_RE = /\{([A-Za-z][A-Za-z0-9_]{0,62})\}/g;

/**
 * Orders enabled rules in dependency levels. Returns the cycle (rule ids) instead when outputs
 * depend on each other.
 */
export function prepareRuleSet(ruleSet: RuleSet): PreparedRuleSet | { cycle: string[] } {
  const rules: PreparedRule[] = [];
  ruleSet.rules.forEach((rule, index) => {
    if (rule.enabled === false) return;
    const units = ruleUnits(rule, index);
    rules.push({ rule, index, units, reads: ruleReads(rule, units), writes: ruleWrites(rule) });
  });
  const writer = new Map<string, PreparedRule>();
  for (const r of rules) for (const w of r.writes) writer.set(w, r);
  const level = new Map<PreparedRule, number>();
  const visiting: PreparedRule[] = [];
  let cycle: string[] | null = null;
  const visit = (r: PreparedRule): number => {
    const known = level.get(r);
    if (known !== undefined) return known;
    const at = visiting.indexOf(r);
    if (at >= 0) {
      cycle ??= [...visiting.slice(at), r].map((x) => x.rule.id);
      return 0;
    }
    visiting.push(r);
    let l = 0;
    for (const f of r.reads) {
      const w = writer.get(f);
      if (w) l = Math.max(l, visit(w) + 1);
    }
    visiting.pop();
    level.set(r, l);
    return l;
  };
  rules.forEach(visit);
  if (cycle) return { cycle };
  const levels: PreparedRule[][] = [];
  for (const r of rules) (levels[level.get(r)!] ??= []).push(r);
  const reads = [...new Set(rules.flatMap((r) => [...r.reads]))];
  return { ruleSet, levels: levels.filter(Boolean), rules, reads };
}
