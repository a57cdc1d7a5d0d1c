import { fieldTypeRegistry } from '../field-types/registry.js';
import type { FieldDefinition, FormDefinition } from '../types.js';
import { compareDecimal, isDecimalString } from '../validators/decimal.js';

/*
 * Compatibility of two versions of a form (DESIGN §3 "publish"): each change is classified so the
 * designer sees what publishing does to existing records.
 *   safe            nothing to do (added optional field, relaxed constraint, label, layout…)
 *   needsDefault    existing records lack a now-required value: give a default or backfill
 *   archived        a removed field: its data is kept and the field archived
 *   revalidate      a tightened constraint: some existing records may no longer be valid
 *   needsMigration  type change: values are converted record by record (migrateRecord reports)
 *   recompute       formula change: stored computed values must be recomputed
 */

export type ChangeImpact = 'safe' | 'needsDefault' | 'archived' | 'revalidate' | 'needsMigration' | 'recompute';

export type ChangeKind =
  | 'fieldAdded'
  | 'fieldRemoved'
  | 'fieldArchived'
  | 'fieldRestored'
  | 'typeChanged'
  | 'requiredAdded'
  | 'requiredRemoved'
  | 'conditionChanged'
  | 'constraintTightened'
  | 'constraintRelaxed'
  | 'optionsRemoved'
  | 'optionsAdded'
  | 'formulaChanged'
  | 'autoNumberChanged'
  | 'referenceChanged'
  | 'presentationChanged'
  | 'formChanged';

export interface DefinitionChange {
  /** Field key, "table.column" for a sub-table column, or "" for form-level changes. */
  field: string;
  kind: ChangeKind;
  impact: ChangeImpact;
  /** The definition property involved, when one is. */
  property?: string;
  from?: unknown;
  to?: unknown;
}

export interface DefinitionDiff {
  changes: DefinitionChange[];
  /** Safe to publish without data work (only safe / archived / recompute changes). */
  compatible: boolean;
  /** Changes that need a default, a backfill or a migration before or while publishing. */
  actionRequired: DefinitionChange[];
  /** Changes after which existing records should be re-validated or recomputed. */
  affectsRecords: DefinitionChange[];
}

const PRESENTATION = ['label', 'help', 'placeholder', 'widget', 'span', 'indexed', 'unique', 'readOnly'] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function hasDefault(f: FieldDefinition): boolean {
  return f.default !== undefined && f.default !== null && f.default !== '';
}

type Direction = 'tightened' | 'relaxed' | 'same';

/** Compares a numeric bound; `lower` bounds tighten when they grow, upper bounds when they shrink. */
function boundDirection(a: unknown, b: unknown, lower: boolean): Direction {
  if (same(a, b)) return 'same';
  if (b === undefined) return 'relaxed';
  if (a === undefined) return 'tightened';
  const x = String(a);
  const y = String(b);
  if (!isDecimalString(x, 1000) || !isDecimalString(y, 1000)) return 'tightened';
  const c = compareDecimal(y, x);
  if (c === 0) return 'same';
  return (c > 0) === lower ? 'tightened' : 'relaxed';
}

function constraintChanges(field: string, a: FieldDefinition, b: FieldDefinition, out: DefinitionChange[]): void {
  const push = (property: string, dir: Direction, from: unknown, to: unknown) => {
    if (dir === 'same') return;
    out.push({
      field,
      kind: dir === 'tightened' ? 'constraintTightened' : 'constraintRelaxed',
      impact: dir === 'tightened' ? 'revalidate' : 'safe',
      property,
      from,
      to,
    });
  };
  const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minDate'] as const;
  const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxDate', 'scale'] as const;
  for (const p of lowerBounds) {
    const from = a[p];
    const to = b[p];
    if (p === 'minDate') push(p, same(from, to) ? 'same' : to === undefined ? 'relaxed' : from === undefined || String(to) > String(from) ? 'tightened' : 'relaxed', from, to);
    else push(p, boundDirection(from, to, true), from, to);
  }
  for (const p of upperBounds) {
    const from = a[p];
    const to = b[p];
    if (p === 'maxDate') push(p, same(from, to) ? 'same' : to === undefined ? 'relaxed' : from === undefined || String(to) < String(from) ? 'tightened' : 'relaxed', from, to);
    else push(p, boundDirection(from, to, false), from, to);
  }
  if (!same(a.pattern, b.pattern)) push('pattern', b.pattern === undefined ? 'relaxed' : 'tightened', a.pattern, b.pattern);
  if (!same(a.compare, b.compare)) push('compare', (b.compare?.length ?? 0) === 0 ? 'relaxed' : 'tightened', a.compare, b.compare);
  if (a.options || b.options) {
    const before = new Set((a.options ?? []).map((o) => o.value));
    const after = new Set((b.options ?? []).map((o) => o.value));
    const removed = [...before].filter((v) => !after.has(v));
    const added = [...after].filter((v) => !before.has(v));
    if (removed.length) out.push({ field, kind: 'optionsRemoved', impact: 'revalidate', property: 'options', from: removed });
    if (added.length) out.push({ field, kind: 'optionsAdded', impact: 'safe', property: 'options', to: added });
  }
}

function diffField(field: string, a: FieldDefinition, b: FieldDefinition, out: DefinitionChange[]): void {
  if (a.type !== b.type) {
    out.push({ field, kind: 'typeChanged', impact: 'needsMigration', property: 'type', from: a.type, to: b.type });
    return;
  }
  if (!a.archived && b.archived) out.push({ field, kind: 'fieldArchived', impact: 'archived' });
  if (a.archived && !b.archived) out.push({ field, kind: 'fieldRestored', impact: 'safe' });
  const requiredness = (f: FieldDefinition) => (f.required === true ? 'always' : f.requiredIf !== undefined ? 'conditional' : 'never');
  const before = requiredness(a);
  const after = requiredness(b);
  const addedImpact: ChangeImpact = hasDefault(b) ? 'revalidate' : 'needsDefault';
  const from = a.requiredIf ?? a.required;
  const to = b.requiredIf ?? b.required;
  if (before !== after) {
    const rank = { never: 0, conditional: 1, always: 2 } as const;
    const stricter = rank[after] > rank[before];
    out.push({ field, kind: stricter ? 'requiredAdded' : 'requiredRemoved', impact: stricter ? addedImpact : 'safe', property: after === 'conditional' || before === 'conditional' ? 'requiredIf' : 'required', from, to });
  } else if (after === 'conditional' && !same(a.requiredIf, b.requiredIf)) {
    out.push({ field, kind: 'conditionChanged', impact: addedImpact, property: 'requiredIf', from, to });
  }
  if (!same(a.visibleIf, b.visibleIf)) {
    out.push({ field, kind: 'conditionChanged', impact: b.visibleIf ? 'revalidate' : 'safe', property: 'visibleIf', from: a.visibleIf, to: b.visibleIf });
  }
  constraintChanges(field, a, b, out);
  if (a.type === 'formula' && (!same(a.formula, b.formula) || !same(a.resultType, b.resultType) || !same(a.scale, b.scale))) {
    out.push({ field, kind: 'formulaChanged', impact: a.resultType === b.resultType ? 'recompute' : 'needsMigration', property: 'formula', from: a.formula, to: b.formula });
  }
  if (!same(a.autoNumber, b.autoNumber)) {
    out.push({ field, kind: 'autoNumberChanged', impact: 'safe', property: 'autoNumber', from: a.autoNumber?.pattern, to: b.autoNumber?.pattern });
  }
  if (!same(a.reference, b.reference)) {
    out.push({ field, kind: 'referenceChanged', impact: 'needsMigration', property: 'reference', from: a.reference?.form, to: b.reference?.form });
  }
  if (!same(a.default, b.default)) out.push({ field, kind: 'presentationChanged', impact: 'safe', property: 'default', from: a.default, to: b.default });
  for (const p of PRESENTATION) {
    if (!same(a[p], b[p])) out.push({ field, kind: 'presentationChanged', impact: 'safe', property: p, from: a[p], to: b[p] });
  }
  if (a.type === 'subtable') diffFieldLists(a.fields ?? [], b.fields ?? [], `${field}.`, out);
}

function diffFieldLists(a: FieldDefinition[], b: FieldDefinition[], prefix: string, out: DefinitionChange[]): void {
  const before = new Map(a.map((f) => [f.key, f]));
  const after = new Map(b.map((f) => [f.key, f]));
  for (const f of b) {
    const old = before.get(f.key);
    const name = `${prefix}${f.key}`;
    if (!old) {
      const computed = fieldTypeRegistry[f.type].computed;
      const required = f.required === true || f.requiredIf !== undefined;
      out.push({
        field: name,
        kind: 'fieldAdded',
        impact: computed ? (f.type === 'formula' ? 'recompute' : 'safe') : required && !hasDefault(f) ? 'needsDefault' : 'safe',
        to: f.type,
      });
    } else diffField(name, old, f, out);
  }
  for (const f of a) {
    if (!after.has(f.key)) out.push({ field: `${prefix}${f.key}`, kind: 'fieldRemoved', impact: 'archived', from: f.type });
  }
}

/** Classifies every change from version `a` to version `b` of a form. */
export function diffDefinitions(a: FormDefinition, b: FormDefinition): DefinitionDiff {
  const changes: DefinitionChange[] = [];
  if (a.key !== b.key) changes.push({ field: '', kind: 'formChanged', impact: 'needsMigration', property: 'key', from: a.key, to: b.key });
  for (const p of ['title', 'description', 'layout', 'settings'] as const) {
    if (!same(a[p], b[p])) changes.push({ field: '', kind: 'formChanged', impact: 'safe', property: p });
  }
  diffFieldLists(a.fields, b.fields, '', changes);
  const actionRequired = changes.filter((c) => c.impact === 'needsDefault' || c.impact === 'needsMigration');
  const affectsRecords = changes.filter((c) => c.impact === 'revalidate' || c.impact === 'recompute' || c.impact === 'needsMigration');
  return { changes, compatible: actionRequired.length === 0, actionRequired, affectsRecords };
}

/**
 * Version `b` with every field that `a` had and `b` dropped re-added as archived (not required,
 * no conditions), so publishing never loses stored data: "removed field: data kept, field archived".
 */
export function archiveRemovedFields(a: FormDefinition, b: FormDefinition): FormDefinition {
  const keep = (before: FieldDefinition[], after: FieldDefinition[]): FieldDefinition[] => {
    const afterKeys = new Set(after.map((f) => f.key));
    const merged = after.map((f) => {
      const old = before.find((o) => o.key === f.key);
      return f.type === 'subtable' && old?.type === 'subtable' ? { ...f, fields: keep(old.fields ?? [], f.fields ?? []) } : f;
    });
    for (const f of before) {
      if (afterKeys.has(f.key)) continue;
      const { required: _r, requiredIf: _ri, visibleIf: _v, compare: _c, default: _d, ...rest } = f;
      merged.push({ ...rest, archived: true });
    }
    return merged;
  };
  const fields = keep(a.fields, b.fields);
  const archivedKeys = new Set(fields.filter((f) => f.archived).map((f) => f.key));
  // Archived fields may not stay in the layout or be referenced as the title field.
  const layout = b.layout
    ? { sections: b.layout.sections.map((s) => ({ ...s, fields: s.fields.filter((k) => !archivedKeys.has(k) || b.fields.some((f) => f.key === k)) })) }
    : undefined;
  return { ...b, fields, ...(layout ? { layout } : {}) };
}
