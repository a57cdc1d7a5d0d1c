import { inject, type ComputedRef, type InjectionKey } from 'vue';
import type { FormDefinition } from '@credo/form-engine';
import type { FactChoice } from '@/adapter/rule-designer';

/** What the rule designer's editors share: the facts, the engine's problems by path, the form. */
export interface RuleDesignerContext {
  facts: ComputedRef<FactChoice[]>;
  form: ComputedRef<FormDefinition>;
  /** Engine (and server) messages by JSON Pointer into the rule set. */
  problems: ComputedRef<Record<string, string>>;
  /** A fact's value said in the UI language (an output's, rollup's or select field's option label), else as is. */
  valueText: (fact: string | undefined, value: unknown) => string;
}

export const RULE_DESIGNER: InjectionKey<RuleDesignerContext> = Symbol('rule-designer');

export function useRuleDesigner(): RuleDesignerContext {
  const ctx = inject(RULE_DESIGNER);
  if (!ctx) throw new Error('useRuleDesigner() outside the rule designer');
  return ctx;
}
