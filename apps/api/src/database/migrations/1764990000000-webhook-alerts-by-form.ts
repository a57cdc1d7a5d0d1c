import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert.raised trigger (credo_webhook_alerts, 1764100000000-webhooks) looks up the records
 * its rule results are about by (tenant_id, id). Since `records` is LIST-partitioned by form_id
 * (1764910000000-records-by-form) that look-up probes every form's partition. A rule result names
 * its rule-set version, and a rule-set version names its form: the trigger now reads the forms of
 * the statement's results first and restricts the look-up to `form_id = ANY (forms)`, which the
 * planner prunes to those partitions (at plan time for a custom plan, at executor start for a
 * generic one). Same events, same order; only the partitions read change.
 */
function alertDeliveries(raised: string, pruned: boolean, messages: boolean): string {
  return `WITH raised AS (${raised}),
          ev AS (
            SELECT gen_random_uuid() AS event_id, x.tenant_id, x.record_id, x.alert, x.ord, r.rev, r.data, r.form_id, f.key AS form_key
            FROM raised x
            JOIN records r ON r.tenant_id = x.tenant_id AND r.id = x.record_id AND r.deleted_at IS NULL${pruned ? ' AND r.form_id = ANY (result_forms)' : ''}
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
                                               'message', ev.alert -> 'message', 'rule', ev.alert -> 'rule')${
                                                 // 1765000000000-alert-messages: the message in each language the rule gives.
                                                 messages ? ` || jsonb_strip_nulls(jsonb_build_object('messages', ev.alert -> 'messages'))` : ''
                                               })
          FROM ev
          JOIN webhook_subscriptions s ON s.tenant_id = ev.tenant_id AND s.active AND 'alert.raised' = ANY (s.events)
                                      AND (s.form_id IS NULL OR s.form_id = ev.form_id)
          ORDER BY ev.record_id, ev.ord, s.id;`;
}

export function alertsFunction(pruned: boolean, messages = false): string {
  return `
    CREATE OR REPLACE FUNCTION credo_webhook_alerts() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
      AS $$
      DECLARE
        t uuid;
        n integer;
        ${pruned ? 'result_forms uuid[];' : ''}
      BEGIN
        SELECT x.tenant_id INTO t FROM new_results x LIMIT 1;
        IF t IS NULL OR NOT EXISTS (
          SELECT 1 FROM webhook_subscriptions s WHERE s.tenant_id = t AND s.active AND 'alert.raised' = ANY (s.events)
        ) THEN
          RETURN NULL;
        END IF;
        ${
          pruned
            ? `-- The forms of the records these results are about (a statement writes one form's results).
        SELECT array_agg(DISTINCT v.form_id) INTO result_forms FROM rule_set_versions v
          WHERE (v.tenant_id, v.id) IN (SELECT DISTINCT x.tenant_id, x.rule_version_id FROM new_results x);`
            : ''
        }
        IF TG_OP = 'INSERT' THEN
          ${alertDeliveries(
            `SELECT x.tenant_id, x.record_id, a.value AS alert, a.ord FROM new_results x
            CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.alerts) = 'array' THEN x.alerts ELSE '[]' END)
              WITH ORDINALITY AS a(value, ord)`,
            pruned,
            messages,
          )}
        ELSE
          ${alertDeliveries(
            `SELECT x.tenant_id, x.record_id, a.value AS alert, a.ord FROM new_results x
            JOIN old_results o ON o.tenant_id = x.tenant_id AND o.record_id = x.record_id
            CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.alerts) = 'array' THEN x.alerts ELSE '[]' END)
              WITH ORDINALITY AS a(value, ord)
            WHERE NOT (CASE WHEN jsonb_typeof(o.alerts) = 'array' THEN o.alerts ELSE '[]' END
                       @> jsonb_build_array(jsonb_build_object('code', a.value -> 'code')))`,
            pruned,
            messages,
          )}
        END IF;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n > 0 THEN PERFORM pg_notify('credo_webhooks', ''); END IF;
        RETURN NULL;
      END $$;
    REVOKE ALL ON FUNCTION credo_webhook_alerts() FROM PUBLIC;
  `;
}

export class WebhookAlertsByForm1764990000000 implements MigrationInterface {
  name = 'WebhookAlertsByForm1764990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(alertsFunction(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(alertsFunction(false));
  }
}
