import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppException, type ProblemFieldError } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import { DEFAULT_LOCALE, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { WebhookSecretBox, newWebhookSecret } from './webhook-crypto.js';
import { deliveryErrorMessage, legacyDeliveryError } from './webhook-errors.js';
import { WebhookTargetGuard } from './webhook-target.js';
import { WebhooksRepository, type AttemptRow, type DeliveryRow, type WebhookRow } from './webhooks.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WebhookCreateRequest {
  url: string;
  events: string[];
  form?: string | null;
  active?: boolean;
  description?: string;
}
export type WebhookUpdateRequest = Partial<WebhookCreateRequest>;

export interface WebhookDto {
  id: string;
  url: string;
  events: string[];
  form: { key: string } | null;
  active: boolean;
  description: string;
  secretPrefix: string;
  createdAt: string;
  createdBy: { id: string; email: string | null } | null;
  updatedAt: string;
  stats: { pending: number; delivered: number; failed: number };
}

export interface WebhookDeliveryDto {
  id: string;
  eventId: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  /** The raw detail of the last failure (status line, Node error code or message). */
  lastError: string | null;
  /** The last failure as a code with parameters, and in the reader's language. */
  lastErrorCode: string | null;
  lastErrorParams: Record<string, string | number> | null;
  lastErrorMessage: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  redeliveryOf: string | null;
  payload: Record<string, unknown>;
  log: Array<{
    attempt: number;
    at: string;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    errorCode: string | null;
    errorParams: Record<string, string | number> | null;
    errorMessage: string | null;
    response: string | null;
  }>;
}

/** Admin side of webhooks: subscriptions (secret shown once, kept encrypted), test pings, the delivery log, redelivery. */
@Injectable()
export class WebhooksService {
  readonly box: WebhookSecretBox;
  /** SSRF guard, shared with the dispatcher (tests swap its resolver to play a rebinding DNS). */
  readonly targets: WebhookTargetGuard;

  constructor(
    private readonly db: TenantDatabase,
    private readonly repo: WebhooksRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) config: RuntimeConfig,
  ) {
    this.box = new WebhookSecretBox(config.webhookSecretKey ?? config.resolvedJwtSecret);
    this.targets = new WebhookTargetGuard(config.webhookAllowPrivateNetworks);
  }

  async createOrThrow(auth: AuthContext, body: WebhookCreateRequest): Promise<WebhookDto & { secret: string }> {
    const url = await this.allowedUrlOrThrow(body.url);
    const secret = newWebhookSecret();
    const id = uuidv7();
    const row = await this.db.run(auth.tenantId, async (sql) => {
      const formId = await this.formIdOrThrow(sql, body.form ?? null);
      const description = (body.description ?? '').trim();
      await this.repo.insert(sql, {
        id,
        url,
        description,
        events: body.events,
        formId,
        active: body.active ?? true,
        secret: this.box.seal(secret),
        prefix: secret.slice(0, 12),
        userId: auth.userId,
      });
      await this.audit.append(sql, {
        actorId: auth.userId,
        action: 'webhook.create',
        entity: 'webhook',
        entityId: id,
        details: { url, events: body.events, form: body.form ?? null, active: body.active ?? true },
        requestId: auth.requestId,
      });
      return (await this.repo.get(sql, id))!;
    });
    return { ...toDto(row), secret };
  }

  async list(auth: AuthContext): Promise<{ items: WebhookDto[] }> {
    const rows = await this.db.run(auth.tenantId, (sql) => this.repo.list(sql));
    return { items: rows.map(toDto) };
  }

  async getOrThrow(auth: AuthContext, id: string): Promise<WebhookDto> {
    return toDto(await this.db.run(auth.tenantId, (sql) => this.rowOrThrow(sql, id)));
  }

  async updateOrThrow(auth: AuthContext, id: string, body: WebhookUpdateRequest): Promise<WebhookDto> {
    const url = body.url === undefined ? undefined : await this.allowedUrlOrThrow(body.url);
    const row = await this.db.run(auth.tenantId, async (sql) => {
      const before = await this.rowOrThrow(sql, id, true);
      const formId = body.form === undefined ? undefined : await this.formIdOrThrow(sql, body.form);
      await this.repo.update(sql, id, { url, events: body.events, formId, active: body.active, description: body.description?.trim() });
      const after = (await this.repo.get(sql, id))!;
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, from, to] of [
        ['url', before.url, after.url],
        ['events', before.events, after.events],
        ['form', before.form_key, after.form_key],
        ['active', before.active, after.active],
        ['description', before.description, after.description],
      ] as const) {
        if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
      }
      if (Object.keys(changes).length) {
        await this.audit.append(sql, { actorId: auth.userId, action: 'webhook.update', entity: 'webhook', entityId: id, details: { changes }, requestId: auth.requestId });
      }
      return after;
    });
    return toDto(row);
  }

  async deleteOrThrow(auth: AuthContext, id: string): Promise<void> {
    await this.db.run(auth.tenantId, async (sql) => {
      const row = await this.rowOrThrow(sql, id, true);
      await this.repo.delete(sql, id);
      await this.audit.append(sql, { actorId: auth.userId, action: 'webhook.delete', entity: 'webhook', entityId: id, details: { url: row.url }, requestId: auth.requestId });
    });
  }

  /** A new secret, shown once; the old one stops signing at once. */
  async rotateSecretOrThrow(auth: AuthContext, id: string): Promise<WebhookDto & { secret: string }> {
    const secret = newWebhookSecret();
    const row = await this.db.run(auth.tenantId, async (sql) => {
      await this.rowOrThrow(sql, id, true);
      await this.repo.update(sql, id, { secret: this.box.seal(secret), prefix: secret.slice(0, 12) });
      await this.audit.append(sql, { actorId: auth.userId, action: 'webhook.rotate_secret', entity: 'webhook', entityId: id, details: {}, requestId: auth.requestId });
      return (await this.repo.get(sql, id))!;
    });
    return { ...toDto(row), secret };
  }

  /** Queues a `ping` event to the webhook (whether active or not: it is how an admin checks the receiver). */
  async pingOrThrow(auth: AuthContext, id: string): Promise<WebhookDeliveryDto> {
    const row = await this.db.run(auth.tenantId, async (sql) => {
      const hook = await this.rowOrThrow(sql, id);
      const eventId = uuidv7();
      const payload = {
        id: eventId,
        type: 'ping',
        occurredAt: this.clock.now().toISOString(),
        tenant: { id: auth.tenantId },
        webhook: { id: hook.id, url: hook.url, events: hook.events, form: hook.form_key ? { key: hook.form_key } : null },
      };
      const delivery = await this.repo.insertDelivery(sql, { id: uuidv7(), subscriptionId: id, eventId, type: 'ping', payload });
      await this.audit.append(sql, { actorId: auth.userId, action: 'webhook.test', entity: 'webhook', entityId: id, details: { delivery: delivery.id }, requestId: auth.requestId });
      return delivery;
    });
    return deliveryDto(row, []);
  }

  async deliveriesOrThrow(auth: AuthContext, id: string, q: { limit: number; before?: string; status?: string }, locale: Locale = DEFAULT_LOCALE): Promise<{ items: WebhookDeliveryDto[]; nextCursor: string | null }> {
    return this.db.run(auth.tenantId, async (sql) => {
      await this.rowOrThrow(sql, id);
      const rows = await this.repo.deliveries(sql, id, q);
      const attempts = await this.repo.attempts(sql, rows.map((r) => r.id));
      const items = rows.map((r) => deliveryDto(r, attempts.filter((a) => a.delivery_id === r.id), locale));
      return { items, nextCursor: rows.length === q.limit ? rows[rows.length - 1]!.seq : null };
    });
  }

  /** Sends the same event (same payload and event id) again as a new delivery with its own log. */
  async redeliverOrThrow(auth: AuthContext, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    if (!UUID.test(deliveryId)) throw new AppException(404, 'webhooks.delivery_not_found');
    const row = await this.db.run(auth.tenantId, async (sql) => {
      await this.rowOrThrow(sql, id);
      const original = await this.repo.delivery(sql, id, deliveryId);
      if (!original) throw new AppException(404, 'webhooks.delivery_not_found');
      const copy = await this.repo.insertDelivery(sql, {
        id: uuidv7(),
        subscriptionId: id,
        eventId: original.event_id,
        type: original.event_type,
        payload: original.payload,
        redeliveryOf: original.id,
      });
      await this.audit.append(sql, {
        actorId: auth.userId,
        action: 'webhook.redeliver',
        entity: 'webhook',
        entityId: id,
        details: { delivery: original.id, redelivery: copy.id, event: original.event_type },
        requestId: auth.requestId,
      });
      return copy;
    });
    return deliveryDto(row, []);
  }

  /** A well-formed URL that does not point into a private network (unless WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  private async allowedUrlOrThrow(raw: string): Promise<string> {
    const url = checkedUrlOrThrow(raw);
    const refused = await this.targets.refusalAtCreate(new URL(url));
    if (refused) {
      throw new AppException(400, 'webhooks.url_private', { url: raw, address: refused.address }, [
        { path: '/url', keyword: 'format', message: raw, params: { address: refused.address, range: refused.reason } },
      ]);
    }
    return url;
  }

  private async rowOrThrow(sql: Sql, id: string, forUpdate = false): Promise<WebhookRow> {
    if (!UUID.test(id)) throw new AppException(404, 'webhooks.not_found');
    const row = await this.repo.get(sql, id, forUpdate);
    if (!row) throw new AppException(404, 'webhooks.not_found');
    return row;
  }

  private async formIdOrThrow(sql: Sql, key: string | null): Promise<string | null> {
    if (key === null) return null;
    const id = await this.repo.formId(sql, key);
    if (!id) throw new AppException(400, 'webhooks.form_unknown', { form: key }, [{ path: '/form', keyword: 'enum', message: key }]);
    return id;
  }
}

/** http(s) only, a host, no user:password (it would be logged and shown); normalised. */
export function checkedUrlOrThrow(raw: string): string {
  const error: ProblemFieldError = { path: '/url', keyword: 'format', message: raw };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppException(400, 'webhooks.url_invalid', { url: raw }, [error]);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.username || url.password) {
    throw new AppException(400, 'webhooks.url_invalid', { url: raw }, [error]);
  }
  return url.toString();
}

function toDto(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    form: row.form_key ? { key: row.form_key } : null,
    active: row.active,
    description: row.description,
    secretPrefix: row.secret_prefix,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by ? { id: row.created_by, email: row.created_by_email } : null,
    updatedAt: row.updated_at.toISOString(),
    stats: { pending: row.pending, delivered: row.delivered, failed: row.failed },
  };
}

/** A stored failure: its code and params (or ones read back from the raw text of older rows) and its message in `locale`. */
function failure(raw: string | null, code: string | null, params: Record<string, string | number> | null, url: string | null, locale: Locale) {
  if (raw === null && code === null) return { errorCode: null, errorParams: null, errorMessage: null };
  const known = code ? { code, params: params ?? {} } : legacyDeliveryError(raw ?? '', url);
  return { errorCode: known.code, errorParams: known.params, errorMessage: deliveryErrorMessage(known.code, known.params, locale) };
}

function deliveryDto(row: DeliveryRow, attempts: AttemptRow[], locale: Locale = DEFAULT_LOCALE): WebhookDeliveryDto {
  const last = failure(row.last_error, row.last_error_code, row.last_error_params, row.url, locale);
  return {
    id: row.id,
    eventId: row.event_id,
    event: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? (row.next_attempt_at?.toISOString() ?? null) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastErrorCode: last.errorCode,
    lastErrorParams: last.errorParams,
    lastErrorMessage: last.errorMessage,
    lastDurationMs: row.last_duration_ms,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    redeliveryOf: row.redelivery_of,
    payload: row.payload,
    log: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      statusCode: a.status_code,
      durationMs: a.duration_ms,
      error: a.error,
      ...failure(a.error, a.error_code, a.error_params, row.url, locale),
      response: a.response,
    })),
  };
}
