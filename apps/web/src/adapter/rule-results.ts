import { ruleValueLabels, ruleValueText, type Locale, type RuleValueLabels } from '@credo/form-engine';
import type { LocalizedText } from '../api/types';

export { ruleValueLabels, type RuleValueLabels };

/** A rule output's value in the UI language: its label from the rule set (like a select option's), else as stored. */
export function ruleValueLabel(labels: RuleValueLabels | undefined, key: string | null | undefined, value: unknown, locale: string): string | undefined {
  return key ? ruleValueText(labels, key, value, (locale === 'en' ? 'en' : 'zh-CN') as Locale) : undefined;
}

/**
 * Value labels of a form's rule set as the API gives it: its outputs' (ruleValueLabels) and those
 * of rollups carrying a related form's select field (公共记录 失信被执行人 → Dishonest judgment debtor).
 */
export function ruleSetValueLabels(ruleSet: { published?: { document: unknown } | null; rollupLabels?: unknown } | null | undefined): RuleValueLabels {
  const out = new Map<string, ReadonlyMap<string, LocalizedText>>(ruleValueLabels(ruleSet?.published?.document));
  const rollups = ruleSet?.rollupLabels;
  if (isRecord(rollups)) {
    for (const [key, labels] of Object.entries(rollups)) {
      if (!isRecord(labels) || out.has(key)) continue;
      const values = Object.entries(labels).filter((e): e is [string, LocalizedText] => typeof e[1] === 'string' || (isRecord(e[1]) && typeof e[1]['zh-CN'] === 'string'));
      if (values.length) out.set(key, new Map(values));
    }
  }
  return out;
}

/*
 * The rule-set result the API stores per record (values, alerts, explanation), read
 * defensively: the rules module owns the shape, this only turns it into lines to show.
 */

export type AlertSeverity = 'info' | 'low' | 'medium' | 'high';

export interface RuleAlert {
  code: string;
  severity: AlertSeverity;
  message: string;
}

/** One evaluated leaf condition: `fact operator value`, the actual value and whether it held. */
export interface ConditionLine {
  fact: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  held: boolean;
  depth: number;
}

export interface OutcomeLine {
  rule: string;
  kind: string;
  /** held for validation/alert rules; matched case for classifications; null when not applicable. */
  held: boolean | null;
  /** Classification value, score/grade. */
  result: string | null;
  /** The output a classification sets (to say its value with the output's labels). */
  target: string | null;
  conditions: ConditionLine[];
}

export interface RuleResultView {
  version: number | null;
  asOf: string | null;
  alerts: RuleAlert[];
  values: Array<{ key: string; value: unknown }>;
  outcomes: OutcomeLine[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SEVERITIES = new Set(['info', 'low', 'medium', 'high']);

function flatten(node: unknown, depth: number, out: ConditionLine[]): ConditionLine[] {
  if (!isRecord(node) || out.length > 200) return out;
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(node[key])) {
      for (const child of node[key] as unknown[]) flatten(child, depth + 1, out);
      return out;
    }
  }
  if ('not' in node) return flatten(node.not, depth + 1, out);
  if (typeof node.fact === 'string') {
    out.push({
      fact: typeof node.path === 'string' ? `${node.fact}${node.path}` : node.fact,
      operator: String(node.operator ?? ''),
      expected: 'valueResult' in node ? node.valueResult : node.value,
      actual: node.factResult,
      held: node.result === true,
      depth,
    });
  }
  return out;
}

function outcomeLine(o: Record<string, unknown>): OutcomeLine {
  const kind = String(o.kind ?? '');
  let held: boolean | null = typeof o.held === 'boolean' ? o.held : null;
  let result: string | null = null;
  const target = kind === 'classification' && typeof o.target === 'string' ? o.target : null;
  let conditions = flatten(o.conditions, 0, []);
  if (kind === 'classification') {
    result = o.value === null || o.value === undefined ? null : String(o.value);
    const cases = Array.isArray(o.cases) ? o.cases.filter(isRecord) : [];
    const matched = cases.find((c) => c.id === o.matched);
    // A classification always yields a value (the default when no case held): no held/not-held.
    held = null;
    if (matched) conditions = flatten(matched.conditions, 0, []);
  } else if (kind === 'scoring') {
    result = [o.score, o.grade].filter((x) => x !== undefined && x !== null).join(' / ') || null;
  }
  return { rule: String(o.rule ?? ''), kind, held, result, target, conditions };
}

/** An alert's message in `locale` when it carries that language (`messages`), else as the API sent it. */
function alertMessage(a: Record<string, unknown>, locale: string | undefined): string {
  const said = locale && isRecord(a.messages) ? a.messages[locale === 'en' ? 'en' : 'zh-CN'] : undefined;
  return typeof said === 'string' ? said : String(a.message ?? a.code ?? '');
}

export function readRuleResult(raw: unknown, locale?: string): RuleResultView | null {
  if (!isRecord(raw)) return null;
  const alerts = (Array.isArray(raw.alerts) ? raw.alerts : []).filter(isRecord).map((a) => ({
    code: String(a.code ?? ''),
    severity: (SEVERITIES.has(String(a.severity)) ? a.severity : 'info') as AlertSeverity,
    message: alertMessage(a, locale),
  }));
  const values = isRecord(raw.values) ? Object.entries(raw.values).map(([key, value]) => ({ key, value })) : [];
  const explanation = isRecord(raw.explanation) ? raw.explanation : null;
  const all = explanation && Array.isArray(explanation.outcomes) ? explanation.outcomes.filter(isRecord).map(outcomeLine) : [];
  // What decided something first (results, rules that held), then the rules that did not hold.
  const outcomes = [...all.filter((o) => o.held !== false), ...all.filter((o) => o.held === false)];
  return {
    version: typeof raw.version === 'number' ? raw.version : null,
    asOf: typeof raw.asOf === 'string' ? raw.asOf : null,
    alerts,
    values,
    outcomes,
  };
}

/** Display names in a rule-set document: its outputs (by key) and its rules (by id). */
export function ruleSetNames(document: unknown): Map<string, LocalizedText> {
  const out = new Map<string, LocalizedText>();
  if (!isRecord(document)) return out;
  const named = (list: unknown, idKey: 'key' | 'id', labelKey: 'label' | 'title') => {
    if (!Array.isArray(list)) return;
    for (const item of list.filter(isRecord)) {
      const id = item[idKey];
      const label = item[labelKey];
      if (typeof id === 'string' && (typeof label === 'string' || isRecord(label))) out.set(id, label as LocalizedText);
    }
  };
  named(document.outputs, 'key', 'label');
  named(document.rollups, 'key', 'label');
  named(document.rules, 'id', 'title');
  // An alert without a title is named by its message, placeholders elided ("额度使用率…%（80%–100%）").
  if (Array.isArray(document.rules)) {
    for (const rule of document.rules.filter(isRecord)) {
      if (typeof rule.id !== 'string' || out.has(rule.id)) continue;
      const message = alertName(rule.message);
      if (message) out.set(rule.id, message);
    }
  }
  return out;
}

function alertName(message: unknown): LocalizedText | undefined {
  const elide = (text: string) => text.replace(/\{[^{}]*\}/g, '…');
  if (typeof message === 'string') return elide(message);
  if (!isRecord(message)) return undefined;
  const entries = Object.entries(message).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? (Object.fromEntries(entries.map(([k, v]) => [k, elide(v)])) as LocalizedText) : undefined;
}

const OPERATOR_SYMBOLS: Record<string, string> = {
  equal: '=',
  notEqual: '≠',
  greaterThan: '>',
  greaterThanInclusive: '≥',
  lessThan: '<',
  lessThanInclusive: '≤',
  in: '∈',
  notIn: '∉',
};

/** json-rules-engine operator names as symbols where there is one. */
export function operatorSymbol(operator: string): string {
  return OPERATOR_SYMBOLS[operator] ?? operator;
}
