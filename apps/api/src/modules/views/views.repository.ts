import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export interface SavedViewRow {
  id: string;
  form_key: string;
  name: string;
  shared: boolean;
  state: Record<string, unknown>;
  created_by: string;
  created_at: Date;
}

const COLUMNS = 'id, form_key, name, shared, state, created_by, created_at';

@Injectable()
export class ViewsRepository {
  /** The caller's own views of a form and every shared one, shared first, then by name. */
  visible(sql: Sql, formKey: string, userId: string): Promise<SavedViewRow[]> {
    return sql.rows<SavedViewRow>(
      `SELECT ${COLUMNS} FROM saved_views WHERE form_key = $1 AND (shared OR created_by = $2)
       ORDER BY shared DESC, lower(name), id LIMIT 500`,
      [formKey, userId],
    );
  }

  async insert(sql: Sql, view: { id: string; formKey: string; name: string; shared: boolean; state: unknown; userId: string }): Promise<SavedViewRow> {
    const rows = await sql.rows<SavedViewRow>(
      `INSERT INTO saved_views (tenant_id, id, form_key, name, shared, state, created_by)
       VALUES (credo_current_tenant(), $1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLUMNS}`,
      [view.id, view.formKey, view.name, view.shared, JSON.stringify(view.state), view.userId],
    );
    return rows[0]!;
  }

  find(sql: Sql, formKey: string, id: string): Promise<SavedViewRow | undefined> {
    return sql.one<SavedViewRow>(`SELECT ${COLUMNS} FROM saved_views WHERE form_key = $1 AND id = $2`, [formKey, id]);
  }

  async delete(sql: Sql, id: string): Promise<void> {
    await sql.rows('DELETE FROM saved_views WHERE id = $1', [id]);
  }
}
