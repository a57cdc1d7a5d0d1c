/** Rule-set documents (schemas/rule-set.schema.json) and evaluation results. */
import type { FieldError, Locale, LocalizedText } from '../types.js';

/** Value kinds of facts; operators declare which kinds they accept. */
export type FactKind = 'number' | 'decimal' | 'text' | 'date' | 'boolean' | 'list' | 'object';

/** A reference to a fact in place of a literal value (json-rules-engine `{ fact }` values). */
export interface FactReference {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
}

/** json-rules-engine condition format. Condition priorities and named condition references are not used. */
export type RuleCondition =
  | { all: RuleCondition[] }
  | { any: RuleCondition[] }
  | { not: RuleCondition }
  | LeafCondition;

export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  /** JSONPath into an object fact, restricted to `$.key`, `$[0]` steps. */
  path?: string;
  /** Parameters of a parameterised fact (daysUntil / daysSince / monthsSince / percentOf). */
  params?: Record<string, unknown>;
}

/** A fact computed from related records (SQL side) and supplied by the caller. */
export interface RollupDeclaration {
  key: string;
  label: LocalizedText;
  type: 'decimal' | 'integer' | 'text' | 'date' | 'boolean';
  /** Allowed values of a text rollup (checked against `equal` / `in` values). */
  options?: string[];
  /** Used when the caller supplies no value (e.g. "0" for Σ overdue with no receivables). */
  default?: unknown;
  description?: LocalizedText;
}

/** A table inside the rule set: input fact value -> looked-up value (e.g. industry -> risk). */
export interface LookupDeclaration {
  key: string;
  label: LocalizedText;
  /** Fact whose value is looked up: a form field or a rollup. */
  input: string;
  type: 'decimal' | 'integer' | 'text';
  table: Record<string, string | number>;
  /** Value when the input is empty or not in the table; absent means "no value". */
  default?: string | number;
}

/** One value an output may take, with its zh-CN / en label like a select option's (the value is what is stored). */
export interface OutputOption {
  value: string;
  label?: LocalizedText;
}

/** A value the rule set produces (classification target, score, grade, policy figures). */
export interface OutputDeclaration {
  key: string;
  label: LocalizedText;
  type: 'decimal' | 'integer' | 'text' | 'date';
  /** Allowed values: plain strings, or { value, label } to say them in each language. */
  options?: Array<string | OutputOption>;
}

interface RuleBase {
  id: string;
  title?: LocalizedText;
  description?: LocalizedText;
  /** Disabled rules are kept in the document but not evaluated. */
  enabled?: boolean;
}

/** Blocks the save while its conditions hold. */
export interface ValidationRule extends RuleBase {
  kind: 'validation';
  conditions: RuleCondition;
  /** Field key the error is reported on ("/field" in the error path). */
  field: string;
  /** Message with optional {fact} placeholders. */
  message: LocalizedText;
}

export interface ClassificationCase {
  id: string;
  value: string | number;
  conditions: RuleCondition;
  /** Only with strategy "priority": the highest priority among the holding cases wins (ties: document order). */
  priority?: number;
  label?: LocalizedText;
}

/** Sets `target` to the value of the first (or highest-priority) case whose conditions hold. */
export interface ClassificationRule extends RuleBase {
  kind: 'classification';
  target: string;
  strategy: 'firstMatch' | 'priority';
  cases: ClassificationCase[];
  /** Value when no case holds; absent leaves the target empty. */
  default?: string | number;
}

export interface ScoreBand {
  points: number;
  conditions: RuleCondition;
  label?: LocalizedText;
}

/** A weighted factor: the first band whose conditions hold gives the points (else `otherwise`, default 0). */
export interface ScoreFactor {
  key: string;
  label: LocalizedText;
  weight: number;
  bands: ScoreBand[];
  otherwise?: number;
}

export interface KnockOut {
  id: string;
  label: LocalizedText;
  conditions: RuleCondition;
  /** Forces the score (e.g. 0). */
  score?: number;
  /** Forces the grade (e.g. "C"). */
  grade?: string;
  /** Caps the grade: a better grade is lowered to this one (e.g. "B"). */
  maxGrade?: string;
  /** Factors scored 0 (e.g. the financial factors when financials are missing). */
  zeroFactors?: string[];
}

export interface GradePolicy {
  /** Percent of net worth (decimal string), used when net worth > 0. */
  netWorthPct?: string;
  /** Multiple of average monthly sales (decimal string). */
  monthlySalesMultiple?: string;
  maxTermDays: number;
  terms: LocalizedText;
  reviewMonths: number;
}

export interface GradeBand {
  grade: string;
  minScore: number;
  label?: LocalizedText;
  policy?: GradePolicy;
}

/** DOMAIN §6.4: score = Σ factor points, knock-outs, score -> grade -> policy. */
export interface ScoringRule extends RuleBase {
  kind: 'scoring';
  factors: ScoreFactor[];
  knockouts?: KnockOut[];
  /** Best grade first, minScore descending; the last band should start at 0. */
  grades: GradeBand[];
  /** Facts the policy reads. */
  policyInputs?: {
    netWorth?: string;
    annualSales?: string;
    /** Fact holding the company's annual revenue; limits are capped at capPct % of it. */
    cap?: string;
    capPct?: string;
    /** Date the review period runs from (valid_until = basis + reviewMonths). */
    basisDate?: string;
  };
  /** Where the results go (each an output declaration or a form field). */
  outputs: {
    score: string;
    grade: string;
    limit?: string;
    termDays?: string;
    terms?: string;
    reviewMonths?: string;
    validUntil?: string;
  };
}

export type AlertSeverity = 'info' | 'low' | 'medium' | 'high';

export type AlertAction =
  | { type: 'notify'; to: string[]; note?: LocalizedText }
  | { type: 'setField'; field: string; value: unknown }
  | { type: 'requireApproval'; role: string; note?: LocalizedText };

export interface AlertRule extends RuleBase {
  kind: 'alert';
  code: string;
  severity: AlertSeverity;
  conditions: RuleCondition;
  message: LocalizedText;
  actions: AlertAction[];
}

export type Rule = ValidationRule | ClassificationRule | ScoringRule | AlertRule;
export type RuleKind = Rule['kind'];

export interface RuleSet {
  /** Rule-set key, unique per form (e.g. "credit-assessment-scorecard"). */
  key: string;
  /** Key of the form the rules run on. */
  form: string;
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  rollups?: RollupDeclaration[];
  lookups?: LookupDeclaration[];
  outputs?: OutputDeclaration[];
  rules: Rule[];
}

export interface EvaluateRuleSetOptions {
  /** The evaluation date 'YYYY-MM-DD' (today in the tenant's time zone); the engine never reads a clock. */
  asOf: string;
  locale?: Locale;
  /** Condition trees in the explanation (default true; bulk work turns it off). */
  explain?: boolean;
}

/** A leaf or boolean condition as evaluated: what was compared and whether it held. */
export type ExplainedCondition =
  | { all: ExplainedCondition[]; result: boolean }
  | { any: ExplainedCondition[]; result: boolean }
  | { not: ExplainedCondition; result: boolean }
  | {
      fact: string;
      operator: string;
      value: unknown;
      path?: string;
      params?: Record<string, unknown>;
      /** The fact's value (after path). */
      factResult: unknown;
      /** The resolved value when `value` is a fact reference. */
      valueResult?: unknown;
      result: boolean;
    };

export interface ValidationOutcome {
  rule: string;
  kind: 'validation';
  held: boolean;
  path: string;
  conditions?: ExplainedCondition;
}

export interface ClassificationOutcome {
  rule: string;
  kind: 'classification';
  target: string;
  value: string | number | null;
  /** Id of the winning case; null when the default (or nothing) applied. */
  matched: string | null;
  cases: Array<{ id: string; value: string | number; held: boolean; conditions?: ExplainedCondition }>;
}

export interface ScoringPolicyOutcome {
  grade: string;
  limit: string;
  termDays: number;
  terms: string;
  reviewMonths: number;
  validUntil: string | null;
}

export interface ScoringOutcome {
  rule: string;
  kind: 'scoring';
  score: number;
  /** Σ points before knock-outs. */
  rawScore: number;
  grade: string;
  /** Grade from the score before caps and forced grades. */
  scoreGrade: string;
  factors: Array<{
    key: string;
    weight: number;
    points: number;
    /** Index of the band that held, null for `otherwise`. */
    band: number | null;
    zeroed: boolean;
    bands?: Array<{ points: number; held: boolean; conditions?: ExplainedCondition }>;
  }>;
  knockouts: Array<{ id: string; held: boolean; conditions?: ExplainedCondition }>;
  policy: ScoringPolicyOutcome | null;
}

export interface AlertOutcome {
  rule: string;
  kind: 'alert';
  code: string;
  severity: AlertSeverity;
  held: boolean;
  conditions?: ExplainedCondition;
}

export type RuleOutcome = ValidationOutcome | ClassificationOutcome | ScoringOutcome | AlertOutcome;

export interface RaisedAlert {
  code: string;
  rule: string;
  severity: AlertSeverity;
  /** The message in the evaluation's language. */
  message: string;
  /** The message in each language the rule gives it in (zh-CN always; en when the rule has it). */
  messages?: { 'zh-CN': string; en?: string };
  actions: AlertAction[];
}

export interface RuleSetResult {
  ruleSet: { key: string; form: string; version: number };
  asOf: string;
  /** False when a validation rule holds: the save is blocked. */
  valid: boolean;
  /** Field errors of the validation rules that hold (keyword "rule", params.rule = rule id). */
  errors: FieldError[];
  /** Values the rules set: classification targets, score, grade, policy figures, setField actions. */
  values: Record<string, unknown>;
  alerts: RaisedAlert[];
  /** Facts the rules read, with the values used (lookups and rollup defaults applied). */
  inputs: Record<string, unknown>;
  /** One entry per enabled rule, in document order. */
  outcomes: RuleOutcome[];
}

/** A problem found in a rule-set document (paths are JSON Pointers into the document). */
export interface RuleSetProblem {
  path: string;
  code: string;
  params: Record<string, unknown>;
}
