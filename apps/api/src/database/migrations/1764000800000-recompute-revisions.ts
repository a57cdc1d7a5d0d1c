import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 'recompute' revisions: the nightly job refreshing formulas that depend on today's date. */
export class RecomputeRevisions1764000800000 implements MigrationInterface {
  name = 'RecomputeRevisions1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_action_check;
      ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_action_check
        CHECK (action IN ('create', 'update', 'delete', 'restore', 'revert', 'migrate', 'recompute'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_action_check;
      ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_action_check
        CHECK (action IN ('create', 'update', 'delete', 'restore', 'revert', 'migrate'));
    `);
  }
}
