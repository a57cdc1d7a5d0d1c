import { http } from './request';
import type { LocalizedText } from './types';

export interface TenantUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  active: boolean;
  createdAt?: string;
}

export interface TenantRole {
  key: string;
  name?: LocalizedText | null;
  builtin?: boolean;
}

export interface CreateUserInput {
  email: string;
  displayName: string;
  password: string;
  roles: string[];
}

export interface UpdateUserInput {
  displayName?: string;
  roles?: string[];
  active?: boolean;
  password?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; email: string | null } | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  details: unknown;
  requestId: string | null;
}

export interface AuditQuery {
  action?: string;
  entity?: string;
  entityId?: string;
  actorId?: string;
  /** ISO date-time (inclusive lower bound). */
  from?: string;
  /** ISO date-time (exclusive upper bound). */
  to?: string;
  limit?: number;
  cursor?: string | null;
}

export type RowScope = 'all' | 'own';
export type FieldAccess = 'hidden' | 'readonly' | 'editable';

export interface RolePermission {
  read?: boolean;
  create?: boolean;
  update?: boolean;
  delete?: boolean;
  rows?: RowScope;
}

/** Roles or fields not listed fall back to the API's defaults (see adapter/permissions-matrix.ts). */
export interface FormPermissions {
  roles?: Record<string, RolePermission>;
  fields?: Record<string, Record<string, FieldAccess>>;
  ownerField?: string;
  sensitive?: string[];
}

export const usersApi = {
  list(signal?: AbortSignal): Promise<{ items: TenantUser[] }> {
    return http.get('/users', { signal });
  },
  create(input: CreateUserInput): Promise<TenantUser> {
    return http.post('/users', input);
  },
  update(id: string, patch: UpdateUserInput): Promise<TenantUser> {
    return http.patch(`/users/${encodeURIComponent(id)}`, patch);
  },
  roles(signal?: AbortSignal): Promise<{ items: TenantRole[] } | TenantRole[]> {
    return http.get('/roles', { signal });
  },
};

export const auditApi = {
  list(query: AuditQuery, signal?: AbortSignal): Promise<{ items: AuditEntry[]; next: string | null }> {
    return http.get('/audit', { signal, query: { ...query, cursor: query.cursor ?? undefined } });
  },
};

export const permissionsApi = {
  get(formKey: string, signal?: AbortSignal): Promise<FormPermissions> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/permissions`, { signal });
  },
  put(formKey: string, doc: FormPermissions): Promise<FormPermissions> {
    return http.request('PUT', `/forms/${encodeURIComponent(formKey)}/permissions`, { body: doc });
  },
};
