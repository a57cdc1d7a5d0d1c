import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parameterised SQL inside one transaction. Records are read as raw rows, never entities. */
export class Sql {
  constructor(private readonly runner: QueryRunner) {}

  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, params, true);
    return result.records as T[];
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }
}

/**
 * Every tenant-data access runs in a transaction that first sets `app.tenant_id`; PostgreSQL
 * row-level security then hides every other tenant's rows from the app role.
 */
@Injectable()
export class TenantDatabase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(tenantId: string | null, work: (sql: Sql) => Promise<T>): Promise<T> {
    if (tenantId !== null && !UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      // BEGIN and the tenant setting travel in one round trip (the id is a checked uuid).
      await runner.query(tenantId ? `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)` : 'BEGIN');
      open = true;
      const result = await work(new Sql(runner));
      await runner.query('COMMIT');
      open = false;
      return result;
    } catch (error) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
