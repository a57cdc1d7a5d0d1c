import type { FieldDefinition, FormDetail } from '../api/forms';
import type { FormRecord } from '../api/records';
import { localize } from '../locales/localize';
import { widgetFor, type DisplayContext, type WidgetDefinition } from '../widgets/registry';
import { isColumnField, orderedFields } from './form-fields';

/** What an el-table-column needs to show one field of a record read-only. */
export interface RecordColumn {
  key: string;
  field: FieldDefinition;
  widget: WidgetDefinition;
  align: WidgetDefinition['align'];
  minWidth: number;
}

export const DEFAULT_MAX_COLUMNS = 8;

export function buildRecordColumns(form: FormDetail, max = DEFAULT_MAX_COLUMNS): { columns: RecordColumn[]; hiddenCount: number } {
  const all = allRecordColumns(form);
  const columns = all.slice(0, max);
  return { columns, hiddenCount: Math.max(0, all.length - columns.length) };
}

/** Every field that can be a column, in form order (the column chooser offers these). */
export function allRecordColumns(form: FormDetail): RecordColumn[] {
  const fields = orderedFields(form.version?.definition, form.version?.ui).filter(isColumnField);
  return fields.map((field) => {
    const widget = widgetFor(field);
    const labelLength = localize(field.label, 'zh-CN').length;
    return {
      key: field.key,
      field,
      widget,
      align: widget.align,
      // Wide enough for the zh-CN header on one line; values get a tooltip when cut.
      minWidth: Math.max(widget.minWidth, labelLength * 16 + 32),
    };
  });
}

/**
 * The columns to show: the user's choice for this form (unknown keys dropped, form order kept),
 * else the first `max` fields.
 */
export function chooseColumns(all: readonly RecordColumn[], chosen: readonly string[] | null, max = DEFAULT_MAX_COLUMNS): RecordColumn[] {
  if (!chosen) return all.slice(0, max);
  const keep = new Set(chosen);
  const picked = all.filter((c) => keep.has(c.key));
  return picked.length ? picked : all.slice(0, 1);
}

const MAX_AUTO_WIDTH = 320;
const CELL_PADDING = 28;

/** Rough pixel width of `text` at 14px: CJK and full-width glyphs are about twice Latin ones. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    width += code >= 0x2e80 || (code >= 0xff00 && code <= 0xffef) ? 14 : code >= 0x41 && code <= 0x5a ? 9 : 8;
  }
  return width;
}

/**
 * Column widths fitted to the header and the values on screen (capped), so short codes do
 * not get a wide column and company names are not cut after four characters.
 */
export function fitColumnWidths(
  columns: RecordColumn[],
  rows: readonly Pick<FormRecord, 'data' | 'labels'>[],
  ctx: DisplayContext,
): Record<string, number> {
  const widths: Record<string, number> = {};
  for (const column of columns) {
    let widest = textWidth(columnLabel(column, ctx.locale)) + 8;
    for (const row of rows) widest = Math.max(widest, textWidth(cellText(column, row, ctx)));
    widths[column.key] = Math.min(MAX_AUTO_WIDTH, Math.max(80, widest + CELL_PADDING));
  }
  return widths;
}

export function columnLabel(column: RecordColumn, locale: string): string {
  return localize(column.field.label, locale) || column.key;
}

export function cellText(column: RecordColumn, record: Pick<FormRecord, 'data' | 'labels'> | null | undefined, ctx: DisplayContext): string {
  return column.widget.display(record?.data?.[column.key], column.field, record?.labels ? { ...ctx, labels: record.labels } : ctx);
}
