import type { FieldDefinition, FormDetail } from '../api/forms';
import type { LocalizedText } from '../api/types';
import { isColumnField, orderedFields } from './form-fields';

export interface DetailSection {
  key: string;
  title?: LocalizedText;
  columns: number;
  fields: FieldDefinition[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The record detail layout: the engine ui's sections when it has them (fields resolved through
 * the definition + ui merge), else one section with every displayable field in ui order.
 */
export function detailSections(form: FormDetail): DetailSection[] {
  const ui = form.version?.ui;
  const fields = orderedFields(form.version?.definition, ui).filter((f) => isColumnField(f) || ((f.type === 'subtable' || f.type === 'attachment') && f.hidden !== true && f.archived !== true));
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const sections: DetailSection[] = [];
  const placed = new Set<string>();
  const uiSections = isRecord(ui) && Array.isArray(ui.sections) ? ui.sections.filter(isRecord) : [];
  for (const s of uiSections) {
    const keys = Array.isArray(s.fields) ? s.fields.map((f) => (isRecord(f) ? f.key : f)) : [];
    const list = keys.filter((k): k is string => typeof k === 'string' && byKey.has(k) && !placed.has(k)).map((k) => byKey.get(k)!);
    list.forEach((f) => placed.add(f.key));
    if (list.length === 0) continue;
    sections.push({
      key: typeof s.key === 'string' ? s.key : `s${sections.length}`,
      title: (typeof s.title === 'string' || isRecord(s.title) ? s.title : undefined) as LocalizedText | undefined,
      columns: typeof s.columns === 'number' && s.columns >= 1 && s.columns <= 4 ? s.columns : 2,
      fields: list,
    });
  }
  const rest = fields.filter((f) => !placed.has(f.key));
  if (rest.length) sections.push({ key: sections.length ? 'other' : 'main', columns: 2, fields: rest });
  return sections;
}

/** The value that names a record (ui.titleField, else a `name`/`title` field). */
export function recordTitleField(form: FormDetail): string | undefined {
  const ui = form.version?.ui;
  if (isRecord(ui) && typeof ui.titleField === 'string') return ui.titleField;
  const keys = new Set(orderedFields(form.version?.definition, ui).map((f) => f.key));
  return ['name', 'title'].find((k) => keys.has(k));
}
