import { http } from './request';

export const WEBHOOK_EVENTS = ['record.created', 'record.updated', 'record.deleted', 'record.restored', 'alert.raised'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  /** null: every form */
  form: { key: string } | null;
  active: boolean;
  description: string;
  secretPrefix: string;
  createdAt: string;
  createdBy: { id: string; email: string | null } | null;
  updatedAt: string;
  stats?: { pending: number; delivered: number; failed: number };
}

/** Only in the answer to create and rotate-secret: shown once. */
export type WebhookWithSecret = Webhook & { secret: string };

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  form: string | null;
  active?: boolean;
  description?: string;
}

export type DeliveryStatus = 'pending' | 'queued' | 'sending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  /** Raw detail (status line, Node error code or message). */
  error: string | null;
  /** Why, as a code with params (rendered by the web in the UI language); errorMessage is the API's wording. */
  errorCode?: string | null;
  errorParams?: Record<string, string | number> | null;
  errorMessage?: string | null;
  response: string | null;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastErrorCode?: string | null;
  lastErrorParams?: Record<string, string | number> | null;
  lastErrorMessage?: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  redeliveryOf: string | null;
  payload: Record<string, unknown>;
  log: WebhookAttempt[];
}

const base = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

/** Admin API of webhooks (apps/api webhooks.controller). */
export const webhooksApi = {
  list(signal?: AbortSignal): Promise<{ items: Webhook[] }> {
    return http.get('/webhooks', { signal });
  },
  create(input: WebhookInput): Promise<WebhookWithSecret> {
    return http.post('/webhooks', input);
  },
  update(id: string, patch: Partial<WebhookInput>): Promise<Webhook> {
    return http.patch(base(id), patch);
  },
  remove(id: string): Promise<void> {
    return http.delete(base(id));
  },
  rotateSecret(id: string): Promise<WebhookWithSecret> {
    return http.post(`${base(id)}/rotate-secret`);
  },
  test(id: string): Promise<WebhookDelivery> {
    return http.post(`${base(id)}/test`);
  },
  deliveries(id: string, query: { limit?: number; before?: string | null; status?: DeliveryStatus | null } = {}, signal?: AbortSignal): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
    return http.get(`${base(id)}/deliveries`, { query: { limit: query.limit, before: query.before ?? undefined, status: query.status ?? undefined }, signal });
  },
  redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return http.post(`${base(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
  },
};
