/**
 * T6 baseline: a bare NestJS app on the same adapter as the product (@nestjs/platform-express)
 * with ONE endpoint that does one `pg` INSERT ... RETURNING id of the posted jsonb into a table of
 * the same shape as `records`, in the same database. No auth, no validation, no transaction
 * beyond the statement's own: this is the floor the product's create endpoint is compared with.
 *
 * Configured by the harness through BASELINE_CONFIG (JSON, see BaselineConfig). Prints
 * `BASELINE_LISTENING <port>` once it serves.
 */
import 'reflect-metadata';
import { Body, Controller, Inject, Module, Post, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';

interface BaselineConfig {
  databaseUrl: string;
  /** Schema-qualified table, created by the harness as `LIKE` the customer form's partition of records `INCLUDING ALL`. */
  table: string;
  tenantId: string;
  formId: string;
  formVersionId: string;
  userId: string;
  /** The product's pool size, so both sides may hold as many connections. */
  poolSize: number;
  port?: number;
}

const CONFIG = Symbol('BASELINE_CONFIG');
const POOL = Symbol('PG_POOL');

@Controller()
class InsertController {
  private readonly sql: string;

  constructor(
    @Inject(POOL) private readonly pool: pg.Pool,
    @Inject(CONFIG) private readonly config: BaselineConfig,
  ) {
    this.sql = `INSERT INTO ${config.table} (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6) RETURNING id`;
  }

  @Post('records')
  async create(@Body() body: { data: Record<string, unknown> }): Promise<{ id: string }> {
    const c = this.config;
    const { rows } = await this.pool.query<{ id: string }>(this.sql, [c.tenantId, uuidv7(), c.formId, c.formVersionId, JSON.stringify(body.data), c.userId]);
    return { id: rows[0]!.id };
  }
}

@Module({})
class BaselineModule {
  static forRoot(config: BaselineConfig, pool: pg.Pool): DynamicModule {
    return {
      module: BaselineModule,
      controllers: [InsertController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: POOL, useValue: pool },
      ],
    };
  }
}

async function main(): Promise<void> {
  const raw = process.env.BASELINE_CONFIG;
  if (!raw) throw new Error('BASELINE_CONFIG is not set');
  const config = JSON.parse(raw) as BaselineConfig;
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, application_name: 'bench-baseline' });
  const app = await NestFactory.create<NestExpressApplication>(BaselineModule.forRoot(config, pool), { logger: ['error', 'warn'] });
  await app.listen(config.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`BASELINE_LISTENING ${port}\n`);

  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
