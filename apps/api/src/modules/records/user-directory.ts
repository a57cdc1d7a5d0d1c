import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';
import { RecordsRepository } from './records.repository.js';

const TTL_MS = 60_000;
const MAX_TENANTS = 1000;

/**
 * Display names of a tenant's users, for checking user links and labelling them. Users are
 * never deleted, so a known id stays valid; names may lag a rename by up to a minute. Unknown
 * ids always go to the database, so a new colleague is usable at once.
 */
@Injectable()
export class UserDirectory {
  private readonly tenants = new Map<string, { loadedAt: number; names: Map<string, string> }>();

  constructor(private readonly records: RecordsRepository) {}

  async lookup(sql: Sql, tenantId: string, ids: Iterable<string>): Promise<Map<string, string>> {
    const now = Date.now();
    let entry = this.tenants.get(tenantId);
    if (!entry || now - entry.loadedAt > TTL_MS) {
      entry = { loadedAt: now, names: new Map() };
      this.tenants.delete(tenantId);
      this.tenants.set(tenantId, entry);
      if (this.tenants.size > MAX_TENANTS) this.tenants.delete(this.tenants.keys().next().value as string);
    }
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of ids) {
      const name = entry.names.get(id);
      if (name === undefined) missing.push(id);
      else found.set(id, name);
    }
    if (missing.length) {
      await sql.reopen();
      for (const user of await this.records.existingUsers(sql, missing)) {
        entry.names.set(user.id, user.display_name);
        found.set(user.id, user.display_name);
      }
    }
    return found;
  }
}
