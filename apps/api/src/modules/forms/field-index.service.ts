import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { autoNumberPeriod, type FieldDefinition, type FormDefinition } from '@credo/form-engine';
import pg from 'pg';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { runAtLowPriority } from '../../database/low-priority.js';
import { recordsPartition } from '../../database/records-partition.js';
import { fieldExpression, storageOf } from '../records/record-query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The counter sequences (in schema credo_seq) the form's auto-number fields draw from in `asOf`'s
 * period, as credo_next_numbers names them: n_<md5(tenant/form/field/period)>.
 */
export function numberSequenceNames(tenantId: string, formId: string, definition: FormDefinition, asOf: string): string[] {
  const fields = (definition.fields as FieldDefinition[]).filter((f) => f.type === 'autonumber' && f.autoNumber && !f.archived);
  if (!fields.length) return [];
  if (!UUID.test(tenantId) || !UUID.test(formId)) throw new Error('tenant and form ids must be uuids');
  return fields.map((field) => {
    const period = autoNumberPeriod(field.autoNumber!.pattern, asOf);
    return `n_${createHash('md5').update(`${tenantId.toLowerCase()}/${formId.toLowerCase()}/${field.key}/${period}`).digest('hex')}`;
  });
}

/** A value each storage kind's index expression accepts (primePartition's row; never committed). */
const PRIME_VALUES: Record<ReturnType<typeof storageOf>, unknown> = {
  text: 'publish warm-up',
  uuid: '00000000-0000-0000-0000-000000000000',
  numeric: '0',
  integer: 0,
  double: 0,
  boolean: true,
  date: '2000-01-01',
  timestamptz: '2000-01-01T00:00:00Z',
  jsonb: true,
};

export interface FieldIndexPlan {
  name: string;
  field: string;
  unique: boolean;
  sql: string;
}

/** Index names are derived, so a unique violation can be traced back to its field. */
export function fieldIndexName(formId: string, field: string, unique: boolean): string {
  const hash = createHash('md5').update(field).digest('hex').slice(0, 8);
  return `${unique ? 'ux' : 'rx'}_${formId.replace(/-/g, '')}_${hash}`;
}

/**
 * Expression indexes for fields marked `indexed` (btree on (value, id): filter, sort and keyset
 * pages) and `unique` (one live record per value), on the form's own partition of `records`
 * (a write touches only its form's indexes). The indexed ones have no predicate, so ANALYZE of
 * the partition keeps statistics of the expression for the planner.
 */
export function planFieldIndexes(formId: string, definition: FormDefinition): FieldIndexPlan[] {
  if (!UUID.test(formId)) throw new Error('form id must be a uuid');
  const table = recordsPartition(formId);
  const plans: FieldIndexPlan[] = [];
  for (const field of definition.fields as FieldDefinition[]) {
    if (field.archived) continue;
    const expr = fieldExpression(field, 'records').replace(/records\./g, '');
    if (field.indexed) {
      const name = fieldIndexName(formId, field.key, false);
      plans.push({ name, field: field.key, unique: false, sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${table} (${expr}, id)` });
    }
    if (field.unique) {
      const name = fieldIndexName(formId, field.key, true);
      plans.push({
        name,
        field: field.key,
        unique: true,
        sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${table} (${expr}) WHERE deleted_at IS NULL AND ${expr} IS NOT NULL`,
      });
    }
  }
  return plans;
}

/**
 * Builds field indexes with CREATE INDEX CONCURRENTLY (writes continue meanwhile). That needs
 * the table owner and no open transaction, so it runs on a separate owner connection.
 */
@Injectable()
export class FieldIndexService implements OnModuleDestroy {
  private pool?: pg.Pool;

  private readonly logger = new Logger(FieldIndexService.name);

  constructor(@Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig) {}

  /**
   * Builds the missing indexes of the plan (those already there are left alone). ANALYZE (of the
   * form's partition) runs only when something was built and the form has live records to
   * measure: a form without records has nothing to tell the planner yet.
   */
  async ensure(formId: string, definition: FormDefinition): Promise<FieldIndexPlan[]> {
    const plans = planFieldIndexes(formId, definition);
    if (!plans.length) return plans;
    this.pool ??= new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 1 });
    const existing = await this.pool.query<{ name: string; valid: boolean }>(
      'SELECT c.relname AS name, i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = ANY($1::text[])',
      [plans.map((plan) => plan.name)],
    );
    const found = new Map(existing.rows.map((row) => [row.name, row.valid]));
    const missing = plans.filter((plan) => found.get(plan.name) !== true);
    if (!missing.length) return plans;
    // The builds (and the ANALYZE after them) run at a lower CPU priority where PostgreSQL runs on
    // this host: creates and lists served meanwhile keep their speed (PERFORMANCE.md T13).
    const client = await this.pool.connect();
    let discard = false;
    try {
      const run = await runAtLowPriority(client, async () => {
        let built = 0;
        for (const plan of missing) {
          try {
            // An interrupted concurrent build leaves an INVALID index behind: drop it and build again.
            if (found.has(plan.name)) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${plan.name}`);
            await client.query(plan.sql);
            built += 1;
          } catch (error) {
            // An index is an optimisation (a unique one also a guard): a failed build is logged and
            // left out, never allowed to take the publish or the start down with it.
            this.logger.error(`index ${plan.name} on ${plan.field} not built: ${(error as Error).message}`);
            await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${plan.name}`).catch(() => undefined);
          }
        }
        if (built) {
          const table = recordsPartition(formId);
          const live = await client.query(`SELECT 1 FROM ${table} WHERE deleted_at IS NULL LIMIT 1`);
          if (live.rowCount) await client.query(`ANALYZE ${table}`);
        }
      });
      // A backend left at the lower priority is not handed to the next caller.
      discard = !run.restored;
    } catch (error) {
      discard = true;
      throw error;
    } finally {
      client.release(discard);
    }
    return plans;
  }

  /**
   * Creates the counter sequences the form's auto-number fields draw from in `asOf`'s period, as
   * credo_next_numbers names them (credo_seq.n_<md5(tenant/form/field/period)>). That function
   * would otherwise create one in the first create's transaction: DDL (a new relation file, catalog
   * rows) that a publish can do instead. No number is taken.
   */
  async ensureNumberSequences(tenantId: string, formId: string, definition: FormDefinition, asOf: string): Promise<number> {
    const names = numberSequenceNames(tenantId, formId, definition, asOf);
    if (!names.length) return 0;
    this.pool ??= new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 1 });
    for (const name of names) {
      await this.pool.query(`CREATE SEQUENCE IF NOT EXISTS credo_seq.${name}`).catch((error: unknown) => {
        // Two publishes at once may race to create it (the function copes with that too).
        if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
      });
    }
    return names.length;
  }

  /**
   * Has a new form's partition of `records` make its first pages now, at publish, instead of in
   * the form's first create: the heap's first page and the root page of every index (an empty
   * btree has only its metapage until the first insert; creating the root rewrites the metapage,
   * whose first change after a checkpoint goes to the WAL as a full page, 8 kB per index, flushed
   * with that create's commit). One row is inserted straight into the partition, every indexed /
   * unique field set (so each index, partial unique ones too, takes an entry), and rolled back:
   * the pages stay, the aborted row is invisible and pruned later, no trigger, sequence or
   * auto-number is involved (the parent's statement triggers do not fire for the partition).
   * Only for a partition without pages (a form's first publish). Returns whether it did.
   */
  async primePartition(tenantId: string, formId: string, versionId: string, definition: FormDefinition): Promise<boolean> {
    if (!UUID.test(tenantId) || !UUID.test(formId) || !UUID.test(versionId)) throw new Error('tenant, form and version ids must be uuids');
    const table = recordsPartition(formId);
    this.pool ??= new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 1 });
    const data: Record<string, unknown> = {};
    for (const field of definition.fields as FieldDefinition[]) {
      if (field.archived || !(field.indexed || field.unique)) continue;
      data[field.key] = PRIME_VALUES[storageOf(field)];
    }
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const [{ pages }] = (await client.query<{ pages: string }>(`SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int AS pages`, [table])).rows as [{ pages: string }];
      if (Number(pages) > 0) return false;
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO ${table} (tenant_id, id, form_id, form_version_id, data) VALUES ($1, gen_random_uuid(), $2, $3, $4::jsonb)`,
          [tenantId, formId, versionId, JSON.stringify(data)],
        );
      } finally {
        await client.query('ROLLBACK');
      }
      // An aborted transaction's WAL (here the full-page images of the index metapages) waits
      // for the next flush, which would be the form's first create's commit: flushed now.
      // (Only a warm-up: where the function is not allowed, the first create flushes it instead.)
      await client.query(`SELECT pg_logical_emit_message(false, 'credo', 'records partition primed', true)`).catch(() => undefined);
      return true;
    } catch (error) {
      // The connection may be left mid-transaction: the pool drops it.
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
  }
}
