import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Tenants, users, roles, forms, versions and records. Every tenant table carries tenant_id
 * in its primary key (Citus-ready, DESIGN §5) and is guarded by row-level security keyed on
 * the per-transaction setting `app.tenant_id`; the app connects as a non-owner role.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION credo_current_tenant() RETURNS uuid
        LANGUAGE sql STABLE
        AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text NOT NULL,
        timezone text NOT NULL DEFAULT 'Asia/Shanghai',
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE roles (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{1,40}$'),
        name jsonb NOT NULL,
        builtin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      );

      CREATE TABLE users (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));
      CREATE UNIQUE INDEX users_id_key ON users (id);

      CREATE TABLE forms (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
        title jsonb NOT NULL,
        current_version_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, key)
      );

      CREATE TABLE form_versions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        form_id uuid NOT NULL,
        number integer NOT NULL CHECK (number > 0),
        definition jsonb NOT NULL,
        schema jsonb NOT NULL,
        ui jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, form_id, number),
        FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id) ON DELETE CASCADE
      );
      ALTER TABLE forms ADD FOREIGN KEY (tenant_id, current_version_id)
        REFERENCES form_versions (tenant_id, id) DEFERRABLE INITIALLY DEFERRED;

      CREATE TABLE records (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        form_id uuid NOT NULL,
        form_version_id uuid NOT NULL,
        data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
        rev integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        deleted_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id),
        FOREIGN KEY (tenant_id, form_version_id) REFERENCES form_versions (tenant_id, id)
      );
      -- Keyset pages walk (form, id desc); ids are UUIDv7, so id order is creation order.
      CREATE INDEX records_form_keyset ON records (tenant_id, form_id, id DESC) WHERE deleted_at IS NULL;

      -- Auto-number counters are sequences (one per tenant/form/field/period): nextval never
      -- waits on another transaction, so concurrent creates do not queue behind a counter row.
      CREATE SCHEMA credo_seq;
    `);

    for (const table of ['roles', 'users', 'forms', 'form_versions', 'records']) await enableTenantIsolation(q, table);
    await enableTenantIsolation(q, 'tenants', 'id');

    // Login happens before a tenant is known: a narrow definer function looks up one user by
    // e-mail, so the app role never needs to read across tenants.
    await q.query(`
      CREATE FUNCTION credo_auth_lookup(p_email text)
        RETURNS TABLE (id uuid, tenant_id uuid, email text, display_name text, password_hash text, roles text[], active boolean, tenant_name text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
        AS $$
          SELECT u.id, u.tenant_id, u.email, u.display_name, u.password_hash, u.roles, u.active, t.name
          FROM users u JOIN tenants t ON t.id = u.tenant_id
          WHERE lower(u.email) = lower(p_email)
        $$;
      CREATE FUNCTION credo_tenant_id_by_slug(p_slug text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
        AS $$ SELECT id FROM tenants WHERE slug = p_slug $$;
      CREATE FUNCTION credo_next_numbers(p_form uuid, p_field text, p_period text, p_count integer) RETURNS bigint[]
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
        AS $$
        DECLARE
          tenant uuid := credo_current_tenant();
          seq text;
          result bigint[];
        BEGIN
          IF tenant IS NULL THEN RAISE EXCEPTION 'credo_next_numbers needs app.tenant_id'; END IF;
          IF p_count < 1 OR p_count > 1000000 THEN RAISE EXCEPTION 'credo_next_numbers: bad count %', p_count; END IF;
          seq := 'credo_seq.n_' || md5(tenant::text || '/' || p_form::text || '/' || p_field || '/' || p_period);
          IF to_regclass(seq) IS NULL THEN
            BEGIN
              EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %s', seq);
            EXCEPTION WHEN unique_violation OR duplicate_table THEN NULL;
            END;
          END IF;
          SELECT array_agg(nextval(seq::regclass) ORDER BY g) INTO result FROM generate_series(1, p_count) g;
          RETURN result;
        END $$;
      REVOKE ALL ON FUNCTION credo_next_numbers(uuid, text, text, integer) FROM PUBLIC;
      REVOKE ALL ON FUNCTION credo_auth_lookup(text) FROM PUBLIC;
      REVOKE ALL ON FUNCTION credo_tenant_id_by_slug(text) FROM PUBLIC;
    `);

    await q.query(`
      GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
      GRANT SELECT, INSERT, UPDATE ON tenants, roles, users, forms, form_versions, records TO ${APP_ROLE};
      GRANT DELETE ON roles TO ${APP_ROLE};
      GRANT EXECUTE ON FUNCTION credo_current_tenant(), credo_auth_lookup(text), credo_tenant_id_by_slug(text),
        credo_next_numbers(uuid, text, text, integer) TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS credo_next_numbers(uuid, text, text, integer);
      DROP SCHEMA IF EXISTS credo_seq CASCADE;
      DROP FUNCTION IF EXISTS credo_tenant_id_by_slug(text);
      DROP FUNCTION IF EXISTS credo_auth_lookup(text);
      DROP TABLE IF EXISTS records, form_versions CASCADE;
      DROP TABLE IF EXISTS forms, users, roles, tenants CASCADE;
      DROP FUNCTION IF EXISTS credo_current_tenant();
    `);
  }
}
