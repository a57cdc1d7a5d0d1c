import {
  compileFormOrThrow,
  FIELD_TYPES,
  fieldTypeRegistry,
  FormDefinitionError,
  validateFormDefinition,
  type CompiledForm,
  type FieldDefinition,
  type FieldError,
  type FieldType,
  type FormDefinition,
  type LayoutSection,
  type Locale,
} from '@credo/form-engine';

/*
 * The form designer on top of the engine: a definition being edited, its layout kept in step
 * with its fields, and the engine's verdict on it (validateFormDefinition, then a compile for
 * what only compiling finds, such as formula cycles). Nothing here renders.
 */

export type { FieldDefinition, FormDefinition, LayoutSection };

/** Where a field lives: a top-level field, or a column of a sub-table. */
export interface FieldPath {
  key: string;
  column?: string;
}

export interface PaletteGroup {
  id: 'basic' | 'number' | 'choice' | 'cn' | 'link';
  types: FieldType[];
}

/** Palette groups; every engine type is in exactly one (a spec checks it). */
export const PALETTE_GROUPS: readonly PaletteGroup[] = [
  { id: 'basic', types: ['text', 'textarea', 'date', 'datetime', 'boolean', 'email', 'url', 'attachment'] },
  { id: 'number', types: ['number', 'integer', 'decimal', 'money', 'percent', 'formula', 'autonumber'] },
  { id: 'choice', types: ['select', 'multiselect'] },
  { id: 'cn', types: ['mobile', 'phone', 'postal_code', 'uscc', 'bank_account', 'cnaps', 'fapiao_code', 'fapiao_number'] },
  { id: 'link', types: ['reference', 'user', 'subtable'] },
];

export function paletteLabel(type: FieldType, locale: Locale): string {
  return fieldTypeRegistry[type].label[locale];
}

/** Types a sub-table column may have (no nesting, nothing server-assigned). */
export const COLUMN_TYPES: readonly FieldType[] = FIELD_TYPES.filter((t) => !['subtable', 'autonumber', 'attachment'].includes(t));

/** A key not used among `taken`: "<type>_<n>" (lower snake case, as the engine wants). */
export function uniqueKey(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^a-z0-9_]/g, '_');
  for (let n = 1; ; n++) {
    const key = `${base}_${n}`;
    if (!used.has(key)) return key;
  }
}

/** A new field of `type` with what the engine requires of that type already filled in. */
export function newField(type: FieldType, taken: Iterable<string>, locale: Locale = 'zh-CN'): FieldDefinition {
  const label = fieldTypeRegistry[type].label;
  const field: FieldDefinition = { key: uniqueKey(type, taken), type, label: { 'zh-CN': label['zh-CN'], en: label.en } };
  void locale;
  switch (type) {
    case 'select':
    case 'multiselect':
      field.options = [
        { value: '选项1', label: { 'zh-CN': '选项1', en: 'Option 1' } },
        { value: '选项2', label: { 'zh-CN': '选项2', en: 'Option 2' } },
      ];
      break;
    case 'subtable':
      field.fields = [{ key: 'item', type: 'text', label: { 'zh-CN': '明细', en: 'Item' } }];
      field.span = 24;
      break;
    case 'reference':
      field.reference = { form: 'customer' };
      break;
    case 'autonumber':
      field.autoNumber = { pattern: 'NO{YYYY}{MM}{####}' };
      break;
    case 'formula':
      field.formula = '1';
      field.resultType = 'decimal';
      break;
    case 'textarea':
      field.span = 24;
      break;
  }
  return field;
}

export function emptyDefinition(): FormDefinition {
  return { key: '', title: { 'zh-CN': '', en: '' }, fields: [], layout: { sections: [{ key: 'main', title: { 'zh-CN': '基本信息', en: 'Basic information' }, columns: 2, fields: [] }] } };
}

/** Deep copy of a JSON document. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The layout with every field in exactly one section (fields missing from the layout go to the
 * last section, unknown keys are dropped). A definition without a layout gets one section.
 */
export function normalizedLayout(def: FormDefinition): LayoutSection[] {
  const keys = new Set(def.fields.map((f) => f.key));
  const sections = (def.layout?.sections?.length ? def.layout.sections : [{ key: 'main', columns: 2, fields: [] }]).map((s) => ({ ...s, fields: [...s.fields] }));
  const placed = new Set<string>();
  for (const s of sections) {
    s.fields = s.fields.filter((k) => keys.has(k) && !placed.has(k));
    for (const k of s.fields) placed.add(k);
  }
  const last = sections[sections.length - 1]!;
  for (const f of def.fields) if (!placed.has(f.key)) last.fields.push(f.key);
  return sections;
}

export function withNormalizedLayout(def: FormDefinition): FormDefinition {
  return { ...def, layout: { ...(def.layout ?? {}), sections: normalizedLayout(def) } };
}

export function findField(def: FormDefinition, path: FieldPath): FieldDefinition | undefined {
  const top = def.fields.find((f) => f.key === path.key);
  if (!path.column) return top;
  return top?.fields?.find((c) => c.key === path.column);
}

/** Adds a field to `section` before `beforeKey` (or at the end); returns the new field's key. */
export function insertField(def: FormDefinition, type: FieldType, sectionKey: string, beforeKey?: string): string {
  const field = newField(type, def.fields.map((f) => f.key));
  def.layout = { ...(def.layout ?? {}), sections: normalizedLayout(def) };
  def.fields.push(field);
  placeInSection(def, field.key, sectionKey, beforeKey);
  return field.key;
}

/** Moves a field to `section` before `beforeKey` (or to its end). */
export function moveField(def: FormDefinition, key: string, sectionKey: string, beforeKey?: string): void {
  if (key === beforeKey) return;
  def.layout = { ...(def.layout ?? {}), sections: normalizedLayout(def) };
  placeInSection(def, key, sectionKey, beforeKey);
}

function placeInSection(def: FormDefinition, key: string, sectionKey: string, beforeKey?: string): void {
  const sections = def.layout!.sections;
  for (const s of sections) s.fields = s.fields.filter((k) => k !== key);
  const section = sections.find((s) => s.key === sectionKey) ?? sections[sections.length - 1]!;
  const at = beforeKey ? section.fields.indexOf(beforeKey) : -1;
  if (at >= 0) section.fields.splice(at, 0, key);
  else section.fields.push(key);
}

export function removeField(def: FormDefinition, path: FieldPath): void {
  if (path.column) {
    const table = def.fields.find((f) => f.key === path.key);
    if (table?.fields && table.fields.length > 1) table.fields = table.fields.filter((c) => c.key !== path.column);
    return;
  }
  def.fields = def.fields.filter((f) => f.key !== path.key);
  if (def.layout) for (const s of def.layout.sections) s.fields = s.fields.filter((k) => k !== path.key);
}

export function addColumn(def: FormDefinition, tableKey: string, type: FieldType, beforeKey?: string): string | null {
  const table = def.fields.find((f) => f.key === tableKey);
  if (!table || table.type !== 'subtable' || !COLUMN_TYPES.includes(type)) return null;
  const columns = (table.fields ??= []);
  const column = newField(type, columns.map((c) => c.key));
  delete column.span;
  const at = beforeKey ? columns.findIndex((c) => c.key === beforeKey) : -1;
  if (at >= 0) columns.splice(at, 0, column);
  else columns.push(column);
  return column.key;
}

export function moveColumn(def: FormDefinition, tableKey: string, key: string, beforeKey?: string): void {
  const table = def.fields.find((f) => f.key === tableKey);
  if (!table?.fields || key === beforeKey) return;
  const column = table.fields.find((c) => c.key === key);
  if (!column) return;
  const rest = table.fields.filter((c) => c !== column);
  const at = beforeKey ? rest.findIndex((c) => c.key === beforeKey) : -1;
  if (at >= 0) rest.splice(at, 0, column);
  else rest.push(column);
  table.fields = rest;
}

/**
 * Renames a field and every reference to it (layout, conditions, compare, formulas, title
 * field). Formula references are replaced as whole identifiers.
 */
export function renameField(def: FormDefinition, path: FieldPath, next: string): void {
  const field = findField(def, path);
  if (!field || field.key === next) return;
  const prev = field.key;
  field.key = next;
  if (path.column) return;
  const swap = (k: string) => (k === prev ? next : k);
  const re = new RegExp(`(?<![A-Za-z0-9_.])${prev}(?![A-Za-z0-9_(])`, 'g');
  const visit = (c: unknown): void => {
    if (!c || typeof c !== 'object') return;
    const node = c as Record<string, unknown>;
    if (typeof node.field === 'string') node.field = swap(node.field);
    for (const k of ['all', 'any']) if (Array.isArray(node[k])) (node[k] as unknown[]).forEach(visit);
    if (node.not) visit(node.not);
  };
  for (const f of def.fields) {
    visit(f.visibleIf);
    visit(f.requiredIf);
    for (const c of f.compare ?? []) c.field = swap(c.field);
    if (typeof f.formula === 'string') f.formula = f.formula.replace(re, next);
  }
  if (def.layout) for (const s of def.layout.sections) s.fields = s.fields.map(swap);
  if (def.settings?.titleField) def.settings.titleField = swap(def.settings.titleField);
}

export interface DefinitionCheck {
  valid: boolean;
  errors: FieldError[];
  /** Messages by field key ("table.column" for columns), then by property ('' = the field itself). */
  byField: Record<string, Record<string, string>>;
  /** Messages about the form itself (key, title, layout), by property. */
  form: Record<string, string>;
  compiled: CompiledForm | null;
}

/** Where an error path points: "/fields/2/maxLength" -> field 2's maxLength. */
export function locateError(def: FormDefinition, path: string): { field?: string; property: string } {
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'fields') return { property: parts[0] ?? '' };
  const field = def.fields[Number(parts[1])];
  if (!field) return { property: 'fields' };
  if (parts[2] === 'fields' && parts[3] !== undefined) {
    const column = field.fields?.[Number(parts[3])];
    if (column) return { field: `${field.key}.${column.key}`, property: parts[4] ?? '' };
  }
  return { field: field.key, property: parts[2] ?? '' };
}

/** The engine's verdict on a draft: meta-schema and semantic checks, then a compile. */
export function checkDefinition(def: FormDefinition, locale: Locale): DefinitionCheck {
  let errors = validateFormDefinition(def, locale).errors;
  let compiled: CompiledForm | null = null;
  if (!errors.length) {
    try {
      compiled = compileFormOrThrow(def);
    } catch (e) {
      if (e instanceof FormDefinitionError) errors = e.errors;
      else errors = [{ path: '', keyword: 'compile', params: {}, message: e instanceof Error ? e.message : String(e) }];
    }
  }
  const byField: DefinitionCheck['byField'] = {};
  const form: Record<string, string> = {};
  for (const e of errors) {
    const at = locateError(def, e.path);
    if (at.field) {
      const slot = (byField[at.field] ??= {});
      if (!(at.property in slot)) slot[at.property] = e.message;
    } else if (!(at.property in form)) form[at.property] = e.message;
  }
  return { valid: errors.length === 0, errors, byField, form, compiled };
}

/** Definition properties the property panel offers for a type beyond the common ones (from the registry). */
export function typeProps(type: FieldType): readonly string[] {
  return fieldTypeRegistry[type].props.filter((p) => p !== 'fields' && p !== 'compare');
}

/** Numeric bounds are numbers for number/integer, decimal strings for decimal/money/percent. */
export function boundValue(type: FieldType, text: string): number | string | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (type === 'number' || type === 'integer') {
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  }
  return s;
}

/** A default typed for the field ('' clears it). */
export function defaultValue(field: FieldDefinition, raw: unknown): unknown {
  if (raw === '' || raw === null || raw === undefined) return undefined;
  if ((field.type === 'number' || field.type === 'integer') && typeof raw === 'string') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

/** Fields a formula or condition may name: top-level, not the field itself, no sub-tables. */
export function referableFields(def: FormDefinition, except?: string): FieldDefinition[] {
  return def.fields.filter((f) => f.key !== except && f.type !== 'subtable' && f.type !== 'attachment' && !f.archived);
}
