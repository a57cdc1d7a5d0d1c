import { compileRuleSet, PARAM_FACTS, type CompiledRuleSet, type FormDefinition, type Rule, type RuleCondition, type RuleSet } from '@credo/form-engine';

/*
 * The published validation rules, run in the browser with the same engine the API runs on save,
 * so a rule's message shows under its field as the user types. Only rules that read nothing but
 * the record itself (its fields, lookups over them, asOf and date arithmetic on them) are run
 * here; a rule over rollups or other rules' outputs needs the server's data and is left to it.
 */

function factsOf(c: RuleCondition, out: Set<string>): void {
  if ('all' in c) c.all.forEach((x) => factsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => factsOf(x, out));
  else if ('not' in c) factsOf(c.not, out);
  else {
    out.add(c.fact);
    const v = c.value as { fact?: unknown } | null;
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string') out.add(v.fact);
    for (const p of Object.values(c.params ?? {})) if (typeof p === 'string') out.add(p);
  }
}

function localFacts(ruleSet: RuleSet, form: FormDefinition): Set<string> {
  const fields = new Set(form.fields.map((f) => f.key));
  const ok = new Set([...fields, 'asOf', ...Object.keys(PARAM_FACTS)]);
  for (const l of ruleSet.lookups ?? []) if (fields.has(l.input)) ok.add(l.key);
  return ok;
}

/** The browser-checkable validation rules of a published rule set, compiled; null when there are none. */
export function compileClientValidation(document: unknown, form: FormDefinition): CompiledRuleSet | null {
  if (!document || typeof document !== 'object') return null;
  const ruleSet = document as RuleSet;
  if (!Array.isArray(ruleSet.rules)) return null;
  const ok = localFacts(ruleSet, form);
  const rules = ruleSet.rules.filter((r: Rule) => {
    if (r.kind !== 'validation' || r.enabled === false) return false;
    const facts = new Set<string>();
    factsOf(r.conditions, facts);
    return [...facts].every((f) => ok.has(f));
  });
  if (!rules.length) return null;
  try {
    const fields = new Set(form.fields.map((f) => f.key));
    const lookups = (ruleSet.lookups ?? []).filter((l) => fields.has(l.input));
    return compileRuleSet({ ...ruleSet, rules, rollups: [], outputs: [], lookups }, form);
  } catch {
    // A document this browser cannot compile is checked by the server alone.
    return null;
  }
}
