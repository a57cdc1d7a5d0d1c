import type { FormulaPlan } from '../formulas/plan.js';
import type { FieldError, FormDefinition, Locale, UiDescription, ValidateOptions, ValidationResult } from '../types.js';

export interface CompleteContext {
  /** Evaluation date 'YYYY-MM-DD' for TODAY() and other time-dependent formulas. */
  asOf: string;
}

export interface CompleteReport {
  data: Record<string, unknown>;
  /** Formulas that could not be computed (their field is left empty). */
  errors: FieldError[];
}

export interface CompiledForm {
  readonly definition: FormDefinition;
  /** JSON Schema (2020-12) of a stored record. */
  readonly schema: Record<string, unknown>;
  readonly ui: UiDescription;
  readonly autoNumberFields: ReadonlyArray<{ key: string; pattern: string }>;
  /** Keys of formula and auto-number fields: never accepted from clients. */
  readonly computedFields: readonly string[];
  readonly formulaPlan: FormulaPlan;
  /** Formula fields that depend on the evaluation date (re-evaluate them daily). */
  readonly timeDependentFields: readonly string[];
  /**
   * Validates a client payload. Unknown properties, `__proto__`/`constructor`/`prototype` keys and
   * computed or auto-number fields (keyword 'readOnly') are refused; `null` and blank strings
   * count as absent (a cleared field). Relative date bounds ('today') are checked when
   * options.asOf is given. GB 11714 findings on USCCs come back as `warnings`. Never throws.
   * The result may be shared and frozen: read it, do not change it.
   */
  validateInput(data: unknown, locale?: Locale, options?: ValidateOptions): ValidationResult;
  /** Validates a stored (completed) record: computed values are allowed. Never throws. */
  validateRecord(data: unknown, locale?: Locale, options?: ValidateOptions): ValidationResult;
  /**
   * A copy ready to store: blanks removed, values normalised (USCC upper case, spaces out of
   * account numbers), defaults filled for absent visible fields, formulas computed exactly.
   */
  complete(data: Record<string, unknown>, ctx: CompleteContext): Record<string, unknown>;
  completeWithReport(data: Record<string, unknown>, ctx: CompleteContext): CompleteReport;
  /**
   * Which fields are visible and required for the current values, for live forms; the same
   * conditions the schema enforces (an absent field counts as its default).
   */
  fieldStates(data: Record<string, unknown>): Record<string, { visible: boolean; required: boolean }>;
  /** A copy without computed and auto-number fields (e.g. stored data before merging a PATCH). */
  withoutComputed(data: Record<string, unknown>): Record<string, unknown>;
}
