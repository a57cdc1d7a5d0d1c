import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../database.constants.js';
import { enableTenantIsolation } from './tenant-isolation.js';

/**
 * Saved record-list views (filters + sort + columns under a name; personal, or shared by an
 * admin) and uploaded files. File bytes live in the table next to their metadata, so an upload
 * and its tenant check are one transaction and backups need no second store.
 */
export class SavedViewsAndFiles1764600000000 implements MigrationInterface {
  name = 'SavedViewsAndFiles1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saved_views (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        form_key text NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        shared boolean NOT NULL DEFAULT false,
        state jsonb NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      -- One name per person per form, and one name among a form's shared views.
      CREATE UNIQUE INDEX saved_views_personal_name ON saved_views (tenant_id, form_key, created_by, lower(name)) WHERE NOT shared;
      CREATE UNIQUE INDEX saved_views_shared_name ON saved_views (tenant_id, form_key, lower(name)) WHERE shared;
      GRANT SELECT, INSERT, UPDATE, DELETE ON saved_views TO ${APP_ROLE};

      CREATE TABLE files (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        form_key text NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
        mime text NOT NULL,
        size integer NOT NULL CHECK (size >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content bytea NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      GRANT SELECT, INSERT ON files TO ${APP_ROLE};
    `);
    await enableTenantIsolation(q, 'saved_views');
    await enableTenantIsolation(q, 'files');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS saved_views;');
  }
}
