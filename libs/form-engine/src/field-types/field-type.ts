import type { FieldDefinition, FieldType } from '../types.js';

/** How the API stores, sorts and filters a value (the SQL type its jsonb text is cast to). */
export type StorageKind = 'text' | 'numeric' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamptz' | 'uuid' | 'jsonb';

/** A definition problem found by a field type; `path` is relative to the field (e.g. "/maxLength"). */
export interface FieldDefinitionProblem {
  path: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * One field type: its stored JSON Schema fragment, default widget, storage and filtering, and
 * the definition properties it understands. One file per type, listed in registry.ts.
 */
export interface FieldTypeDefinition {
  readonly type: FieldType;
  readonly label: { readonly 'zh-CN': string; readonly en: string };
  /** Widget id the web uses unless the field names another. */
  readonly widget: string;
  readonly storage: StorageKind;
  /** Filter operators the record list offers for this type. */
  readonly filterOperators: readonly string[];
  /** Sortable in lists (through an expression index when the field is indexed). */
  readonly sortable: boolean;
  /** Value is computed or assigned by the server; clients may not send it. */
  readonly computed: boolean;
  /** Definition properties meaningful for this type, beyond the common ones. */
  readonly props: readonly string[];
  /** JSON Schema (2020-12) fragment of a stored value. */
  schema(field: FieldDefinition): Record<string, unknown>;
  /** Limits the widget can enforce while typing (the server enforces them again). */
  constraints?(field: FieldDefinition): Record<string, unknown>;
  /** Canonical form of a stored value (e.g. USCC uppercased); applied by CompiledForm.complete. */
  normalize?(value: unknown): unknown;
  /** Semantic checks beyond the meta-schema. */
  check?(field: FieldDefinition): FieldDefinitionProblem[];
}

export const COMMON_PROPS = [
  'key',
  'type',
  'label',
  'help',
  'placeholder',
  'widget',
  'required',
  'requiredIf',
  'visibleIf',
  'readOnly',
  'default',
  'span',
  'unique',
  'indexed',
  'archived',
] as const;

export const TEXT_FILTERS = ['eq', 'ne', 'contains', 'startsWith', 'in', 'empty', 'notEmpty'] as const;
export const NUMBER_FILTERS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'notEmpty'] as const;
export const EXACT_FILTERS = ['eq', 'ne', 'in', 'empty', 'notEmpty'] as const;
