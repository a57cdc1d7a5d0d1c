import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A 64-bit advisory-lock key for a named thing of a tenant (e.g. `form:customer`). Record writes
 * hold it shared, a publish holds it exclusively: lock-manager locks, no row is written.
 */
export function advisoryKey(tenantId: string, name: string): bigint {
  const id = `${tenantId}/${name}`;
  let key = advisoryKeys.get(id);
  if (key === undefined) {
    key = createHash('sha256').update(id).digest().readBigInt64BE(0);
    if (advisoryKeys.size >= 10_000) advisoryKeys.clear();
    advisoryKeys.set(id, key);
  }
  return key;
}

/** Hashed once per tenant and name: every record write takes one. */
const advisoryKeys = new Map<string, bigint>();

/** pg's own parameter formatting (arrays, dates, buffers…), for statements this file sends itself. */
const pgUtils = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

const statementNames = new Map<string, string>();

const builtStatementNames = new Map<string, string>();
/** Statements built from filters that may be prepared per connection (bounds what each backend keeps). */
const BUILT_STATEMENTS = 200;

/**
 * The name for a statement built from a list's filter (its shape; values are parameters), so a
 * frequent one is planned once per connection instead of per request; undefined (sent unnamed)
 * once BUILT_STATEMENTS other shapes have names, so a backend holds a bounded number of them.
 */
export function builtStatementName(sql: string): string | undefined {
  let name = builtStatementNames.get(sql);
  if (!name && builtStatementNames.size < BUILT_STATEMENTS) {
    name = statementName(sql);
    builtStatementNames.set(sql, name);
  }
  return name;
}

export function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    if (statementNames.size < 1000) statementNames.set(sql, name);
  }
  return name;
}

/** The protocol messages pg's Query sends per statement (pg/lib/connection.js), as far as used here. */
interface WireConnection {
  execute(opts: { portal: string; rows?: number }): void;
  parse(opts: { text: string; name: string; types?: unknown[] }): void;
  bind(opts: { portal: string; statement: string; values: unknown[]; valueMapper?: (value: unknown) => unknown }): void;
  describe(opts: { type: 'P'; name: string }): void;
  sync(): void;
}

/**
 * A prepared statement followed by COMMIT in one pipeline (one Sync, one round trip): after the
 * statement's Execute, an unnamed `COMMIT` is parsed, bound and executed before the Sync. If the
 * statement fails, PostgreSQL skips the COMMIT (everything up to Sync) and the transaction stays
 * open and aborted, for the caller's ROLLBACK. The results are [statement, COMMIT].
 */
class QueryThenCommit extends pg.Query {
  /** Statements (with their rows) sent between the query and the COMMIT; a named one is prepared once per connection. */
  tail: ReadonlyArray<TailStatement> = [];
  /** Tail names parsed here: registered once the round trip succeeded. */
  parsed: Array<[string, string]> = [];

  _getRows(connection: WireConnection & ParsedStatements & { close(opts: { type: 'S'; name: string }): void }, rows: number | undefined): void {
    if (rows) throw new Error('QueryThenCommit reads all rows at once');
    connection.execute({ portal: (this as unknown as { portal: string }).portal });
    for (const statement of this.tail) {
      const name = statement.name ?? '';
      if (!name || connection.parsedStatements[name] !== statement.text) {
        // A round trip that failed after parsing it left the name behind unregistered: closed first
        // (closing a name that does not exist is no error).
        if (name) connection.close({ type: 'S', name });
        connection.parse({ text: statement.text, name });
        if (name) this.parsed.push([name, statement.text]);
      }
      connection.bind({ portal: '', statement: name, values: statement.values, valueMapper: pgUtils.prepareValue });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    }
    connection.parse({ text: 'COMMIT', name: '' });
    connection.bind({ portal: '', statement: '', values: [] });
    connection.execute({ portal: '' });
    connection.sync();
  }
}

/** One statement of a `Pipeline`: `name` prepares it once per connection (fixed texts only). */
interface PipelineStep {
  text: string;
  values?: unknown[];
  name?: string;
  /** Statements without result rows (BEGIN, COMMIT) skip the Describe. */
  noRows?: boolean;
}

interface ParsedStatements {
  parsedStatements: Record<string, string>;
}

/**
 * Several statements in one round trip (extended protocol, one Sync). PostgreSQL runs them in
 * order; after an error it skips the rest up to the Sync. Named steps are parsed on a connection
 * once (registered with pg's own bookkeeping, so pg's prepared queries and these share them);
 * `closing` names are closed first (no error when they do not exist). Results: one per step.
 */
class Pipeline extends pg.Query {
  steps: readonly PipelineStep[] = [];
  closing: readonly string[] = [];
  /** Names parsed by this pipeline: registered once it succeeded. */
  parsed: Array<[string, string]> = [];

  prepare(connection: WireConnection & ParsedStatements & { close(opts: { type: 'S'; name: string }): void }): void {
    for (const name of this.closing) connection.close({ type: 'S', name });
    for (const step of this.steps) {
      const name = step.name ?? '';
      if (!name || connection.parsedStatements[name] !== step.text) {
        connection.parse({ text: step.text, name });
        if (name) this.parsed.push([name, step.text]);
      }
      connection.bind({ portal: '', statement: name, values: step.values ?? [], valueMapper: pgUtils.prepareValue });
      if (!step.noRows) connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    }
    connection.sync();
  }
}

function sendPipeline(client: pg.PoolClient, steps: readonly PipelineStep[], closing: readonly string[] = [], types?: pg.CustomTypesConfig): Promise<pg.QueryResult[]> {
  return new Promise<pg.QueryResult[]>((resolve, reject) => {
    let settled = false;
    const config = { text: steps[steps.length - 1]?.text ?? 'SELECT 1', queryMode: 'extended' as const, ...(types ? { types } : {}) };
    const query = new Pipeline(config, undefined, (error: Error | undefined, result: unknown) => {
      if (settled) return;
      settled = true;
      if (error) return reject(error);
      const connection = (client as unknown as { connection: ParsedStatements }).connection;
      for (const [name, text] of query.parsed) connection.parsedStatements[name] = text;
      resolve(Array.isArray(result) ? (result as pg.QueryResult[]) : [result as pg.QueryResult]);
    });
    query.steps = steps;
    query.closing = closing;
    void client.query(query);
  });
}

/** Thrown inside `runOneTrip` work that needs the database before its final statement. */
export class NeedsTransaction extends Error {
  constructor(sql: string) {
    super(`one-trip transaction: a statement before the final one (${sql.slice(0, 60)})`);
  }
}

/**
 * `runOneTrip` could not do the work in one round trip (a statement was needed first, the work
 * refused the input against the cached facts, or the guard found them stale): nothing was
 * committed; run the work the ordinary way.
 */
export class OneTripMissed extends Error {
  constructor(readonly reason: unknown) {
    super('one-trip transaction missed');
  }
}

const TENANT_AND_LOCK_SQL = 'SELECT set_config(\'app.tenant_id\', $1::text, true), CASE WHEN $2::bigint IS NULL THEN NULL ELSE pg_advisory_xact_lock_shared($2::bigint) END';

/** A statement sent after a page in its round trip; `name` (fixed texts only) prepares it once per connection. */
export interface TailStatement {
  text: string;
  values: unknown[];
  name?: string;
}

export interface TailStatements {
  statements: ReadonlyArray<TailStatement>;
  onRows(rows: unknown[][]): void;
}

const PLAIN_READ = /^\s*SELECT\s/i;
const SIDE_EFFECTS = /\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY)\b|nextval|credo_next_numbers|pg_advisory|set_config|pg_notify|INSERT|UPDATE|DELETE/i;

/** Parameterised SQL inside one transaction. Records are read as raw rows, never entities. */
export class Sql {
  /**
   * Rows of parameterless statements that were sent ahead with BEGIN (`prefetch`), by their text:
   * the first identical parameterless query in the transaction takes them instead of a round trip.
   */
  private readonly prefetched: Map<string, unknown[]>;

  constructor(
    protected connection: pg.PoolClient,
    prefetched?: Map<string, unknown[]>,
    protected readonly tenantId: string | null = null,
  ) {
    this.prefetched = prefetched ?? new Map();
  }

  /** Rows sent ahead for `sql` (see `prefetch`), without taking them. */
  peekPrefetched(sql: string): unknown[] | undefined {
    return this.prefetched.get(sql);
  }

  private takePrefetched<T>(sql: string, params: unknown[]): T[] | undefined {
    if (params.length || !this.prefetched.size) return undefined;
    const rows = this.prefetched.get(sql);
    if (rows) this.prefetched.delete(sql);
    return rows as T[] | undefined;
  }

  protected done = false;

  /** True once `preparedThenCommit` committed the transaction: nothing more may run in it. */
  get committed(): boolean {
    return this.done;
  }

  /**
   * After `…ThenCommit`: a new transaction on the same connection, for the same tenant (e.g. a
   * label look-up on a cache miss after a list page). TenantDatabase.run then commits it.
   */
  async reopen(): Promise<void> {
    if (!this.done) return;
    const set = this.tenantId ? `; SELECT set_config('app.tenant_id', '${this.tenantId}', true)` : '';
    await this.connection.query(`BEGIN${set}`);
    this.done = false;
  }

  private wrote = false;

  /** Only plain SELECTs ran (no write, lock or side-effect function as far as the text shows). */
  get onlyReads(): boolean {
    return !this.wrote;
  }

  protected client(sql: string): pg.PoolClient {
    if (this.done) throw new Error('the transaction is already committed: no statement may follow preparedThenCommit');
    if (!this.wrote && !PLAIN_READ.test(sql)) this.wrote = true;
    if (!this.wrote && SIDE_EFFECTS.test(sql)) this.wrote = true;
    return this.connection;
  }

  /** `types`: how this statement's columns are read (pg's type parsers by default). */
  async rows<T>(sql: string, params: unknown[] = [], types?: pg.CustomTypesConfig): Promise<T[]> {
    const ready = types ? undefined : this.takePrefetched<T>(sql, params);
    if (ready) return ready;
    const client = this.client(sql);
    return (types ? await client.query({ text: sql, values: params, types }) : await client.query(sql, params)).rows as T[];
  }

  /**
   * A hot statement, prepared once per connection (named by a hash of its text) so PostgreSQL
   * parses it once; for fixed-shape statements only, not for ones built from filters.
   */
  async prepared<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const ready = this.takePrefetched<T>(sql, params);
    if (ready) return ready;
    return (await this.client(sql).query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  }

  /**
   * The transaction's last statement (prepared like `prepared`) and its COMMIT in one round trip.
   * Afterwards this Sql refuses every statement; TenantDatabase.run sends no COMMIT of its own.
   * For callers that know nothing else runs in the transaction after it.
   */
  preparedThenCommit<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.thenCommit<T>(sql, params, true);
  }

  /**
   * Like `preparedThenCommit` for a statement built per request (not prepared). `tail`
   * statements run after it in the same round trip, before the COMMIT; `onTail` gets their rows.
   */
  rowsThenCommit<T>(sql: string, params: unknown[] = [], tail?: TailStatements, types?: pg.CustomTypesConfig): Promise<T[]> {
    return this.thenCommit<T>(sql, params, false, tail, types);
  }

  /** `types` reads the rows of every statement of the round trip (`sql` and the tail's). */
  protected async thenCommit<T>(sql: string, params: unknown[], prepare: boolean, tail?: TailStatements, types?: pg.CustomTypesConfig): Promise<T[]> {
    for (const statement of tail?.statements ?? []) this.client(statement.text);
    const client = this.client(sql);
    let parsed: Array<[string, string]> = [];
    // A submittable query answers through its callback (client.query returns the query itself).
    const results = await new Promise<pg.QueryResult | pg.QueryResult[]>((resolve, reject) => {
      const config = { ...(prepare ? { name: statementName(sql) } : {}), text: sql, values: params, queryMode: 'extended' as const, ...(types ? { types } : {}) };
      const query = new QueryThenCommit(config, undefined, (error: Error | undefined, result: unknown) =>
        error ? reject(error) : resolve(result as pg.QueryResult | pg.QueryResult[]),
      );
      if (tail) query.tail = tail.statements;
      void client.query(query);
      parsed = query.parsed;
    });
    const connection = (client as unknown as { connection: ParsedStatements }).connection;
    for (const [name, text] of parsed) connection.parsedStatements[name] = text;
    this.done = true;
    const all = Array.isArray(results) ? results : [results];
    if (tail) tail.onRows(tail.statements.map((_, i) => all[i + 1]!.rows));
    return all[0]!.rows as T[];
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /**
   * True while the transaction's final statement may be sent by someone else in one statement
   * with others' (`commitElsewhere`): only a one-trip transaction that has sent nothing yet.
   */
  get batchable(): boolean {
    return false;
  }

  /**
   * The transaction's final statement is `send`: it runs elsewhere (e.g. coalesced with other
   * requests' creates into one statement of its own pipeline) and commits there. Afterwards this
   * Sql is committed; a `reopen` starts a new transaction on a pooled connection. `send` throws
   * OneTripMissed when nothing was committed. Only where `batchable`.
   */
  commitElsewhere<T>(send: () => Promise<T>): Promise<T> {
    void send;
    return Promise.reject(new Error('commitElsewhere is for one-trip transactions only'));
  }
}

/**
 * The statements of `steps` on a pooled connection as one pipeline (one implicit transaction,
 * committed at its Sync). No connection, or a refusal reported by PostgreSQL (nothing
 * committed), is thrown as OneTripMissed, after forgetting what the pipeline prepared; a broken connection (outcome
 * unknown) as it is. On success the connection is handed back with the results.
 */
async function pipelineOnce(pool: pg.Pool, steps: PipelineStep[], types?: pg.CustomTypesConfig): Promise<{ client: pg.PoolClient; results: pg.QueryResult[] }> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    // Nothing was sent.
    throw new OneTripMissed(error);
  }
  try {
    return { client, results: await sendPipeline(client, steps, [], types) };
  } catch (error) {
    const reported = typeof (error as { code?: unknown }).code === 'string' && (error as { severity?: unknown }).severity !== undefined;
    if (!reported) {
      // The connection broke: whether COMMIT happened is unknown, so no retry either.
      client.release(true);
      throw error;
    }
    // The implicit transaction ended with the Sync (rolled back, the rest skipped); forget the
    // statements this pipeline may have prepared before the error.
    const names = steps.filter((s) => s.name && (client as unknown as { connection: ParsedStatements }).connection.parsedStatements[s.name] !== s.text).map((s) => s.name!);
    await (names.length ? sendPipeline(client, [], names) : Promise.resolve()).then(
      () => client.release(),
      () => client.release(true),
    );
    throw new OneTripMissed(error);
  }
}

/** The head of a one-trip pipeline: the tenant setting, the shared advisory lock, the guard. */
function oneTripHead(tenantId: string, lockKey: bigint | null, guard?: { text: string; values: unknown[] }): PipelineStep[] {
  return [
    { text: TENANT_AND_LOCK_SQL, name: statementName(TENANT_AND_LOCK_SQL), values: [tenantId, lockKey?.toString() ?? null] },
    ...(guard ? [{ text: guard.text, name: statementName(guard.text), values: guard.values }] : []),
  ];
}

/**
 * The Sql of `TenantDatabase.runOneTrip`: until its final statement (`…ThenCommit`) it answers
 * only from rows it was given (`prefetched`); any other statement throws NeedsTransaction. The
 * final statement goes to PostgreSQL in one round trip (one implicit transaction) with the tenant,
 * the shared lock and the guard. Afterwards it is an ordinary committed Sql on that connection.
 */
class OneTripSql extends Sql {
  /**
   * idle: nothing sent; missed: PostgreSQL refused the pipeline (nothing committed); sent: on
   * its way, or the connection broke meanwhile (outcome unknown); committed.
   */
  state: 'idle' | 'missed' | 'sent' | 'committed' | 'elsewhere' = 'idle';

  private get sent(): boolean {
    return this.state !== 'idle';
  }

  constructor(
    private readonly pool: pg.Pool,
    tenantId: string,
    prefetched: Map<string, unknown[]>,
    private readonly head: { lockKey: bigint | null; guard?: { text: string; values: unknown[] } },
  ) {
    super(null as unknown as pg.PoolClient, prefetched, tenantId);
  }

  /** The connection, once committed (after `commitElsewhere`, only once reopened). */
  get acquired(): pg.PoolClient | null {
    return this.state === 'committed' ? this.connection : null;
  }

  override get batchable(): boolean {
    return !this.sent && !this.needed;
  }

  override async commitElsewhere<T>(send: () => Promise<T>): Promise<T> {
    if (this.sent) throw new Error('commitElsewhere after the transaction was sent');
    // Work that swallowed a NeedsTransaction may have gone on without facts it needed.
    if (this.needed) throw new NeedsTransaction('commitElsewhere');
    this.state = 'sent';
    let result: T;
    try {
      result = await send();
    } catch (error) {
      if (error instanceof OneTripMissed) this.state = 'missed';
      throw error;
    }
    this.state = 'elsewhere';
    this.done = true;
    return result;
  }

  /** A statement was asked for before the final one (even if the caller swallowed the error). */
  private needed = false;

  protected override client(sql: string): pg.PoolClient {
    if (!this.sent) {
      this.needed = true;
      throw new NeedsTransaction(sql);
    }
    return super.client(sql);
  }

  override async reopen(): Promise<void> {
    if (!this.sent) {
      this.needed = true;
      throw new NeedsTransaction('reopen');
    }
    if (this.state === 'elsewhere') {
      // Committed by someone else's statement: a new transaction on a connection of our own.
      const client = await this.pool.connect();
      try {
        await client.query(`BEGIN; SELECT set_config('app.tenant_id', '${this.tenantId}', true)`);
      } catch (error) {
        client.release(true);
        throw error;
      }
      this.connection = client;
      this.state = 'committed';
      this.done = false;
      return;
    }
    return super.reopen();
  }

  protected override async thenCommit<T>(sql: string, params: unknown[], prepare: boolean, tail?: TailStatements, types?: pg.CustomTypesConfig): Promise<T[]> {
    if (this.sent) return super.thenCommit(sql, params, prepare, tail, types);
    // Work that swallowed a NeedsTransaction may have gone on without facts it needed.
    if (this.needed) throw new NeedsTransaction(sql);
    this.state = 'sent';
    // No BEGIN / COMMIT: the statements of one pipeline (up to its Sync) run as one implicit
    // transaction, committed at the Sync when all succeeded; the tenant setting and the shared
    // lock last until then.
    const steps: PipelineStep[] = [
      ...oneTripHead(this.tenantId!, this.head.lockKey, this.head.guard),
      { text: sql, values: params, ...(prepare ? { name: statementName(sql) } : {}) },
      ...(tail?.statements ?? []).map((s) => ({ text: s.text, values: s.values, ...(s.name ? { name: s.name } : {}) })),
    ];
    let client: pg.PoolClient;
    let results: pg.QueryResult[];
    try {
      ({ client, results } = await pipelineOnce(this.pool, steps, types));
    } catch (error) {
      if (error instanceof OneTripMissed) this.state = 'missed';
      throw error;
    }
    this.connection = client;
    this.done = true;
    this.state = 'committed';
    const main = 1 + (this.head.guard ? 1 : 0);
    if (tail) tail.onRows(tail.statements.map((_, i) => results[main + 1 + i]!.rows));
    return results[main]!.rows as T[];
  }
}

/**
 * Every tenant-data access runs in a transaction that first sets `app.tenant_id`; PostgreSQL
 * row-level security then hides every other tenant's rows from the app role.
 *
 * It uses the pg pool TypeORM manages (same connections, same config) but talks to the client
 * directly: records are hot paths, and TypeORM's query runner costs more CPU per statement than
 * the statements themselves.
 */
@Injectable()
export class TenantDatabase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  /**
   * `prelude` is a parameterless statement sent with BEGIN in the same round trip; its rows are
   * handed to `work`. Callers build it from checked identifiers only. `prefetch` statements
   * (fixed, parameterless text) ride along too; their rows answer the transaction's first
   * identical query (see Sql), saving a round trip each.
   */
  async run<T>(
    tenantId: string | null,
    work: (sql: Sql, prelude: Record<string, unknown>[]) => Promise<T>,
    opts: { sharedLock?: string; prelude?: string; prefetch?: readonly string[]; readCommitLater?: boolean } = {},
  ): Promise<T> {
    if (tenantId !== null && !UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    const client = await this.pool.connect();
    let open = false;
    let broken = false;
    let released = false;
    try {
      // BEGIN, the tenant setting and a shared advisory lock travel in one round trip (the id is
      // a checked uuid and the lock key a number, so nothing user-typed is spliced in).
      const lock = tenantId && opts.sharedLock ? `; SELECT pg_advisory_xact_lock_shared(${advisoryKey(tenantId, opts.sharedLock)})` : '';
      const first = tenantId ? `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)${lock}` : 'BEGIN';
      const prefetch = tenantId ? (opts.prefetch ?? []) : [];
      const text = [first, ...prefetch, ...(opts.prelude ? [opts.prelude] : [])].join('; ');
      const results = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
      open = true;
      const all = Array.isArray(results) ? results : [results];
      const preludeRows = opts.prelude ? (all[all.length - 1]!.rows as Record<string, unknown>[]) : [];
      const prefetched = new Map<string, unknown[]>();
      const offset = all.length - prefetch.length - (opts.prelude ? 1 : 0);
      prefetch.forEach((statement, i) => prefetched.set(statement, all[offset + i]!.rows));
      const sql = new Sql(client, prefetched, tenantId);
      const result = await work(sql, preludeRows);
      if (!sql.committed && opts.readCommitLater && sql.onlyReads) {
        // A transaction that only read has nothing to make durable: answer now, end it (and
        // free the connection) in the background. The result no longer depends on it.
        open = false;
        released = true;
        client.query('COMMIT').then(
          () => client.release(),
          (error: unknown) => client.release(error instanceof Error ? error : true),
        );
        return result;
      }
      if (!sql.committed) await client.query('COMMIT');
      open = false;
      return result;
    } catch (error) {
      if (open) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      }
      throw error;
    } finally {
      // A connection that could not roll back is not returned to the pool.
      if (!released) client.release(broken);
    }
  }

  /**
   * The whole transaction in one round trip, on facts the caller cached (a form's published
   * version, its permissions, the tenant's settings…): `work` runs first with a Sql that answers
   * only from `prefetched` and throws NeedsTransaction for anything else; its final statement
   * (`preparedThenCommit` / `rowsThenCommit`) is sent after the tenant setting, the shared advisory
   * lock and `guard` in one pipeline, one implicit transaction committed at its Sync (PostgreSQL
   * runs the statements up to a Sync as one transaction). `guard` runs after the lock (so a publish
   * cannot slip in between) and must fail (e.g. divide by zero) when the cached facts are stale;
   * then PostgreSQL skips the rest and nothing is written. Whenever nothing was committed — the
   * work needed a statement first, it threw before its final statement, or PostgreSQL reported an
   * error — this throws OneTripMissed: run the work the ordinary way (`run`). Errors after the
   * commit are thrown as they are. Statements after the commit (a `reopen`) run in a new
   * transaction on the same connection, committed here.
   */
  async runOneTrip<T>(
    tenantId: string,
    work: (sql: Sql) => Promise<T>,
    opts: { sharedLock?: string; prefetched?: Map<string, unknown[]>; guard?: { text: string; values: unknown[] } },
  ): Promise<T> {
    if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    const lockKey = opts.sharedLock ? advisoryKey(tenantId, opts.sharedLock) : null;
    const sql = new OneTripSql(this.pool, tenantId, new Map(opts.prefetched ?? []), { lockKey, guard: opts.guard });
    let result: T;
    try {
      result = await work(sql);
    } catch (error) {
      // Sent, but whether it committed is unknown (the connection broke): no second attempt.
      if (sql.state === 'sent') throw error;
      // Committed by a coalesced statement, nothing reopened: the error is the answer.
      if (sql.state === 'elsewhere') throw error;
      const client = sql.acquired;
      if (client) {
        // After the commit: like `run`, end a reopened transaction and hand the connection back.
        const reopened = !sql.committed;
        await (reopened ? client.query('ROLLBACK') : Promise.resolve()).then(
          () => client.release(),
          () => client.release(true),
        );
        throw error;
      }
      throw error instanceof OneTripMissed ? error : new OneTripMissed(error);
    }
    const client = sql.acquired;
    if (!client && sql.state === 'elsewhere') return result;
    if (!client) throw new OneTripMissed(new Error('the work sent no statement'));
    try {
      if (!sql.committed) await client.query('COMMIT');
    } catch (error) {
      client.release(true);
      throw error;
    }
    client.release();
    return result;
  }

  /**
   * One statement in one round trip after the tenant setting, the shared advisory lock and
   * `guard` (as `runOneTrip` sends its final statement), on a pooled connection: the statement
   * behind `Sql.commitElsewhere`, e.g. several requests' creates in one. Throws OneTripMissed
   * when PostgreSQL refused it (nothing committed); other errors leave the outcome unknown.
   */
  async sendOneTrip<T>(tenantId: string, statement: { text: string; values: unknown[] }, opts: { sharedLock?: string; guard?: { text: string; values: unknown[] } } = {}): Promise<T[]> {
    if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    const lockKey = opts.sharedLock ? advisoryKey(tenantId, opts.sharedLock) : null;
    const steps = [...oneTripHead(tenantId, lockKey, opts.guard), { text: statement.text, values: statement.values, name: statementName(statement.text) }];
    const { client, results } = await pipelineOnce(this.pool, steps);
    client.release();
    return results[steps.length - 1]!.rows as T[];
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
