import {
  compileFormOrThrow,
  type CompiledForm,
  type FieldError,
  type FormDefinition as EngineFormDefinition,
  type Locale,
  type UiField,
  type UiSection,
} from '@credo/form-engine';
import type { FormVersion } from '../api/forms';
import type { ProblemFieldError } from '../api/problem';
import type { RecordData } from '../api/records';

/*
 * The record form on top of the form engine: the browser validates with the very CompiledForm
 * the API uses (same schema, same messages), so what the user sees while typing is what the
 * server would answer. Nothing here renders; the view and the widgets do.
 */

const compiledByVersion = new Map<string, CompiledForm>();

/** One compile per published version (CONVENTIONS habit 4), kept for the session. */
export function compiledFor(version: Pick<FormVersion, 'id' | 'definition'>): CompiledForm {
  let compiled = compiledByVersion.get(version.id);
  if (!compiled) {
    compiled = compileFormOrThrow(version.definition as unknown as EngineFormDefinition);
    compiledByVersion.set(version.id, compiled);
  }
  return compiled;
}

/** 'YYYY-MM-DD' of `now` in the browser's time zone: the engine's asOf for relative date bounds. */
export function localDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function isBlankValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Fields shown by the engine ui, by key (sections flattened). */
export function uiFields(compiled: CompiledForm): Map<string, UiField> {
  return new Map(compiled.ui.sections.flatMap((s: UiSection) => s.fields.map((f) => [f.key, f] as const)));
}

/**
 * What a save sends, judged exactly as the server judges a write: computed fields are the
 * server's, blanks mean absent, and a value in a field its condition hides is dropped (the
 * server drops it from stored data too).
 */
export function inputFor(compiled: CompiledForm, data: RecordData): RecordData {
  const input = compiled.withoutComputed(data);
  for (const [key, value] of Object.entries(input)) if (isBlankValue(value)) delete input[key];
  const states = compiled.fieldStates(input);
  for (const key of Object.keys(input)) if (states[key]?.visible === false) delete input[key];
  return input;
}

/** First message per field key (the path's first segment), from engine or server errors. */
export function messagesByField(errors: readonly Pick<FieldError | ProblemFieldError, 'path' | 'message'>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const key = error.path.replace(/^\//, '').split('/')[0] ?? '';
    if (!(key in out)) out[key] = error.message;
  }
  return out;
}

export interface FormCheck {
  valid: boolean;
  /** Messages by field key; '' holds errors not tied to one field. */
  errors: Record<string, string>;
  /** Advisory messages (do not block saving), by field key. */
  warnings: Record<string, string>;
  /** Every message by its full path without the leading slash ("uscc", "allocations/0/amount"). */
  byPath: Record<string, string>;
}

export function checkRecord(compiled: CompiledForm, data: RecordData, locale: Locale, asOf: string = localDate()): FormCheck {
  const result = compiled.validateInput(inputFor(compiled, data), locale, { asOf });
  const byPath: Record<string, string> = {};
  for (const e of result.errors) {
    const path = e.path.replace(/^\//, '');
    if (!(path in byPath)) byPath[path] = e.message;
  }
  return { valid: result.valid, errors: messagesByField(result.errors), warnings: messagesByField(result.warnings ?? []), byPath };
}

/**
 * Formula results for the values on screen (the server recomputes them on save and never
 * takes them from the browser). Formulas that fail are left empty, as on the server.
 */
export function previewComputed(compiled: CompiledForm, data: RecordData, asOf: string = localDate()): RecordData {
  if (!compiled.computedFields.length) return {};
  const completed = compiled.completeWithReport(inputFor(compiled, data), { asOf }).data;
  return Object.fromEntries(compiled.computedFields.filter((k) => k in completed).map((k) => [k, completed[k]]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isBlankValue(a) && isBlankValue(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The PATCH body for an edit: fields whose value differs from the revision the edit started
 * from; a cleared field is sent as null. Hidden and computed fields are never sent.
 */
export function changedFields(compiled: CompiledForm, base: RecordData, current: RecordData): RecordData {
  const before = inputFor(compiled, base);
  const after = inputFor(compiled, current);
  const out: RecordData = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (sameValue(before[key], after[key])) continue;
    if (key in after) out[key] = after[key];
    else if (compiled.fieldStates(after)[key]?.visible !== false) out[key] = null;
  }
  return out;
}

export interface ConflictRow {
  key: string;
  /** Value when this user started editing. */
  base: unknown;
  theirs: unknown;
  mine: unknown;
  /** Both sides changed this field (to different values): re-applying mine overwrites theirs. */
  clash: boolean;
  mineChanged: boolean;
  theirsChanged: boolean;
}

/** Fields either side changed since `base`, for the 412 dialog. */
export function conflictRows(base: RecordData, theirs: RecordData, mine: RecordData, myChanges: RecordData, order: readonly string[]): ConflictRow[] {
  const rows: ConflictRow[] = [];
  const keys = new Set([...Object.keys(base), ...Object.keys(theirs), ...Object.keys(myChanges)]);
  const ordered = [...order.filter((k) => keys.has(k)), ...[...keys].filter((k) => !order.includes(k))];
  for (const key of ordered) {
    const mineChanged = key in myChanges;
    const theirsChanged = !sameValue(base[key], theirs[key]);
    if (!mineChanged && !theirsChanged) continue;
    const mineValue = mineChanged ? (myChanges[key] ?? null) : mine[key];
    rows.push({ key, base: base[key], theirs: theirs[key], mine: mineValue, mineChanged, theirsChanged, clash: mineChanged && theirsChanged && !sameValue(theirs[key], mineValue) });
  }
  return rows;
}

/** Theirs with my changes on top (null clears): what "re-apply mine" puts in the form. */
export function reapply(theirs: RecordData, myChanges: RecordData): RecordData {
  const out: RecordData = { ...theirs };
  for (const [key, value] of Object.entries(myChanges)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
