import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}

export interface AuditFilter {
  action?: string;
  entity?: string;
  entityId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  beforeId?: string;
  limit: number;
}

/** Append-only: the app role can INSERT and SELECT audit_log, nothing else. */
@Injectable()
export class AuditRepository {
  async append(sql: Sql, entry: AuditEntry): Promise<void> {
    await sql.rows(
      `INSERT INTO audit_log (tenant_id, actor_id, action, entity, entity_id, details, request_id)
       VALUES (credo_current_tenant(), $1, $2, $3, $4, $5, $6)`,
      [entry.actorId, entry.action, entry.entity, entry.entityId ?? null, JSON.stringify(entry.details ?? {}), entry.requestId ?? null],
    );
  }

  list(sql: Sql, filter: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.action) add('a.action = ?', filter.action);
    if (filter.entity) add('a.entity = ?', filter.entity);
    if (filter.entityId) add('a.entity_id = ?', filter.entityId);
    if (filter.actorId) add('a.actor_id = ?::uuid', filter.actorId);
    if (filter.from) add('a.at >= ?::timestamptz', filter.from);
    if (filter.to) add('a.at < ?::timestamptz', filter.to);
    if (filter.beforeId) add('a.id < ?::bigint', filter.beforeId);
    params.push(filter.limit);
    return sql.rows<AuditRow>(
      `SELECT a.id::text AS id, a.at, a.actor_id, u.email AS actor_email, a.action, a.entity, a.entity_id, a.details, a.request_id
       FROM audit_log a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.actor_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
