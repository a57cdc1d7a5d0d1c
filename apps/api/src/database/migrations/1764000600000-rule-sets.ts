import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Rule sets per form (draft, published versions) and the stored result of the current rule set
 * for each record: values (class, score, grade…), raised alerts and the explanation, so a
 * credit manager can read why a customer is 高风险 and lists can filter on the outcome.
 */
export class RuleSets1764000600000 implements MigrationInterface {
  name = 'RuleSets1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE forms ADD COLUMN rules_draft jsonb, ADD COLUMN rules_version_id uuid;
      CREATE TABLE rule_set_versions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        form_id uuid NOT NULL,
        number integer NOT NULL CHECK (number > 0),
        document jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, form_id, number),
        FOREIGN KEY (tenant_id, form_id) REFERENCES forms (tenant_id, id) ON DELETE CASCADE
      );
      CREATE TABLE record_rule_results (
        tenant_id uuid NOT NULL,
        record_id uuid NOT NULL,
        rule_version_id uuid NOT NULL,
        as_of date NOT NULL,
        vals jsonb NOT NULL,
        alerts jsonb NOT NULL,
        explanation jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, record_id),
        FOREIGN KEY (tenant_id, record_id) REFERENCES records (tenant_id, id)
      );
      CREATE INDEX record_rule_results_alerts ON record_rule_results USING gin (alerts jsonb_path_ops);
    `);
    for (const table of ['rule_set_versions', 'record_rule_results']) await enableTenantIsolation(q, table);
    await q.query(`
      GRANT SELECT, INSERT ON rule_set_versions TO ${APP_ROLE};
      GRANT SELECT, INSERT, UPDATE, DELETE ON record_rule_results TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS record_rule_results, rule_set_versions; ALTER TABLE forms DROP COLUMN rules_draft, DROP COLUMN rules_version_id;`);
  }
}
