import type { Component } from 'vue';
import type { FieldDefinition } from '../api/forms';

export interface DisplayContext {
  locale: string;
  yes: string;
  no: string;
  /** Labels the server resolved for this record's links (user names, referenced titles), by field key. */
  labels?: Record<string, string | null>;
  /** Table cells: date-times as 2026/11/26 09:16 like the other time columns of the app's tables. */
  compact?: boolean;
  /** Text the system wrote (stored in zh-CN) in the reader's language; other text as it is. */
  systemText?: (text: string) => string;
}

/**
 * A widget renders one or more engine data *types* (CONVENTIONS habit 3: type and widget are
 * separate). `display` shows a value read-only (table cells, detail, history diffs); `editor`
 * is the input of the record form.
 */
export interface WidgetDefinition {
  id: string;
  /** Engine field types this widget renders. */
  types: readonly string[];
  align: 'left' | 'right' | 'center';
  minWidth: number;
  display(value: unknown, field: FieldDefinition, ctx: DisplayContext): string;
  /**
   * The input of the record form (lazy: the list only needs `display`). It takes
   * `EditorProps` and emits `update:modelValue` / `blur`. Absent = shown read-only.
   */
  editor?: Component;
}

/** A choice offered by a picker (user links, references). */
export interface EditorChoice {
  value: string;
  label: string;
}

/** Props every widget editor takes. */
export interface EditorProps {
  modelValue: unknown;
  field: FieldDefinition;
  /** id of the focusable input, for the form item's label. */
  inputId: string;
  disabled?: boolean;
  /** Choices for pickers whose options are not in the definition (user links). */
  choices?: readonly EditorChoice[];
  placeholder?: string;
  /** Messages inside the value, by path below the field (sub-table cells: "0/amount"). */
  errors?: Readonly<Record<string, string>>;
  /** The form being edited (attachments upload for it). */
  formKey?: string;
}

export const EMPTY_CELL = '—';

export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Last-resort text for values whose widget does not know their shape (e.g. a link object). */
export function genericText(value: unknown): string {
  if (isBlank(value)) return EMPTY_CELL;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(genericText).join('、');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['label', 'displayName', 'name', 'title', 'id']) {
      if (typeof o[key] === 'string' || typeof o[key] === 'number') return String(o[key]);
    }
    return JSON.stringify(value);
  }
  return String(value);
}
