import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export interface FileMetaRow {
  id: string;
  form_key: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  created_by: string;
  created_at: Date;
}

const META = 'id, form_key, name, mime, size, sha256, created_by, created_at';

@Injectable()
export class FilesRepository {
  async insert(sql: Sql, file: { id: string; formKey: string; name: string; mime: string; sha256: string; content: Buffer; userId: string }): Promise<FileMetaRow> {
    const rows = await sql.rows<FileMetaRow>(
      `INSERT INTO files (tenant_id, id, form_key, name, mime, size, sha256, content, created_by)
       VALUES (credo_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${META}`,
      [file.id, file.formKey, file.name, file.mime, file.content.length, file.sha256, file.content, file.userId],
    );
    return rows[0]!;
  }

  meta(sql: Sql, id: string): Promise<FileMetaRow | undefined> {
    return sql.one<FileMetaRow>(`SELECT ${META} FROM files WHERE id = $1`, [id]);
  }

  async content(sql: Sql, id: string): Promise<Buffer | undefined> {
    return (await sql.one<{ content: Buffer }>('SELECT content FROM files WHERE id = $1', [id]))?.content;
  }
}
