import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/**
 * text -> date / timestamptz casts depend on DateStyle / TimeZone, so PostgreSQL will not index
 * them. Record values are ISO 8601 (validated by the form engine), which parse the same under
 * any setting: these wrappers say so, and expression indexes and queries both use them.
 */
export class ImmutableCasts1764000500000 implements MigrationInterface {
  name = 'ImmutableCasts1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION credo_date(text) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT $1::date $$;
      CREATE FUNCTION credo_timestamptz(text) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT $1::timestamptz $$ SET timezone = 'UTC';
      GRANT EXECUTE ON FUNCTION credo_date(text), credo_timestamptz(text) TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS credo_date(text); DROP FUNCTION IF EXISTS credo_timestamptz(text);`);
  }
}
