import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

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
      GRANT SELECT, INSERT ON reminders_sent TO ${APP_ROLE};
    `);
    await enableTenantIsolation(q, 'reminders_sent');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS reminders_sent');
  }
}
