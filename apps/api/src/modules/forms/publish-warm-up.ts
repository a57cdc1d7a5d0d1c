import { Logger } from '@nestjs/common';
import pg from 'pg';

/** NOTIFY channel: `<tenant id>/<form version id>/<form key>` once a publish (and its index build) is done. */
export const FORM_PUBLISHED_CHANNEL = 'credo_form_published';

/**
 * Planning a statement on a form's records makes a connection load what PostgreSQL knows of the
 * form's partition of `records`: its indexes (the form's field indexes) and their expressions,
 * the row-security policies. Nothing is read or written.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const warmSql = (formId: string) => `EXPLAIN (COSTS OFF) SELECT 1 FROM records WHERE form_id = '${formId}'::uuid`;

/**
 * The connection's prepared statements on `records` that run on a generic (cached) plan, with
 * their parameter counts. A form's new partition (ATTACH at form create) and its field indexes
 * (publish) invalidate every plan on `records`; the next Bind of each such statement re-analyses
 * and re-plans it (measured ~0.6 ms for the one-round-trip create insert), on every connection.
 * Statements still on custom plans are left alone: a Bind with NULL parameters would plan a
 * custom plan for those values and skew PostgreSQL's generic-versus-custom choice.
 */
const GENERIC_ON_RECORDS_SQL = `SELECT name, coalesce(array_length(parameter_types, 1), 0) AS params
  FROM pg_prepared_statements WHERE generic_plans > 0 AND statement ~ '\\mrecords\\M'`;

/** The protocol messages a pg Query may send (pg/lib/connection.js), as far as used here. */
interface BindConnection {
  bind(opts: { portal: string; statement: string; values: unknown[] }): void;
  sync(): void;
}

/**
 * Bind (no Execute) of prepared statements, then Sync: PostgreSQL revalidates each statement and
 * rebuilds its generic plan at Bind; nothing runs (the unnamed portal is dropped, the implicit
 * transaction ends at Sync).
 */
class Rebind extends pg.Query {
  statements: ReadonlyArray<{ name: string; params: number }> = [];

  prepare(connection: BindConnection): void {
    for (const s of this.statements) connection.bind({ portal: '', statement: s.name, values: new Array<null>(s.params).fill(null) });
    connection.sync();
  }
}

/** Re-plans the client's generic prepared statements on `records` (see GENERIC_ON_RECORDS_SQL); how many. */
export async function replanRecordStatements(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ name: string; params: number }>(GENERIC_ON_RECORDS_SQL);
  if (!rows.length) return 0;
  await new Promise<void>((resolve, reject) => {
    const query = new Rebind({ text: 'SELECT 1', queryMode: 'extended' } as pg.QueryConfig, undefined, (error: Error | undefined) => (error ? reject(error) : resolve()));
    query.statements = rows;
    void client.query(query);
  });
  return rows.length;
}

/** An empty record of the form inserted (as the app, under its tenant) and rolled back; see warmConnections. */
async function insertAndRollBack(client: pg.ClientBase, tenantId: string, formId: string, versionId: string, sequences: readonly string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    // The auto-number counters: opened (as the first number taken on this connection would),
    // not advanced; by oid, so neither the schema nor the sequence needs a privilege (PostgreSQL
    // 17+ answers NULL then).
    await client.query(
      `SELECT set_config('app.tenant_id', $1, true), (SELECT count(pg_sequence_last_value(c.oid)) FROM pg_class c
         WHERE c.relnamespace = to_regnamespace('credo_seq') AND c.relname = ANY($2::text[]))`,
      [tenantId, sequences],
    );
    await client.query(
      `INSERT INTO records (tenant_id, id, form_id, form_version_id, data) VALUES ($1::uuid, gen_random_uuid(), $2::uuid, $3::uuid, '{}'::jsonb)`,
      [tenantId, formId, versionId],
    );
  } catch {
    // Only a warm-up (a typed projection may refuse an empty row, say): the form's first create
    // then does the rest itself. The connection is fine once rolled back.
  } finally {
    await client.query('ROLLBACK');
  }
}

const RELISTEN_MS = 5000;
const PAYLOAD = /^([0-9a-f-]{36})\/([0-9a-f-]{36})\/([a-z][a-z0-9_]{0,62})$/;

/**
 * What a publish leaves cold besides the compiled form (T16). Building a field index (and the
 * ANALYZE after it) invalidates every connection's cached description of the form's partition, so the next
 * insert on each connection rebuilds it first (a few ms).
 * `warmConnections` has the API's idle connections rebuild it before the publish returns;
 * `notify` / `listen` tell the other API instances that a version was published, so they compile
 * it and warm their connections in the background instead of on the form's first request.
 */
export class PublishWarmUp {
  private readonly logger = new Logger(PublishWarmUp.name);
  private listener?: pg.Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly pool: () => pg.Pool,
    private readonly listenUrl: string,
  ) {}

  /**
   * On every idle connection of the pool, at the same time: plans a statement on the form's
   * records, re-plans the connection's generic prepared statements on records, and (given the
   * tenant and version) inserts a row of the form and rolls it back. That insert is what a
   * connection's first create on the new partition did besides the row itself: prepare the
   * foreign-key checks of the partition's own constraints (PostgreSQL caches their plans per
   * connection and constraint) and set up routing to the partition. No trigger of the form's
   * records does anything that outlives the rollback (no auto-number, no revision, no audit).
   */
  async warmConnections(formId: string, insertAs?: { tenantId: string; versionId: string; sequences?: readonly string[] }): Promise<void> {
    if (!UUID.test(formId)) throw new Error('form id must be a uuid');
    if (insertAs && (!UUID.test(insertAs.tenantId) || !UUID.test(insertAs.versionId))) throw new Error('tenant and version ids must be uuids');
    const pool = this.pool();
    const idle = pool.idleCount;
    if (!idle) return;
    // All at once, so each idle connection is taken (and warmed) once.
    const taken = await Promise.allSettled(Array.from({ length: idle }, () => pool.connect()));
    await Promise.all(
      taken.map(async (outcome) => {
        if (outcome.status === 'rejected') return;
        const client = outcome.value;
        try {
          await client.query(warmSql(formId));
          await replanRecordStatements(client);
          if (insertAs) await insertAndRollBack(client, insertAs.tenantId, formId, insertAs.versionId, insertAs.sequences ?? []);
          client.release();
        } catch (error) {
          client.release(error instanceof Error ? error : true);
        }
      }),
    );
  }

  /** Tells every instance (this one too) that the version is published; a failure is only logged. */
  async notify(tenantId: string, versionId: string, key: string): Promise<void> {
    await this.pool()
      .query('SELECT pg_notify($1, $2)', [FORM_PUBLISHED_CHANNEL, `${tenantId}/${versionId}/${key}`])
      .catch((error: unknown) => this.logger.warn(`publish notification not sent: ${(error as Error).message}`));
  }

  /** Calls `onPublished` for each publish notification; reconnects after a lost connection. */
  async listen(onPublished: (tenantId: string, versionId: string, key: string) => Promise<void>): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.listenUrl, application_name: 'credo-forms-listen' });
    client.on('notification', (message) => {
      const match = PAYLOAD.exec(message.payload ?? '');
      if (!match) return;
      onPublished(match[1]!, match[2]!, match[3]!).catch((error: unknown) => this.logger.warn(`warm-up of published version ${match[2]} failed: ${(error as Error).message}`));
    });
    client.on('error', (error) => {
      this.logger.warn(`publish listener: ${error.message}; listening again in ${RELISTEN_MS / 1000} s`);
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.relisten(onPublished);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${FORM_PUBLISHED_CHANNEL}`);
      if (this.stopped) await client.end();
      else this.listener = client;
    } catch (error) {
      this.logger.warn(`publish listener: ${(error as Error).message}; listening again in ${RELISTEN_MS / 1000} s`);
      await client.end().catch(() => undefined);
      this.relisten(onPublished);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  private relisten(onPublished: (tenantId: string, versionId: string, key: string) => Promise<void>): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.listen(onPublished);
    }, RELISTEN_MS);
    this.timer.unref();
  }
}
