import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { recordsPartition as partitionName } from '../records-partition.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/** What hangs on `records` besides its data and indexes; dropped with the table, made again on the new one (up and down). */
const RECORDS_GRANTS_VIEW_AND_TRIGGERS = `
  GRANT SELECT, INSERT, UPDATE ON records TO ${APP_ROLE};
  CREATE VIEW records_t AS SELECT * FROM records WHERE tenant_id = credo_current_tenant();
  REVOKE ALL ON records_t FROM PUBLIC;
  GRANT SELECT ON records_t TO ${APP_ROLE};
  CREATE TRIGGER records_projection_insert AFTER INSERT ON records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
  CREATE TRIGGER records_projection_update AFTER UPDATE ON records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
  CREATE TRIGGER records_projection_delete AFTER DELETE ON records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION credo_projection_sync();
`;

/**
 * `records` becomes LIST-partitioned by form_id: one partition per form (records_<form id hex>).
 *
 * Why: field indexes used to be partial indexes `WHERE form_id = …` on one shared table, so every
 * INSERT/UPDATE opened every index of every form of every tenant and evaluated its predicate, and
 * every connection loaded every index description. Measured on PostgreSQL 18 (single-row INSERT of
 * a customer, 7 templates per tenant): 1 tenant 41 indexes ~0.27 ms/insert both ways; 5 tenants
 * (197 indexes) 0.55 → 0.26 ms; 20 tenants (782 indexes) 1.29 → 0.19 ms; first insert on a new
 * connection 28 → 9 ms at 20 tenants. A write now touches its form's partition and indexes only.
 *
 * - Primary key (tenant_id, id, form_id): a key must contain the partition key; with form_id last
 *   a look-up by (tenant_id, id) is a prefix of it. Ids are UUIDv7 made by the server, so an id
 *   stays unique per tenant in practice, though the key now enforces it per form only.
 * - Foreign keys that referenced records (tenant_id, id) — record_revisions, record_rule_results —
 *   are dropped, not widened with form_id: the app writes a revision / rule result in the same
 *   statement (or transaction) as the record it belongs to, records are never hard-deleted (the
 *   app role has no DELETE on records), and the per-row FK check was a cost on every bulk import
 *   (T3). Adding form_id to both tables would have meant changing every writer of them.
 * - A form's partition is created when the form is inserted (trigger on forms, same transaction):
 *   CREATE TABLE … (LIKE records) then ATTACH PARTITION, which takes SHARE UPDATE EXCLUSIVE on
 *   `records` (reads and writes of other forms go on) where CREATE TABLE … PARTITION OF would take
 *   ACCESS EXCLUSIVE. Partitions get RLS enabled (and no policy, no grants): the app only ever
 *   reaches them through `records` (tenant policy) or `records_t`.
 * - Field indexes become plain indexes on the form's partition: rx_ (expression, id) without a
 *   predicate (so ANALYZE keeps statistics of the expression: the sx_ statistics objects are
 *   dropped), ux_ unique WHERE deleted_at IS NULL AND value IS NOT NULL. Same names as before.
 * - The keyset index (tenant_id, id DESC) and the key are partitioned indexes on the parent; the
 *   typed-projection statement triggers, the tenant policy and `records_t` are recreated on the new
 *   table. Policy and view call credo_current_tenant() directly (see tenant-isolation.ts): the
 *   planner then knows that another tenant's partition holds none of the tenant's rows, where an
 *   InitPlan would make it guess every row (one tenant_id value per partition).
 */
export class RecordsByForm1764910000000 implements MigrationInterface {
  name = 'RecordsByForm1764910000000';

  async up(q: QueryRunner): Promise<void> {
    // The field indexes as they are now (the new ones keep their names), before the table goes.
    const indexes: Array<{ name: string; def: string }> = await q.query(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'public.records'::regclass AND c.relname ~ '^(rx|ux)_' ORDER BY c.relname`,
    );
    await q.query(`
      CREATE TABLE records_by_form (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        form_id uuid NOT NULL,
        form_version_id uuid NOT NULL,
        data jsonb NOT NULL CONSTRAINT records_data_check CHECK (jsonb_typeof(data) = 'object'),
        rev integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        deleted_at timestamptz,
        CONSTRAINT records_by_form_pkey PRIMARY KEY (tenant_id, id, form_id),
        CONSTRAINT records_by_form_form_fkey FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id),
        CONSTRAINT records_by_form_version_fkey FOREIGN KEY (tenant_id, form_version_id) REFERENCES form_versions (tenant_id, id)
      ) PARTITION BY LIST (form_id);

      CREATE FUNCTION credo_records_partition_name(p_form uuid) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT 'records_' || replace(p_form::text, '-', '') $$;
    `);
    const forms: Array<{ id: string }> = await q.query('SELECT id FROM forms ORDER BY id');
    for (const { id } of forms) {
      await q.query(`CREATE TABLE ${partitionName(id)} PARTITION OF records_by_form FOR VALUES IN ('${id}')`);
      await q.query(`ALTER TABLE ${partitionName(id)} ENABLE ROW LEVEL SECURITY`);
    }
    await q.query(`
      INSERT INTO records_by_form (tenant_id, id, form_id, form_version_id, data, rev, created_at, created_by, updated_at, updated_by, deleted_at)
      SELECT tenant_id, id, form_id, form_version_id, data, rev, created_at, created_by, updated_at, updated_by, deleted_at FROM records;

      -- Goes with the table: records_t, the FKs of record_revisions / record_rule_results, the
      -- triggers, the partial field indexes and the sx_ statistics objects.
      DROP TABLE records CASCADE;
      ALTER TABLE records_by_form RENAME TO records;
      ALTER TABLE records RENAME CONSTRAINT records_by_form_pkey TO records_pkey;
      ALTER TABLE records RENAME CONSTRAINT records_by_form_form_fkey TO records_form_fkey;
      ALTER TABLE records RENAME CONSTRAINT records_by_form_version_fkey TO records_version_fkey;
      -- Keyset pages walk a form's partition by id desc; ids are UUIDv7, so id order is creation
      -- order. No form_id column: it is one value per partition.
      CREATE INDEX records_form_keyset ON records (tenant_id, id DESC) WHERE deleted_at IS NULL;
    `);
    await enableTenantIsolation(q, 'records');
    for (const index of indexes) {
      const form = /form_id = '([0-9a-f-]{36})'::uuid/.exec(index.def)?.[1];
      if (!form || !forms.some((f) => f.id === form)) continue;
      let def = index.def.replace(/ ON public\.records /, ` ON public.${partitionName(form)} `);
      def = index.name.startsWith('rx_') ? def.replace(/ WHERE .*$/s, '') : def.replace(/\(form_id = '[0-9a-f-]{36}'::uuid\) AND /, '');
      await q.query(def);
    }
    await q.query(`
      ${RECORDS_GRANTS_VIEW_AND_TRIGGERS}

      -- A form's partition, made (owner-run) when the form row is inserted. LIKE + ATTACH: only
      -- SHARE UPDATE EXCLUSIVE on records; ATTACH adds the parent's key, keyset index and FKs.
      CREATE FUNCTION credo_records_partition(p_form uuid) RETURNS text
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
        AS $$
        DECLARE
          name text := credo_records_partition_name(p_form);
        BEGIN
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE records INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)', name);
            EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
            EXECUTE format('ALTER TABLE records ATTACH PARTITION %I FOR VALUES IN (%L)', name, p_form);
          END IF;
          RETURN name;
        END $$;
      CREATE FUNCTION credo_forms_partition() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
        AS $$ BEGIN PERFORM credo_records_partition(NEW.id); RETURN NULL; END $$;
      REVOKE ALL ON FUNCTION credo_records_partition(uuid), credo_forms_partition() FROM PUBLIC;
      CREATE TRIGGER forms_records_partition AFTER INSERT ON forms FOR EACH ROW EXECUTE FUNCTION credo_forms_partition();
    `);
    await q.query('ANALYZE records');
  }

  async down(q: QueryRunner): Promise<void> {
    // The field indexes of every partition, to be made again as partial indexes of the flat table
    // (same names, scoped by form_id as before this migration) so unique fields stay enforced.
    const indexes: Array<{ name: string; partition: string; def: string }> = await q.query(
      `SELECT c.relname AS name, t.relname AS partition, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_inherits h ON h.inhrelid = t.oid AND h.inhparent = 'public.records'::regclass
       WHERE c.relname ~ '^(rx|ux)_' ORDER BY c.relname`,
    );
    const forms: Array<{ id: string }> = await q.query('SELECT id FROM forms ORDER BY id');
    const formOf = new Map(forms.map(({ id }) => [partitionName(id), id]));
    await q.query(`
      DROP TRIGGER IF EXISTS forms_records_partition ON forms;
      DROP FUNCTION IF EXISTS credo_forms_partition();
      DROP FUNCTION IF EXISTS credo_records_partition(uuid);
      CREATE TABLE records_flat (LIKE records INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
      INSERT INTO records_flat SELECT * FROM records;
      DROP TABLE records CASCADE;
      DROP FUNCTION IF EXISTS credo_records_partition_name(uuid);
      ALTER TABLE records_flat RENAME TO records;
      ALTER TABLE records ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE records ADD FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id);
      ALTER TABLE records ADD FOREIGN KEY (tenant_id, form_version_id) REFERENCES form_versions (tenant_id, id);
      CREATE INDEX records_form_keyset ON records (tenant_id, form_id, id DESC) WHERE deleted_at IS NULL;
      ALTER TABLE record_revisions ADD FOREIGN KEY (tenant_id, record_id) REFERENCES records (tenant_id, id);
      ALTER TABLE record_rule_results ADD FOREIGN KEY (tenant_id, record_id) REFERENCES records (tenant_id, id);
    `);
    await enableTenantIsolation(q, 'records');
    await q.query(RECORDS_GRANTS_VIEW_AND_TRIGGERS);
    for (const index of indexes) {
      const form = formOf.get(index.partition);
      if (!form) continue;
      const [head, predicate] = index.def.split(' WHERE ') as [string, string | undefined];
      // pg_get_indexdef wraps the whole predicate in one pair of parentheses: drop it, so the
      // form condition joins a flat AND list (up() strips "(form_id = …) AND " from that form).
      const conditions = [`form_id = '${form}'::uuid`];
      if (predicate) conditions.push(predicate.replace(/^\((.*)\)$/s, '$1'));
      else if (index.name.startsWith('rx_')) conditions.push('deleted_at IS NULL');
      await q.query(`${head.replace(` ON public.${index.partition} `, ' ON public.records ')} WHERE ${conditions.join(' AND ')}`);
    }
    // The sx_ expression statistics (dropped by up) come back from FieldIndexService.ensure at the next publish.
    await q.query('ANALYZE records');
  }
}
