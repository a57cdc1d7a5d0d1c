import { fieldTypeRegistry } from '../field-types/registry.js';
import type { FieldDefinition, FormDefinition, UiDescription, UiField, UiSection } from '../types.js';

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function buildUiField(f: FieldDefinition): UiField {
  const ft = fieldTypeRegistry[f.type];
  const ui: UiField = {
    key: f.key,
    type: f.type,
    label: f.label,
    widget: f.widget ?? ft.widget,
    required: f.required === true,
    readOnly: ft.computed || f.readOnly === true,
    span: f.span ?? (f.type === 'subtable' || f.type === 'textarea' ? 24 : 12),
    constraints: clean(ft.constraints?.(f) ?? {}),
  };
  if (f.requiredIf) ui.requiredIf = f.requiredIf;
  if (f.visibleIf) ui.visibleIf = f.visibleIf;
  if (f.help !== undefined) ui.help = f.help;
  if (f.placeholder !== undefined) ui.placeholder = f.placeholder;
  if (f.default !== undefined) ui.default = f.default;
  if (f.options) ui.options = f.options.filter((o) => !o.archived).map((o) => ({ value: o.value, label: o.label ?? o.value }));
  if (f.reference) ui.reference = f.reference;
  if (f.autoNumber) ui.autoNumber = f.autoNumber;
  if (f.formula !== undefined) ui.formula = f.formula;
  if (f.resultType !== undefined) ui.resultType = f.resultType;
  if (f.fields) ui.fields = f.fields.filter((c) => !c.archived).map(buildUiField);
  return ui;
}

/** What the web renders: sections of fields in order (archived fields left out). */
export function buildUi(def: FormDefinition): UiDescription {
  const live = def.fields.filter((f) => !f.archived);
  const byKey = new Map(live.map((f) => [f.key, f]));
  const sections: UiSection[] = [];
  const placed = new Set<string>();
  for (const s of def.layout?.sections ?? []) {
    const fields = s.fields.filter((k) => byKey.has(k) && !placed.has(k));
    fields.forEach((k) => placed.add(k));
    sections.push({ key: s.key, ...(s.title !== undefined ? { title: s.title } : {}), columns: s.columns ?? 2, collapsed: s.collapsed ?? false, fields: fields.map((k) => buildUiField(byKey.get(k)!)) });
  }
  const rest = live.filter((f) => !placed.has(f.key));
  if (rest.length) {
    sections.push({
      key: sections.length ? 'other' : 'main',
      ...(sections.length ? { title: { 'zh-CN': '其他', en: 'Other' } } : {}),
      columns: 2,
      collapsed: false,
      fields: rest.map(buildUiField),
    });
  }
  return {
    formKey: def.key,
    title: def.title,
    order: sections.flatMap((s) => s.fields.map((f) => f.key)),
    sections,
    ...(def.settings?.titleField ? { titleField: def.settings.titleField } : {}),
  };
}
