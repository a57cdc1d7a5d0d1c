import { Injectable } from '@nestjs/common';
import { CompiledFormCache, compileFormOrThrow, type CompiledForm, type FormDefinition } from '@credo/form-engine';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import type { FormPermissionsDocument } from './form-permissions.js';
import { COUNT_CAP, FormsRepository, type FormRow } from './forms.repository.js';

export interface PublishedForm {
  id: string;
  permissions: FormPermissionsDocument;
  key: string;
  versionId: string;
  versionNumber: number;
  compiled: CompiledForm;
}

@Injectable()
export class FormsService {
  /** One compiled validator per published version, shared by every request (no compile on the hot path). */
  private readonly cache = new CompiledFormCache();

  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async list(auth: AuthContext) {
    const rows = await this.db.run(auth.tenantId, (sql) => this.forms.list(sql));
    return {
      items: rows.map((row) => ({
        key: row.key,
        title: row.title,
        version: row.version_number,
        recordCount: Math.min(row.record_count, COUNT_CAP),
        recordCountCapped: row.record_count > COUNT_CAP,
        updatedAt: row.updated_at.toISOString(),
      })),
    };
  }

  async getOrThrow(auth: AuthContext, key: string) {
    const row = await this.db.run(auth.tenantId, (sql) => this.forms.findByKey(sql, key));
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    return {
      key: row.key,
      title: row.title,
      version: row.version_id
        ? {
            id: row.version_id,
            number: row.version_number,
            definition: row.definition,
            schema: row.schema,
            ui: row.ui,
            publishedAt: row.published_at?.toISOString() ?? null,
          }
        : null,
    };
  }

  async permissionsOrThrow(auth: AuthContext, key: string): Promise<FormPermissionsDocument> {
    const row = await this.db.run(auth.tenantId, (sql) => this.forms.findByKey(sql, key));
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    return row.permissions as FormPermissionsDocument;
  }

  /** Replaces a form's access rules; every field named must exist, the owner field must be a user link. */
  async setPermissionsOrThrow(auth: AuthContext, key: string, doc: FormPermissionsDocument): Promise<FormPermissionsDocument> {
    return this.db.run(auth.tenantId, async (sql) => {
      const form = await this.publishedOrThrow(sql, key);
      const fields = new Map(form.compiled.definition.fields.map((f) => [f.key, f.type as string]));
      const errors = [
        ...Object.keys(doc.fields ?? {})
          .filter((field) => !fields.has(field))
          .map((field) => ({ path: `/fields/${field}`, keyword: 'unknownField', message: field })),
        ...(doc.ownerField && fields.get(doc.ownerField) !== 'user'
          ? [{ path: '/ownerField', keyword: 'userField', message: doc.ownerField }]
          : []),
      ];
      if (errors.length) throw new AppException(400, 'forms.permissions_invalid', {}, errors);
      await this.forms.setPermissions(sql, form.id, doc);
      await this.audit.append(sql, { actorId: auth.userId, action: 'permission.update', entity: `form:${key}`, entityId: form.id, details: { permissions: doc }, requestId: auth.requestId });
      return doc;
    });
  }

  /** The form's current published version, compiled (cached by version id), inside a tenant transaction. */
  async publishedOrThrow(sql: Sql, key: string): Promise<PublishedForm> {
    const row = await this.forms.findByKey(sql, key);
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    if (!row.version_id || row.version_number === null) throw new AppException(409, 'forms.not_published', { key });
    return {
      id: row.id,
      permissions: row.permissions as FormPermissionsDocument,
      key: row.key,
      versionId: row.version_id,
      versionNumber: row.version_number,
      compiled: this.compiled(row),
    };
  }

  private compiled(row: FormRow): CompiledForm {
    return this.cache.getOrCompile(row.version_id as string, row.definition as FormDefinition);
  }

  /** Installs a form definition (e.g. a seed template) as version 1; the engine validates it first. */
  async installOrThrow(sql: Sql, tenantId: string, definition: FormDefinition, userId: string | null): Promise<string> {
    const compiled = compileFormOrThrow(definition);
    const formId = uuidv7();
    await this.forms.insertPublished(sql, {
      tenantId,
      formId,
      versionId: uuidv7(),
      key: definition.key,
      title: definition.title,
      definition,
      schema: compiled.schema,
      ui: compiled.ui,
      userId,
    });
    return formId;
  }
}
