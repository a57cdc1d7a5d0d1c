import type pg from 'pg';
import type { Sql } from '../../database/tenant-database.js';

/**
 * The connection behind a transaction's Sql (COPY needs the client itself); null if its shape
 * changed, and the import falls back to multi-row INSERTs.
 */
export function pgClientOf(sql: Sql): pg.PoolClient | null {
  const inner = sql as unknown as { connection?: unknown; client?: unknown };
  const client = inner.connection ?? (typeof inner.client === 'function' ? (inner.client as () => unknown).call(sql) : inner.client);
  return client && typeof (client as pg.PoolClient).query === 'function' ? (client as pg.PoolClient) : null;
}
