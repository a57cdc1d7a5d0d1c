import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-form access rules (who may read/create/update/delete, hidden and read-only fields, own-rows-only). */
export class FormPermissions1764000200000 implements MigrationInterface {
  name = 'FormPermissions1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE forms ADD COLUMN permissions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(permissions) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE forms DROP COLUMN permissions`);
  }
}
