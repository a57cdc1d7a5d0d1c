import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Record revisions (who, when, field-level diff, full snapshot for revert) and the append-only
 * audit log: the app role may INSERT and SELECT it, never UPDATE or DELETE.
 */
export class RevisionsAndAudit1764000100000 implements MigrationInterface {
  name = 'RevisionsAndAudit1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE record_revisions (
        tenant_id uuid NOT NULL,
        record_id uuid NOT NULL,
        rev integer NOT NULL,
        action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore', 'revert')),
        form_version_id uuid NOT NULL,
        changes jsonb NOT NULL,
        data jsonb NOT NULL,
        actor_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        reverted_from integer,
        PRIMARY KEY (tenant_id, record_id, rev),
        FOREIGN KEY (tenant_id, record_id) REFERENCES records (tenant_id, id)
      );

      CREATE TABLE audit_log (
        tenant_id uuid NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        details jsonb NOT NULL DEFAULT '{}',
        request_id text,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX audit_log_at ON audit_log (tenant_id, at DESC, id DESC);
      CREATE INDEX audit_log_entity ON audit_log (tenant_id, entity, entity_id);
    `);
    for (const table of ['record_revisions', 'audit_log']) await enableTenantIsolation(q, table);
    await q.query(`
      GRANT SELECT, INSERT ON record_revisions, audit_log TO ${APP_ROLE};
      REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, record_revisions FROM ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log, record_revisions`);
  }
}
