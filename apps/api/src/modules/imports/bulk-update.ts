import { AppException } from '../../common/app.exception.js';
import type { Sql } from '../../database/tenant-database.js';
import type { RecordChanges } from '../records/record-diff.js';

/** Rows per UPDATE statement. */
const ROWS_PER_STATEMENT = 1000;

/**
 * Records of one form changed in bulk, as PATCH writes them: each at the revision it was read at
 * gets the new data and version, rev + 1 and an 'update' revision with its changes — many per
 * statement. A record changed by someone else since it was read is not written over: 409
 * imports.concurrent_change (the caller's transaction then rolls back).
 */
export async function updateRecordsWithRevisions(
  sql: Sql,
  form: { id: string; versionId: string },
  userId: string,
  rows: Array<{ id: string; rev: number; data: Record<string, unknown>; changes: RecordChanges }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT);
    const written = await sql.rows<{ id: string }>(
      `WITH v AS (SELECT * FROM unnest($3::uuid[], $4::int[], $5::jsonb[], $6::jsonb[]) AS v(id, rev, data, changes)),
       r AS (
         UPDATE records r SET data = v.data, form_version_id = $2, rev = r.rev + 1, updated_at = now(), updated_by = $7
         FROM v WHERE r.form_id = $1 AND r.id = v.id AND r.rev = v.rev AND r.deleted_at IS NULL
         RETURNING r.tenant_id, r.id, r.rev, r.form_version_id, r.data, v.changes),
       rv AS (
         INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
         SELECT tenant_id, id, rev, 'update', form_version_id, changes, data, $7 FROM r)
       SELECT id FROM r`,
      [
        form.id,
        form.versionId,
        batch.map((r) => r.id),
        batch.map((r) => r.rev),
        batch.map((r) => JSON.stringify(r.data)),
        batch.map((r) => JSON.stringify(r.changes)),
        userId,
      ],
    );
    if (written.length !== batch.length) throw new AppException(409, 'imports.concurrent_change');
  }
}
