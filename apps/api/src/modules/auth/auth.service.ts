import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { PasswordHasher } from './password-hasher.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_STATE_TTL_MS = 30_000;
const VERIFIED_TTL_MS = 60_000;

interface AuthRow {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  active: boolean;
  tenant_name: string;
}

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  tenant: { id: string; name: string };
}

interface TokenClaims {
  sub: string;
  tid: string;
  email: string;
  roles: string[];
}

@Injectable()
export class AuthService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly audit: AuditRepository,
  ) {}

  async loginOrThrow(email: string, password: string, requestId?: string): Promise<{ accessToken: string; user: CurrentUser }> {
    const row = await this.db.run(null, (sql) => sql.one<AuthRow>('SELECT * FROM credo_auth_lookup($1)', [email.trim()]));
    // An unknown e-mail still costs one verification, so timing does not reveal which accounts exist.
    const ok = await this.hasher.verify(row?.password_hash ?? (await this.hasher.dummyHash()), password);
    if (row) {
      // Logins of known accounts, good and bad, go to that tenant's audit log.
      await this.db.run(row.tenant_id, (sql) =>
        this.audit.append(sql, { actorId: row.id, action: ok && row.active ? 'auth.login' : 'auth.login_failed', entity: 'user', entityId: row.id, requestId }),
      );
    }
    if (!row || !ok || !row.active) throw new AppException(401, 'auth.invalid_credentials');
    const claims: TokenClaims = { sub: row.id, tid: row.tenant_id, email: row.email, roles: row.roles };
    return { accessToken: await this.jwt.signAsync(claims), user: toCurrentUser(row) };
  }

  /**
   * Tokens whose signature was checked, with their claims, until they expire (at most
   * VERIFIED_TTL_MS): a token string always carries the same claims, so the HMAC and JSON work is
   * done once per token and minute instead of per request. Expiry is still checked on every use.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; until: number }>();

  private async verifiedClaimsOrThrow(token: string): Promise<TokenClaims> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && now < hit.until) return hit.claims;
    let claims: TokenClaims & { exp?: number };
    try {
      claims = await this.jwt.verifyAsync<TokenClaims & { exp?: number }>(token, { algorithms: ['HS256'] });
    } catch (error) {
      if (hit) this.verified.delete(token);
      const expired = (error as { name?: string }).name === 'TokenExpiredError';
      throw new AppException(401, expired ? 'auth.token_expired' : 'auth.token_invalid');
    }
    if (this.verified.size >= 10_000) this.verified.clear();
    const until = Math.min(now + VERIFIED_TTL_MS, typeof claims.exp === 'number' ? claims.exp * 1000 : now);
    if (until > now) this.verified.set(token, { claims, until });
    return claims;
  }

  async verifyTokenOrThrow(token: string): Promise<AuthContext> {
    const claims = await this.verifiedClaimsOrThrow(token);
    if (typeof claims.sub !== 'string' || typeof claims.tid !== 'string' || !Array.isArray(claims.roles) || !UUID.test(claims.tid)) {
      throw new AppException(401, 'auth.token_invalid');
    }
    // Roles and the active flag are read from the user, not trusted from the token: a demoted or
    // deactivated user loses access within USER_STATE_TTL_MS, not when the token expires.
    const state = await this.userState(claims.tid, claims.sub);
    if (!state?.active) throw new AppException(401, 'auth.token_invalid');
    return { userId: claims.sub, tenantId: claims.tid, email: claims.email, roles: state.roles };
  }

  private readonly states = new Map<string, { active: boolean; roles: string[]; at: number }>();

  private async userState(tenantId: string, userId: string): Promise<{ active: boolean; roles: string[] } | undefined> {
    const key = `${tenantId}/${userId}`;
    const hit = this.states.get(key);
    if (hit && Date.now() - hit.at < USER_STATE_TTL_MS) return hit;
    const row = await this.db.run(tenantId, (sql) => sql.one<{ active: boolean; roles: string[] }>('SELECT active, roles FROM users WHERE id = $1', [userId]));
    if (!row) {
      this.states.delete(key);
      return undefined;
    }
    if (this.states.size > 10_000) this.states.clear();
    const state = { active: row.active, roles: row.roles, at: Date.now() };
    this.states.set(key, state);
    return state;
  }

  /** Forget a user's cached state (after their roles or active flag change in this process). */
  forget(tenantId: string, userId: string): void {
    this.states.delete(`${tenantId}/${userId}`);
  }

  async currentUserOrThrow(auth: AuthContext): Promise<CurrentUser> {
    const row = await this.db.run(auth.tenantId, (sql) =>
      sql.one<AuthRow>(
        `SELECT u.id, u.tenant_id, u.email, u.display_name, u.roles, u.active, t.name AS tenant_name
         FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1`,
        [auth.userId],
      ),
    );
    if (!row || !row.active) throw new AppException(401, 'auth.token_invalid');
    return toCurrentUser(row);
  }
}

function toCurrentUser(row: AuthRow): CurrentUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: row.roles,
    tenant: { id: row.tenant_id, name: row.tenant_name },
  };
}
