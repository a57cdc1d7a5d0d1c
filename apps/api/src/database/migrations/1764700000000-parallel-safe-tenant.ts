import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `credo_current_tenant()` was created without a parallel label, so PostgreSQL took it as
 * PARALLEL UNSAFE, and every statement that reads a table under the tenant policy (or records_t)
 * was planned without parallel workers: a report scanning a million receivables ran in one
 * process where a hand-written query over a typed table gets a worker (PERFORMANCE.md T11). It only
 * reads `app.tenant_id`, and parallel workers start with the leader's settings (transaction-local
 * ones included), so it is parallel safe.
 */
export class ParallelSafeTenant1764700000000 implements MigrationInterface {
  name = 'ParallelSafeTenant1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION credo_current_tenant() PARALLEL SAFE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION credo_current_tenant() PARALLEL UNSAFE`);
  }
}
