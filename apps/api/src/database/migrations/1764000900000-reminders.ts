import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/** Which dunning stage was sent for which receivable (no stage is sent twice). */
export class Reminders1764000900000 implements MigrationInterface {
  name = 'Reminders1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reminders_sent (
        tenant_id uuid NOT NULL,
        record_id uuid NOT NULL,
        stage text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        recipient text NOT NULL,
        PRIMARY KEY (tenant_id, record_id, stage)
      );
      ALTER TABLE reminders_sent ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON reminders_sent USING (tenant_id = credo_current_tenant()) WITH CHECK (tenant_id = credo_current_tenant());
      GRANT SELECT, INSERT ON reminders_sent TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS reminders_sent');
  }
}
