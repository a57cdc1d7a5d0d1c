import { localize } from '../i18n/localize.js';
import type { Locale, LocalizedText } from '../types.js';

/** Per output key: the label of each value it may take (value → zh-CN / en label). */
export type RuleValueLabels = ReadonlyMap<string, ReadonlyMap<string, LocalizedText>>;

function isLocalized(x: unknown): x is LocalizedText {
  return typeof x === 'string' || (typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>)['zh-CN'] === 'string');
}

function records(list: unknown): Array<Record<string, unknown>> {
  return Array.isArray(list) ? list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

/**
 * Labels of the values a rule-set document's outputs take, the way a select field's options carry
 * theirs: from the outputs' `{ value, label }` options, then (for values they do not label) from
 * the labels of the classification cases that set them. Read defensively: the document may come
 * from storage or a draft. Stored values are untouched; this only says them.
 */
export function ruleValueLabels(document: unknown): RuleValueLabels {
  const out = new Map<string, Map<string, LocalizedText>>();
  if (typeof document !== 'object' || document === null) return out;
  const doc = document as Record<string, unknown>;
  const add = (key: unknown, value: unknown, label: unknown) => {
    if (typeof key !== 'string' || (typeof value !== 'string' && typeof value !== 'number') || !isLocalized(label)) return;
    const values = out.get(key) ?? new Map<string, LocalizedText>();
    if (!values.has(String(value))) values.set(String(value), label);
    out.set(key, values);
  };
  for (const o of records(doc.outputs)) for (const option of records(o.options)) add(o.key, option.value, option.label);
  for (const rule of records(doc.rules)) {
    if (rule.kind === 'classification') for (const c of records(rule.cases)) add(rule.target, c.value, c.label);
    // A scorecard's terms output holds the grade policy's terms in the language it was evaluated in.
    const terms = rule.kind === 'scoring' && typeof rule.outputs === 'object' && rule.outputs !== null ? (rule.outputs as Record<string, unknown>).terms : undefined;
    if (terms === undefined) continue;
    for (const grade of records(rule.grades)) {
      const text = typeof grade.policy === 'object' && grade.policy !== null ? (grade.policy as Record<string, unknown>).terms : undefined;
      if (typeof text === 'object' && text !== null && isLocalized(text)) for (const said of Object.values(text)) add(terms, said, text);
    }
  }
  return out;
}

/** A rule output's value in `locale`: its label when the rule set gives one, else the value as stored. */
export function ruleValueText(labels: RuleValueLabels | undefined, key: string, value: unknown, locale: Locale): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const label = labels?.get(key)?.get(String(value));
  return label === undefined ? undefined : localize(label, locale) || String(value);
}
