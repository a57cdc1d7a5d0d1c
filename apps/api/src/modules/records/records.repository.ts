import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';
import { COUNT_CAP } from '../forms/forms.repository.js';

export interface RecordRow {
  id: string;
  rev: number;
  version_number: number;
  data: Record<string, unknown>;
  created_at: Date;
  created_by: string | null;
  updated_at: Date;
  updated_by: string | null;
}

export interface NewRecord {
  id: string;
  data: Record<string, unknown>;
}

const RETURNING = `r.id, r.rev, r.data, r.created_at, r.created_by, r.updated_at, r.updated_by,
  (SELECT v.number FROM form_versions v WHERE v.tenant_id = r.tenant_id AND v.id = r.form_version_id) AS version_number`;

/** Raw SQL on `records` (no entity hydration: lists are hot paths). */
@Injectable()
export class RecordsRepository {
  /** One multi-row INSERT per call; callers chunk large batches. */
  async insertMany(
    sql: Sql,
    ctx: { tenantId: string; formId: string; versionId: string; userId: string | null },
    records: NewRecord[],
  ): Promise<RecordRow[]> {
    if (!records.length) return [];
    const params: unknown[] = [ctx.tenantId, ctx.formId, ctx.versionId, ctx.userId];
    const values = records.map((record) => {
      params.push(record.id, JSON.stringify(record.data));
      return `($1, $${params.length - 1}, $2, $3, $${params.length}::jsonb, $4, $4)`;
    });
    return sql.rows<RecordRow>(
      `WITH r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         VALUES ${values.join(', ')}
         RETURNING *)
       SELECT ${RETURNING} FROM r`,
      params,
    );
  }

  findById(sql: Sql, formId: string, id: string): Promise<RecordRow | undefined> {
    return sql.one<RecordRow>(`SELECT ${RETURNING} FROM records r WHERE r.form_id = $1 AND r.id = $2 AND r.deleted_at IS NULL`, [formId, id]);
  }

  /** Keyset page, newest first: `WHERE id < cursor ORDER BY id DESC` rides records_form_keyset. */
  page(sql: Sql, formId: string, limit: number, after: string | null): Promise<RecordRow[]> {
    return sql.rows<RecordRow>(
      `SELECT ${RETURNING} FROM records r
       WHERE r.form_id = $1 AND r.deleted_at IS NULL AND ($2::uuid IS NULL OR r.id < $2::uuid)
       ORDER BY r.id DESC LIMIT $3`,
      [formId, after, limit],
    );
  }

  async count(sql: Sql, formId: string): Promise<number> {
    const row = await sql.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM records r WHERE r.form_id = $1 AND r.deleted_at IS NULL LIMIT ${COUNT_CAP + 1}) c`,
      [formId],
    );
    return row?.n ?? 0;
  }

  /** Takes `count` numbers of an auto-number field (rising; gaps only where a transaction failed). */
  async nextNumbers(sql: Sql, formId: string, fieldKey: string, period: string, count: number): Promise<number[]> {
    const row = await sql.one<{ numbers: string[] }>('SELECT credo_next_numbers($1, $2, $3, $4) AS numbers', [formId, fieldKey, period, count]);
    return (row?.numbers ?? []).map(Number);
  }
}
