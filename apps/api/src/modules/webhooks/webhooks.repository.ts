import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';
import type { DeliveryError } from './webhook-errors.js';

export interface WebhookRow {
  id: string;
  url: string;
  description: string;
  events: string[];
  form_key: string | null;
  active: boolean;
  secret_prefix: string;
  created_at: Date;
  created_by: string | null;
  created_by_email: string | null;
  updated_at: Date;
  pending: number;
  delivered: number;
  failed: number;
}

export interface DeliveryRow {
  id: string;
  seq: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_error_code: string | null;
  last_error_params: Record<string, string | number> | null;
  /** The webhook's URL (for reading a code back from errors logged before codes were stored). */
  url: string | null;
  last_duration_ms: number | null;
  created_at: Date;
  delivered_at: Date | null;
  redelivery_of: string | null;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  error_code: string | null;
  error_params: Record<string, string | number> | null;
  response: string | null;
}

/** What the sender needs of a delivery it has claimed. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string | null;
  active: boolean;
  secret_enc: Buffer | null;
}

const COLUMNS = `s.id, s.url, s.description, s.events, f.key AS form_key, s.active, s.secret_prefix, s.created_at, s.created_by,
  u.email AS created_by_email, s.updated_at, n.pending, n.delivered, n.failed`;
const FROM = `webhook_subscriptions s LEFT JOIN forms f ON f.tenant_id = s.tenant_id AND f.id = s.form_id
  LEFT JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.created_by
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.status IN ('pending', 'queued', 'sending'))::int AS pending,
           count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE d.status = 'failed')::int AS failed
    FROM webhook_deliveries d WHERE d.tenant_id = s.tenant_id AND d.subscription_id = s.id) n`;
const DELIVERY_COLUMNS = `d.id, d.seq::text AS seq, d.subscription_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at,
  d.last_status_code, d.last_error, d.last_error_code, d.last_error_params, d.last_duration_ms, d.created_at, d.delivered_at, d.redelivery_of,
  (SELECT s.url FROM webhook_subscriptions s WHERE s.tenant_id = d.tenant_id AND s.id = d.subscription_id) AS url`;

@Injectable()
export class WebhooksRepository {
  async formId(sql: Sql, key: string): Promise<string | undefined> {
    return (await sql.one<{ id: string }>('SELECT id FROM forms WHERE key = $1 AND archived_at IS NULL', [key]))?.id;
  }

  async insert(
    sql: Sql,
    w: { id: string; url: string; description: string; events: string[]; formId: string | null; active: boolean; secret: Buffer; prefix: string; userId: string },
  ): Promise<void> {
    await sql.rows(
      `INSERT INTO webhook_subscriptions (tenant_id, id, url, description, events, form_id, active, secret_enc, secret_prefix, created_by)
       VALUES (credo_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [w.id, w.url, w.description, w.events, w.formId, w.active, w.secret, w.prefix, w.userId],
    );
  }

  list(sql: Sql): Promise<WebhookRow[]> {
    return sql.rows<WebhookRow>(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY s.created_at DESC, s.id DESC LIMIT 1000`);
  }

  get(sql: Sql, id: string, forUpdate = false): Promise<WebhookRow | undefined> {
    return sql.one<WebhookRow>(
      forUpdate ? `SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1 FOR UPDATE OF s` : `SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1`,
      [id],
    );
  }

  async update(sql: Sql, id: string, set: { url?: string; description?: string; events?: string[]; formId?: string | null; active?: boolean; secret?: Buffer; prefix?: string }): Promise<void> {
    const cols: string[] = [];
    const params: unknown[] = [id];
    const add = (col: string, value: unknown) => {
      params.push(value);
      cols.push(`${col} = $${params.length}`);
    };
    if (set.url !== undefined) add('url', set.url);
    if (set.description !== undefined) add('description', set.description);
    if (set.events !== undefined) add('events', set.events);
    if (set.formId !== undefined) add('form_id', set.formId);
    if (set.active !== undefined) add('active', set.active);
    if (set.secret !== undefined) add('secret_enc', set.secret);
    if (set.prefix !== undefined) add('secret_prefix', set.prefix);
    await sql.rows(`UPDATE webhook_subscriptions SET ${cols.join(', ')}, updated_at = now() WHERE id = $1`, params);
  }

  /** The webhook, its deliveries and (by cascade) their attempts. */
  async delete(sql: Sql, id: string): Promise<boolean> {
    await sql.rows('DELETE FROM webhook_deliveries WHERE subscription_id = $1', [id]);
    return (await sql.rows('DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  async insertDelivery(
    sql: Sql,
    d: { id: string; subscriptionId: string; eventId: string; type: string; payload: unknown; redeliveryOf?: string },
  ): Promise<DeliveryRow> {
    const rows = await sql.rows<DeliveryRow>(
      `WITH d AS (
         INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, payload, redelivery_of)
         VALUES (credo_current_tenant(), $1, $2, $3, $4, $5::jsonb, $6) RETURNING *),
       n AS (SELECT pg_notify('credo_webhooks', ''))
       SELECT ${DELIVERY_COLUMNS} FROM d, n`,
      [d.id, d.subscriptionId, d.eventId, d.type, JSON.stringify(d.payload), d.redeliveryOf ?? null],
    );
    return rows[0]!;
  }

  deliveries(sql: Sql, subscriptionId: string, opts: { limit: number; before?: string; status?: string }): Promise<DeliveryRow[]> {
    return sql.rows<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
       WHERE d.subscription_id = $1 AND ($2::bigint IS NULL OR d.seq < $2::bigint) AND ($3::text IS NULL OR d.status = $3)
       ORDER BY d.seq DESC LIMIT $4`,
      [subscriptionId, opts.before ?? null, opts.status ?? null, opts.limit],
    );
  }

  delivery(sql: Sql, subscriptionId: string, id: string): Promise<DeliveryRow | undefined> {
    return sql.one<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.id = $2`, [subscriptionId, id]);
  }

  attempts(sql: Sql, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return Promise.resolve([]);
    return sql.rows<AttemptRow>(
      `SELECT delivery_id, attempt, at, status_code, duration_ms, error, error_code, error_params, response FROM webhook_attempts
       WHERE delivery_id = ANY ($1::uuid[]) ORDER BY delivery_id, attempt`,
      [deliveryIds],
    );
  }

  /**
   * Takes a queued delivery for sending; undefined when another worker has it or it is done.
   * url is null when its webhook was deleted meanwhile (the caller drops the delivery).
   */
  claim(sql: Sql, id: string): Promise<ClaimedDelivery | undefined> {
    return sql.one<ClaimedDelivery>(
      `WITH d AS (
         UPDATE webhook_deliveries SET status = 'sending', claimed_at = now()
         WHERE id = $1 AND status = 'queued' RETURNING *)
       SELECT d.id, d.event_id, d.event_type, d.payload, d.attempts, s.url, coalesce(s.active, false) AS active, s.secret_enc
       FROM d LEFT JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id`,
      [id],
    );
  }

  async drop(sql: Sql, id: string): Promise<void> {
    await sql.rows('DELETE FROM webhook_deliveries WHERE id = $1', [id]);
  }

  /** Logs an attempt and moves the delivery on: delivered, pending again (at `retryAt`) or failed. */
  async finish(
    sql: Sql,
    id: string,
    a: { attempt: number; statusCode: number | null; durationMs: number; error: DeliveryError | null; response: string | null; delivered: boolean; retryAt: Date | null },
  ): Promise<void> {
    await sql.rows(
      `WITH a AS (
         INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, status_code, duration_ms, error, response, error_code, error_params)
         VALUES (credo_current_tenant(), $1, $2, $3, $4, $5, $6, $9, $10::jsonb))
       UPDATE webhook_deliveries SET attempts = $2, last_status_code = $3, last_duration_ms = $4, last_error = $5,
         last_error_code = $9, last_error_params = $10::jsonb,
         status = CASE WHEN $7 THEN 'delivered' WHEN $8::timestamptz IS NOT NULL THEN 'pending' ELSE 'failed' END,
         delivered_at = CASE WHEN $7 THEN now() END,
         next_attempt_at = CASE WHEN $7 THEN NULL ELSE $8::timestamptz END,
         claimed_at = NULL
       WHERE id = $1 AND status = 'sending'`,
      [id, a.attempt, a.statusCode, a.durationMs, a.error?.detail ?? null, a.response, a.delivered, a.retryAt, a.error?.code ?? null, a.error ? JSON.stringify(a.error.params) : null],
    );
  }

  /** A delivery whose webhook was switched off (or deleted) in the meantime is not sent. */
  async abandon(sql: Sql, id: string, reason: DeliveryError): Promise<void> {
    await sql.rows(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, last_error_code = $3, last_error_params = $4::jsonb,
         next_attempt_at = NULL, claimed_at = NULL WHERE id = $1 AND status = 'sending'`,
      [id, reason.detail, reason.code, JSON.stringify(reason.params)],
    );
  }
}
