import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export interface FormRow {
  id: string;
  key: string;
  title: unknown;
  updated_at: Date;
  archived_at: Date | null;
  version_id: string | null;
  version_number: number | null;
  definition: unknown;
  schema: unknown;
  ui: unknown;
  published_at: Date | null;
  permissions: Record<string, unknown>;
  draft: unknown;
  draft_updated_at: Date | null;
}

const FORM_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const META_SELECT = `SELECT f.id, f.archived_at, f.permissions, f.current_version_id AS version_id, v.number AS version_number,
    f.rules_version_id, rv.number AS rules_version_number
  FROM forms f LEFT JOIN form_versions v ON v.tenant_id = f.tenant_id AND v.id = f.current_version_id
  LEFT JOIN rule_set_versions rv ON rv.tenant_id = f.tenant_id AND rv.id = f.rules_version_id`;

export interface FormMetaRow {
  id: string;
  archived_at: Date | null;
  permissions: Record<string, unknown>;
  version_id: string | null;
  version_number: number | null;
  rules_version_id: string | null;
  rules_version_number: number | null;
}

export interface FormListRow {
  key: string;
  title: unknown;
  version_number: number | null;
  updated_at: Date;
  record_count: number;
}

/** Counting past this is not worth a scan; the API reports "10,000+" instead. */
export const COUNT_CAP = 10_000;

@Injectable()
export class FormsRepository {
  findByKey(sql: Sql, key: string): Promise<FormRow | undefined> {
    return sql.one<FormRow>(
      `SELECT f.id, f.key, f.title, f.updated_at, f.archived_at, f.permissions, f.draft, f.draft_updated_at,
              v.id AS version_id, v.number AS version_number, v.definition, v.schema, v.ui, v.created_at AS published_at
       FROM forms f LEFT JOIN form_versions v ON v.tenant_id = f.tenant_id AND v.id = f.current_version_id
       WHERE f.key = $1`,
      [key],
    );
  }

  /**
   * What a record request needs of its form, without the (large) definition: the compiled
   * version comes from the cache. Writers read it under the form's shared advisory lock (see
   * TenantDatabase.run), so a publish waits for them and they wait for a publish.
   */
  findMetaByKey(sql: Sql, key: string): Promise<FormMetaRow | undefined> {
    return sql.one<FormMetaRow>(`${META_SELECT} WHERE f.key = $1`, [key]);
  }

  /** The same query with the key inlined, to ride along with BEGIN; null for a key that is not a form key. */
  metaSqlForKey(key: string): string | null {
    return FORM_KEY.test(key) ? `${META_SELECT} WHERE f.key = '${key}'` : null;
  }

  async versionDefinition(sql: Sql, versionId: string): Promise<unknown> {
    return (await sql.one<{ definition: unknown }>('SELECT definition FROM form_versions WHERE id = $1', [versionId]))?.definition;
  }

  list(sql: Sql): Promise<FormListRow[]> {
    return sql.rows<FormListRow>(
      `SELECT f.key, f.title, v.number AS version_number, f.updated_at,
              (SELECT count(*)::int FROM (SELECT 1 FROM records r
                 WHERE r.tenant_id = f.tenant_id AND r.form_id = f.id AND r.deleted_at IS NULL LIMIT ${COUNT_CAP + 1}) c) AS record_count
       FROM forms f LEFT JOIN form_versions v ON v.tenant_id = f.tenant_id AND v.id = f.current_version_id
       WHERE f.archived_at IS NULL
       ORDER BY f.created_at, f.id`,
    );
  }

  async insertDraftForm(sql: Sql, input: { tenantId: string; formId: string; key: string; title: unknown; draft: unknown }): Promise<void> {
    await sql.rows(
      `INSERT INTO forms (tenant_id, id, key, title, draft, draft_updated_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [input.tenantId, input.formId, input.key, JSON.stringify(input.title), JSON.stringify(input.draft)],
    );
  }

  async saveDraft(sql: Sql, formId: string, draft: unknown): Promise<void> {
    await sql.rows('UPDATE forms SET draft = $2, draft_updated_at = now(), updated_at = now() WHERE id = $1', [formId, JSON.stringify(draft)]);
  }

  /** Exclusive form lock: waits for in-flight record writes, holds new ones until commit. */
  async lockForPublish(sql: Sql, key: bigint): Promise<void> {
    await sql.rows('SELECT pg_advisory_xact_lock($1::bigint)', [key.toString()]);
  }

  async insertVersion(
    sql: Sql,
    input: { tenantId: string; formId: string; versionId: string; number: number; definition: unknown; schema: unknown; ui: unknown; changes: unknown; userId: string },
  ): Promise<void> {
    await sql.rows(
      `INSERT INTO form_versions (tenant_id, id, form_id, number, definition, schema, ui, changes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [input.tenantId, input.versionId, input.formId, input.number, JSON.stringify(input.definition), JSON.stringify(input.schema), JSON.stringify(input.ui), JSON.stringify(input.changes), input.userId],
    );
    await sql.rows(
      `UPDATE forms SET current_version_id = $2, title = $3, draft = $4, draft_updated_at = now(), updated_at = now() WHERE id = $1`,
      [input.formId, input.versionId, JSON.stringify((input.definition as { title: unknown }).title), JSON.stringify(input.definition)],
    );
  }

  versions(sql: Sql, formId: string) {
    return sql.rows<{ id: string; number: number; created_at: Date; created_by: string | null; created_by_email: string | null; changes: unknown; field_count: number }>(
      `SELECT v.id, v.number, v.created_at, v.created_by, u.email AS created_by_email, v.changes,
              jsonb_array_length(v.definition->'fields') AS field_count
       FROM form_versions v LEFT JOIN users u ON u.tenant_id = v.tenant_id AND u.id = v.created_by
       WHERE v.form_id = $1 ORDER BY v.number DESC`,
      [formId],
    );
  }

  async archive(sql: Sql, formId: string): Promise<void> {
    await sql.rows('UPDATE forms SET archived_at = now(), updated_at = now() WHERE id = $1', [formId]);
  }

  async setPermissions(sql: Sql, formId: string, permissions: unknown): Promise<void> {
    await sql.rows('UPDATE forms SET permissions = $2, updated_at = now() WHERE id = $1', [formId, JSON.stringify(permissions)]);
  }

  async insertPublished(
    sql: Sql,
    input: { tenantId: string; formId: string; versionId: string; key: string; title: unknown; definition: unknown; schema: unknown; ui: unknown; userId: string | null },
  ): Promise<void> {
    await sql.rows(
      `INSERT INTO forms (tenant_id, id, key, title, current_version_id) VALUES ($1, $2, $3, $4, $5)`,
      [input.tenantId, input.formId, input.key, JSON.stringify(input.title), input.versionId],
    );
    await sql.rows(
      `INSERT INTO form_versions (tenant_id, id, form_id, number, definition, schema, ui, created_by) VALUES ($1, $2, $3, 1, $4, $5, $6, $7)`,
      [input.tenantId, input.versionId, input.formId, JSON.stringify(input.definition), JSON.stringify(input.schema), JSON.stringify(input.ui), input.userId],
    );
  }
}
