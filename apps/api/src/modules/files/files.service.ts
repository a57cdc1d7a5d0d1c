import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { effectiveAccess } from '../forms/form-permissions.js';
import { FormsService } from '../forms/forms.service.js';
import { resolveContentType } from './content-sniff.js';
import { FilesRepository, type FileMetaRow } from './files.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Control characters and path separators never reach a stored name or a download header. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const BAD_NAME = /[\u0000-\u001f\u007f/\\]/;

export interface FileDto {
  id: string;
  name: string;
  size: number;
  /** The content type (sniffed); `mime` repeats it under the attachment field's property name. */
  type: string;
  mime: string;
  sha256: string;
  form: string;
  createdAt: string;
}

function toDto(row: FileMetaRow): FileDto {
  return { id: row.id, name: row.name, size: row.size, type: row.mime, mime: row.mime, sha256: row.sha256, form: row.form_key, createdAt: row.created_at.toISOString() };
}

/**
 * Uploaded files belong to a form: whoever may create or edit its records may upload, whoever
 * may read its records may download. The record keeps {id, name, size, mime} in an attachment field.
 */
@Injectable()
export class FilesService {
  constructor(
    private readonly forms: FormsService,
    private readonly files: FilesRepository,
    private readonly db: TenantDatabase,
  ) {}

  async uploadOrThrow(auth: AuthContext, formKey: string, rawName: string, declaredType: string | undefined, bytes: Buffer): Promise<FileDto> {
    const name = rawName.trim();
    if (!name || name.length > 255 || BAD_NAME.test(name)) throw new AppException(400, 'files.name_invalid', {}, [{ path: '/name', keyword: 'format', message: rawName.slice(0, 255) }]);
    if (!bytes.length) throw new AppException(400, 'files.empty');
    const sniffed = resolveContentType(bytes, declaredType);
    if (!sniffed.ok) {
      if (sniffed.reason === 'not_allowed') throw new AppException(415, 'files.type_not_allowed', { type: sniffed.actual });
      throw new AppException(415, 'files.type_mismatch', { actual: sniffed.actual, declared: (declaredType ?? '').split(';')[0] });
    }
    const row = await this.forms.withPublished(auth, formKey, false, async (sql, form) => {
      const access = effectiveAccess(form.permissions, auth.roles);
      if (!access.actions.create && !access.actions.update) throw new AppException(403, 'auth.forbidden');
      return this.files.insert(sql, {
        id: uuidv7(),
        formKey,
        name,
        mime: sniffed.type,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        content: bytes,
        userId: auth.userId,
      });
    });
    return toDto(row);
  }

  /** The file and its bytes; another tenant's file does not exist (RLS), nor does one of a form you cannot read. */
  async readOrThrow(auth: AuthContext, id: string): Promise<{ meta: FileDto; content: Buffer }> {
    if (!UUID.test(id)) throw new AppException(404, 'files.not_found');
    return this.db.run(auth.tenantId, async (sql) => {
      const meta = await this.files.meta(sql, id);
      if (!meta) throw new AppException(404, 'files.not_found');
      const form = await this.forms.publishedOrThrow(sql, meta.form_key);
      if (!effectiveAccess(form.permissions, auth.roles).actions.read) throw new AppException(404, 'files.not_found');
      return { meta: toDto(meta), content: (await this.files.content(sql, id))! };
    });
  }
}
