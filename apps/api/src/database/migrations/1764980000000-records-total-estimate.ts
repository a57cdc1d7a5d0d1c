import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/**
 * The total of an unfiltered record list (total=true, no filter, no owner rule) from catalog
 * statistics of the form's partition, without reading records when they prove the answer.
 *
 * Why: total=true counts exactly up to EXACT_TOTAL_LIMIT matches and beyond that reports the
 * planner's estimate. For an unfiltered list that meant planning and running a capped count
 * (1,001 rows) under EXPLAIN ANALYZE with every page: more CPU than the page itself (bench T10),
 * and a seq scan that also walked every empty page a bulk delete or an aborted import had left at
 * the start of the partition.
 *
 * credo_records_total(form, cap) → (n, estimate), as the caller (credo_app: `forms` and
 * `records_t` show the tenant's rows only; pg_class is readable by everyone):
 * - `live` = reltuples of the partition's keyset index (records_form_keyset, partial WHERE
 *   deleted_at IS NULL: one entry per record not soft-deleted), as of the last VACUUM / ANALYZE
 *   (ANALYZE sets a partial index's reltuples from its sample), and `changed` = rows inserted,
 *   updated or deleted in the partition since the last ANALYZE.
 * - `live − changed` > 2 × (cap + 1): the form certainly has more than `cap` live records (each
 *   change since removed at most one), so nothing is read: `n` is NULL and `estimate` the
 *   planner's way of scaling: live per page at the last statistics × the partition's pages now.
 * - Otherwise (a small form, no statistics yet, many changes since): `n` is the exact count up to
 *   cap + 1, read newest first on the keyset index; plpgsql keeps both statements' plans per
 *   connection. More than `cap` with no statistics yet (a freshly loaded partition): the
 *   planner's estimate, as EXPLAIN gives it from the partition's size.
 */
export class RecordsTotalEstimate1764980000000 implements MigrationInterface {
  name = 'RecordsTotalEstimate1764980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION credo_records_total(p_form uuid, p_cap int, OUT n int, OUT estimate bigint)
        LANGUAGE plpgsql STABLE
        AS $$
        DECLARE
          live float8;
          changed bigint;
          plan json;
        BEGIN
          SELECT ix.reltuples, pg_stat_get_mod_since_analyze(t.oid),
                 round(ix.reltuples * CASE WHEN t.relpages > 0
                   THEN (pg_relation_size(t.oid) / current_setting('block_size')::int)::float8 / t.relpages ELSE 1 END)::bigint
            INTO live, changed, estimate
          FROM forms f
          JOIN pg_class t ON t.oid = to_regclass('public.' || credo_records_partition_name(f.id))
          JOIN pg_index i ON i.indrelid = t.oid
          JOIN pg_inherits h ON h.inhrelid = i.indexrelid AND h.inhparent = 'public.records_form_keyset'::regclass
          JOIN pg_class ix ON ix.oid = i.indexrelid
          WHERE f.id = p_form AND f.tenant_id = credo_current_tenant() AND ix.reltuples >= 0;
          IF live IS NOT NULL AND live - coalesce(changed, 0) > 2 * (p_cap + 1)::float8 THEN
            RETURN;
          END IF;
          SELECT count(*)::int INTO n
          FROM (SELECT 1 FROM records_t r WHERE r.form_id = p_form AND r.deleted_at IS NULL ORDER BY r.id DESC LIMIT p_cap + 1) c;
          IF n > p_cap AND estimate IS NULL THEN
            EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM records_t r WHERE r.form_id = %L AND r.deleted_at IS NULL', p_form) INTO plan;
            estimate := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
          END IF;
          estimate := greatest(coalesce(estimate, 0), n);
        END $$;
      REVOKE ALL ON FUNCTION credo_records_total(uuid, int) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION credo_records_total(uuid, int) TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS credo_records_total(uuid, int)');
  }
}
