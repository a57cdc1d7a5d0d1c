import type { FieldDefinition, FormDefinition } from '../api/forms';

/** Containers whose children are ordinary fields of the same record. */
const CONTAINER_TYPES = new Set(['section', 'group', 'fieldset', 'row', 'column', 'columns', 'tab', 'tabs', 'card', 'collapse']);
/** Types that are not one scalar cell: layout decoration, sub-tables, files. */
const NON_COLUMN_TYPES = new Set([
  'divider', 'heading', 'description', 'static', 'html', 'markdown',
  'subtable', 'sub_table', 'table', 'array', 'list', 'file', 'files', 'image', 'images', 'attachment', 'signature', 'richtext',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isField(value: unknown): value is FieldDefinition {
  return isRecord(value) && typeof value.key === 'string' && typeof value.type === 'string';
}

/** All data fields of a definition, flattening layout containers, in definition order. */
export function flattenFields(definition: FormDefinition | null | undefined): FieldDefinition[] {
  const out: FieldDefinition[] = [];
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (!isField(item)) {
        if (isRecord(item) && Array.isArray(item.fields)) walk(item.fields);
        continue;
      }
      if (CONTAINER_TYPES.has(item.type)) {
        walk(item.fields ?? item.children);
        continue;
      }
      out.push(item);
    }
  };
  walk(definition?.fields);
  return out;
}

export function isColumnField(field: FieldDefinition): boolean {
  return !NON_COLUMN_TYPES.has(field.type) && field.hidden !== true && field.archived !== true;
}

/**
 * Field descriptions found in the engine's `ui` document (its sections carry resolved
 * labels, option labels and widget ids). Sub-table columns are not descended into.
 */
export function fieldsFromUi(ui: unknown): FieldDefinition[] {
  const out: FieldDefinition[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > 12 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, depth + 1));
    if (isField(node) && 'label' in node) {
      out.push(node);
      return;
    }
    for (const child of Object.values(node)) walk(child, depth + 1);
  };
  walk(ui, 0);
  return out;
}

const REF_PROPS = ['field', 'fieldKey', 'key', 'name', 'ref', 'scope'];

/**
 * Field keys in the order the engine's `ui` lays them out. The ui document's exact shape is
 * still being defined by libs/form-engine, so this accepts the common forms: an explicit
 * `order` / `ui:order` list, layout trees whose nodes reference a field by `field`/`key`/…
 * (or JSON-Forms `scope: "#/properties/x"`), and uiSchema objects keyed by field. Keys it cannot
 * place keep their definition order after the placed ones.
 */
export function fieldOrderFromUi(ui: unknown, known: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const add = (candidate: unknown): void => {
    if (typeof candidate !== 'string') return;
    const key = candidate.startsWith('#/properties/') ? candidate.slice('#/properties/'.length) : candidate;
    if (known.has(key) && !seen.has(key)) {
      seen.add(key);
      order.push(key);
    }
  };

  if (isRecord(ui)) {
    const explicit = ui['ui:order'] ?? ui.order;
    if (Array.isArray(explicit) && explicit.every((k) => typeof k === 'string')) {
      explicit.forEach(add);
      return order;
    }
  }

  const walk = (node: unknown, depth: number): void => {
    if (depth > 12) return;
    if (typeof node === 'string') return add(node);
    if (Array.isArray(node)) return node.forEach((n) => walk(n, depth + 1));
    if (!isRecord(node)) return;
    for (const prop of REF_PROPS) add(node[prop]);
    for (const [prop, child] of Object.entries(node)) {
      if (known.has(prop) && isRecord(child)) add(prop);
      if (typeof child === 'object' && child !== null) walk(child, depth + 1);
    }
  };
  walk(ui, 0);
  return order;
}

/** Data fields in ui order (definition order for the rest), without ones the ui hides. */
export function orderedFields(definition: FormDefinition | null | undefined, ui: unknown): FieldDefinition[] {
  const fields = flattenFields(definition);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  // The ui's copy of a field wins where both exist: it is what the engine resolved for display.
  for (const uiField of fieldsFromUi(ui)) {
    const base = byKey.get(uiField.key);
    const merged = base ? { ...base, ...uiField } : uiField;
    if (!base) fields.push(merged);
    else fields[fields.indexOf(base)] = merged;
    byKey.set(uiField.key, merged);
  }
  const hidden = hiddenInUi(ui, new Set(byKey.keys()));
  const order = fieldOrderFromUi(ui, new Set(byKey.keys()));
  const placed = new Set(order);
  return [...order.map((k) => byKey.get(k)!), ...fields.filter((f) => !placed.has(f.key))].filter((f) => !hidden.has(f.key));
}

/** Fields the ui marks as statically hidden (`hidden: true` / `ui:widget: "hidden"`). */
function hiddenInUi(ui: unknown, known: ReadonlySet<string>): Set<string> {
  const hidden = new Set<string>();
  const walk = (node: unknown, ownerKey: string | null, depth: number): void => {
    if (depth > 12 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, null, depth + 1));
    const o = node as Record<string, unknown>;
    const ref = REF_PROPS.map((p) => o[p]).find((v): v is string => typeof v === 'string' && known.has(v)) ?? ownerKey;
    if (ref && (o.hidden === true || o['ui:widget'] === 'hidden' || o.widget === 'hidden')) hidden.add(ref);
    for (const [prop, child] of Object.entries(o)) walk(child, known.has(prop) ? prop : null, depth + 1);
  };
  walk(ui, null, 0);
  return hidden;
}
