import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/**
 * Under row-level security PostgreSQL must apply the tenant policy before any condition that is
 * not leakproof, and `data->>'field'` is not: list filters and keyset sorts then could not
 * search the field's expression index (the bench's T7/T9 showed every deep page reading all
 * earlier rows). Reads of record lists go through this view instead: it belongs to the table
 * owner, filters by the same per-transaction tenant setting, and is not a security barrier, so
 * the planner may use the index. The app role can only read it; every write still goes to the
 * RLS-protected table.
 */
export class RecordsTenantView1764000700000 implements MigrationInterface {
  name = 'RecordsTenantView1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW records_t AS SELECT * FROM records WHERE tenant_id = credo_current_tenant();
      REVOKE ALL ON records_t FROM PUBLIC;
      GRANT SELECT ON records_t TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS records_t`);
  }
}
