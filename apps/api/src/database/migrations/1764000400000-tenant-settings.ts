import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant policy settings (e.g. the bad-debt provision rates by 账龄 bracket). */
export class TenantSettings1764000400000 implements MigrationInterface {
  name = 'TenantSettings1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN settings`);
  }
}
