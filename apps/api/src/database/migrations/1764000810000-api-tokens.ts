import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/**
 * API tokens for integrations: a role in one tenant, an expiry, revocable. Only the SHA-256 of
 * the secret is stored (the secret has 256 random bits, so no salt or slow hash is needed).
 * A bearer token arrives before its tenant is known: a narrow definer function finds it by
 * hash, as credo_auth_lookup does for logins, so the app role never reads across tenants.
 */
export class ApiTokens1764000810000 implements MigrationInterface {
  name = 'ApiTokens1764000810000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_tokens (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        role text NOT NULL,
        token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
        prefix text NOT NULL,
        rate_limit integer NOT NULL CHECK (rate_limit > 0),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by uuid,
        last_used_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, role) REFERENCES roles (tenant_id, key)
      );
      CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
      ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON api_tokens USING (tenant_id = credo_current_tenant()) WITH CHECK (tenant_id = credo_current_tenant());
      GRANT SELECT, INSERT, UPDATE ON api_tokens TO ${APP_ROLE};

      -- last_used_at is refreshed at most once a minute, so busy integrations do not queue on the row.
      CREATE FUNCTION credo_api_token_lookup(p_hash bytea)
        RETURNS TABLE (id uuid, tenant_id uuid, name text, role text, rate_limit integer, expires_at timestamptz, revoked_at timestamptz)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
        AS $$
        BEGIN
          UPDATE api_tokens t SET last_used_at = now()
           WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND t.expires_at > now()
             AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute');
          RETURN QUERY SELECT t.id, t.tenant_id, t.name, t.role, t.rate_limit, t.expires_at, t.revoked_at
            FROM api_tokens t WHERE t.token_hash = p_hash;
        END $$;
      REVOKE ALL ON FUNCTION credo_api_token_lookup(bytea) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION credo_api_token_lookup(bytea) TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS credo_api_token_lookup(bytea);
      DROP TABLE IF EXISTS api_tokens;
    `);
  }
}
