import type { DataValidationCxt, ValidateFunction } from 'ajv/dist/types/index.js';
import { FAST_FIELDS, FAST_STATE, getAjv, getFastAjv } from '../ajv/ajv-instance.js';
import { evaluateCondition } from '../conditions/condition.js';
import { fieldTypeRegistry } from '../field-types/registry.js';
import { evaluateFormula } from '../formulas/evaluate.js';
import type { FormulaPlan, FormulaStep } from '../formulas/plan.js';
import { FDecimal, FDate, FormulaRuntimeError, toText, truthy } from '../formulas/values.js';
import type { FValue } from '../formulas/values.js';
import { localize } from '../i18n/localize.js';
import { renderMessage } from '../i18n/messages.js';
import { buildRecordSchema } from '../schema/build-record-schema.js';
import { checkDefinitionSemantics, definitionLabelResolver, renderDefinitionProblems, validateFormDefinition } from '../schema/validate-definition.js';
import type { FieldDefinition, FieldError, FormDefinition, Locale, ValidateOptions, ValidationResult } from '../types.js';
import { isDecimalString } from '../validators/decimal.js';
import { dateKeyOrNaN, dayNumberOf, isRelativeDate, isValidDate, resolveRelativeDate } from '../validators/date.js';
import { isUsccOrLegacy, isValidUscc, usccOrgCodeValid } from '../validators/uscc.js';
import { appendPointer, parsePointer } from '../validation/json-pointer.js';
import { fieldError, normalizeAjvErrors } from '../validation/normalize-errors.js';
import type { LabelResolver } from '../validation/normalize-errors.js';
import { buildUi } from './build-ui.js';
import { buildFastInputSchema } from './fast-schema.js';
import type { CompiledForm, CompleteContext, CompleteReport } from './compiled-form.js';

/** Top-level date fields' relative bounds ('today', 'today+30'), checked against the call's asOf. */
function relativeDateBounds(definition: FormDefinition): Array<{ key: string; bound: string; kind: 'minDate' | 'maxDate' }> {
  return definition.fields.flatMap((f) =>
    f.type !== 'date'
      ? []
      : [
          ...(f.minDate && isRelativeDate(f.minDate) ? [{ key: f.key, bound: f.minDate, kind: 'minDate' as const }] : []),
          ...(f.maxDate && isRelativeDate(f.maxDate) ? [{ key: f.key, bound: f.maxDate, kind: 'maxDate' as const }] : []),
        ],
  );
}

function usccFieldKeys(definition: FormDefinition): string[] {
  return definition.fields.filter((f) => f.type === 'uscc').map((f) => f.key);
}

/** A definition that cannot be compiled; `errors` point into the definition. */
export class FormDefinitionError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(`Invalid form definition: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
    this.name = 'FormDefinitionError';
    this.errors = errors;
  }
}

/**
 * The answer for a payload the fast path accepts with nothing to warn about: one shared, frozen
 * object instead of two allocations per call (T4: ~2% of validateInput). Callers read results and
 * never change them; a change would throw (ES modules are strict).
 */
const VALID: ValidationResult = Object.freeze({ valid: true, errors: Object.freeze([]) as unknown as FieldError[] });

/** Values of each type a payload may carry: every field is called with each (see primeFastValidator). */
const PRIMING_VALUES: readonly unknown[] = ['x', '', 0, 0.5, true, null, {}, []];

/**
 * Calls the fail-fast validator once per field with each PRIMING_VALUES value (and once with an
 * unknown key), at compile time, so every type check and every format / keyword call it makes on
 * the way to refusing a value has type feedback before V8 optimises it. Without this, the first
 * payloads of a kind not seen while the validator was being optimised (a number where a string goes,
 * a mobile number of another length) each deoptimised it, and after such a deoptimisation V8
 * sometimes left it in baseline code for good: T4 ~1,100 instead of ~590 ns per record, one run in
 * 14 (%GetOptimizationStatus: baseline, not TurboFan).
 */
function primeFastValidator(fast: ValidateFunction, fields: readonly string[]): void {
  // V8 gives a function its feedback vector only after a few calls: the first round may record nothing.
  for (let round = 0; round < 2; round++) {
    for (const key of fields) for (const value of PRIMING_VALUES) fast({ [key]: value }, FAST_CXT);
    fast({ ['\u0000unknown']: 1 }, FAST_CXT);
  }
}

/**
 * The top-level data context of the fast validator, shared so a call allocates none. Every property
 * ajv's validator destructures is an own one (undefined reads as absent: rootData defaults to data),
 * so each read is a field load instead of a lookup of a missing property along the prototype chain
 * (T4: ~2% of the fail-fast validation).
 */
const FAST_CXT = Object.freeze({ instancePath: '', parentData: undefined, parentDataProperty: undefined, rootData: undefined }) as unknown as DataValidationCxt;

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** null, blank strings and empty lists are "no value": a cleared field, judged like an absent one. */
function isBlankValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

interface Sanitized {
  data: Record<string, unknown>;
  forbidden: string[];
}

/**
 * A copy without forbidden keys and with blanks (null, '', whitespace) removed, at the record
 * level and inside sub-table rows. Built with defineProperty so no key can reach a prototype.
 */
function sanitize(input: Record<string, unknown>, subtables: ReadonlySet<string>, path = ''): Sanitized {
  const out: Record<string, unknown> = {};
  const forbidden: string[] = [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (FORBIDDEN_KEYS.has(key)) {
      forbidden.push(appendPointer(path, key));
      continue;
    }
    if (isBlankValue(value)) continue;
    let v = value;
    if (subtables.has(key) && Array.isArray(value)) {
      v = value.map((row, i) => {
        if (!isPlainObject(row)) return row;
        const s = sanitize(row, new Set(), appendPointer(appendPointer(path, key), i));
        forbidden.push(...s.forbidden);
        return s.data;
      });
    } else if (Array.isArray(value)) {
      // attachment items and multiselect values: forbidden keys inside items are refused too
      value.forEach((item, i) => {
        if (isPlainObject(item)) for (const k of Object.keys(item)) if (FORBIDDEN_KEYS.has(k)) forbidden.push(appendPointer(appendPointer(appendPointer(path, key), i), k));
      });
    }
    // A plain store: "__proto__" (the one key whose assignment is special) was refused above.
    out[key] = v;
  }
  return { data: out, forbidden };
}

function toFValue(f: FieldDefinition | undefined, raw: unknown): FValue {
  if (raw === undefined || raw === null || !f) return null;
  switch (f.type) {
    case 'number':
    case 'integer':
      return typeof raw === 'number' && Number.isFinite(raw) ? new FDecimal(raw) : null;
    case 'decimal':
    case 'money':
    case 'percent':
      return isDecimalString(raw, 1000) ? new FDecimal(raw) : typeof raw === 'number' && Number.isFinite(raw) ? new FDecimal(raw) : null;
    case 'date':
      return typeof raw === 'string' ? FDate.parse(raw) : null;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'multiselect':
      return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : null;
    case 'subtable':
    case 'attachment':
      return Array.isArray(raw) ? raw.map(() => true) : null;
    case 'formula':
      if (f.resultType === 'decimal' || f.resultType === 'integer') return typeof raw === 'number' || isDecimalString(raw, 1000) ? new FDecimal(raw as string) : null;
      if (f.resultType === 'date') return typeof raw === 'string' ? FDate.parse(raw) : null;
      if (f.resultType === 'boolean') return typeof raw === 'boolean' ? raw : null;
      return typeof raw === 'string' ? raw : null;
    default:
      return typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : null;
  }
}

/** Converts a formula result to its stored JSON value; undefined means "leave empty". */
function toStored(step: FormulaStep, v: FValue): unknown {
  if (v === null || (Array.isArray(v) && step.resultType !== 'text')) return undefined;
  switch (step.resultType) {
    case 'decimal': {
      if (!(v instanceof FDecimal)) throw new FormulaRuntimeError('type', 'result is not a number');
      const s = v.toFixed(step.scale, FDecimal.ROUND_HALF_UP);
      if (s.replace(/^-/, '').split('.')[0]!.length > 18) throw new FormulaRuntimeError('range', 'result too large');
      return s === `-${(0).toFixed(step.scale)}` ? s.slice(1) : s;
    }
    case 'integer': {
      if (!(v instanceof FDecimal)) throw new FormulaRuntimeError('type', 'result is not a number');
      const n = v.toDecimalPlaces(0, FDecimal.ROUND_HALF_UP);
      if (n.abs().gt(2147483647)) throw new FormulaRuntimeError('range', 'result too large');
      return n.toNumber() || 0;
    }
    case 'date': {
      if (v instanceof FDate) return v.toString();
      const d = typeof v === 'string' ? FDate.parse(v) : null;
      if (!d) throw new FormulaRuntimeError('type', 'result is not a date');
      return d.toString();
    }
    case 'boolean':
      return truthy(v);
    default: {
      const t = toText(v);
      return t === '' ? undefined : t.slice(0, 2000);
    }
  }
}

class CompiledFormImpl implements CompiledForm {
  readonly schema: Record<string, unknown>;
  readonly ui;
  readonly autoNumberFields: ReadonlyArray<{ key: string; pattern: string }>;
  readonly computedFields: readonly string[];
  private readonly computedSet: ReadonlySet<string>;
  /** Sub-table and attachment keys: their items are objects that need the careful path. */
  private readonly nestedObjects: ReadonlySet<string>;
  readonly timeDependentFields: readonly string[];
  private readonly fieldsByKey: ReadonlyMap<string, FieldDefinition>;
  private readonly subtables: ReadonlySet<string>;
  private readonly labelFor: LabelResolver;
  private readonly relativeDates: ReadonlyArray<{ key: string; bound: string; kind: 'minDate' | 'maxDate' }>;
  private readonly usccFields: readonly string[];
  /** Relative date bounds resolved for the last asOf seen (the API passes the same date all day). */
  private relativeFor: { asOf: string; limits: ReadonlyArray<{ limit: string; day: number }> | null; keys: readonly number[] | null } | null = null;

  constructor(
    readonly definition: FormDefinition,
    readonly formulaPlan: FormulaPlan,
    schema: Record<string, unknown>,
    private readonly validator: ValidateFunction,
    /** Fail-fast validator of buildFastInputSchema (null: every input takes the full path). */
    private readonly fastInput: ValidateFunction | null = null,
    /** The schema fastInput was compiled from, so releaseCompiledForm can drop it. */
    readonly fastInputSchema: Record<string, unknown> | null = null,
  ) {
    this.schema = schema;
    this.ui = buildUi(definition);
    this.fieldsByKey = new Map(definition.fields.map((f) => [f.key, f]));
    this.subtables = new Set(definition.fields.filter((f) => f.type === 'subtable').map((f) => f.key));
    this.autoNumberFields = definition.fields
      .filter((f) => f.type === 'autonumber' && f.autoNumber)
      .map((f) => ({ key: f.key, pattern: f.autoNumber!.pattern }));
    this.computedFields = definition.fields.filter((f) => fieldTypeRegistry[f.type].computed).map((f) => f.key);
    this.computedSet = new Set(this.computedFields);
    this.nestedObjects = new Set(definition.fields.filter((f) => f.type === 'subtable' || f.type === 'attachment').map((f) => f.key));
    this.timeDependentFields = formulaPlan.steps.filter((s) => s.timeDependent).map((s) => s.key);
    this.labelFor = (path, locale) => this.recordLabel(path, locale);
    this.relativeDates = relativeDateBounds(definition);
    this.usccFields = usccFieldKeys(definition);
  }

  /** Checks that need the validation date, and advisory USCC findings, on the validated object. */
  private extraChecks(data: Record<string, unknown>, result: ValidationResult, locale: Locale, options?: ValidateOptions): ValidationResult {
    const asOf = options?.asOf;
    const limits = asOf && this.relativeDates.length ? this.relativeLimits(asOf) : null;
    if (limits) {
      for (let i = 0; i < this.relativeDates.length; i++) {
        const r = this.relativeDates[i]!;
        const v = data[r.key];
        if (typeof v !== 'string') continue;
        const day = dayNumberOf(v);
        if (Number.isNaN(day)) continue;
        const { limit, day: limitDay } = limits[i]!;
        const diff = day - limitDay;
        if (r.kind === 'maxDate' ? diff > 0 : diff < 0) {
          result.errors.push(fieldError(`/${r.key}`, r.kind, { comparison: r.kind === 'maxDate' ? '<=' : '>=', limit, bound: r.bound }, this.labelFor, locale));
          result.valid = false;
        }
      }
    }
    for (const key of this.usccFields) {
      const v = data[key];
      if (typeof v !== 'string') continue;
      if (!usccOrgCodeValid(v) && isValidUscc(v)) (result.warnings ??= []).push(fieldError(`/${key}`, 'usccOrgCode', {}, this.labelFor, locale));
      else if (!isValidUscc(v) && isUsccOrLegacy(v)) (result.warnings ??= []).push(fieldError(`/${key}`, 'legacyId', {}, this.labelFor, locale));
    }
    return result;
  }

  /** The relative date bounds resolved against asOf (null when asOf is not a date), cached per asOf. */
  private relativeLimits(asOf: string): ReadonlyArray<{ limit: string; day: number }> | null {
    if (this.relativeFor?.asOf !== asOf) {
      const limits = isValidDate(asOf)
        ? this.relativeDates.map((r) => {
            const limit = resolveRelativeDate(r.bound, asOf)!;
            return { limit, day: dayNumberOf(limit) };
          })
        : null;
      this.relativeFor = { asOf, limits, keys: limits && limits.map((l) => dateKeyOrNaN(l.limit)) };
    }
    return this.relativeFor.limits;
  }

  /**
   * The fast path: true when the fail-fast validator accepts the payload, with `result` to return.
   * Its schema is the record schema plus the isClean conditions and the asOf checks of extraChecks,
   * so what it accepts the full path accepts with no errors; USCC warnings are computed only when
   * its USCC keyword flags a value that may need one.
   */
  private fastAccepts(fast: ValidateFunction, data: Record<string, unknown>, options?: ValidateOptions): boolean {
    const asOf = options?.asOf;
    FAST_STATE.relativeLimits = asOf && this.relativeDates.length && this.relativeLimits(asOf) ? this.relativeFor!.keys : null;
    FAST_STATE.needsExtraChecks = false;
    // (The validator itself first migrates a payload whose map V8 has deprecated: FAST_FIELDS.)
    return fast(data, FAST_CXT);
  }

  /** “客户名称”, or “明细第2行 金额” inside a sub-table. */
  private recordLabel(path: string, locale: Locale): string {
    const [key, row, col] = parsePointer(path);
    if (key === undefined) return locale === 'en' ? 'Record' : '记录';
    const f = this.fieldsByKey.get(key);
    if (!f) return key;
    const label = localize(f.label, locale);
    if (row === undefined) return label;
    const rowLabel = renderMessage('row', locale, { label, row: Number(row) + 1 });
    if (col === undefined) return rowLabel;
    const c = f.fields?.find((x) => x.key === col);
    return `${rowLabel}${locale === 'en' ? ' ' : ''}${c ? localize(c.label, locale) : col}`;
  }

  /** True when the payload can be validated as is: no forbidden, blank, computed or sub-table keys. */
  private isClean(data: Record<string, unknown>, input: boolean): boolean {
    for (const key in data) {
      if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
      if (FORBIDDEN_KEYS.has(key) || this.nestedObjects.has(key) || (input && this.computedSet.has(key))) return false;
      const v = data[key];
      if (v === null || v === undefined || (typeof v === 'string' && (v === '' || (v.charCodeAt(0) <= 32 && v.trim() === '')))) return false;
      if (Array.isArray(v) && v.length === 0) return false;
    }
    // JSON.parse makes "__proto__" an own key, which for...in on some engines still lists; be explicit.
    return !Object.prototype.hasOwnProperty.call(data, '__proto__');
  }

  private run(data: unknown, locale: Locale, input: boolean, options?: ValidateOptions): ValidationResult {
    try {
      if (!isPlainObject(data)) {
        return { valid: false, errors: [fieldError('', 'type', { type: 'object' }, this.labelFor, locale, 'type.object')] };
      }
      // Fast path: a clean, valid payload (the fail-fast validator's schema is the record schema
      // plus the isClean conditions); everything else is judged by the full path below.
      if (input && this.fastInput !== null && this.fastAccepts(this.fastInput, data, options)) {
        return FAST_STATE.needsExtraChecks ? this.extraChecks(data, { valid: true, errors: [] }, locale, options) : VALID;
      }
      return this.runFull(data, locale, input, options);
    } catch (e) {
      // Defensive: a validator must answer, not throw (e.g. pathological nesting).
      return { valid: false, errors: [fieldError('', 'invalid', { detail: e instanceof Error ? e.message : String(e) }, this.labelFor, locale, 'default')] };
    }
  }

  /** The full path: every error, normalised; the reference the fast path must agree with. */
  runFull(data: unknown, locale: Locale, input: boolean, options?: ValidateOptions): ValidationResult {
    try {
      if (!isPlainObject(data)) {
        return { valid: false, errors: [fieldError('', 'type', { type: 'object' }, this.labelFor, locale, 'type.object')] };
      }
      // Hot path: a clean payload goes straight to the compiled validator, with no copy.
      if (this.isClean(data, input)) {
        const result: ValidationResult = this.validator(data)
          ? { valid: true, errors: [] }
          : { valid: false, errors: normalizeAjvErrors(this.validator.errors, data, this.labelFor, locale) };
        return this.extraChecks(data, result, locale, options);
      }
      const { data: copy, forbidden } = sanitize(data, this.subtables);
      const errors: FieldError[] = forbidden.map((p) => fieldError(p, 'forbiddenKey', { property: parsePointer(p).at(-1) }, this.labelFor, locale));
      if (input) {
        for (const key of this.computedFields) {
          if (Object.prototype.hasOwnProperty.call(copy, key)) {
            errors.push(fieldError(`/${key}`, 'readOnly', {}, this.labelFor, locale));
            delete copy[key];
          }
        }
        // Column formulas inside sub-table rows are computed too.
        for (const [table, steps] of this.formulaPlan.rowSteps) {
          const rows = copy[table];
          if (!Array.isArray(rows)) continue;
          rows.forEach((row, i) => {
            if (!isPlainObject(row)) return;
            for (const s of steps) {
              if (Object.prototype.hasOwnProperty.call(row, s.key)) {
                errors.push(fieldError(`/${table}/${i}/${s.key}`, 'readOnly', {}, this.labelFor, locale));
                delete row[s.key];
              }
            }
          });
        }
      }
      if (!this.validator(copy)) errors.push(...normalizeAjvErrors(this.validator.errors, copy, this.labelFor, locale));
      return this.extraChecks(copy, { valid: errors.length === 0, errors }, locale, options);
    } catch (e) {
      // Defensive: a validator must answer, not throw (e.g. pathological nesting).
      return { valid: false, errors: [fieldError('', 'invalid', { detail: e instanceof Error ? e.message : String(e) }, this.labelFor, locale, 'default')] };
    }
  }

  validateInput(data: unknown, locale: Locale = 'zh-CN', options?: ValidateOptions): ValidationResult {
    return this.run(data, locale, true, options);
  }

  validateRecord(data: unknown, locale: Locale = 'zh-CN', options?: ValidateOptions): ValidationResult {
    return this.run(data, locale, false, options);
  }

  fieldStates(data: Record<string, unknown>): Record<string, { visible: boolean; required: boolean }> {
    const { data: values } = sanitize(isPlainObject(data) ? data : {}, this.subtables);
    const out: Record<string, { visible: boolean; required: boolean }> = {};
    for (const f of this.definition.fields) {
      const visible = !f.archived && (!f.visibleIf || evaluateCondition(f.visibleIf, values, this.fieldsByKey));
      const required = visible && !fieldTypeRegistry[f.type].computed && (f.requiredIf ? evaluateCondition(f.requiredIf, values, this.fieldsByKey) : f.required === true);
      out[f.key] = { visible, required };
    }
    return out;
  }

  withoutComputed(data: Record<string, unknown>): Record<string, unknown> {
    const { data: copy } = sanitize(isPlainObject(data) ? data : {}, this.subtables);
    for (const key of this.computedFields) delete copy[key];
    for (const [table, steps] of this.formulaPlan.rowSteps) {
      const rows = copy[table];
      if (Array.isArray(rows)) for (const row of rows) if (isPlainObject(row)) for (const s of steps) delete row[s.key];
    }
    return copy;
  }

  complete(data: Record<string, unknown>, ctx: CompleteContext): Record<string, unknown> {
    return this.completeWithReport(data, ctx).data;
  }

  completeWithReport(data: Record<string, unknown>, ctx: CompleteContext, locale: Locale = 'zh-CN'): CompleteReport {
    const { data: out } = sanitize(isPlainObject(data) ? data : {}, this.subtables);
    const errors: FieldError[] = [];
    this.fillObject(out, this.definition.fields);
    for (const table of this.subtables) {
      const tableField = this.fieldsByKey.get(table)!;
      const steps = this.formulaPlan.rowSteps.get(table) ?? [];
      const cols = new Map((tableField.fields ?? []).map((c) => [c.key, c]));
      const rows = out[table];
      if (!Array.isArray(rows)) continue;
      rows.forEach((row, i) => {
        if (!isPlainObject(row)) return;
        this.fillObject(row, tableField.fields ?? []);
        for (const s of steps) {
          const resolve = (name: string): FValue =>
            cols.has(name) ? toFValue(cols.get(name), row[name]) : toFValue(this.fieldsByKey.get(name), out[name]);
          this.apply(s, row, resolve, ctx, `/${table}/${i}/${s.key}`, errors, locale);
        }
      });
    }
    for (const s of this.formulaPlan.steps) {
      const resolve = (name: string, column?: string): FValue => {
        const f = this.fieldsByKey.get(name);
        if (column === undefined) return toFValue(f, out[name]);
        const col = f?.fields?.find((c) => c.key === column);
        const rows = out[name];
        return Array.isArray(rows) ? rows.map((r) => (isPlainObject(r) ? toFValue(col, r[column]) : null)) : [];
      };
      this.apply(s, out, resolve, ctx, `/${s.key}`, errors, locale);
    }
    return { data: out, errors };
  }

  private apply(
    step: FormulaStep,
    target: Record<string, unknown>,
    resolve: (name: string, column?: string) => FValue,
    ctx: CompleteContext,
    path: string,
    errors: FieldError[],
    locale: Locale,
  ): void {
    try {
      const value = toStored(step, evaluateFormula(step.ast, resolve, ctx));
      if (value === undefined) delete target[step.key];
      else target[step.key] = value;
    } catch (e) {
      // A formula that cannot be computed leaves its field empty and is reported, never thrown.
      delete target[step.key];
      const code = e instanceof FormulaRuntimeError ? e.code : 'internal';
      errors.push(fieldError(path, 'formula', { code, detail: e instanceof Error ? e.message : String(e) }, this.labelFor, locale));
    }
  }

  /** Normalises values and fills defaults of absent fields (visible ones only). */
  private fillObject(obj: Record<string, unknown>, fields: readonly FieldDefinition[]): void {
    const plan = fillPlanOf(fields);
    for (const [key, normalize] of plan.normalizers) {
      if (Object.prototype.hasOwnProperty.call(obj, key)) obj[key] = normalize(obj[key]);
    }
    for (const pass of [false, true]) {
      for (const f of plan.withDefault) {
        if (Boolean(f.visibleIf) !== pass || Object.prototype.hasOwnProperty.call(obj, f.key)) continue;
        if (f.visibleIf && !evaluateCondition(f.visibleIf, obj, plan.byKey)) continue;
        // A scalar default as is; an object or array one copied (the record must not share it).
        obj[f.key] = typeof f.default === 'object' && f.default !== null ? JSON.parse(JSON.stringify(f.default)) : f.default;
      }
    }
  }
}

interface FillPlan {
  byKey: Map<string, FieldDefinition>;
  normalizers: Array<[string, (value: unknown) => unknown]>;
  withDefault: FieldDefinition[];
}

/** What fillObject needs of a field list, worked out once per list (complete() runs per record). */
const fillPlans = new WeakMap<readonly FieldDefinition[], FillPlan>();

function fillPlanOf(fields: readonly FieldDefinition[]): FillPlan {
  let plan = fillPlans.get(fields);
  if (!plan) {
    const normalizers: FillPlan['normalizers'] = [];
    for (const f of fields) {
      const normalize = fieldTypeRegistry[f.type].normalize;
      if (normalize) normalizers.push([f.key, normalize]);
    }
    plan = {
      byKey: new Map(fields.map((f) => [f.key, f])),
      normalizers,
      withDefault: fields.filter((f) => f.default !== undefined && !fieldTypeRegistry[f.type].computed && !f.archived),
    };
    fillPlans.set(fields, plan);
  }
  return plan;
}

/**
 * Validates a definition (meta-schema, semantics, formulas incl. cycles), builds the record's
 * JSON Schema, the UI description and the computed-field plan, and compiles the validator once.
 */
export function compileFormOrThrow(def: FormDefinition): CompiledForm {
  const checked = validateFormDefinition(def);
  if (!checked.valid) throw new FormDefinitionError(checked.errors);
  const definition = JSON.parse(JSON.stringify(def)) as FormDefinition;
  const { problems, plan } = checkDefinitionSemantics(definition);
  if (problems.length) throw new FormDefinitionError(renderDefinitionProblems(definition, problems, 'zh-CN'));
  const schema = buildRecordSchema(definition);
  let validator: ValidateFunction;
  try {
    validator = getAjv().compile(schema);
  } catch (e) {
    const err = fieldError('', 'schemaCompile', { detail: e instanceof Error ? e.message : String(e) }, definitionLabelResolver(definition), 'zh-CN');
    throw new FormDefinitionError([err]);
  }
  // The fast path refuses computed keys (input) and sub-table / attachment keys (rows are sanitised).
  const refused = new Set(definition.fields.filter((f) => fieldTypeRegistry[f.type].computed || f.type === 'subtable' || f.type === 'attachment').map((f) => f.key));
  const fastInputSchema = buildFastInputSchema(schema, refused, { relativeDates: relativeDateBounds(definition), usccFields: usccFieldKeys(definition) });
  let fastInput: ValidateFunction | null = null;
  try {
    if (fastInputSchema) fastInput = getFastAjv().compile(fastInputSchema);
  } catch (e) {
    getAjv().removeSchema(schema);
    const err = fieldError('', 'schemaCompile', { detail: e instanceof Error ? e.message : String(e) }, definitionLabelResolver(definition), 'zh-CN');
    throw new FormDefinitionError([err]);
  }
  // V8 turns a generated function into bytecode on its first call (~1 ms for the customer form's
  // fast validator); make that call now, at compile (publish) time, not on the first request (T16).
  // Both validators are pure apart from their own `errors` (and FAST_STATE, reset before every use).
  fastInput?.({});
  validator({});
  if (fastInput) primeFastValidator(fastInput, Object.keys((fastInputSchema?.[FAST_FIELDS] as Record<string, unknown> | undefined) ?? {}));
  const compiled = new CompiledFormImpl(definition, plan, schema, validator, fastInput, fastInputSchema);
  // Defaults must themselves be valid values.
  const defaults: Record<string, unknown> = {};
  const problemsOfDefaults: FieldError[] = [];
  definition.fields.forEach((f) => {
    if (f.default !== undefined) defaults[f.key] = f.default;
  });
  if (Object.keys(defaults).length) {
    const r = compiled.validateRecord(defaults);
    for (const e of r.errors) {
      if (e.keyword === 'required' || e.keyword === 'notVisible') continue;
      const key = parsePointer(e.path)[0];
      const index = definition.fields.findIndex((f) => f.key === key);
      if (index < 0) continue;
      problemsOfDefaults.push(
        fieldError(`/fields/${index}/default`, 'invalidDefault', { detail: e.message }, definitionLabelResolver(definition), 'zh-CN'),
      );
    }
  }
  if (problemsOfDefaults.length) {
    getAjv().removeSchema(schema);
    if (fastInputSchema) getFastAjv().removeSchema(fastInputSchema);
    throw new FormDefinitionError(problemsOfDefaults);
  }
  return compiled;
}

/** Lets the shared Ajv instance forget a compiled form's schema (call when evicting it from a cache). */
export function releaseCompiledForm(form: CompiledForm): void {
  getAjv().removeSchema(form.schema);
  const fast = (form as Partial<CompiledFormImpl>).fastInputSchema;
  if (fast) getFastAjv().removeSchema(fast);
}
