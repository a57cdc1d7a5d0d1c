import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import type { Sql } from '../../database/tenant-database.js';
import { effectiveAccess } from '../forms/form-permissions.js';
import { FormsService } from '../forms/forms.service.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { ViewsRepository, type SavedViewRow } from './views.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a list view remembers; the list re-validates filters against the form when it runs them. */
export interface SavedViewState {
  filter?: Record<string, Record<string, unknown>>;
  sort?: string | null;
  columns?: string[] | null;
  q?: string;
}

export interface SavedViewCreateRequest {
  name: string;
  shared?: boolean;
  state: SavedViewState;
}

export interface SavedViewDto {
  id: string;
  form: string;
  name: string;
  shared: boolean;
  mine: boolean;
  state: SavedViewState;
  createdBy: string;
  createdAt: string;
}

function toDto(row: SavedViewRow, auth: AuthContext): SavedViewDto {
  return {
    id: row.id,
    form: row.form_key,
    name: row.name,
    shared: row.shared,
    mine: row.created_by === auth.userId,
    state: row.state as SavedViewState,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** Saved record-list views: personal ones for anyone who can read the form, shared ones by admins. */
@Injectable()
export class ViewsService {
  constructor(
    private readonly forms: FormsService,
    private readonly views: ViewsRepository,
    private readonly audit: AuditRepository,
  ) {}

  private onReadableForm<T>(auth: AuthContext, key: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      if (!effectiveAccess(form.permissions, auth.roles).actions.read) throw new AppException(403, 'auth.forbidden');
      return work(sql);
    });
  }

  async list(auth: AuthContext, key: string): Promise<{ items: SavedViewDto[] }> {
    const rows = await this.onReadableForm(auth, key, (sql) => this.views.visible(sql, key, auth.userId));
    return { items: rows.map((r) => toDto(r, auth)) };
  }

  async createOrThrow(auth: AuthContext, key: string, body: SavedViewCreateRequest): Promise<SavedViewDto> {
    const shared = body.shared === true;
    if (shared && !auth.roles.includes('admin')) throw new AppException(403, 'views.shared_admin_only');
    const name = body.name.trim();
    const row = await this.onReadableForm(auth, key, async (sql) => {
      try {
        const inserted = await this.views.insert(sql, { id: uuidv7(), formKey: key, name, shared, state: body.state, userId: auth.userId });
        if (shared) await this.audit.append(sql, { actorId: auth.userId, action: 'view.share', entity: 'form', details: { form: key, view: inserted.id, name }, requestId: auth.requestId });
        return inserted;
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new AppException(409, 'views.name_taken', { name }, [{ path: '/name', keyword: 'unique', message: name }]);
        }
        throw error;
      }
    });
    return toDto(row, auth);
  }

  /** Your own views; shared ones only by admins. Someone else's personal view does not exist for you. */
  async deleteOrThrow(auth: AuthContext, key: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw new AppException(404, 'views.not_found');
    await this.onReadableForm(auth, key, async (sql) => {
      const row = await this.views.find(sql, key, id);
      if (!row || (!row.shared && row.created_by !== auth.userId)) throw new AppException(404, 'views.not_found');
      if (row.shared && !auth.roles.includes('admin')) throw new AppException(403, 'views.shared_admin_only');
      await this.views.delete(sql, id);
      if (row.shared) await this.audit.append(sql, { actorId: auth.userId, action: 'view.unshare', entity: 'form', details: { form: key, view: id, name: row.name }, requestId: auth.requestId });
    });
  }
}
