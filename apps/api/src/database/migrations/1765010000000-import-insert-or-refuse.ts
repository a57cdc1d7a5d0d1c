import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';

/**
 * credo_import_insert(statement, $1…$7): runs an import chunk's insert statement in a
 * subtransaction and answers false, having written nothing, when a unique index refuses a row
 * (unique_violation), instead of failing the transaction. An import's next statements are
 * pipelined on the same connection behind the write: a failed statement would abort them too, a
 * `false` lets the import look up which rows hold taken values and go on. Runs with the caller's
 * rights (SECURITY INVOKER): it can do nothing the caller could not send itself.
 */
export class ImportInsertOrRefuse1765010000000 implements MigrationInterface {
  name = 'ImportInsertOrRefuse1765010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION credo_import_insert(p_statement text, p1 text, p2 uuid, p3 uuid, p4 uuid, p5 uuid, p6 uuid, p7 date)
        RETURNS boolean
        LANGUAGE plpgsql
        AS $$
        BEGIN
          EXECUTE p_statement USING p1, p2, p3, p4, p5, p6, p7;
          RETURN true;
        EXCEPTION WHEN unique_violation THEN
          RETURN false;
        END $$;
      REVOKE ALL ON FUNCTION credo_import_insert(text, text, uuid, uuid, uuid, uuid, uuid, date) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION credo_import_insert(text, text, uuid, uuid, uuid, uuid, uuid, date) TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS credo_import_insert(text, text, uuid, uuid, uuid, uuid, uuid, date)');
  }
}
