import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why an attempt failed, as a code with parameters (see modules/webhooks/webhook-errors.ts), so
 * the delivery log can say it in the reader's language. `error` / `last_error` keep the raw
 * detail (status line, Node error code or message). Rows from before have no code: the API reads
 * one back from the raw text.
 */
export class WebhookErrorCodes1764990000100 implements MigrationInterface {
  name = 'WebhookErrorCodes1764990000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_attempts ADD COLUMN error_code text, ADD COLUMN error_params jsonb;
      ALTER TABLE webhook_deliveries ADD COLUMN last_error_code text, ADD COLUMN last_error_params jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_attempts DROP COLUMN IF EXISTS error_code, DROP COLUMN IF EXISTS error_params;
      ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS last_error_code, DROP COLUMN IF EXISTS last_error_params;
    `);
  }
}
