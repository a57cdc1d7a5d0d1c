import { localize } from '../i18n/localize.js';
import type { FieldError, Locale, LocalizedText } from '../types.js';
import { addMonths } from '../validators/date.js';
import { Decimal } from '../validators/decimal.js';
import { factGetter } from './fact-reader.js';
import type { EvalState, FactGetter } from './fact-reader.js';
import { toDate, toNumeric } from './operators/operator.js';
import { PLACEHOLDER_RE } from './prepare.js';
import type { PreparedRule, PreparedRuleSet } from './prepare.js';
import type {
  ClassificationRule,
  ExplainedCondition,
  RaisedAlert,
  RuleOutcome,
  RuleSetResult,
  ScoringOutcome,
  ScoringPolicyOutcome,
  ScoringRule,
} from './types.js';

/** What evaluating one condition unit gave: whether it held and, when explaining, the evaluated tree. */
export interface UnitResult {
  held: boolean;
  conditions?: ExplainedCondition;
}

/** The accumulating result of one record (shared by the reference and the compiled path). */
export interface Accumulator {
  state: EvalState;
  locale: Locale;
  errors: FieldError[];
  values: Record<string, unknown>;
  alerts: RaisedAlert[];
  outcomes: Array<RuleOutcome | undefined>;
}

const getterCache = new WeakMap<PreparedRuleSet, Map<string, FactGetter>>();

/** Memoised fact getter of a prepared rule set (messages and policies read facts by key). */
export function readFact(prepared: PreparedRuleSet, key: string, state: EvalState): unknown {
  let cache = getterCache.get(prepared);
  if (!cache) getterCache.set(prepared, (cache = new Map()));
  let g = cache.get(key);
  if (!g) cache.set(key, (g = factGetter(prepared.ruleSet, key)));
  return g(state);
}

function withConditions<T extends object>(base: T, conditions: ExplainedCondition | undefined): T & { conditions?: ExplainedCondition } {
  if (conditions !== undefined) (base as T & { conditions?: ExplainedCondition }).conditions = conditions;
  return base;
}

/** A message split once into literal parts and fact keys (odd indexes). */
const templates = new WeakMap<object, Map<Locale, string[]>>();

function interpolate(text: LocalizedText, locale: Locale, state: EvalState, prepared: PreparedRuleSet, owner: object): string {
  let byLocale = templates.get(owner);
  if (!byLocale) templates.set(owner, (byLocale = new Map()));
  let parts = byLocale.get(locale);
  if (!parts) byLocale.set(locale, (parts = localize(text, locale).split(PLACEHOLDER_RE)));
  if (parts.length === 1) return parts[0]!;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = readFact(prepared, parts[i]!, state);
    out += (v === undefined || v === null ? '' : String(v)) + parts[i + 1]!;
  }
  return out;
}

function pickCase(rule: ClassificationRule, results: readonly UnitResult[]): number {
  let best = -1;
  for (let i = 0; i < rule.cases.length; i++) {
    if (!results[i]!.held) continue;
    if (rule.strategy === 'firstMatch') return i;
    if (best < 0 || (rule.cases[i]!.priority ?? 1) > (rule.cases[best]!.priority ?? 1)) best = i;
  }
  return best;
}

function decimalOf(v: unknown): Decimal | null {
  const n = toNumeric(v);
  return n ? new Decimal(n.str) : null;
}

/**
 * DOMAIN §6.4 policy: the lower of pct × net worth and multiple × average monthly sales (net worth
 * ≤ 0 or missing: monthly sales only), capped at capPct % of the company's annual revenue; rounded
 * down to the cent.
 */
function policyFor(rule: ScoringRule, grade: string, state: EvalState, prepared: PreparedRuleSet, locale: Locale): ScoringPolicyOutcome | null {
  const band = rule.grades.find((g) => g.grade === grade);
  const policy = band?.policy;
  if (!policy) return null;
  const inputs = rule.policyInputs ?? {};
  const read = (key: string | undefined) => (key === undefined ? undefined : readFact(prepared, key, state));
  const netWorth = decimalOf(read(inputs.netWorth));
  const sales = decimalOf(read(inputs.annualSales));
  const candidates: Decimal[] = [];
  if (policy.netWorthPct !== undefined && netWorth && netWorth.gt(0)) candidates.push(netWorth.times(policy.netWorthPct).div(100));
  if (policy.monthlySalesMultiple !== undefined && sales && sales.gt(0)) candidates.push(sales.div(12).times(policy.monthlySalesMultiple));
  let limit = candidates.length ? Decimal.min(...candidates) : new Decimal(0);
  const cap = decimalOf(read(inputs.cap));
  if (cap && cap.gte(0)) limit = Decimal.min(limit, cap.times(inputs.capPct ?? '100').div(100));
  const basis = toDate(read(inputs.basisDate));
  return {
    grade,
    limit: limit.toFixed(2, Decimal.ROUND_DOWN),
    termDays: policy.maxTermDays,
    terms: localize(policy.terms, locale),
    reviewMonths: policy.reviewMonths,
    validUntil: basis ? addMonths(basis, policy.reviewMonths) : null,
  };
}

function assembleScoring(rule: ScoringRule, results: readonly UnitResult[], acc: Accumulator, prepared: PreparedRuleSet): ScoringOutcome {
  const knockouts = rule.knockouts ?? [];
  const held = knockouts.filter((_, i) => results[i]!.held);
  const zeroed = new Set(held.flatMap((k) => k.zeroFactors ?? []));
  let u = knockouts.length;
  let rawScore = 0;
  const factors: ScoringOutcome['factors'] = rule.factors.map((f) => {
    const bandResults = results.slice(u, u + f.bands.length);
    u += f.bands.length;
    const bi = bandResults.findIndex((r) => r.held);
    const isZeroed = zeroed.has(f.key);
    const points = isZeroed ? 0 : bi >= 0 ? f.bands[bi]!.points : (f.otherwise ?? 0);
    rawScore += points;
    const base = { key: f.key, weight: f.weight, points, band: bi >= 0 ? bi : null, zeroed: isZeroed };
    return bandResults[0]!.conditions === undefined
      ? base
      : { ...base, bands: bandResults.map((r, i) => ({ points: f.bands[i]!.points, held: r.held, conditions: r.conditions! })) };
  });
  const forcedScores = held.map((k) => k.score).filter((s): s is number => s !== undefined);
  const score = forcedScores.length ? Math.min(...forcedScores) : rawScore;
  const gradeIndex = (g: string) => rule.grades.findIndex((x) => x.grade === g);
  let gi = rule.grades.findIndex((g) => score >= g.minScore);
  if (gi < 0) gi = rule.grades.length - 1;
  const scoreGrade = rule.grades[gi]!.grade;
  let finalIndex = gi;
  const forced = held.map((k) => k.grade).filter((g): g is string => g !== undefined);
  if (forced.length) finalIndex = Math.max(...forced.map(gradeIndex));
  for (const k of held) if (k.maxGrade !== undefined) finalIndex = Math.max(finalIndex, gradeIndex(k.maxGrade));
  const grade = rule.grades[finalIndex]!.grade;
  const policy = policyFor(rule, grade, acc.state, prepared, acc.locale);
  const o = rule.outputs;
  const set = (key: string | undefined, value: unknown) => {
    if (key === undefined) return;
    acc.state.outputs[key] = value;
    acc.values[key] = value;
  };
  set(o.score, score);
  set(o.grade, grade);
  if (policy) {
    set(o.limit, policy.limit);
    set(o.termDays, policy.termDays);
    set(o.terms, policy.terms);
    set(o.reviewMonths, policy.reviewMonths);
    if (policy.validUntil !== null) set(o.validUntil, policy.validUntil);
  }
  return {
    rule: rule.id,
    kind: 'scoring',
    score,
    rawScore,
    grade,
    scoreGrade,
    factors,
    knockouts: knockouts.map((k, i) => withConditions({ id: k.id, held: results[i]!.held }, results[i]!.conditions)),
    policy,
  };
}

/** Turns one rule's unit results into its outcome and applies its effects (errors, outputs, alerts). */
export function assembleRule(pr: PreparedRule, results: readonly UnitResult[], acc: Accumulator, prepared: PreparedRuleSet, position: number): void {
  const rule = pr.rule;
  let outcome: RuleOutcome;
  switch (rule.kind) {
    case 'validation': {
      const r = results[0]!;
      const path = `/${rule.field}`;
      if (r.held) {
        acc.errors.push({ path, keyword: 'rule', params: { rule: rule.id }, message: interpolate(rule.message, acc.locale, acc.state, prepared, rule) });
      }
      outcome = withConditions({ rule: rule.id, kind: 'validation' as const, held: r.held, path }, r.conditions);
      break;
    }
    case 'alert': {
      const r = results[0]!;
      if (r.held) {
        const message = interpolate(rule.message, acc.locale, acc.state, prepared, rule);
        const alert: RaisedAlert = { code: rule.code, rule: rule.id, severity: rule.severity, message, actions: rule.actions };
        // The message in each language the rule says it in, so a stored alert reads in the reader's.
        if (typeof rule.message === 'object') {
          const say = (locale: Locale) => (locale === acc.locale ? message : interpolate(rule.message, locale, acc.state, prepared, rule));
          alert.messages = typeof rule.message.en === 'string' ? { 'zh-CN': say('zh-CN'), en: say('en') } : { 'zh-CN': say('zh-CN') };
        }
        acc.alerts.push(alert);
        for (const a of rule.actions) if (a.type === 'setField') acc.values[a.field] = a.value;
      }
      outcome = withConditions({ rule: rule.id, kind: 'alert' as const, code: rule.code, severity: rule.severity, held: r.held }, r.conditions);
      break;
    }
    case 'classification': {
      const i = pickCase(rule, results);
      const value = i >= 0 ? rule.cases[i]!.value : (rule.default ?? null);
      acc.state.outputs[rule.target] = value ?? undefined;
      if (value !== null) acc.values[rule.target] = value;
      outcome = {
        rule: rule.id,
        kind: 'classification',
        target: rule.target,
        value,
        matched: i >= 0 ? rule.cases[i]!.id : null,
        cases: rule.cases.map((c, ci) => withConditions({ id: c.id, value: c.value, held: results[ci]!.held }, results[ci]!.conditions)),
      };
      break;
    }
    case 'scoring':
      outcome = assembleScoring(rule, results, acc, prepared);
      break;
  }
  acc.outcomes[position] = outcome;
}

export function newAccumulator(prepared: PreparedRuleSet, input: Readonly<Record<string, unknown>>, asOf: string, locale: Locale): Accumulator {
  return { state: { input, asOf, outputs: {} }, locale, errors: [], values: {}, alerts: [], outcomes: new Array(prepared.rules.length) };
}

export function finishResult(prepared: PreparedRuleSet, acc: Accumulator, explain: boolean): RuleSetResult {
  const rs = prepared.ruleSet;
  const inputs: Record<string, unknown> = {};
  if (explain) for (const key of prepared.reads) inputs[key] = readFact(prepared, key, acc.state);
  return {
    ruleSet: { key: rs.key, form: rs.form, version: rs.version },
    asOf: acc.state.asOf,
    valid: acc.errors.length === 0,
    errors: acc.errors,
    values: acc.values,
    alerts: acc.alerts,
    inputs,
    outcomes: acc.outcomes as RuleOutcome[],
  };
}
