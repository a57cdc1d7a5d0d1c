import { conditionToSchema } from '../conditions/condition.js';
import { fieldTypeRegistry } from '../field-types/registry.js';
import { localize } from '../i18n/localize.js';
import type { Condition, FieldDefinition, FormDefinition } from '../types.js';

export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

function propertySchema(f: FieldDefinition): Record<string, unknown> {
  const ft = fieldTypeRegistry[f.type];
  const s: Record<string, unknown> = { title: localize(f.label), 'x-field-type': f.type, ...ft.schema(f) };
  if (f.type === 'subtable') s.items = objectSchema(f.fields ?? []);
  if (f.type === 'formula') s['x-formula'] = f.formula;
  if (f.type === 'autonumber') s['x-auto-number'] = f.autoNumber?.pattern;
  if (f.archived) s['x-archived'] = true;
  return s;
}

export function compareKind(f: FieldDefinition): 'numeric' | 'date' {
  return f.type === 'date' || (f.type === 'formula' && f.resultType === 'date') ? 'date' : 'numeric';
}

/** Field types a `compare` rule can point at, by comparison kind. */
export function comparableKind(f: FieldDefinition): 'numeric' | 'date' | null {
  if (['number', 'integer', 'decimal', 'money', 'percent'].includes(f.type)) return 'numeric';
  if (f.type === 'formula') return f.resultType === 'decimal' || f.resultType === 'integer' ? 'numeric' : f.resultType === 'date' ? 'date' : null;
  return f.type === 'date' ? 'date' : null;
}

/**
 * The JSON Schema of an object holding `fields` (the record, or one sub-table row): closed
 * (unknown properties refused), with required, required-if and visible-if as `if`/`then`/`else`.
 * A field hidden by its visible-if condition must be absent, so a hidden field cannot be smuggled in.
 */
export function objectSchema(fields: readonly FieldDefinition[]): Record<string, unknown> {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const allOf: Record<string, unknown>[] = [];
  const compareFields: Array<{ left: string; op: string; right: string; kind: 'numeric' | 'date' }> = [];
  for (const f of fields) {
    for (const c of f.compare ?? []) compareFields.push({ left: f.key, op: c.op, right: c.field, kind: compareKind(f) });
    properties[f.key] = propertySchema(f);
    const computed = fieldTypeRegistry[f.type].computed;
    if (computed) continue;
    const visible = f.visibleIf ? conditionToSchema(f.visibleIf, byKey) : null;
    let requiredWhen: Condition | undefined;
    if (f.requiredIf) requiredWhen = f.visibleIf ? { all: [f.visibleIf, f.requiredIf] } : f.requiredIf;
    else if (f.required && f.visibleIf) requiredWhen = f.visibleIf;
    else if (f.required) required.push(f.key);
    if (f.visibleIf) {
      allOf.push({
        if: visible,
        ...(requiredWhen === f.visibleIf ? { then: { required: [f.key] } } : {}),
        else: { properties: { [f.key]: false } },
      });
    }
    if (requiredWhen && requiredWhen !== f.visibleIf) {
      allOf.push({ if: conditionToSchema(requiredWhen, byKey), then: { required: [f.key] } });
    }
  }
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
    ...(allOf.length ? { allOf } : {}),
    ...(compareFields.length ? { compareFields } : {}),
  };
}

/** JSON Schema (draft 2020-12) of a stored record of this form. */
export function buildRecordSchema(def: FormDefinition): Record<string, unknown> {
  return { $schema: JSON_SCHEMA_2020, title: localize(def.title), ...objectSchema(def.fields) };
}
