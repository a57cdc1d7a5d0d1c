import { Injectable } from '@nestjs/common';
import { from as copyFrom } from 'pg-copy-streams';
import type { Sql } from '../../database/tenant-database.js';
import { pgClientOf } from '../imports/pg-client.js';

export interface RuleFormRow {
  form_id: string;
  rules_draft: unknown;
  rules_version_id: string | null;
  version_number: number | null;
  document: unknown;
}

export interface RuleResultRow {
  record_id: string;
  rule_version_id: string;
  number: number;
  as_of: string;
  vals: Record<string, unknown>;
  alerts: unknown[];
  /** Compact (see CompactExplanation), or the whole document for results stored before. */
  explanation: unknown;
  computed_at: Date;
  /** The record's data (only with the explanation, which is rebuilt from it). */
  data?: Record<string, unknown> | null;
}

@Injectable()
export class RulesRepository {
  forForm(sql: Sql, formId: string): Promise<RuleFormRow | undefined> {
    return sql.one<RuleFormRow>(
      `SELECT f.id AS form_id, f.rules_draft, f.rules_version_id, v.number AS version_number, v.document
       FROM forms f LEFT JOIN rule_set_versions v ON v.tenant_id = f.tenant_id AND v.id = f.rules_version_id
       WHERE f.id = $1`,
      [formId],
    );
  }

  /** The published rule set of a form, if any (version id and number only: documents are cached). */
  current(sql: Sql, formId: string): Promise<{ id: string; number: number } | undefined> {
    return sql.prepared<{ id: string; number: number }>(
      `SELECT v.id, v.number FROM forms f JOIN rule_set_versions v ON v.tenant_id = f.tenant_id AND v.id = f.rules_version_id WHERE f.id = $1`,
      [formId],
    ).then((rows) => rows[0]);
  }

  async document(sql: Sql, versionId: string): Promise<unknown> {
    return (await sql.one<{ document: unknown }>('SELECT document FROM rule_set_versions WHERE id = $1', [versionId]))?.document;
  }

  async saveDraft(sql: Sql, formId: string, draft: unknown): Promise<void> {
    await sql.rows('UPDATE forms SET rules_draft = $2, updated_at = now() WHERE id = $1', [formId, JSON.stringify(draft)]);
  }

  async publish(sql: Sql, input: { tenantId: string; id: string; formId: string; number: number; document: unknown; userId: string }): Promise<void> {
    await sql.rows(
      `INSERT INTO rule_set_versions (tenant_id, id, form_id, number, document, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [input.tenantId, input.id, input.formId, input.number, JSON.stringify(input.document), input.userId],
    );
    await sql.rows('UPDATE forms SET rules_version_id = $2, updated_at = now() WHERE id = $1', [input.formId, input.id]);
  }

  versions(sql: Sql, formId: string) {
    return sql.rows<{ id: string; number: number; created_at: Date; created_by_email: string | null }>(
      `SELECT v.id, v.number, v.created_at, u.email AS created_by_email FROM rule_set_versions v
       LEFT JOIN users u ON u.tenant_id = v.tenant_id AND u.id = v.created_by
       WHERE v.form_id = $1 ORDER BY v.number DESC`,
      [formId],
    );
  }

  /** Stores (replaces) the current rule result of records, in one statement per batch. */
  async saveResults(
    sql: Sql,
    versionId: string,
    asOf: string,
    results: Array<{ recordId: string; values: unknown; alerts: unknown; explanation: unknown }>,
  ): Promise<void> {
    if (!results.length) return;
    await sql.rows(
      `INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
       SELECT credo_current_tenant(), x.record_id, $2, $3::date, x.vals, x.alerts, x.explanation
       FROM jsonb_to_recordset($1::jsonb) AS x(record_id uuid, vals jsonb, alerts jsonb, explanation jsonb)
       ON CONFLICT (tenant_id, record_id) DO UPDATE
         SET rule_version_id = EXCLUDED.rule_version_id, as_of = EXCLUDED.as_of, vals = EXCLUDED.vals,
             alerts = EXCLUDED.alerts, explanation = EXCLUDED.explanation, computed_at = now()`,
      [JSON.stringify(results.map((r) => ({ record_id: r.recordId, vals: r.values, alerts: r.alerts, explanation: r.explanation }))), versionId, asOf],
    );
  }

  /**
   * Bulk counterpart of saveResults (imports): COPY (as text, parsed once by the insert) into a
   * transaction-scoped staging table, then one INSERT … SELECT (upsert on the record). `staged`
   * notes that this transaction has the staging table. Falls back to saveResults when the
   * connection behind `sql` cannot be reached.
   */
  async saveResultsByCopy(
    sql: Sql,
    versionId: string,
    asOf: string,
    results: Array<{ recordId: string; values: unknown; alerts: unknown; explanation: unknown }>,
    staged: { rules?: boolean },
  ): Promise<void> {
    if (!results.length) return;
    const client = pgClientOf(sql);
    if (!client) return this.saveResults(sql, versionId, asOf, results);
    let text = '';
    for (const r of results) {
      text += `${r.recordId}\t${JSON.stringify(r.values).replace(/\\/g, '\\\\')}\t${JSON.stringify(r.alerts).replace(/\\/g, '\\\\')}\t${JSON.stringify(r.explanation).replace(/\\/g, '\\\\')}\n`;
    }
    if (!staged.rules) {
      await sql.rows('CREATE TEMP TABLE IF NOT EXISTS credo_import_rules_stage (record_id uuid NOT NULL, vals text NOT NULL, alerts text NOT NULL, explanation text NOT NULL) ON COMMIT DROP');
      staged.rules = true;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom('COPY pg_temp.credo_import_rules_stage (record_id, vals, alerts, explanation) FROM STDIN'));
      stream.on('error', reject);
      stream.on('finish', () => resolve());
      stream.end(text);
    });
    await sql.rows(
      `INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
       SELECT credo_current_tenant(), s.record_id, $1::uuid, $2::date, s.vals::jsonb, s.alerts::jsonb, s.explanation::jsonb FROM pg_temp.credo_import_rules_stage s
       ON CONFLICT (tenant_id, record_id) DO UPDATE
         SET rule_version_id = EXCLUDED.rule_version_id, as_of = EXCLUDED.as_of, vals = EXCLUDED.vals,
             alerts = EXCLUDED.alerts, explanation = EXCLUDED.explanation, computed_at = now()`,
      [versionId, asOf],
    );
    await sql.rows('TRUNCATE pg_temp.credo_import_rules_stage');
  }

  results(sql: Sql, recordIds: string[], withExplanation: boolean): Promise<RuleResultRow[]> {
    return sql.rows<RuleResultRow>(
      `SELECT x.record_id, x.rule_version_id, v.number, to_char(x.as_of, 'YYYY-MM-DD') AS as_of, x.vals, x.alerts,
              ${withExplanation ? 'x.explanation, (SELECT r.data FROM records_t r WHERE r.form_id = v.form_id AND r.tenant_id = x.tenant_id AND r.id = x.record_id) AS data' : 'NULL::jsonb AS explanation'}, x.computed_at
       FROM record_rule_results x JOIN rule_set_versions v ON v.tenant_id = x.tenant_id AND v.id = x.rule_version_id
       WHERE x.record_id = ANY($1::uuid[])`,
      [recordIds],
    );
  }

  /** The data of each revision of a record, newest first (the data a stored rule result was evaluated on). */
  async revisionData(sql: Sql, recordId: string): Promise<Array<Record<string, unknown>>> {
    const rows = await sql.rows<{ data: Record<string, unknown> }>('SELECT data FROM record_revisions WHERE tenant_id = credo_current_tenant() AND record_id = $1 ORDER BY rev DESC', [recordId]);
    return rows.map((r) => r.data);
  }

  /** Every live record of a form, in id order, a batch at a time (re-evaluation, impact preview). */
  batch(sql: Sql, formId: string, afterId: string | null, limit: number) {
    return sql.rows<{ id: string; rev: number; data: Record<string, unknown> }>(
      `SELECT r.id, r.rev, r.data FROM records_t r WHERE r.form_id = $1 AND r.deleted_at IS NULL AND ($2::uuid IS NULL OR r.id > $2::uuid)
       ORDER BY r.id LIMIT $3`,
      [formId, afterId, limit],
    );
  }

  record(sql: Sql, formId: string, id: string) {
    return sql.one<{ id: string; data: Record<string, unknown> }>(
      'SELECT r.id, r.data FROM records_t r WHERE r.form_id = $1 AND r.id = $2::uuid AND r.deleted_at IS NULL',
      [formId, id],
    );
  }

  recordsByIds(sql: Sql, formId: string, ids: string[]) {
    return sql.rows<{ id: string; data: Record<string, unknown> }>(
      'SELECT r.id, r.data FROM records_t r WHERE r.form_id = $1 AND r.id = ANY($2::uuid[]) AND r.deleted_at IS NULL ORDER BY r.id',
      [formId, ids],
    );
  }

  storedValues(sql: Sql, recordIds: string[]) {
    return sql.rows<{ record_id: string; vals: Record<string, unknown>; alerts: Array<{ code: string }> }>(
      'SELECT record_id, vals, alerts FROM record_rule_results WHERE record_id = ANY($1::uuid[])',
      [recordIds],
    );
  }
}
