import type { FieldDefinition } from '../types.js';
import { decimalProblem, compareDecimal } from '../validators/decimal.js';
import type { FieldDefinitionProblem } from './field-type.js';

/** Copies defined values of `keys` from the field into a schema fragment. */
export function pick(field: FieldDefinition, keys: readonly (keyof FieldDefinition)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (field[k] !== undefined) out[k] = field[k];
  return out;
}

/** A string fragment bounded by the field's maxLength (or the type's default cap). */
export function boundedString(field: FieldDefinition, defaultMax: number): Record<string, unknown> {
  const s: Record<string, unknown> = { type: 'string', maxLength: field.maxLength ?? defaultMax };
  if (field.minLength !== undefined) s.minLength = field.minLength;
  if (field.pattern !== undefined) s.pattern = field.pattern;
  return s;
}

export function checkLengths(field: FieldDefinition): FieldDefinitionProblem[] {
  const out: FieldDefinitionProblem[] = [];
  if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
    out.push({ path: '/minLength', keyword: 'rangeInverted', params: { min: field.minLength, max: field.maxLength } });
  }
  if (field.pattern !== undefined) {
    try {
      new RegExp(field.pattern, 'u');
    } catch {
      out.push({ path: '/pattern', keyword: 'invalidPattern', params: { pattern: field.pattern } });
    }
  }
  return out;
}

const BOUND_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

/** Numeric bounds of a decimal-string type, which must be decimal strings (never floats). */
export function decimalBounds(field: FieldDefinition): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of BOUND_KEYS) {
    const v = field[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function checkDecimalBounds(field: FieldDefinition, scale: number): FieldDefinitionProblem[] {
  const out: FieldDefinitionProblem[] = [];
  for (const k of BOUND_KEYS) {
    const v = field[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || decimalProblem(v, scale) !== null) {
      out.push({ path: `/${k}`, keyword: 'decimalBound', params: { scale, value: v } });
    }
  }
  const min = field.minimum ?? field.exclusiveMinimum;
  const max = field.maximum ?? field.exclusiveMaximum;
  if (!out.length && typeof min === 'string' && typeof max === 'string' && compareDecimal(min, max) > 0) {
    out.push({ path: '/minimum', keyword: 'rangeInverted', params: { min, max } });
  }
  return out;
}

export function checkNumberBounds(field: FieldDefinition, integer: boolean): FieldDefinitionProblem[] {
  const out: FieldDefinitionProblem[] = [];
  for (const k of BOUND_KEYS) {
    const v = field[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || (integer && !Number.isInteger(v))) {
      out.push({ path: `/${k}`, keyword: 'numberBound', params: { integer, value: v } });
    }
  }
  const min = field.minimum ?? field.exclusiveMinimum;
  const max = field.maximum ?? field.exclusiveMaximum;
  if (!out.length && typeof min === 'number' && typeof max === 'number' && min > max) {
    out.push({ path: '/minimum', keyword: 'rangeInverted', params: { min, max } });
  }
  return out;
}

/** Strips spaces from a string value; other values pass through. */
export function stripSpaces(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\s+/g, '') : value;
}

export function trimString(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}
