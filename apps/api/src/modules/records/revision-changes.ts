import type { RecordChanges } from './record-diff.js';

/**
 * A revision's field changes. A 'create' revision may store none (NULL: bulk imports write the
 * data once): a create's changes are every field of its data, as `{to: value}` — what a single
 * create stores (and what credo_create_changes gives in SQL).
 */
export function revisionChanges(row: { changes: RecordChanges | null; data: Record<string, unknown> }): RecordChanges {
  if (row.changes) return row.changes;
  const changes: RecordChanges = {};
  for (const key of Object.keys(row.data)) changes[key] = { to: row.data[key] };
  return changes;
}
