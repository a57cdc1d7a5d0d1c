import { FAST_CHAR_FORMATS, FAST_CHARS, FAST_COMPARE, FAST_DATE, FAST_ENUM, FAST_FIELDS, FAST_INTEGER, FAST_NONBLANK, FAST_NONEMPTY, FORMATS_REFUSING_BLANK, FAST_PRESENT, FAST_RELATIVE_DATE, FAST_REQUIRED, FAST_USCC_NOTE, FAST_WHEN } from '../ajv/ajv-instance.js';
import type { FastDateSchema } from '../ajv/ajv-instance.js';
import { isTranslatableIfThen } from '../ajv/fast-conditions.js';

export interface FastExtras {
  /** Top-level relative date bounds, in the order of CompiledForm's relative limits. */
  relativeDates: ReadonlyArray<{ key: string; kind: 'minDate' | 'maxDate' }>;
  /** Top-level USCC fields (their GB 11714 / legacy findings are warnings). */
  usccFields: readonly string[];
}

/** Never field keys (the definition meta-schema reserves them); refused here all the same. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Root keywords buildFastInputSchema knows how to carry over; any other one means no fast path. */
const KNOWN_ROOT_KEYWORDS = new Set(['$schema', 'title', 'type', 'properties', 'required', 'additionalProperties', 'allOf', 'compareFields']);

/** Blank as CompiledForm.isClean counts it: '', or whitespace-led and empty once trimmed. */
function isBlankString(v: unknown): boolean {
  return typeof v === 'string' && (v.length === 0 || (v.charCodeAt(0) <= 32 && v.trim() === ''));
}

/**
 * The field's subschema plus "no blank value" in its cheapest form: nothing when the type (boolean,
 * integer, number), a non-blank enum / const, the format (FORMATS_REFUSING_BLANK) or `decimal` already refuses
 * every blank value; FAST_NONBLANK / FAST_NONEMPTY inside the type check for a string / an array;
 * FAST_PRESENT otherwise. `type: integer` becomes `type: number` + FAST_INTEGER.
 */
function notBlank(p: Record<string, unknown>): Record<string, unknown> {
  const type = p.type;
  // An integer's type check as FAST_INTEGER (no floating-point remainder; same answer).
  if (type === 'integer') return { ...p, type: 'number', [FAST_INTEGER]: true };
  if (type === 'boolean' || type === 'number') return { ...p };
  if (type === 'string' && Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string' && !isBlankString(v))) return { ...p };
  if (type === 'string' && typeof p.const === 'string' && !isBlankString(p.const)) return { ...p };
  if (type === 'string' && typeof p.format === 'string' && FORMATS_REFUSING_BLANK.has(p.format)) return { ...p };
  // `decimal` refuses every blank string (ajv-instance.spec.ts).
  if (type === 'string' && typeof p.decimal === 'object' && p.decimal !== null) return { ...p };
  if (type === 'string') return { ...p, [FAST_NONBLANK]: true };
  if (type === 'array') return { ...p, [FAST_NONEMPTY]: true };
  return { ...p, [FAST_PRESENT]: true };
}

/**
 * The schema of CompiledForm's fast path: the record schema (every keyword kept, so whatever it
 * accepts the record schema accepts) narrowed to the payloads `validateInput` may judge as they are,
 * without the sanitising copy:
 * - no `__proto__` / `constructor` / `prototype` key (for...in lists own keys of those names, as
 *   JSON.parse makes them; they are never fields, so FAST_FIELDS refuses them as unknown);
 * - no computed (formula, auto-number) key, and no sub-table or attachment key (their rows take the
 *   careful path), each turned into a `false` schema;
 * - no blank value (undefined, null, '', whitespace only, []) on a field.
 * `properties` / `additionalProperties: false` / `required` become FAST_FIELDS (the same checks,
 * driven by the payload's keys). Anything the fast validator refuses is judged again by the full
 * one, so every message still comes from one place. Null when the schema has a root keyword this
 * translation does not know (then every payload takes the full path).
 */
export function buildFastInputSchema(
  recordSchema: Record<string, unknown>,
  refused: ReadonlySet<string>,
  extras: FastExtras,
): Record<string, unknown> | null {
  if (Object.keys(recordSchema).some((k) => !KNOWN_ROOT_KEYWORDS.has(k))) return null;
  if (recordSchema.type !== 'object' || recordSchema.additionalProperties !== false) return null;
  const schema = JSON.parse(JSON.stringify(recordSchema)) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const p = properties[key];
    fields[key] = refused.has(key) || FORBIDDEN.has(key) || typeof p !== 'object' || p === null ? false : notBlank(p as Record<string, unknown>);
  }
  // The checks CompiledForm otherwise runs after validation (extraChecks), as keywords: relative date
  // bounds against the call's asOf, and a flag for USCC values that may need a warning.
  extras.relativeDates.forEach((r, index) => {
    const f = fields[r.key] as Record<string, unknown> | false | undefined;
    if (!f) return;
    const bounds = (f[FAST_RELATIVE_DATE] as unknown[] | undefined) ?? [];
    fields[r.key] = { ...f, [FAST_RELATIVE_DATE]: [...bounds, { index, kind: r.kind }] };
  });
  // A date field's format, absolute and relative bounds as one check (one day number per value).
  for (const [key, f] of Object.entries(fields)) {
    if (!f || typeof f !== 'object') continue;
    const field = f as Record<string, unknown>;
    if (field.type !== 'string' || field.format !== 'date') continue;
    const { format: _format, dateRange, [FAST_RELATIVE_DATE]: relative, ...rest } = field;
    const date: FastDateSchema = { ...((dateRange as FastDateSchema | undefined) ?? {}) };
    if (relative) date.relative = relative as FastDateSchema['relative'];
    fields[key] = { ...rest, [FAST_DATE]: date };
  }
  // Fixed-length formats checked inline (FAST_CHARS) instead of through the format's function.
  for (const [key, f] of Object.entries(fields)) {
    if (!f || typeof f !== 'object') continue;
    const { format, ...rest } = f as Record<string, unknown>;
    if (rest.type === 'string' && typeof format === 'string' && Object.prototype.hasOwnProperty.call(FAST_CHAR_FORMATS, format)) fields[key] = { ...rest, [FAST_CHARS]: format };
  }
  // A string enum as FAST_ENUM (the same values, compared after a switch on the length).
  for (const [key, f] of Object.entries(fields)) {
    if (!f || typeof f !== 'object') continue;
    const { enum: values, ...rest } = f as Record<string, unknown>;
    if (rest.type === 'string' && Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string')) fields[key] = { ...rest, [FAST_ENUM]: values };
  }
  for (const key of extras.usccFields) {
    const f = fields[key];
    const format = f && typeof f === 'object' ? (f as Record<string, unknown>).format : undefined;
    if (f && typeof f === 'object' && format !== 'uscc' && format !== 'uscc-or-legacy') fields[key] = { ...f, [FAST_USCC_NOTE]: true };
  }
  // Equality conditions (required-if / visible-if) as inline allocation-free expressions checked by
  // FAST_FIELDS on the values its loop read; others stay ajv `if` items of the root allOf.
  if (Array.isArray(schema.allOf)) {
    const items = schema.allOf as unknown[];
    const when = items.filter((item) => isTranslatableIfThen(item));
    const rest = items.filter((item) => !isTranslatableIfThen(item));
    if (when.length) schema[FAST_WHEN] = when;
    if (rest.length) schema.allOf = rest;
    else delete schema.allOf;
  }
  // Cross-field comparisons checked by FAST_FIELDS on the values its loop read.
  if (Array.isArray(schema.compareFields)) {
    schema[FAST_COMPARE] = schema.compareFields;
    delete schema.compareFields;
  }
  delete schema.properties;
  delete schema.additionalProperties;
  // Compiled by the draft-07 based fast instance (ajv-instance.ts), which has no 2020-12 meta-schema.
  delete schema.$schema;
  schema[FAST_REQUIRED] = schema.required ?? [];
  delete schema.required;
  schema[FAST_FIELDS] = fields;
  return schema;
}
