import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Typed projections (PERFORMANCE.md §7 "Reports", T11): a form may opt in
 * (`settings.typedProjection`) to a table `credo_proj.f_<form id>` with one typed column per
 * projected field (money → numeric, date → date, reference/user → uuid, …), so reports scan narrow
 * typed rows instead of extracting JSONB.
 *
 * - `credo_projection_ensure(form, columns)` (called on publish and template install, inside that
 *   transaction) creates the table, or rebuilds it when the column set changed, and backfills it
 *   from the live records; an empty column list drops it. Owner-run (SECURITY DEFINER): the app
 *   role has no DDL rights; the form must belong to the current tenant.
 * - Three statement-level triggers on `records` (insert, update, delete; transition tables) keep
 *   every projection in step in the writer's own transaction: API writes, imports, publish
 *   migrations, recomputes, soft deletes (row leaves), restores (row returns) and hard deletes.
 *   A statement on a form without a projection costs one indexed look-up in `form_projections`.
 * - Row-level security on the registry and on each projection, like every tenant table. The
 *   projection policy compares with `(SELECT credo_current_tenant())`, evaluated once per query
 *   (an InitPlan), not once per scanned row.
 */
export class TypedProjections1764500000000 implements MigrationInterface {
  name = 'TypedProjections1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA credo_proj;
      GRANT USAGE ON SCHEMA credo_proj TO ${APP_ROLE};

      CREATE TABLE form_projections (
        tenant_id uuid NOT NULL,
        form_id uuid NOT NULL,
        table_name text NOT NULL CHECK (table_name ~ '^credo_proj\\.f_[0-9a-f]{32}$'),
        columns jsonb NOT NULL,
        sync_sql text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, form_id),
        FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX form_projections_form ON form_projections (form_id);
      GRANT SELECT ON form_projections TO ${APP_ROLE};
    `);
    await enableTenantIsolation(q, 'form_projections');

    await q.query(`
      CREATE FUNCTION credo_projection_ensure(p_form uuid, p_columns jsonb) RETURNS text
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
        AS $fn$
        DECLARE
          tenant uuid := credo_current_tenant();
          tbl text := 'credo_proj.f_' || replace(p_form::text, '-', '');
          old_columns jsonb;
          col jsonb;
          k text;
          ty text;
          defs text[] := '{}';
          names text[] := '{}';
          exprs text[] := '{}';
          sets text[] := '{}';
          sync text;
        BEGIN
          IF tenant IS NULL THEN RAISE EXCEPTION 'credo_projection_ensure needs app.tenant_id'; END IF;
          IF NOT EXISTS (SELECT 1 FROM forms WHERE tenant_id = tenant AND id = p_form) THEN
            RAISE EXCEPTION 'credo_projection_ensure: no form % in this tenant', p_form;
          END IF;
          SELECT columns INTO old_columns FROM form_projections WHERE tenant_id = tenant AND form_id = p_form;
          IF p_columns IS NULL OR jsonb_typeof(p_columns) <> 'array' OR jsonb_array_length(p_columns) = 0 THEN
            IF old_columns IS NULL THEN RETURN 'none'; END IF;
            DELETE FROM form_projections WHERE tenant_id = tenant AND form_id = p_form;
            EXECUTE 'DROP TABLE IF EXISTS ' || tbl;
            RETURN 'dropped';
          END IF;
          IF old_columns = p_columns AND to_regclass(tbl) IS NOT NULL THEN RETURN 'unchanged'; END IF;

          FOR col IN SELECT value FROM jsonb_array_elements(p_columns) LOOP
            k := col->>'field';
            ty := col->>'type';
            IF k IS NULL OR k !~ '^[a-z][a-z0-9_]{0,62}$' OR k IN ('tenant_id', 'id') OR k = ANY(names) THEN
              RAISE EXCEPTION 'credo_projection_ensure: bad field %', k;
            END IF;
            IF ty IS NULL OR ty NOT IN ('text', 'uuid', 'numeric', 'bigint', 'double precision', 'boolean', 'date', 'timestamptz') THEN
              RAISE EXCEPTION 'credo_projection_ensure: bad type % for %', ty, k;
            END IF;
            defs := defs || format('%I %s', k, ty);
            names := names || k;
            exprs := exprs || CASE ty
              WHEN 'text' THEN format('n.data->>%L', k)
              -- A value that does not parse (never written by the API) projects as NULL, never fails the write.
              WHEN 'timestamptz' THEN format('CASE WHEN pg_input_is_valid(n.data->>%1$L, %2$L) THEN credo_timestamptz(n.data->>%1$L) END', k, ty)
              ELSE format('CASE WHEN pg_input_is_valid(n.data->>%1$L, %2$L) THEN (n.data->>%1$L)::%3$s END', k, ty, ty)
            END;
            sets := sets || format('%1$I = EXCLUDED.%1$I', k);
          END LOOP;

          -- New or changed column set: rebuild from the live records (same transaction as the publish).
          EXECUTE 'DROP TABLE IF EXISTS ' || tbl;
          EXECUTE format('CREATE TABLE %s (tenant_id uuid NOT NULL, id uuid NOT NULL, %s, PRIMARY KEY (tenant_id, id))', tbl, array_to_string(defs, ', '));
          EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
          EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = (SELECT credo_current_tenant())) WITH CHECK (tenant_id = (SELECT credo_current_tenant()))', tbl);
          EXECUTE format('GRANT SELECT ON %s TO ${APP_ROLE}', tbl);
          EXECUTE format(
            'INSERT INTO %s (tenant_id, id, %s) SELECT n.tenant_id, n.id, %s FROM records n WHERE n.tenant_id = %L AND n.form_id = %L AND n.deleted_at IS NULL',
            tbl, (SELECT string_agg(quote_ident(x), ', ') FROM unnest(names) x), array_to_string(exprs, ', '), tenant, p_form);
          EXECUTE 'ANALYZE ' || tbl;

          sync := format(
            'INSERT INTO %s AS t (tenant_id, id, %s) SELECT n.tenant_id, n.id, %s FROM new_rows n WHERE n.form_id = %L AND n.deleted_at IS NULL '
            'ON CONFLICT (tenant_id, id) DO UPDATE SET %s',
            tbl, (SELECT string_agg(quote_ident(x), ', ') FROM unnest(names) x), array_to_string(exprs, ', '), p_form, array_to_string(sets, ', '));
          INSERT INTO form_projections (tenant_id, form_id, table_name, columns, sync_sql)
          VALUES (tenant, p_form, tbl, p_columns, sync)
          ON CONFLICT (tenant_id, form_id) DO UPDATE SET table_name = EXCLUDED.table_name, columns = EXCLUDED.columns,
            sync_sql = EXCLUDED.sync_sql, updated_at = now();
          RETURN CASE WHEN old_columns IS NULL THEN 'created' ELSE 'rebuilt' END;
        END $fn$;
      REVOKE ALL ON FUNCTION credo_projection_ensure(uuid, jsonb) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION credo_projection_ensure(uuid, jsonb) TO ${APP_ROLE};

      -- Statement-level: one call per statement however many rows (bulk imports, migrations).
      CREATE FUNCTION credo_projection_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
        AS $fn$
        DECLARE
          p record;
        BEGIN
          IF TG_OP = 'DELETE' THEN
            FOR p IN SELECT fp.table_name FROM form_projections fp WHERE fp.form_id IN (SELECT DISTINCT o.form_id FROM old_rows o) LOOP
              EXECUTE format('DELETE FROM %s t USING old_rows o WHERE t.tenant_id = o.tenant_id AND t.id = o.id', p.table_name);
            END LOOP;
            RETURN NULL;
          END IF;
          FOR p IN SELECT fp.table_name, fp.sync_sql FROM form_projections fp WHERE fp.form_id IN (SELECT DISTINCT n.form_id FROM new_rows n) LOOP
            IF TG_OP = 'UPDATE' THEN
              -- Soft-deleted rows leave the projection; restored ones come back through the upsert.
              EXECUTE format('DELETE FROM %s t USING new_rows n WHERE t.tenant_id = n.tenant_id AND t.id = n.id AND n.deleted_at IS NOT NULL', p.table_name);
            END IF;
            EXECUTE p.sync_sql;
          END LOOP;
          RETURN NULL;
        END $fn$;
      REVOKE ALL ON FUNCTION credo_projection_sync() FROM PUBLIC;

      CREATE TRIGGER records_projection_insert AFTER INSERT ON records
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
      CREATE TRIGGER records_projection_update AFTER UPDATE ON records
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
      CREATE TRIGGER records_projection_delete AFTER DELETE ON records
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS records_projection_insert ON records;
      DROP TRIGGER IF EXISTS records_projection_update ON records;
      DROP TRIGGER IF EXISTS records_projection_delete ON records;
      DROP FUNCTION IF EXISTS credo_projection_sync();
      DROP FUNCTION IF EXISTS credo_projection_ensure(uuid, jsonb);
      DROP TABLE IF EXISTS form_projections;
      DROP SCHEMA IF EXISTS credo_proj CASCADE;
    `);
  }
}
