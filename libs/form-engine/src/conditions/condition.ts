import type { Condition, FieldDefinition } from '../types.js';
import { compareDecimal, isDecimalString } from '../validators/decimal.js';
import { daysBetween, isValidDate } from '../validators/date.js';

/*
 * Conditions (required-if, visible-if) are data. The same condition becomes a JSON Schema `if`
 * (so ajv enforces it on the server and in the browser) and is evaluated directly for the UI.
 * An absent field counts as its default value, because CompiledForm.complete fills defaults
 * before a record is stored.
 */

type LeafCondition = Extract<Condition, { field: string }>;

export function isLeaf(c: Condition): c is LeafCondition {
  return 'field' in c;
}

/** Field keys a condition reads. */
export function conditionFields(c: Condition, out: Set<string> = new Set()): Set<string> {
  if (isLeaf(c)) out.add(c.field);
  else if ('all' in c) c.all.forEach((x) => conditionFields(x, out));
  else if ('any' in c) c.any.forEach((x) => conditionFields(x, out));
  else conditionFields(c.not, out);
  return out;
}

const DECIMAL_TYPES = new Set(['decimal', 'money', 'percent']);
const NUMBER_TYPES = new Set(['number', 'integer']);

function equalsValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && isDecimalString(a) && isDecimalString(b)) return compareDecimal(a, b) === 0;
  return a === b;
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Orders two values of a field type: numbers, decimal strings or dates. Null when not comparable. */
function order(a: unknown, b: unknown, type: string | undefined): number | null {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') {
    if ((type === undefined || DECIMAL_TYPES.has(type)) && isDecimalString(a) && isDecimalString(b)) return compareDecimal(a, b);
    if ((type === undefined || type === 'date') && isValidDate(a) && isValidDate(b)) return Math.sign(daysBetween(b, a)!);
  }
  return null;
}

/** Evaluates a condition on a record, as the JSON Schema form would (absent = default). */
export function evaluateCondition(
  c: Condition,
  data: Record<string, unknown>,
  fields: ReadonlyMap<string, FieldDefinition> = new Map(),
): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, data, fields));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, data, fields));
  if ('not' in c) return !evaluateCondition(c.not, data, fields);
  const field = fields.get(c.field);
  const raw = Object.prototype.hasOwnProperty.call(data, c.field) ? data[c.field] : undefined;
  const value = isEmptyValue(raw) ? field?.default : raw;
  switch (c.op) {
    case 'eq':
      return equalsValue(value, c.value);
    case 'ne':
      return !equalsValue(value, c.value);
    case 'in':
      return Array.isArray(c.value) && c.value.some((v) => equalsValue(value, v));
    case 'nin':
      return !(Array.isArray(c.value) && c.value.some((v) => equalsValue(value, v)));
    case 'empty':
      return isEmptyValue(value);
    case 'notEmpty':
      return !isEmptyValue(value);
    default: {
      const o = order(value, c.value, field?.type);
      if (o === null) return false;
      return c.op === 'gt' ? o > 0 : c.op === 'gte' ? o >= 0 : c.op === 'lt' ? o < 0 : o <= 0;
    }
  }
}

/** JSON Schema (2020-12) that a record satisfies exactly when the condition holds. */
export function conditionToSchema(c: Condition, fields: ReadonlyMap<string, FieldDefinition>): Record<string, unknown> | boolean {
  if ('all' in c) return { allOf: c.all.map((x) => conditionToSchema(x, fields)) };
  if ('any' in c) return { anyOf: c.any.map((x) => conditionToSchema(x, fields)) };
  if ('not' in c) return { not: conditionToSchema(c.not, fields) };
  const field = fields.get(c.field);
  const key = c.field;
  const def = field?.default;
  const hasDefault = !isEmptyValue(def);
  const present = { required: [key] };
  // When the field is absent the condition is judged on the default value.
  const withAbsence = (valueSchema: Record<string, unknown>, absentMatches: boolean): Record<string, unknown> =>
    absentMatches ? { properties: { [key]: valueSchema } } : { properties: { [key]: valueSchema }, required: [key] };
  switch (c.op) {
    case 'eq':
      return withAbsence({ const: c.value }, hasDefault && equalsValue(def, c.value));
    case 'ne':
      return { not: withAbsence({ const: c.value }, hasDefault && equalsValue(def, c.value)) };
    case 'in': {
      const values = Array.isArray(c.value) ? c.value : [];
      return withAbsence({ enum: values }, hasDefault && values.some((v) => equalsValue(def, v)));
    }
    case 'nin': {
      const values = Array.isArray(c.value) ? c.value : [];
      return { not: withAbsence({ enum: values }, hasDefault && values.some((v) => equalsValue(def, v))) };
    }
    case 'empty':
      return hasDefault ? false : { not: present };
    case 'notEmpty':
      return hasDefault ? true : present;
    default: {
      const kw = c.op === 'gt' ? 'exclusiveMinimum' : c.op === 'gte' ? 'minimum' : c.op === 'lt' ? 'exclusiveMaximum' : 'maximum';
      let valueSchema: Record<string, unknown>;
      if (field && NUMBER_TYPES.has(field.type)) valueSchema = { type: 'number', [kw]: c.value };
      else if (field?.type === 'date') valueSchema = { type: 'string', format: 'date', dateRange: { [kw]: c.value } };
      else valueSchema = { type: 'string', decimal: { [kw]: String(c.value) } };
      const absentMatches = hasDefault && evaluateCondition(c, {}, fields);
      return withAbsence(valueSchema, absentMatches);
    }
  }
}

/** Problems with a condition's references and values, relative to the condition's path. */
export function checkCondition(
  c: Condition,
  fields: ReadonlyMap<string, FieldDefinition>,
  path: string,
  out: Array<{ path: string; keyword: string; params: Record<string, unknown> }> = [],
): typeof out {
  if ('all' in c) c.all.forEach((x, i) => checkCondition(x, fields, `${path}/all/${i}`, out));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, fields, `${path}/any/${i}`, out));
  else if ('not' in c) checkCondition(c.not, fields, `${path}/not`, out);
  else {
    const field = fields.get(c.field);
    if (!field) out.push({ path: `${path}/field`, keyword: 'unknownField', params: { field: c.field } });
    else if (['gt', 'gte', 'lt', 'lte'].includes(c.op)) {
      const ok = NUMBER_TYPES.has(field.type)
        ? typeof c.value === 'number'
        : DECIMAL_TYPES.has(field.type)
          ? isDecimalString(String(c.value))
          : field.type === 'date'
            ? typeof c.value === 'string' && isValidDate(c.value)
            : false;
      if (!ok) out.push({ path: `${path}/value`, keyword: 'conditionValue', params: { field: c.field, op: c.op } });
    } else if ((c.op === 'in' || c.op === 'nin') && !Array.isArray(c.value)) {
      out.push({ path: `${path}/value`, keyword: 'conditionValue', params: { field: c.field, op: c.op } });
    } else if ((c.op === 'eq' || c.op === 'ne') && c.value === undefined) {
      out.push({ path: `${path}/value`, keyword: 'conditionValue', params: { field: c.field, op: c.op } });
    }
  }
  return out;
}
