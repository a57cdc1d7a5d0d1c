import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { v7 as uuidv7 } from 'uuid';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { MAX_ATTEMPTS, retryDelayMs, signWebhook } from './webhook-crypto.js';
import { disabledError, httpStatusError, networkError, refusedTargetError, timeoutError, type DeliveryError } from './webhook-errors.js';
import { RefusedTarget } from './webhook-target.js';
import { WebhooksRepository, type ClaimedDelivery } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

export const WEBHOOK_QUEUE = 'webhook-deliver';
const CHANNEL = 'credo_webhooks';
/** Fallback poll (NOTIFY is the fast path): due retries and anything a lost notification left. */
const POLL_MS = 1000;
const CLAIM_BATCH = 100;
/** A delivery queued or being sent this long ago whose worker vanished is taken up again. */
const STALE_MINUTES = 15;
const RESPONSE_CHARS = 1000;
/** Finished deliveries (and their attempts) are kept this long, then pruned once an hour. */
const KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;

interface DeliveryJob {
  tenantId: string;
  deliveryId: string;
  subscriptionId: string;
  seq: number;
}

/**
 * Moves the outbox (webhook_deliveries) into pg-boss and sends.
 *
 * The dispatcher wakes on NOTIFY credo_webhooks (sent at commit by the outbox triggers), on a
 * 1-second poll and at the moment of the next due retry. It claims due deliveries (status
 * pending → queued, oldest first, SKIP LOCKED so replicas share the work; one webhook's events
 * of one record strictly in order, see claimBatch) and inserts their
 * pg-boss jobs in the same transaction. A worker takes a queued delivery (queued → sending),
 * POSTs the signed payload, logs the attempt and marks it delivered (2xx), pending again with
 * the next backoff, or failed after the last attempt. Only one worker can move a delivery out of
 * `sending`, so an event is marked delivered at most once per delivery (a redelivery is a new one).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private boss?: PgBoss;
  private owner?: pg.Pool;
  private listener?: pg.Client;
  private workerId?: string;
  private timer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private pumping?: Promise<void>;
  private again = false;
  private stopped = false;
  private prunedAt = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Kept-alive connections to receivers (each one was opened to a checked address). */
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });

  constructor(
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly db: TenantDatabase,
    private readonly repo: WebhooksRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Called by JobsService once pg-boss runs (jobs disabled: events wait in the outbox). */
  async start(boss: PgBoss): Promise<void> {
    this.boss = boss;
    // pg-boss retries only a job whose worker died; failed HTTP attempts are retried by the outbox.
    await boss.createQueue(WEBHOOK_QUEUE, { name: WEBHOOK_QUEUE, retryLimit: 2, retryDelay: 30, expireInSeconds: 300 });
    this.workerId = await boss.work<DeliveryJob>(WEBHOOK_QUEUE, { batchSize: 10, pollingIntervalSeconds: 0.5 }, (jobs) => this.track(this.handle(jobs)));
    this.owner = new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 2, application_name: 'credo-webhooks' });
    this.owner.on('error', (error) => this.logger.warn(`webhook pool: ${error.message}`));
    await this.listen();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pumping?.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.listener?.end().catch(() => undefined);
    await this.owner?.end().catch(() => undefined);
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.resolvedOwnerDatabaseUrl, application_name: 'credo-webhooks-listen' });
    client.on('notification', () => this.kick());
    client.on('error', (error) => {
      this.logger.warn(`webhook listener: ${error.message}; polling until it reconnects`);
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`webhook listener: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }

  /** Claim and queue now (coalesced: a pump already running goes round once more). */
  private kick(): void {
    if (this.stopped || !this.owner) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.track(this.pump()).finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.arm(POLL_MS);
      }
    });
  }

  /** Wake up in `ms` unless something wakes us sooner. */
  private arm(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && at >= this.wakeAt) return;
    clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeAt = Infinity;
      if (!this.listener && !this.stopped) void this.listen();
      this.kick();
    }, Math.max(0, ms));
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    try {
      for (let more = true; more && !this.stopped; ) more = (await this.claimBatch()) === CLAIM_BATCH;
      if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
        this.prunedAt = Date.now();
        await this.owner!.query(
          `DELETE FROM webhook_deliveries WHERE ctid = ANY (ARRAY(
             SELECT ctid FROM webhook_deliveries
             WHERE status IN ('delivered', 'failed') AND created_at < now() - make_interval(days => $1) LIMIT 50000))`,
          [KEEP_DAYS],
        );
      }
    } catch (error) {
      this.logger.error(`webhook dispatch: ${(error as Error).message}`);
    }
  }

  /**
   * One transaction: claim due deliveries (and stale ones) and insert their pg-boss jobs.
   *
   * Order per webhook and record: a delivery waits while an earlier one (lower seq) of the same
   * webhook for the same record is pending, queued or sending, including while it waits for a
   * retry. Writes to one record are serialised by its row lock, so seq follows the record's
   * revisions. The wait is bounded: the earlier delivery ends delivered or, after its last
   * attempt (or a refused target, or a disabled webhook), failed, and the next one goes. A
   * concurrent claimer skips the locked earlier row but still sees it open, so it cannot overtake.
   * Deliveries without a record (ping) are not ordered.
   */
  private async claimBatch(): Promise<number> {
    const client = await this.owner!.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const { rows } = await client.query<{ tenant_id: string; id: string; subscription_id: string; seq: string }>(
        `WITH fresh AS (
           SELECT d.tenant_id, d.id FROM webhook_deliveries d
           WHERE d.status = 'pending' AND d.next_attempt_at <= now()
             AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries e
               WHERE e.tenant_id = d.tenant_id AND e.subscription_id = d.subscription_id
                 AND (e.payload -> 'record' ->> 'id') = (d.payload -> 'record' ->> 'id')
                 AND e.seq < d.seq AND e.status IN ('pending', 'queued', 'sending'))
           ORDER BY d.next_attempt_at, d.seq LIMIT $1 FOR UPDATE OF d SKIP LOCKED),
         stale AS (
           SELECT tenant_id, id FROM webhook_deliveries
           WHERE status IN ('queued', 'sending') AND claimed_at < now() - make_interval(mins => $2) LIMIT $1 FOR UPDATE SKIP LOCKED),
         due AS (SELECT * FROM fresh UNION SELECT * FROM stale)
         UPDATE webhook_deliveries d SET status = 'queued', claimed_at = now()
         FROM due WHERE d.tenant_id = due.tenant_id AND d.id = due.id
         RETURNING d.tenant_id, d.id, d.subscription_id, d.seq::text AS seq`,
        [CLAIM_BATCH, STALE_MINUTES],
      );
      if (rows.length) {
        rows.sort((a, b) => Number(a.seq) - Number(b.seq));
        const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
        await this.boss!.insert(
          rows.map((r) => ({
            id: uuidv7(),
            name: WEBHOOK_QUEUE,
            data: { tenantId: r.tenant_id, deliveryId: r.id, subscriptionId: r.subscription_id, seq: Number(r.seq) } satisfies DeliveryJob,
          })),
          { db },
        );
      }
      await client.query('COMMIT');
      open = false;
      if (rows.length && this.workerId) this.boss!.notifyWorker(this.workerId);
      return rows.length;
    } catch (error) {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** A batch: each webhook's deliveries in event order, different webhooks side by side. */
  private async handle(jobs: PgBoss.Job<DeliveryJob>[]): Promise<void> {
    const bySubscription = new Map<string, DeliveryJob[]>();
    for (const job of jobs) {
      const list = bySubscription.get(job.data.subscriptionId) ?? [];
      list.push(job.data);
      bySubscription.set(job.data.subscriptionId, list);
    }
    await Promise.all(
      [...bySubscription.values()].map(async (list) => {
        list.sort((a, b) => a.seq - b.seq);
        for (const job of list) await this.deliver(job);
      }),
    );
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const claimed = await this.db.run(job.tenantId, (sql) => this.repo.claim(sql, job.deliveryId));
    if (!claimed) return;
    if (claimed.url === null) {
      await this.db.run(job.tenantId, (sql) => this.repo.drop(sql, claimed.id));
      return;
    }
    if (!claimed.active && claimed.event_type !== 'ping') {
      await this.db.run(job.tenantId, (sql) => this.repo.abandon(sql, claimed.id, disabledError()));
      this.kick();
      return;
    }
    const outcome = await this.send({ ...claimed, url: claimed.url, secret_enc: claimed.secret_enc! });
    const attempt = claimed.attempts + 1;
    // A refused target (SSRF guard) is final: retrying would only ask the same question again.
    const delay = outcome.delivered || outcome.refused || attempt >= MAX_ATTEMPTS ? undefined : retryDelayMs(attempt, this.config.webhookRetryBaseMs);
    const retryAt = delay === undefined ? null : new Date(Date.now() + delay);
    await this.db.run(job.tenantId, (sql) => this.repo.finish(sql, claimed.id, { attempt, ...outcome, retryAt }));
    if (retryAt) this.arm(delay!);
    // A finished delivery may be what the next event of its record waits for: claim it now.
    else this.kick();
  }

  /**
   * One POST: 2xx is delivered; anything else (status, timeout, refused connection) is an error.
   * The target is checked first (SSRF guard) and the connection goes to the checked addresses
   * only; redirects are not followed (a 3xx is an error like any other non-2xx). A refused
   * target is `refused` (not retried).
   */
  private async send(
    d: ClaimedDelivery & { url: string; secret_enc: Buffer },
  ): Promise<{ delivered: boolean; refused: boolean; statusCode: number | null; durationMs: number; error: DeliveryError | null; response: string | null }> {
    const body = JSON.stringify(d.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let response: string | null = null;
    let error: DeliveryError | null = null;
    let refused = false;
    let url: URL | undefined;
    try {
      const secret = this.webhooks.box.open(d.secret_enc);
      url = new URL(d.url);
      const target = await this.webhooks.targets.targetOrRefuse(url);
      const res = await this.post(url, target.lookup, body, {
        'content-type': 'application/json',
        'user-agent': 'Credo-Webhooks/1',
        'x-credo-event': d.event_type,
        'x-credo-delivery': d.id,
        'x-credo-timestamp': String(timestamp),
        'x-credo-signature': signWebhook(secret, timestamp, body),
      });
      statusCode = res.statusCode;
      response = res.text.slice(0, RESPONSE_CHARS);
      if (statusCode < 200 || statusCode > 299) error = httpStatusError(statusCode);
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      refused = err instanceof RefusedTarget;
      if (err instanceof RefusedTarget) error = refusedTargetError(err.address, err.reason, err.message);
      else if (err.name === 'TimeoutError') error = timeoutError(this.config.webhookTimeoutMs);
      else error = networkError(err, url ?? new URL('http://unknown.invalid/'));
    }
    return { delivered: error === null, refused, statusCode, durationMs: Math.round(performance.now() - started), error, response };
  }

  /** POST with node:http(s): a `lookup` pinned to the checked addresses, no redirects, a total timeout. */
  private post(url: URL, lookup: LookupFunction | undefined, body: string, headers: Record<string, string>): Promise<{ statusCode: number; text: string }> {
    const https = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port || undefined,
          path: url.pathname + url.search,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: https ? this.httpsAgent : this.httpAgent,
          ...(lookup ? { lookup } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            // Only the start of the answer is kept for the log; the rest is read and dropped.
            if (size < RESPONSE_CHARS * 4) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
        },
      );
      let timedOut = false;
      const fail = (error: Error) => {
        clearTimeout(timer);
        // Destroying a request mid-answer surfaces as "aborted" on the response: still a timeout.
        if (timedOut) error.name = 'TimeoutError';
        reject(error);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error('timeout'));
      }, this.config.webhookTimeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }
}
