import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A 64-bit advisory-lock key for a named thing of a tenant (e.g. `form:customer`). Record writes
 * hold it shared, a publish holds it exclusively: lock-manager locks, no row is written.
 */
export function advisoryKey(tenantId: string, name: string): bigint {
  return createHash('sha256').update(`${tenantId}/${name}`).digest().readBigInt64BE(0);
}

const statementNames = new Map<string, string>();

/** Parameterised SQL inside one transaction. Records are read as raw rows, never entities. */
export class Sql {
  constructor(private readonly client: pg.PoolClient) {}

  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  /**
   * A hot statement, prepared once per connection (named by a hash of its text) so PostgreSQL
   * parses it once; for fixed-shape statements only, not for ones built from filters.
   */
  async prepared<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    let name = statementNames.get(sql);
    if (!name) {
      name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
      if (statementNames.size < 1000) statementNames.set(sql, name);
    }
    return (await this.client.query({ name, text: sql, values: params })).rows as T[];
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
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
   * handed to `work`. Callers build it from checked identifiers only.
   */
  async run<T>(
    tenantId: string | null,
    work: (sql: Sql, prelude: Record<string, unknown>[]) => Promise<T>,
    opts: { sharedLock?: string; prelude?: string } = {},
  ): Promise<T> {
    if (tenantId !== null && !UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    const client = await this.pool.connect();
    let open = false;
    let broken = false;
    try {
      // BEGIN, the tenant setting and a shared advisory lock travel in one round trip (the id is
      // a checked uuid and the lock key a number, so nothing user-typed is spliced in).
      const lock = tenantId && opts.sharedLock ? `; SELECT pg_advisory_xact_lock_shared(${advisoryKey(tenantId, opts.sharedLock)})` : '';
      const first = tenantId ? `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)${lock}` : 'BEGIN';
      const results = (await client.query(opts.prelude ? `${first}; ${opts.prelude}` : first)) as unknown as pg.QueryResult | pg.QueryResult[];
      open = true;
      const preludeRows = opts.prelude && Array.isArray(results) ? (results[results.length - 1]!.rows as Record<string, unknown>[]) : [];
      const result = await work(new Sql(client), preludeRows);
      await client.query('COMMIT');
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
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
