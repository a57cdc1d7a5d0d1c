import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { PasswordHasher } from './password-hasher.js';

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

  async verifyTokenOrThrow(token: string): Promise<AuthContext> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = (error as { name?: string }).name === 'TokenExpiredError';
      throw new AppException(401, expired ? 'auth.token_expired' : 'auth.token_invalid');
    }
    if (typeof claims.sub !== 'string' || typeof claims.tid !== 'string' || !Array.isArray(claims.roles)) {
      throw new AppException(401, 'auth.token_invalid');
    }
    return { userId: claims.sub, tenantId: claims.tid, email: claims.email, roles: claims.roles };
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
