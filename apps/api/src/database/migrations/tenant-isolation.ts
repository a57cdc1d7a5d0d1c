import type { QueryRunner } from 'typeorm';

/** Row-level security on a tenant table: rows of the tenant set by `app.tenant_id` only. */
export async function enableTenantIsolation(q: QueryRunner, table: string, column = 'tenant_id'): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await q.query(
    `CREATE POLICY tenant_isolation ON ${table} USING (${column} = credo_current_tenant()) WITH CHECK (${column} = credo_current_tenant())`,
  );
}
