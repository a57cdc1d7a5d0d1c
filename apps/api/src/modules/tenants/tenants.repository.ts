import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export const BUILTIN_ROLES = [
  { key: 'admin', name: { 'zh-CN': '管理员', en: 'Administrator' } },
  { key: 'designer', name: { 'zh-CN': '设计者', en: 'Designer' } },
  { key: 'staff', name: { 'zh-CN': '业务人员', en: 'Staff' } },
  { key: 'viewer', name: { 'zh-CN': '只读用户', en: 'Viewer' } },
  { key: 'credit_manager', name: { 'zh-CN': '信用主管', en: 'Credit manager' } },
] as const;

@Injectable()
export class TenantsRepository {
  async findIdBySlug(sql: Sql, slug: string): Promise<string | undefined> {
    const row = await sql.one<{ id: string | null }>('SELECT credo_tenant_id_by_slug($1) AS id', [slug]);
    return row?.id ?? undefined;
  }

  async insertTenant(sql: Sql, tenant: { id: string; slug: string; name: string }): Promise<void> {
    await sql.rows('INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)', [tenant.id, tenant.slug, tenant.name]);
    for (const role of BUILTIN_ROLES) {
      await sql.rows('INSERT INTO roles (tenant_id, key, name, builtin) VALUES ($1, $2, $3, true)', [tenant.id, role.key, JSON.stringify(role.name)]);
    }
  }

  async insertUser(
    sql: Sql,
    user: { tenantId: string; id: string; email: string; displayName: string; passwordHash: string; roles: string[] },
  ): Promise<void> {
    await sql.rows(
      'INSERT INTO users (tenant_id, id, email, display_name, password_hash, roles) VALUES ($1, $2, $3, $4, $5, $6)',
      [user.tenantId, user.id, user.email, user.displayName, user.passwordHash, user.roles],
    );
  }
}
