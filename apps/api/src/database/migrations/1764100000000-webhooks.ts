import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Webhooks: subscriptions per tenant (one form or all), a transactional outbox of deliveries and
 * the log of every attempt.
 *
 * Events are written by triggers in the transaction of the record write itself, so an event
 * exists if and only if the write committed (a rolled-back create leaves no delivery). The
 * triggers are statement-level with transition tables: one cheap indexed EXISTS per statement
 * (`webhook_subscriptions_active`) when no subscription is active, however many rows the
 * statement wrote. pg_notify (sent at commit only) wakes the dispatcher.
 *
 * - record_revisions INSERT → record.created / record.updated / record.deleted / record.restored
 *   (a revert is an update; form migrations and nightly recomputes are not events).
 * - record_rule_results INSERT/UPDATE → alert.raised for every alert code that was not raised
 *   before for that record.
 */
/** The outbox rows of the alerts that `raised` (tenant_id, record_id, alert, ord) selects. */
function alertDeliveries(raised: string): string {
  return `WITH raised AS (${raised}),
          ev AS (
            SELECT gen_random_uuid() AS event_id, x.tenant_id, x.record_id, x.alert, x.ord, r.rev, r.data, r.form_id, f.key AS form_key
            FROM raised x
            JOIN records r ON r.tenant_id = x.tenant_id AND r.id = x.record_id AND r.deleted_at IS NULL
            JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id
          )
          INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload)
          SELECT ev.tenant_id, gen_random_uuid(), s.id, ev.event_id, 'alert.raised',
                 jsonb_build_object(
                   'id', ev.event_id, 'type', 'alert.raised', 'occurredAt', to_jsonb(now()),
                   'tenant', jsonb_build_object('id', ev.tenant_id),
                   'form', jsonb_build_object('key', ev.form_key),
                   'record', jsonb_build_object('id', ev.record_id, 'rev', ev.rev, 'data', ev.data),
                   'alert', jsonb_build_object('code', ev.alert -> 'code', 'level', ev.alert -> 'severity',
                                               'message', ev.alert -> 'message', 'rule', ev.alert -> 'rule'))
          FROM ev
          JOIN webhook_subscriptions s ON s.tenant_id = ev.tenant_id AND s.active AND 'alert.raised' = ANY (s.events)
                                      AND (s.form_id IS NULL OR s.form_id = ev.form_id)
          ORDER BY ev.record_id, ev.ord, s.id;`;
}

export class Webhooks1764100000000 implements MigrationInterface {
  name = 'Webhooks1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
        events text[] NOT NULL CHECK (cardinality(events) > 0
          AND events <@ ARRAY['record.created', 'record.updated', 'record.deleted', 'record.restored', 'alert.raised']),
        form_id uuid,
        active boolean NOT NULL DEFAULT true,
        -- AES-256-GCM: iv (12) | tag (16) | ciphertext. The server must sign, so it cannot only hash.
        secret_enc bytea NOT NULL,
        secret_prefix text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (tenant_id) WHERE active;

      CREATE TABLE webhook_deliveries (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id uuid NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'queued', 'sending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz DEFAULT now(),
        claimed_at timestamptz,
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        redelivery_of uuid,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (claimed_at) WHERE status IN ('queued', 'sending');
      CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, subscription_id, seq DESC);

      CREATE TABLE webhook_attempts (
        tenant_id uuid NOT NULL,
        delivery_id uuid NOT NULL,
        attempt integer NOT NULL CHECK (attempt > 0),
        at timestamptz NOT NULL DEFAULT now(),
        status_code integer,
        duration_ms integer NOT NULL,
        error text,
        response text,
        PRIMARY KEY (tenant_id, delivery_id, attempt),
        FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
      );
    `);
    for (const table of ['webhook_subscriptions', 'webhook_deliveries', 'webhook_attempts']) await enableTenantIsolation(q, table);
    await q.query(`
      GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_subscriptions TO ${APP_ROLE};
      GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO ${APP_ROLE};
      GRANT SELECT, INSERT ON webhook_attempts TO ${APP_ROLE};

      -- Definer functions: they write the outbox for the tenant of the rows being written (one
      -- statement writes one tenant's rows: the app role is confined to it by row-level security).
      CREATE FUNCTION credo_webhook_revisions() RETURNS trigger
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
          WITH ev AS (
            SELECT gen_random_uuid() AS event_id, x.tenant_id, x.record_id, x.rev, x.changes, x.data, x.actor_id, x.at,
                   r.form_id, f.key AS form_key,
                   CASE x.action WHEN 'create' THEN 'record.created' WHEN 'delete' THEN 'record.deleted'
                                 WHEN 'restore' THEN 'record.restored' ELSE 'record.updated' END AS type
            FROM new_revisions x
            JOIN records r ON r.tenant_id = x.tenant_id AND r.id = x.record_id
            JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id
            WHERE x.action IN ('create', 'update', 'delete', 'restore', 'revert')
          )
          INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload)
          SELECT ev.tenant_id, gen_random_uuid(), s.id, ev.event_id, ev.type,
                 jsonb_build_object(
                   'id', ev.event_id, 'type', ev.type, 'occurredAt', to_jsonb(ev.at),
                   'tenant', jsonb_build_object('id', ev.tenant_id),
                   'form', jsonb_build_object('key', ev.form_key),
                   'record', jsonb_build_object('id', ev.record_id, 'rev', ev.rev, 'data', ev.data),
                   'changes', ev.changes,
                   'actor', CASE WHEN ev.actor_id IS NULL THEN NULL ELSE jsonb_build_object('id', ev.actor_id) END)
          FROM ev
          JOIN webhook_subscriptions s ON s.tenant_id = ev.tenant_id AND s.active AND ev.type = ANY (s.events)
                                      AND (s.form_id IS NULL OR s.form_id = ev.form_id)
          ORDER BY ev.at, ev.record_id, ev.rev, s.id;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n > 0 THEN PERFORM pg_notify('credo_webhooks', ''); END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER webhook_events AFTER INSERT ON record_revisions
        REFERENCING NEW TABLE AS new_revisions FOR EACH STATEMENT EXECUTE FUNCTION credo_webhook_revisions();

      CREATE FUNCTION credo_webhook_alerts() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
        AS $$
        DECLARE
          t uuid;
          n integer;
        BEGIN
          SELECT x.tenant_id INTO t FROM new_results x LIMIT 1;
          IF t IS NULL OR NOT EXISTS (
            SELECT 1 FROM webhook_subscriptions s WHERE s.tenant_id = t AND s.active AND 'alert.raised' = ANY (s.events)
          ) THEN
            RETURN NULL;
          END IF;
          IF TG_OP = 'INSERT' THEN
            ${alertDeliveries(`SELECT x.tenant_id, x.record_id, a.value AS alert, a.ord FROM new_results x
              CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.alerts) = 'array' THEN x.alerts ELSE '[]' END)
                WITH ORDINALITY AS a(value, ord)`)}
          ELSE
            ${alertDeliveries(`SELECT x.tenant_id, x.record_id, a.value AS alert, a.ord FROM new_results x
              JOIN old_results o ON o.tenant_id = x.tenant_id AND o.record_id = x.record_id
              CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.alerts) = 'array' THEN x.alerts ELSE '[]' END)
                WITH ORDINALITY AS a(value, ord)
              WHERE NOT (CASE WHEN jsonb_typeof(o.alerts) = 'array' THEN o.alerts ELSE '[]' END
                         @> jsonb_build_array(jsonb_build_object('code', a.value -> 'code')))`)}
          END IF;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n > 0 THEN PERFORM pg_notify('credo_webhooks', ''); END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER webhook_alerts_insert AFTER INSERT ON record_rule_results
        REFERENCING NEW TABLE AS new_results FOR EACH STATEMENT EXECUTE FUNCTION credo_webhook_alerts();
      CREATE TRIGGER webhook_alerts_update AFTER UPDATE ON record_rule_results
        REFERENCING OLD TABLE AS old_results NEW TABLE AS new_results FOR EACH STATEMENT EXECUTE FUNCTION credo_webhook_alerts();
      REVOKE ALL ON FUNCTION credo_webhook_revisions(), credo_webhook_alerts() FROM PUBLIC;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS webhook_events ON record_revisions;
      DROP TRIGGER IF EXISTS webhook_alerts_insert ON record_rule_results;
      DROP TRIGGER IF EXISTS webhook_alerts_update ON record_rule_results;
      DROP FUNCTION IF EXISTS credo_webhook_revisions(), credo_webhook_alerts();
      DROP TABLE IF EXISTS webhook_attempts, webhook_deliveries, webhook_subscriptions;
    `);
  }
}
