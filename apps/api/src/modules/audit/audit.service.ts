import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';

@Injectable()
export class AuditService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditRepository,
  ) {}

  async list(auth: AuthContext, filter: Omit<AuditFilter, 'beforeId'> & { cursor?: string }) {
    const beforeId = filter.cursor ? Buffer.from(filter.cursor, 'base64url').toString('utf8') : undefined;
    const rows = await this.db.run(auth.tenantId, (sql) => this.audit.list(sql, { ...filter, beforeId, limit: filter.limit + 1 }));
    const items = rows.slice(0, filter.limit).map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actor_id ? { id: row.actor_id, email: row.actor_email } : null,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details: row.details,
      requestId: row.request_id,
    }));
    const last = items[items.length - 1];
    return { items, next: rows.length > filter.limit && last ? Buffer.from(last.id).toString('base64url') : null };
  }
}
