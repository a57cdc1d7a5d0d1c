/*
 * The record schema's field conditions (required-if / visible-if as `if`/`then`/`else` inside the
 * root `allOf`, built by conditions/condition.ts) as one inline boolean expression each, for the
 * fail-fast validator. Ajv's code for `if` / `not` / `anyOf` collects placeholder error objects
 * while it tries a branch (~0.06 of JSON.parse per customer record); the expression answers the
 * same question without allocating. (Closures called per item were measured ~5 % slower overall
 * than ajv's own code; the inline expression is what is kept.) Only the subset conditionToSchema produces for equality conditions is
 * translated — booleans, allOf, anyOf, not, required, and properties whose subschemas are booleans
 * or a primitive `const` / `enum` — with exactly ajv's semantics on an object (a property applies
 * when `data[key] !== undefined`; a required key is missing when `data[key] === undefined`).
 * Anything else yields null and the item stays a plain ajv `if` (seeds/src/fast-path-differential.spec.ts
 * checks every translated item of every seed template against ajv on generated payloads).
 */

import { _, nil } from 'ajv/dist/2020.js';
import type { Code, Name } from 'ajv/dist/2020.js';
import { and, not, or } from 'ajv/dist/compile/codegen/index.js';

type Expr = Code | Name;

const isPrimitive = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

const all = (xs: Expr[]): Expr => (xs.length === 0 ? _`true` : and(...xs));
const any = (xs: Expr[]): Expr => (xs.length === 0 ? _`false` : or(...xs));

/** A property subschema on a present value `v`: true, false, {const: primitive}, {enum: primitive[]}. */
function valueCode(schema: unknown, v: Expr): Expr | null {
  if (schema === true) return _`true`;
  if (schema === false) return _`false`;
  if (!isObject(schema)) return null;
  const keys = Object.keys(schema);
  if (keys.length !== 1) return null;
  // Ajv compares a primitive const / enum value with !== / === too.
  if (keys[0] === 'const' && isPrimitive(schema.const)) return _`${v} === ${schema.const}`;
  if (keys[0] === 'enum' && Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isPrimitive)) {
    return any(schema.enum.map((x) => _`${v} === ${x as string | number | boolean | null}`));
  }
  return null;
}

/** How an expression reads the object's property `key` (`d[key]`, or a local holding it). */
export type PropertyReader = (key: string) => Expr;

const reader = (d: Expr): PropertyReader => (key) => _`${d}[${key}]`;

/** An expression true exactly when the (non-array) object `d` satisfies `schema`, or null outside the subset. */
export function schemaCode(schema: unknown, d: Expr): Expr | null {
  return schemaCodeWith(schema, reader(d));
}

/** schemaCode with the object's properties read through `get`. */
export function schemaCodeWith(schema: unknown, get: PropertyReader): Expr | null {
  if (schema === true) return _`true`;
  if (schema === false) return _`false`;
  if (!isObject(schema) || !onlyKeys(schema, ['allOf', 'anyOf', 'not', 'required', 'properties'])) return null;
  const parts: Expr[] = [];
  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) return null;
    for (const [key, sub] of Object.entries(schema.properties)) {
      const v = get(key);
      const c = valueCode(sub, v);
      if (c === null) return null;
      parts.push(or(_`${v} === undefined`, c));
    }
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || !schema.required.every((k) => typeof k === 'string')) return null;
    for (const key of schema.required as string[]) parts.push(_`${get(key)} !== undefined`);
  }
  for (const kw of ['allOf', 'anyOf'] as const) {
    const list = schema[kw];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return null;
    const codes: Expr[] = [];
    for (const s of list) {
      const c = schemaCodeWith(s, get);
      if (c === null) return null;
      codes.push(c);
    }
    parts.push(kw === 'allOf' ? all(codes) : any(codes));
  }
  if (schema.not !== undefined) {
    const c = schemaCodeWith(schema.not, get);
    if (c === null) return null;
    parts.push(not(c));
  }
  return all(parts);
}

/** `{if, then?, else?}` as one expression on the object `d`, or null when a part is outside the subset. */
export function ifThenCode(item: unknown, d: Expr): Expr | null {
  return ifThenCodeWith(item, reader(d));
}

/** ifThenCode with the object's properties read through `get`. */
export function ifThenCodeWith(item: unknown, get: PropertyReader): Expr | null {
  if (!isObject(item) || !('if' in item) || !onlyKeys(item, ['if', 'then', 'else'])) return null;
  const cond = schemaCodeWith(item.if, get);
  const then = item.then === undefined ? _`true` : schemaCodeWith(item.then, get);
  const otherwise = item.else === undefined ? _`true` : schemaCodeWith(item.else, get);
  if (cond === null || then === null || otherwise === null) return null;
  return _`(${cond} ? ${then} : ${otherwise})`;
}

/** Whether ifThenCode translates the item (buildFastInputSchema moves only such items to x-fast-when). */
export function isTranslatableIfThen(item: unknown): boolean {
  return ifThenCode(item, nil) !== null;
}

/** The property keys a translatable item reads. */
export function ifThenKeys(item: unknown): string[] {
  const keys = new Set<string>();
  ifThenCodeWith(item, (key) => {
    keys.add(key);
    return nil;
  });
  return [...keys];
}
