import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The record-event outbox trigger (as WebhooksLeanOutbox left it), `changes` given by the expression. */
function webhookRevisionsFunction(changes: string): string {
  return `
      CREATE OR REPLACE FUNCTION credo_webhook_revisions() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
        AS $$
        DECLARE
          t uuid;
          n integer;
        BEGIN
          SELECT x.tenant_id INTO t FROM new_revisions x LIMIT 1;
          IF t IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.tenant_id = t AND s.active) THEN
            RETURN NULL;
          END IF;
          INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload)
          SELECT x.tenant_id, gen_random_uuid(), s.id, e.event_id, e.type,
                 jsonb_build_object(
                   'id', e.event_id, 'type', e.type, 'occurredAt', to_jsonb(x.at),
                   'tenant', jsonb_build_object('id', x.tenant_id),
                   'form', jsonb_build_object('key', f.key),
                   'record', jsonb_build_object('id', x.record_id, 'rev', x.rev, 'data', x.data),
                   'changes', ${changes},
                   'actor', CASE WHEN x.actor_id IS NULL THEN NULL ELSE jsonb_build_object('id', x.actor_id) END)
          FROM new_revisions x
          JOIN form_versions v ON v.tenant_id = x.tenant_id AND v.id = x.form_version_id
          JOIN forms f ON f.tenant_id = v.tenant_id AND f.id = v.form_id
          CROSS JOIN LATERAL (SELECT
              md5(x.tenant_id::text || '/' || x.record_id::text || '/' || x.rev::text)::uuid AS event_id,
              CASE x.action WHEN 'create' THEN 'record.created' WHEN 'delete' THEN 'record.deleted'
                            WHEN 'restore' THEN 'record.restored' ELSE 'record.updated' END AS type) e
          JOIN webhook_subscriptions s ON s.tenant_id = x.tenant_id AND s.active AND e.type = ANY (s.events)
                                      AND (s.form_id IS NULL OR s.form_id = v.form_id)
          WHERE x.action IN ('create', 'update', 'delete', 'restore', 'revert');
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n > 0 THEN PERFORM pg_notify('credo_webhooks', ''); END IF;
          RETURN NULL;
        END $$;`;
}

/**
 * A 'create' revision may store `changes` as NULL, meaning "every field of `data`, as {to: value}"
 * (what a create's changes always are): bulk imports then write each record's data once in the
 * revision instead of twice (measured on 100,000 imported customers: the revisions' part of the
 * write went from 1.8 s to 0.9 s of server CPU). Readers expand it (revisionChanges in the
 * records module; credo_create_changes in SQL, used by the webhook outbox so a record.created
 * event carries the same `changes` as before). Other actions keep NOT NULL changes (CHECK).
 */
export class CreateRevisionChanges1764960000000 implements MigrationInterface {
  name = 'CreateRevisionChanges1764960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION credo_create_changes(p_data jsonb) RETURNS jsonb
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT coalesce(jsonb_object_agg(c.key, jsonb_build_object('to', c.value)), '{}'::jsonb) FROM jsonb_each(p_data) c $$;
      ALTER TABLE record_revisions ALTER COLUMN changes DROP NOT NULL,
        ADD CONSTRAINT record_revisions_changes_check CHECK (changes IS NOT NULL OR action = 'create');
      ${webhookRevisionsFunction(`coalesce(x.changes, credo_create_changes(x.data))`)}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE record_revisions SET changes = credo_create_changes(data) WHERE changes IS NULL;
      ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_changes_check, ALTER COLUMN changes SET NOT NULL;
      ${webhookRevisionsFunction('x.changes')}
      DROP FUNCTION credo_create_changes(jsonb);
    `);
  }
}
