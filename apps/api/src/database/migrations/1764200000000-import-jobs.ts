import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Background imports (the uploaded file, status, progress and counts; the file bytes are
 * dropped when the job ends), the bad rows of each job as read from the file with their
 * messages (zh-CN and en, for the errors workbook), and saved column mappings per form.
 */
export class ImportJobs1764200000000 implements MigrationInterface {
  name = 'ImportJobs1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_jobs (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        form_key text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        options jsonb NOT NULL,
        locale text NOT NULL,
        file_name text,
        file_size integer NOT NULL,
        file bytea,
        -- Large uploads (POST /api/imports) wait in DATA_DIR/imports/ instead, run by the API that took them.
        file_path text,
        cancel_requested boolean NOT NULL DEFAULT false,
        rows_total integer,
        rows_processed integer NOT NULL DEFAULT 0,
        rows_valid integer NOT NULL DEFAULT 0,
        rows_invalid integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        report jsonb,
        problem jsonb,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        heartbeat_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX import_jobs_recent ON import_jobs (tenant_id, form_key, created_at DESC);
      GRANT SELECT, INSERT, UPDATE, DELETE ON import_jobs TO ${APP_ROLE};

      CREATE TABLE import_job_errors (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        job_id uuid NOT NULL,
        row integer NOT NULL,
        cells jsonb NOT NULL,
        errors jsonb NOT NULL,
        PRIMARY KEY (tenant_id, job_id, row),
        FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs (tenant_id, id) ON DELETE CASCADE
      );
      GRANT SELECT, INSERT, DELETE ON import_job_errors TO ${APP_ROLE};

      CREATE TABLE import_mappings (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        form_key text NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        columns jsonb NOT NULL,
        mode text NOT NULL DEFAULT 'insert',
        key_field text,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX import_mappings_name ON import_mappings (tenant_id, form_key, lower(name));
      GRANT SELECT, INSERT, UPDATE, DELETE ON import_mappings TO ${APP_ROLE};
    `);
    await enableTenantIsolation(q, 'import_jobs');
    await enableTenantIsolation(q, 'import_job_errors');
    await enableTenantIsolation(q, 'import_mappings');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS import_job_errors; DROP TABLE IF EXISTS import_jobs; DROP TABLE IF EXISTS import_mappings');
  }
}
