import type { QueryRunner } from 'typeorm';

/**
 * Row-level security on a tenant table: rows of the tenant set by `app.tenant_id` only.
 *
 * The policy calls the STABLE `credo_current_tenant()` directly, not as an initplan
 * `(SELECT credo_current_tenant())`: the planner folds a stable call to its value when it
 * estimates, so it sees the tenant's own row count in the column statistics (a big and a small
 * tenant get different plans, and total=true's estimate is the tenant's). As an initplan it would
 * fall back to 1/n_distinct — tried on `records` and the list estimates went off by more than 2×
 * (test/api/record-lists.test.ts). The per-row cost of the call only shows on full scans; the
 * per-form typed projections, read only by reports that scan them whole, use the initplan form.
 */
export async function enableTenantIsolation(q: QueryRunner, table: string, column = 'tenant_id'): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(
    `CREATE POLICY tenant_isolation ON ${table} USING (${column} = credo_current_tenant()) WITH CHECK (${column} = credo_current_tenant())`,
  );
}
