import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CompiledFormCache,
  FormDefinitionError,
  archiveRemovedFields,
  compileFormOrThrow,
  diffDefinitions,
  migrateRecord,
  releaseCompiledForm,
  validateFormDefinition,
  type CompiledForm,
  type FieldError,
  type FormDefinition,
  type MigrationStep,
} from '@credo/form-engine';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import type { Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { diffRecordData, type RecordChanges } from '../records/record-diff.js';
import { RecordsRepository } from '../records/records.repository.js';
import { FieldIndexService, numberSequenceNames } from './field-index.service.js';
import { PublishWarmUp } from './publish-warm-up.js';
import { ensureTypedProjection } from './typed-projection.js';
import { TenantDatabase, advisoryKey, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { effectiveAccess, type FormPermissionsDocument } from './form-permissions.js';
import { COUNT_CAP, FormsRepository, type FormMetaRow, type FormRow } from './forms.repository.js';

export interface PublishedForm {
  id: string;
  permissions: FormPermissionsDocument;
  key: string;
  versionId: string;
  versionNumber: number;
  compiled: CompiledForm;
  /** The published rule set, if any (read with the form, so a write costs no extra round trip). */
  rules: { id: string; number: number } | null;
}

/** Versions this instance warmed itself; its own publish notification is then skipped. */
const WARMED_HERE_MAX = 100;

/** Told of each published version (in a tenant transaction it may read in), to prime a per-form cache. */
export type PublishedListener = (sql: Sql, tenantId: string, key: string, form: PublishedForm) => Promise<void> | void;

@Injectable()
export class FormsService implements OnApplicationBootstrap, OnModuleDestroy {
  /** One compiled validator per published version, shared by every request (no compile on the hot path). */
  private readonly cache = new CompiledFormCache();
  private readonly warmUp: PublishWarmUp;
  private readonly warmedHere = new Set<string>();
  private readonly logger = new Logger(FormsService.name);
  private readonly publishedListeners: PublishedListener[] = [];

  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsRepository,
    private readonly audit: AuditRepository,
    private readonly records: RecordsRepository,
    private readonly fieldIndexes: FieldIndexService,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @InjectDataSource() dataSource: DataSource,
  ) {
    // The pg pool TypeORM manages (the one TenantDatabase uses): its idle connections get warmed.
    this.warmUp = new PublishWarmUp(() => (dataSource.driver as unknown as { master: pg.Pool }).master, config.resolvedAppDatabaseUrl);
  }

  /** Other instances' publishes: compile the version and warm the connections before its first request. */
  async onApplicationBootstrap(): Promise<void> {
    await this.warmUp.listen((tenantId, versionId, key) => this.warmPublished(tenantId, versionId, key));
  }

  async onModuleDestroy(): Promise<void> {
    await this.warmUp.stop();
  }

  /** Whether this instance holds the version compiled (a publish's first request then compiles nothing). */
  isCompiled(versionId: string): boolean {
    return this.cache.has(versionId);
  }

  /**
   * Per-form caches outside this service (e.g. the records' one-round-trip create) register here
   * to be primed with each version as it is published: on this instance before the publish
   * returns, on the others when the notification arrives.
   */
  onPublished(listener: PublishedListener): void {
    this.publishedListeners.push(listener);
  }

  private async tellPublished(tenantId: string, key: string): Promise<void> {
    if (!this.publishedListeners.length) return;
    await this.db.run(tenantId, async (sql) => {
      const form = await this.publishedOrThrow(sql, key);
      for (const listener of this.publishedListeners) await listener(sql, tenantId, key, form);
    });
  }

  private async warmPublished(tenantId: string, versionId: string, key: string): Promise<void> {
    if (this.warmedHere.delete(versionId)) return;
    if (!this.cache.has(versionId)) {
      const definition = await this.db.run(tenantId, (sql) => this.forms.versionDefinition(sql, versionId));
      if (definition && !this.cache.has(versionId)) this.cache.getOrCompile(versionId, definition as FormDefinition);
    }
    const formId = (await this.db.run(tenantId, (sql) => sql.one<{ form_id: string }>('SELECT form_id FROM form_versions WHERE id = $1', [versionId])))?.form_id;
    if (formId) await this.warmUp.warmConnections(formId, { tenantId, versionId });
    await this.tellPublished(tenantId, key);
  }

  /** A new form starts as a draft; publishing makes version 1. */
  async createOrThrow(auth: AuthContext, definition: unknown, locale: Locale) {
    const def = definitionOrThrow(definition, locale);
    await this.db
      .run(auth.tenantId, async (sql) => {
        const formId = uuidv7();
        await this.forms.insertDraftForm(sql, { tenantId: auth.tenantId, formId, key: def.key, title: def.title, draft: def });
        await this.audit.append(sql, { actorId: auth.userId, action: 'form.create', entity: `form:${def.key}`, entityId: formId, requestId: auth.requestId });
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') throw new AppException(409, 'forms.key_taken', { key: def.key });
        throw error;
      });
    return this.getOrThrow(auth, def.key);
  }

  async draftOrThrow(auth: AuthContext, key: string) {
    const row = await this.db.run(auth.tenantId, (sql) => this.forms.findByKey(sql, key));
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    return draftView(row);
  }

  /** Saves the draft (validated, compiled to catch formula cycles and the like) and shows its diff. */
  async saveDraftOrThrow(auth: AuthContext, key: string, definition: unknown, locale: Locale) {
    const def = definitionOrThrow(definition, locale);
    if (def.key !== key) {
      throw new AppException(400, 'forms.key_mismatch', {}, [{ path: '/definition/key', keyword: 'const', message: key, params: { key } }]);
    }
    return this.db.run(auth.tenantId, async (sql) => {
      const row = await this.forms.findByKey(sql, key);
      if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
      await this.forms.saveDraft(sql, row.id, def);
      await this.audit.append(sql, { actorId: auth.userId, action: 'form.draft', entity: `form:${key}`, entityId: row.id, requestId: auth.requestId });
      return draftView({ ...row, draft: def, draft_updated_at: new Date() });
    });
  }

  /**
   * Publishes the draft as the next version. Removed fields are archived (data kept); every
   * record is migrated to the new version in batches, in this one transaction; a new required
   * field without a default or backfill, or a record that cannot be converted, blocks the
   * publish with the report. `dryRun` reports the same without writing.
   */
  async publishOrThrow(auth: AuthContext, key: string, options: { dryRun?: boolean; backfill?: Record<string, unknown> }, locale: Locale) {
    const asOf = this.clock.today(this.config.timezone);
    // Compiled once, in the transaction (it checks the definition and migrates the records); on
    // success the cache keeps this very object for the new version's requests.
    let checked: CompiledForm | undefined;
    const result = await this.db.run(auth.tenantId, async (sql) => {
      await this.forms.lockForPublish(sql, advisoryKey(auth.tenantId, `form:${key}`));
      const row = await this.forms.findByKey(sql, key);
      if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
      if (!row.draft) throw new AppException(409, 'forms.no_draft', { key });
      const current = (row.definition ?? null) as FormDefinition | null;
      const target = current ? archiveRemovedFields(current, row.draft as FormDefinition) : (row.draft as FormDefinition);
      let compiled: CompiledForm;
      try {
        compiled = checked = compileFormOrThrow(target);
      } catch (error) {
        if (error instanceof FormDefinitionError) throw new AppException(400, 'forms.definition_invalid', {}, prefixed(error.errors));
        throw error;
      }
      const diff = current ? diffDefinitions(current, target) : null;
      const backfill = options.backfill ?? {};
      const needsDefault = (diff?.changes ?? []).filter(
        (c) => c.impact === 'needsDefault' && !(c.field in backfill) && compiled.definition.fields.find((f) => f.key === c.field)?.default === undefined,
      );
      const report = {
        dryRun: options.dryRun === true,
        version: (row.version_number ?? 0) + 1,
        changes: diff?.changes ?? [],
        needsDefault: needsDefault.map((c) => c.field),
        records: { total: 0, changed: 0, unchanged: 0, failed: 0 },
        examples: [] as Array<{ id: string; changes: RecordChanges; steps: MigrationStep[] }>,
        failures: [] as Array<{ id: string; errors: FieldError[]; steps: MigrationStep[] }>,
      };
      const versionId = uuidv7();
      const write = !options.dryRun && !needsDefault.length;
      if (write) {
        await this.forms.insertVersion(sql, {
          tenantId: auth.tenantId, formId: row.id, versionId, number: report.version, definition: target,
          schema: compiled.schema, ui: compiled.ui, changes: report.changes, userId: auth.userId,
        });
      }
      if (current) {
        let after: string | null = null;
        for (;;) {
          const batch = await this.records.batchForMigration(sql, row.id, after, MIGRATION_BATCH);
          if (!batch.length) break;
          after = batch[batch.length - 1]!.id;
          const updates: Array<{ id: string; data: Record<string, unknown>; changes: RecordChanges }> = [];
          for (const record of batch) {
            report.records.total += 1;
            const source = { ...record.data };
            for (const [field, value] of Object.entries(backfill)) if (source[field] === undefined) source[field] = value;
            const migrated = migrateRecord(source, current, compiled, { asOf }, locale);
            if (!migrated.report.ok) {
              report.records.failed += 1;
              if (report.failures.length < MAX_EXAMPLES) report.failures.push({ id: record.id, errors: migrated.report.errors, steps: migrated.report.steps });
              continue;
            }
            const changes = diffRecordData(record.data, migrated.data);
            if (!Object.keys(changes).length) {
              report.records.unchanged += 1;
              continue;
            }
            report.records.changed += 1;
            if (report.examples.length < MAX_EXAMPLES) report.examples.push({ id: record.id, changes, steps: migrated.report.steps });
            updates.push({ id: record.id, data: migrated.data, changes });
          }
          if (write && !report.records.failed) await this.records.applyMigration(sql, row.id, versionId, auth.userId, updates);
        }
        if (write && !report.records.failed) await this.records.repin(sql, row.id, versionId);
      }
      // The typed projection (if the form opts in) follows the new version in this transaction.
      if (write && !report.records.failed) await ensureTypedProjection(sql, row.id, target);
      if (!options.dryRun && (needsDefault.length || report.records.failed)) {
        throw new AppException(409, 'forms.publish_blocked', { needsDefault: needsDefault.length, failed: report.records.failed }, undefined, { report });
      }
      if (write) {
        await this.audit.append(sql, {
          actorId: auth.userId, action: 'form.publish', entity: `form:${key}`, entityId: row.id,
          details: { version: report.version, changes: report.changes.length, records: report.records }, requestId: auth.requestId,
        });
      }
      return { report, formId: row.id, target, versionId, compiled };
    }).catch((error: unknown) => {
      if (checked) releaseCompiledForm(checked);
      throw error;
    });
    if (options.dryRun) {
      releaseCompiledForm(result.compiled);
      return result.report;
    }
    // Nothing of the new version is left for its first request (T16): the form compiled above,
    // its field indexes built, its auto-number sequences created, its partition's first pages
    // made, this instance's connections reloaded and their statements on records re-planned after
    // that DDL; the other instances are told, and do the same in the background.
    this.cache.set(result.versionId, result.compiled);
    await this.fieldIndexes.ensure(result.formId, result.target);
    // Warm-ups only: the publish has committed, so a failure here is logged, never the publish's.
    await this.fieldIndexes
      .ensureNumberSequences(auth.tenantId, result.formId, result.target, asOf)
      .catch((error: unknown) => this.logger.warn(`auto-number sequences of ${key} not created ahead: ${(error as Error).message}`));
    await this.fieldIndexes
      .primePartition(auth.tenantId, result.formId, result.versionId, result.target)
      .catch((error: unknown) => this.logger.warn(`records partition of ${key} not primed: ${(error as Error).message}`));
    const sequences = numberSequenceNames(auth.tenantId, result.formId, result.target, asOf);
    await this.warmUp.warmConnections(result.formId, { tenantId: auth.tenantId, versionId: result.versionId, sequences }).catch((error: unknown) => this.logger.warn(`connections not warmed after publishing ${key}: ${(error as Error).message}`));
    await this.tellPublished(auth.tenantId, key).catch((error: unknown) => this.logger.warn(`caches not primed after publishing ${key}: ${(error as Error).message}`));
    this.warmedHere.add(result.versionId);
    if (this.warmedHere.size > WARMED_HERE_MAX) this.warmedHere.delete(this.warmedHere.values().next().value as string);
    await this.warmUp.notify(auth.tenantId, result.versionId, key);
    return result.report;
  }

  async versionsOrThrow(auth: AuthContext, key: string) {
    const rows = await this.db.run(auth.tenantId, async (sql) => {
      const row = await this.forms.findByKey(sql, key);
      if (!row) throw new AppException(404, 'forms.not_found', { key });
      return this.forms.versions(sql, row.id);
    });
    return {
      items: rows.map((v) => ({
        id: v.id, number: v.number, createdAt: v.created_at.toISOString(),
        createdBy: v.created_by ? { id: v.created_by, email: v.created_by_email } : null, fieldCount: v.field_count, changes: v.changes,
      })),
    };
  }

  /** Archived forms leave the list and refuse records; their data stays. */
  async archiveOrThrow(auth: AuthContext, key: string): Promise<void> {
    await this.db.run(auth.tenantId, async (sql) => {
      const row = await this.forms.findByKey(sql, key);
      if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
      await this.forms.archive(sql, row.id);
      await this.audit.append(sql, { actorId: auth.userId, action: 'form.archive', entity: `form:${key}`, entityId: row.id, requestId: auth.requestId });
    });
  }

  async list(auth: AuthContext) {
    const rows = await this.db.run(auth.tenantId, (sql) => this.forms.list(sql));
    return {
      items: rows.map((row) => ({
        key: row.key,
        title: row.title,
        version: row.version_number,
        recordCount: Math.min(row.record_count, COUNT_CAP),
        recordCountCapped: row.record_count > COUNT_CAP,
        updatedAt: row.updated_at.toISOString(),
      })),
    };
  }

  async getOrThrow(auth: AuthContext, key: string) {
    const row = await this.db.run(auth.tenantId, (sql) => this.forms.findByKey(sql, key));
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    return {
      key: row.key,
      title: row.title,
      // What the caller may do on this form's records, so the web app shows only buttons that work.
      access: effectiveAccess((row.permissions ?? {}) as FormPermissionsDocument, auth.roles).actions,
      version: row.version_id
        ? {
            id: row.version_id,
            number: row.version_number,
            definition: row.definition,
            schema: row.schema,
            ui: row.ui,
            publishedAt: row.published_at?.toISOString() ?? null,
          }
        : null,
    };
  }

  async permissionsOrThrow(auth: AuthContext, key: string): Promise<FormPermissionsDocument> {
    const row = await this.db.run(auth.tenantId, (sql) => this.forms.findByKey(sql, key));
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    return row.permissions as FormPermissionsDocument;
  }

  /** Replaces a form's access rules; every field named must exist, the owner field must be a user link. */
  async setPermissionsOrThrow(auth: AuthContext, key: string, doc: FormPermissionsDocument): Promise<FormPermissionsDocument> {
    return this.db.run(auth.tenantId, async (sql) => {
      const form = await this.publishedOrThrow(sql, key);
      const fields = new Map(form.compiled.definition.fields.map((f) => [f.key, f.type as string]));
      const errors = [
        ...Object.keys(doc.fields ?? {})
          .filter((field) => !fields.has(field))
          .map((field) => ({ path: `/fields/${field}`, keyword: 'unknownField', message: field })),
        ...(doc.sensitive ?? [])
          .map((field, index) => ({ field, index }))
          .filter(({ field }) => !fields.has(field))
          .map(({ field, index }) => ({ path: `/sensitive/${index}`, keyword: 'unknownField', message: field })),
        ...(doc.ownerField && fields.get(doc.ownerField) !== 'user'
          ? [{ path: '/ownerField', keyword: 'userField', message: doc.ownerField }]
          : []),
      ];
      if (errors.length) throw new AppException(400, 'forms.permissions_invalid', {}, errors);
      await this.forms.setPermissions(sql, form.id, doc);
      await this.audit.append(sql, { actorId: auth.userId, action: 'permission.update', entity: `form:${key}`, entityId: form.id, details: { permissions: doc }, requestId: auth.requestId });
      return doc;
    });
  }

  /** The form's current published version, compiled (cached by version id), inside a tenant transaction. */
  async publishedOrThrow(sql: Sql, key: string, meta?: FormMetaRow | null): Promise<PublishedForm> {
    const row = meta === undefined ? await this.forms.findMetaByKey(sql, key) : meta;
    if (!row || row.archived_at) throw new AppException(404, 'forms.not_found', { key });
    if (!row.version_id || row.version_number === null) throw new AppException(409, 'forms.not_published', { key });
    let compiled = this.cache.get(row.version_id);
    if (!compiled) {
      const definition = (await this.forms.versionDefinition(sql, row.version_id)) as FormDefinition;
      compiled = this.cache.getOrCompile(row.version_id, definition);
    }
    return {
      id: row.id,
      permissions: row.permissions as FormPermissionsDocument,
      key,
      versionId: row.version_id,
      versionNumber: row.version_number,
      compiled,
      rules: row.rules_version_id && row.rules_version_number !== null ? { id: row.rules_version_id, number: row.rules_version_number } : null,
    };
  }

  /**
   * Runs `work` in a tenant transaction on the form's published version; the form lookup rides
   * along with BEGIN. `write` also takes the form's shared lock, so a publish waits for it.
   */
  withPublished<T>(
    auth: AuthContext,
    key: string,
    write: boolean,
    work: (sql: Sql, form: PublishedForm) => Promise<T>,
    opts: { prefetch?: readonly string[]; readCommitLater?: boolean } = {},
  ): Promise<T> {
    const prelude = this.forms.metaSqlForKey(key);
    if (!prelude) return Promise.reject(new AppException(404, 'forms.not_found', { key }));
    return this.db.run(
      auth.tenantId,
      async (sql, rows) => work(sql, await this.publishedOrThrow(sql, key, (rows[0] as unknown as FormMetaRow | undefined) ?? null)),
      { prelude, sharedLock: write ? `form:${key}` : undefined, ...opts },
    );
  }

  /** Sets a form's access rules inside a running transaction (templates, demo seed). */
  async installPermissions(sql: Sql, formId: string, doc: FormPermissionsDocument): Promise<void> {
    await this.forms.setPermissions(sql, formId, doc);
  }

  /** Installs a form definition (e.g. a seed template) as version 1; the engine validates it first. */
  async installOrThrow(sql: Sql, tenantId: string, definition: FormDefinition, userId: string | null): Promise<string> {
    const compiled = compileFormOrThrow(definition);
    const formId = uuidv7();
    const versionId = uuidv7();
    await this.forms.insertPublished(sql, {
      tenantId,
      formId,
      versionId,
      key: definition.key,
      title: definition.title,
      definition,
      schema: compiled.schema,
      ui: compiled.ui,
      userId,
    });
    await ensureTypedProjection(sql, formId, definition);
    // Its first request finds it compiled (an id whose transaction rolls back is never asked for).
    this.cache.set(versionId, compiled);
    return formId;
  }
}

const MIGRATION_BATCH = 1000;
const MAX_EXAMPLES = 20;

function prefixed(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, path: `/definition${e.path === '/' ? '' : e.path}` }));
}

/** The engine's meta-schema and semantic checks; 400 with paths into the request body. */
function definitionOrThrow(definition: unknown, locale: Locale): FormDefinition {
  const result = validateFormDefinition(definition, locale);
  if (!result.valid) throw new AppException(400, 'forms.definition_invalid', {}, prefixed(result.errors));
  try {
    // Compiled to catch what only compiling finds (formula cycles…), then dropped from Ajv.
    releaseCompiledForm(compileFormOrThrow(definition as FormDefinition));
  } catch (error) {
    if (error instanceof FormDefinitionError) throw new AppException(400, 'forms.definition_invalid', {}, prefixed(error.errors));
    throw error;
  }
  return definition as FormDefinition;
}

function draftView(row: FormRow) {
  const current = (row.definition ?? null) as FormDefinition | null;
  const draft = (row.draft ?? null) as FormDefinition | null;
  const target = current && draft ? archiveRemovedFields(current, draft) : draft;
  return {
    key: row.key,
    draft,
    draftUpdatedAt: row.draft_updated_at?.toISOString() ?? null,
    publishedVersion: row.version_number,
    diff: current && target ? diffDefinitions(current, target) : null,
  };
}
