import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Form drafts (edited until published) and 'migrate' revisions written when a publish moves records. */
export class FormDrafts1764000300000 implements MigrationInterface {
  name = 'FormDrafts1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE forms ADD COLUMN draft jsonb, ADD COLUMN draft_updated_at timestamptz;
      ALTER TABLE form_versions ADD COLUMN changes jsonb NOT NULL DEFAULT '[]'::jsonb;
      ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_action_check;
      ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_action_check
        CHECK (action IN ('create', 'update', 'delete', 'restore', 'revert', 'migrate'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_action_check;
      ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_action_check
        CHECK (action IN ('create', 'update', 'delete', 'restore', 'revert'));
      ALTER TABLE form_versions DROP COLUMN changes;
      ALTER TABLE forms DROP COLUMN draft, DROP COLUMN draft_updated_at;
    `);
  }
}
