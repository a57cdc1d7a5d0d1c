import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { ApiTokensRepository, type ApiTokenRow } from './api-tokens.repository.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

/** Every API token starts with this, so the guard tells it from a JWT without trying both. */
export const API_TOKEN_PREFIX = 'credo_';
const MAX_DAYS = 3 * 366;
const DEFAULT_RATE_LIMIT = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^credo_[A-Za-z0-9_-]{43}$/;

export interface ApiTokenDto {
  id: string;
  name: string;
  role: string;
  prefix: string;
  rateLimit: number;
  createdAt: string;
  createdBy: { id: string; email: string | null } | null;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiTokenCreateRequest {
  name: string;
  role: string;
  expiresAt: string;
  rateLimit?: number;
}

/** Who an API token acts as: the token itself (its id is the actor in records and the audit log). */
export interface ApiTokenIdentity {
  auth: AuthContext;
  tokenId: string;
  /** 0 when the request may go ahead, else seconds until the bucket has room (429). */
  retryAfter: number;
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tokens: ApiTokensRepository,
    private readonly audit: AuditRepository,
    private readonly limiter: TokenRateLimiter,
    private readonly clock: Clock,
  ) {}

  /** Makes a token; its secret is in this answer and nowhere else (only its hash is stored). */
  async createOrThrow(auth: AuthContext, body: ApiTokenCreateRequest): Promise<ApiTokenDto & { token: string }> {
    const expiresAt = new Date(body.expiresAt);
    const now = this.clock.now().getTime();
    if (!(expiresAt.getTime() > now) || expiresAt.getTime() > now + MAX_DAYS * 86_400_000) {
      throw new AppException(400, 'tokens.expiry_invalid', { maxDays: MAX_DAYS }, [{ path: '/expiresAt', keyword: 'range', message: body.expiresAt }]);
    }
    const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = await this.db.run(auth.tenantId, async (sql) => {
      if (!(await this.tokens.roleExists(sql, body.role))) {
        throw new AppException(400, 'tokens.role_unknown', { role: body.role }, [{ path: '/role', keyword: 'enum', message: body.role }]);
      }
      const inserted = await this.tokens.insert(sql, {
        id: uuidv7(),
        name: body.name.trim() || body.name,
        role: body.role,
        hash: hashApiToken(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        rateLimit: body.rateLimit ?? DEFAULT_RATE_LIMIT,
        userId: auth.userId,
        expiresAt,
      });
      await this.audit.append(sql, {
        actorId: auth.userId,
        action: 'api_token.create',
        entity: 'api_token',
        entityId: inserted.id,
        details: { name: inserted.name, role: inserted.role, expiresAt: inserted.expires_at.toISOString(), rateLimit: inserted.rate_limit },
        requestId: auth.requestId,
      });
      return inserted;
    });
    return { ...toDto(row), token };
  }

  async list(auth: AuthContext): Promise<{ items: ApiTokenDto[] }> {
    const rows = await this.db.run(auth.tenantId, (sql) => this.tokens.list(sql));
    return { items: rows.map(toDto) };
  }

  /** Revoking is immediate (every request looks the token up); revoking twice changes nothing. */
  async revokeOrThrow(auth: AuthContext, id: string): Promise<void> {
    if (!UUID.test(id)) throw new AppException(404, 'tokens.not_found');
    await this.db.run(auth.tenantId, async (sql) => {
      const result = await this.tokens.revoke(sql, id, auth.userId);
      if (!result) throw new AppException(404, 'tokens.not_found');
      if (result.revoked) {
        await this.audit.append(sql, { actorId: auth.userId, action: 'api_token.revoke', entity: 'api_token', entityId: id, details: { name: result.name }, requestId: auth.requestId });
      }
    });
  }

  /** The bearer's identity: 401 for unknown, expired or revoked tokens; retryAfter > 0 when over its rate. */
  async authenticateOrThrow(token: string): Promise<ApiTokenIdentity> {
    if (!TOKEN.test(token)) throw new AppException(401, 'auth.token_invalid');
    const row = await this.db.run(null, (sql) => this.tokens.lookup(sql, hashApiToken(token)));
    if (!row) throw new AppException(401, 'auth.token_invalid');
    if (row.revoked_at) throw new AppException(401, 'auth.api_token_revoked');
    if (row.expires_at.getTime() <= this.clock.now().getTime()) throw new AppException(401, 'auth.token_expired');
    return {
      auth: { userId: row.id, tenantId: row.tenant_id, email: `token:${row.name}`, roles: [row.role] },
      tokenId: row.id,
      retryAfter: this.limiter.take(row.id, row.rate_limit),
    };
  }
}

function toDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    rateLimit: row.rate_limit,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by ? { id: row.created_by, email: row.created_by_email } : null,
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}
