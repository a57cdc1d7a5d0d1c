import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-webhook, per-record ordering of deliveries: the dispatcher claims a delivery only when no
 * earlier delivery (lower seq) of the same webhook for the same record is still open (pending,
 * queued or sending). This partial index over open deliveries keyed by (webhook, record, seq)
 * makes that NOT EXISTS probe an index lookup; it stays small because finished deliveries leave it.
 */
export class WebhookOrdering1764940000000 implements MigrationInterface {
  name = 'WebhookOrdering1764940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX webhook_deliveries_open_by_record
        ON webhook_deliveries (tenant_id, subscription_id, ((payload -> 'record' ->> 'id')), seq)
        WHERE status IN ('pending', 'queued', 'sending');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS webhook_deliveries_open_by_record');
  }
}
