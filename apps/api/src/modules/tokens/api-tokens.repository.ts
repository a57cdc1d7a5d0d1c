import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  rate_limit: number;
  created_at: Date;
  created_by: string | null;
  created_by_email: string | null;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** What the guard needs of a token found by the hash of its secret (any tenant). */
export interface ApiTokenLookupRow {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  rate_limit: number;
  expires_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = `t.id, t.name, t.role, t.prefix, t.rate_limit, t.created_at, t.created_by, u.email AS created_by_email,
  t.expires_at, t.revoked_at, t.last_used_at`;

@Injectable()
export class ApiTokensRepository {
  async roleExists(sql: Sql, role: string): Promise<boolean> {
    return (await sql.one<{ ok: number }>('SELECT 1 AS ok FROM roles WHERE key = $1', [role])) !== undefined;
  }

  async insert(
    sql: Sql,
    token: { id: string; name: string; role: string; hash: Buffer; prefix: string; rateLimit: number; userId: string; expiresAt: Date },
  ): Promise<ApiTokenRow> {
    const rows = await sql.rows<ApiTokenRow>(
      `WITH t AS (
         INSERT INTO api_tokens (tenant_id, id, name, role, token_hash, prefix, rate_limit, created_by, expires_at)
         VALUES (credo_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
       SELECT ${COLUMNS} FROM t LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.created_by`,
      [token.id, token.name, token.role, token.hash, token.prefix, token.rateLimit, token.userId, token.expiresAt],
    );
    return rows[0]!;
  }

  list(sql: Sql): Promise<ApiTokenRow[]> {
    return sql.rows<ApiTokenRow>(
      `SELECT ${COLUMNS} FROM api_tokens t LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.created_by
       ORDER BY t.created_at DESC, t.id DESC LIMIT 1000`,
    );
  }

  /** Revokes a live token; undefined when there is no such token, revoked=false when it already was. */
  async revoke(sql: Sql, id: string, userId: string): Promise<{ name: string; revoked: boolean } | undefined> {
    const row = await sql.one<{ name: string; revoked: boolean }>(
      `WITH u AS (UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id)
       SELECT t.name, EXISTS (SELECT 1 FROM u) AS revoked FROM api_tokens t WHERE t.id = $1`,
      [id, userId],
    );
    return row;
  }

  lookup(sql: Sql, hash: Buffer): Promise<ApiTokenLookupRow | undefined> {
    return sql.one<ApiTokenLookupRow>('SELECT * FROM credo_api_token_lookup($1)', [hash]);
  }
}
