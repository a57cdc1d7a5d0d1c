import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuthService } from '../auth/auth.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  roles: string[];
  active: boolean;
  created_at: Date;
}

function toDto(row: UserRow) {
  return { id: row.id, email: row.email, displayName: row.display_name, roles: row.roles, active: row.active, createdAt: row.created_at.toISOString() };
}

/** Users and roles of a tenant (admins manage them; everyone may look names up for pickers). */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRepository,
    private readonly auth: AuthService,
  ) {}

  async list(auth: AuthContext) {
    const rows = await this.db.run(auth.tenantId, (sql) =>
      sql.rows<UserRow>('SELECT id, email, display_name, roles, active, created_at FROM users ORDER BY created_at, id'),
    );
    return { items: rows.map(toDto) };
  }

  /** Names for user pickers: active users, id and display name only. */
  async directory(auth: AuthContext) {
    const rows = await this.db.run(auth.tenantId, (sql) =>
      sql.rows<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE active ORDER BY display_name'),
    );
    return { items: rows.map((r) => ({ id: r.id, displayName: r.display_name })) };
  }

  async roles(auth: AuthContext) {
    const rows = await this.db.run(auth.tenantId, (sql) => sql.rows<{ key: string; name: unknown; builtin: boolean }>('SELECT key, name, builtin FROM roles ORDER BY builtin DESC, key'));
    return { items: rows };
  }

  async createOrThrow(auth: AuthContext, input: { email: string; displayName: string; password: string; roles: string[] }) {
    const hash = await this.hasher.hash(input.password);
    const id = uuidv7();
    const row = await this.db
      .run(auth.tenantId, async (sql) => {
        await this.rolesExistOrThrow(sql, input.roles);
        const created = await sql.one<UserRow>(
          `INSERT INTO users (tenant_id, id, email, display_name, password_hash, roles) VALUES (credo_current_tenant(), $1, $2, $3, $4, $5)
           RETURNING id, email, display_name, roles, active, created_at`,
          [id, input.email.trim().toLowerCase(), input.displayName, hash, input.roles],
        );
        await this.audit.append(sql, { actorId: auth.userId, action: 'user.create', entity: 'user', entityId: id, details: { email: input.email, roles: input.roles }, requestId: auth.requestId });
        return created!;
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') throw new AppException(409, 'users.email_taken', { email: input.email });
        throw error;
      });
    return toDto(row);
  }

  async updateOrThrow(auth: AuthContext, id: string, patch: { displayName?: string; roles?: string[]; active?: boolean; password?: string }) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppException(404, 'users.not_found');
    if (id === auth.userId && (patch.active === false || (patch.roles && !patch.roles.includes('admin')))) {
      throw new AppException(409, 'users.self_lockout');
    }
    const hash = patch.password ? await this.hasher.hash(patch.password) : null;
    const row = await this.db.run(auth.tenantId, async (sql) => {
      if (patch.roles) await this.rolesExistOrThrow(sql, patch.roles);
      const updated = await sql.one<UserRow>(
        `UPDATE users SET display_name = coalesce($2, display_name), roles = coalesce($3, roles), active = coalesce($4, active),
                password_hash = coalesce($5, password_hash), updated_at = now()
         WHERE id = $1 RETURNING id, email, display_name, roles, active, created_at`,
        [id, patch.displayName ?? null, patch.roles ?? null, patch.active ?? null, hash],
      );
      if (!updated) throw new AppException(404, 'users.not_found');
      const action = patch.roles || patch.active !== undefined ? 'permission.update' : 'user.update';
      await this.audit.append(sql, {
        actorId: auth.userId, action, entity: 'user', entityId: id,
        details: { roles: patch.roles, active: patch.active, displayName: patch.displayName, passwordChanged: Boolean(hash) }, requestId: auth.requestId,
      });
      return updated;
    });
    this.auth.forget(auth.tenantId, id);
    return toDto(row);
  }

  private async rolesExistOrThrow(sql: Sql, roles: string[]): Promise<void> {
    const known = new Set((await sql.rows<{ key: string }>('SELECT key FROM roles')).map((r) => r.key));
    const unknown = roles.filter((r) => !known.has(r));
    if (unknown.length) {
      throw new AppException(400, 'users.unknown_roles', { roles: unknown.join(', ') }, unknown.map((role) => ({ path: '/roles', keyword: 'enum', message: role, params: { role } })));
    }
  }
}
