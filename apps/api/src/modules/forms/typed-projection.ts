import type { FieldDefinition, FormDefinition, StorageKind } from '@credo/form-engine';
import type { Sql } from '../../database/tenant-database.js';
import { storageOf } from '../records/record-query.js';

/**
 * Typed projections (migration 1764500000000): a form whose settings say `typedProjection: true`
 * (every scalar field) or list fields gets a table `credo_proj.f_<form id>` with one typed column
 * per field, maintained by triggers on `records` in the writer's transaction. Reports read it
 * instead of extracting JSONB (PERFORMANCE.md T11).
 */

export interface ProjectedColumn {
  field: string;
  type: ProjectionType;
}

export type ProjectionType = 'text' | 'uuid' | 'numeric' | 'bigint' | 'double precision' | 'boolean' | 'date' | 'timestamptz';

/** SQL column type per storage kind; jsonb values (sub-tables, multi-selects, files) are not projected. */
const COLUMN_TYPE: Record<StorageKind, ProjectionType | null> = {
  text: 'text',
  uuid: 'uuid',
  numeric: 'numeric',
  integer: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: null,
};

/** Column names the projection itself uses. */
const RESERVED = new Set(['tenant_id', 'id']);

/** The projection's columns for a definition (empty: the form does not opt in). */
export function planTypedProjection(definition: FormDefinition): ProjectedColumn[] {
  const setting = definition.settings?.typedProjection;
  if (!setting) return [];
  const wanted = Array.isArray(setting) ? new Set(setting) : null;
  const columns: ProjectedColumn[] = [];
  for (const field of definition.fields as FieldDefinition[]) {
    if (field.archived || RESERVED.has(field.key)) continue;
    if (wanted && !wanted.has(field.key)) continue;
    const type = COLUMN_TYPE[storageOf(field)];
    if (type) columns.push({ field: field.key, type });
  }
  return columns;
}

/**
 * Creates, rebuilds (column set changed) or drops the form's projection inside the caller's tenant
 * transaction, backfilled from the live records. Returns what happened: created, rebuilt,
 * unchanged, dropped or none.
 */
export async function ensureTypedProjection(sql: Sql, formId: string, definition: FormDefinition): Promise<string> {
  const columns = planTypedProjection(definition);
  const row = await sql.one<{ result: string }>('SELECT credo_projection_ensure($1::uuid, $2::jsonb) AS result', [formId, JSON.stringify(columns)]);
  return row!.result;
}

export interface TypedProjection {
  /** Schema-qualified table name (checked: credo_proj.f_<32 hex>). */
  table: string;
  columns: Map<string, ProjectionType>;
}

const TABLE_NAME = /^credo_proj\.f_[0-9a-f]{32}$/;

/** The current tenant's projection of the form with this key, if it has one. */
export async function typedProjectionOf(sql: Sql, formKey: string): Promise<TypedProjection | null> {
  const row = await sql.one<{ table_name: string; columns: ProjectedColumn[] }>(
    `SELECT p.table_name, p.columns FROM form_projections p JOIN forms f ON f.tenant_id = p.tenant_id AND f.id = p.form_id
     WHERE f.key = $1 AND p.tenant_id = credo_current_tenant()`,
    [formKey],
  );
  if (!row || !TABLE_NAME.test(row.table_name)) return null;
  return { table: row.table_name, columns: new Map(row.columns.map((c) => [c.field, c.type])) };
}

/** True when the projection has every named field with the given SQL type. */
export function projectionCovers(projection: TypedProjection, needed: Record<string, ProjectionType>): boolean {
  return Object.entries(needed).every(([field, type]) => projection.columns.get(field) === type);
}
