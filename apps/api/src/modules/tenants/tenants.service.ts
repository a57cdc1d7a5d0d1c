import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { TenantsRepository } from './tenants.repository.js';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  roles: string[];
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  findIdBySlug(slug: string): Promise<string | undefined> {
    return this.db.run(null, (sql) => this.tenants.findIdBySlug(sql, slug));
  }

  /**
   * Creates a tenant with its built-in roles and first users, then lets `populate` add more
   * (templates, demo data) in the same transaction: a tenant appears whole or not at all.
   */
  async createTenant(
    input: { slug: string; name: string; users: NewUser[] },
    populate?: (sql: Sql, tenantId: string, userIds: string[]) => Promise<void>,
  ): Promise<{ tenantId: string; userIds: string[] }> {
    const tenantId = uuidv7();
    const hashes = await Promise.all(input.users.map((user) => this.hasher.hash(user.password)));
    return this.db.run(tenantId, async (sql) => {
      await this.tenants.insertTenant(sql, { id: tenantId, slug: input.slug, name: input.name });
      const userIds: string[] = [];
      for (const [index, user] of input.users.entries()) {
        const id = uuidv7();
        await this.tenants.insertUser(sql, { tenantId, id, email: user.email, displayName: user.displayName, passwordHash: hashes[index]!, roles: user.roles });
        userIds.push(id);
      }
      await populate?.(sql, tenantId, userIds);
      return { tenantId, userIds };
    });
  }
}
