import {
  AS_OF_FACT,
  AS_OF_TEXT,
  factCatalog,
  operatorRegistry,
  outputOptionValues,
  PARAM_FACT_TEXT,
  PARAM_FACTS,
  validateRuleSet,
  type FactInfo,
  type FactKind,
  type FieldError,
  type FormDefinition,
  type LeafCondition,
  type Locale,
  type LocalizedText,
  type OperatorValueShape,
  type Rule,
  type RuleCondition,
  type RuleSet,
} from '@credo/form-engine';

/*
 * The rule designer on top of the engine: facts from factCatalog, operators from the
 * operator registry filtered by the fact's kind, validation by validateRuleSet. Nothing renders.
 */

export type { FactInfo, Rule, RuleCondition, RuleSet, LeafCondition };

export interface FactParam {
  name: string;
  label: LocalizedText;
  /** Kinds of fact the parameter may name. */
  kinds: readonly FactKind[];
}

export interface FactChoice extends FactInfo {
  label: LocalizedText;
  /** Parameters of a computed (parameterised) fact, in order. */
  params?: FactParam[];
}

/** Names of the engine's parameterised facts and of their parameters: the engine's own (its problem messages use them too). */
export { PARAM_FACT_TEXT };

/** Facts a condition may read, with labels from the form and the rule-set declarations, then the computed facts. */
export function factChoices(ruleSet: RuleSet, form: FormDefinition): FactChoice[] {
  const labels = new Map<string, LocalizedText>();
  for (const f of form.fields) labels.set(f.key, f.label);
  for (const d of [...(ruleSet.rollups ?? []), ...(ruleSet.lookups ?? []), ...(ruleSet.outputs ?? [])]) if (!labels.has(d.key)) labels.set(d.key, d.label);
  labels.set(AS_OF_FACT, AS_OF_TEXT);
  const plain: FactChoice[] = [...factCatalog(ruleSet, form).values()].filter((f) => f.kind !== 'object').map((f) => ({ ...f, label: labels.get(f.key) ?? f.key }));
  const computed: FactChoice[] = Object.entries(PARAM_FACTS).map(([key, def]) => {
    const text = PARAM_FACT_TEXT[key];
    return {
      key,
      kind: def.kind,
      source: 'param',
      label: text?.label ?? key,
      params: Object.entries(def.params).map(([name, kinds]) => ({ name, kinds, label: text?.params[name] ?? name })),
    };
  });
  return [...plain, ...computed];
}

/** Facts a parameter of kind `kinds` may name: any plain fact of that kind except asOf (the engine's rule). */
export function paramCandidates(facts: readonly FactChoice[], kinds: readonly FactKind[]): FactChoice[] {
  return facts.filter((f) => f.source !== 'param' && f.key !== AS_OF_FACT && kinds.includes(f.kind));
}

/** Params for a computed fact just picked: the current ones where still fitting, else candidates in order (part and whole differ). */
export function defaultParams(fact: FactChoice, facts: readonly FactChoice[], current?: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of fact.params ?? []) {
    const candidates = paramCandidates(facts, p.kinds);
    const keep = current?.[p.name];
    const taken = new Set(Object.values(out));
    const pick = candidates.find((c) => c.key === keep) ?? candidates.find((c) => !taken.has(c.key)) ?? candidates[0];
    if (pick) out[p.name] = pick.key;
  }
  return out;
}

/** "占比(%)：应收金额 ÷ 信用额度", "已过天数：签约日期" — a computed fact with its params' labels. */
export function describeParamFact(leaf: Pick<LeafCondition, 'fact' | 'params'>, facts: readonly FactChoice[], locale: Locale): string {
  const text = (t: LocalizedText | undefined, fallback: string): string => (t === undefined ? fallback : typeof t === 'string' ? t : ((locale === 'en' ? t.en : undefined) ?? t['zh-CN'] ?? fallback));
  const fact = facts.find((f) => f.key === leaf.fact);
  const names = (fact?.params ?? []).map((p) => {
    const ref = leaf.params?.[p.name];
    const named = typeof ref === 'string' ? facts.find((f) => f.key === ref) : undefined;
    return named ? text(named.label, named.key) : typeof ref === 'string' ? ref : '?';
  });
  const sep = locale === 'en' ? ': ' : '：';
  return `${text(fact?.label, leaf.fact)}${sep}${names.join(leaf.fact === 'percentOf' ? ' ÷ ' : ', ')}`;
}

/** Operator names that accept a fact of `kind`. */
export function operatorsFor(kind: FactKind | undefined): string[] {
  return Object.values(operatorRegistry)
    .filter((op) => !kind || op.factKinds.includes(kind))
    .map((op) => op.name);
}

export function valueShape(operator: string): OperatorValueShape | undefined {
  return operatorRegistry[operator]?.value;
}

/** A value that fits the operator's shape for a fact of `kind` (used when either changes). */
export function defaultValueFor(operator: string, fact: FactInfo | undefined): unknown {
  const shape = valueShape(operator);
  const first = fact?.options?.[0];
  const scalar = fact?.kind === 'number' || fact?.kind === 'decimal' ? 0 : fact?.kind === 'boolean' ? true : fact?.kind === 'date' ? '2025-01-01' : (first ?? '');
  switch (shape) {
    case 'boolean':
      return true;
    case 'list':
      return first !== undefined ? [first] : [scalar];
    case 'range':
      return fact?.kind === 'date' ? ['2025-01-01', '2025-12-31'] : [0, 100];
    case 'element':
      return first ?? '';
    default:
      return scalar;
  }
}

/** Typed literal from text: numbers for number / decimal facts (decimal strings kept past 15 digits). */
export function literalFor(kind: FactKind | undefined, text: string): unknown {
  const s = text.trim();
  if ((kind === 'number' || kind === 'decimal') && /^-?\d+(\.\d+)?$/.test(s)) {
    return s.replace(/[-.]/g, '').length <= 15 ? Number(s) : s;
  }
  return text;
}

export function isLeaf(c: RuleCondition): c is LeafCondition {
  return 'fact' in c;
}

/** The leaf with `key` as its fact: operator kept when the new fact's kind allows it, params for a computed fact (none otherwise). */
export function withFact(leaf: LeafCondition, key: string, facts: readonly FactChoice[]): LeafCondition {
  const prev = facts.find((f) => f.key === leaf.fact);
  const next = facts.find((f) => f.key === key);
  const ops = operatorsFor(next?.kind);
  const operator = ops.includes(leaf.operator) ? leaf.operator : (ops[0] ?? 'equal');
  const keepValue = ops.includes(leaf.operator) && next?.kind === prev?.kind;
  const { params: _drop, ...rest } = leaf;
  void _drop;
  const out: LeafCondition = { ...rest, fact: key, operator, value: keepValue ? leaf.value : defaultValueFor(operator, next) };
  if (next?.params) out.params = defaultParams(next, facts, leaf.params);
  return out;
}

export function newLeaf(facts: readonly FactChoice[]): LeafCondition {
  const fact = facts.find((f) => f.source === 'field') ?? facts[0];
  const operator = operatorsFor(fact?.kind)[0] ?? 'equal';
  return { fact: fact?.key ?? 'asOf', operator, value: defaultValueFor(operator, fact) };
}

/** A new rule of `kind` with a unique id and one condition, valid against the form when possible. */
export function newRule(kind: 'validation' | 'classification' | 'alert', ruleSet: RuleSet, form: FormDefinition): Rule {
  const facts = factChoices(ruleSet, form);
  const taken = new Set(ruleSet.rules.map((r) => r.id));
  let n = 1;
  while (taken.has(`${kind}_${n}`)) n++;
  const id = `${kind}_${n}`;
  const conditions: RuleCondition = { all: [newLeaf(facts)] };
  if (kind === 'validation') {
    const field = form.fields.find((f) => f.type !== 'formula' && f.type !== 'autonumber')?.key ?? form.fields[0]?.key ?? '';
    return { id, kind, title: { 'zh-CN': '新校验规则', en: 'New validation' }, conditions, field, message: { 'zh-CN': '请检查此字段', en: 'Check this field' } };
  }
  if (kind === 'classification') {
    const target = ruleSet.outputs?.[0]?.key ?? '';
    return { id, kind, title: { 'zh-CN': '新分类规则', en: 'New classification' }, target, strategy: 'firstMatch', cases: [{ id: 'case_1', value: (ruleSet.outputs?.[0] ? outputOptionValues(ruleSet.outputs[0])[0] : undefined) ?? 'A', conditions }] };
  }
  return { id, kind, title: { 'zh-CN': '新预警', en: 'New alert' }, code: `ALERT_${n}`, severity: 'medium', conditions, message: { 'zh-CN': '请关注', en: 'Attention' }, actions: [] };
}

/** An empty rule set for a form that has none yet. */
export function emptyRuleSet(form: FormDefinition): RuleSet {
  return { key: `${form.key}-rules`, form: form.key, version: 1, title: form.title, rules: [] };
}

export interface RuleSetCheck {
  valid: boolean;
  errors: FieldError[];
  /** Messages by JSON Pointer path ("/rules/0/conditions/all/1/value"). */
  byPath: Record<string, string>;
}

export function checkRuleSetDraft(ruleSet: RuleSet, form: FormDefinition, locale: Locale): RuleSetCheck {
  const { valid, errors } = validateRuleSet(ruleSet, form, locale);
  const byPath: Record<string, string> = {};
  for (const e of errors) if (!(e.path in byPath)) byPath[e.path] = e.message;
  return { valid, errors, byPath };
}

/** Messages at `path` or below it. */
export function messagesUnder(byPath: Record<string, string>, path: string): string[] {
  return Object.entries(byPath)
    .filter(([p]) => p === path || p.startsWith(`${path}/`))
    .map(([, m]) => m);
}

/** Leaf messages: at the leaf or one of its properties (fact, operator, value…). */
export function leafMessages(byPath: Record<string, string>, path: string): string[] {
  return messagesUnder(byPath, path);
}

/** "distribution" keys "target=value" grouped per target for display. */
export function groupDistribution(distribution: Record<string, number>): Array<{ target: string; values: Array<{ value: string; count: number }> }> {
  const byTarget = new Map<string, Array<{ value: string; count: number }>>();
  for (const [k, count] of Object.entries(distribution)) {
    const at = k.indexOf('=');
    const target = at < 0 ? k : k.slice(0, at);
    const value = at < 0 ? '' : k.slice(at + 1);
    if (!byTarget.has(target)) byTarget.set(target, []);
    byTarget.get(target)!.push({ value, count });
  }
  return [...byTarget].map(([target, values]) => ({ target, values: values.sort((a, b) => b.count - a.count) }));
}
