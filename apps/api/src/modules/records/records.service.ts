import { Inject, Injectable } from '@nestjs/common';
import { autoNumberPeriod, formatAutoNumber, localize, type FieldError } from '@credo/form-engine';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { NeedsTransaction, OneTripMissed, TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { COUNT_CAP } from '../forms/forms.repository.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { fieldIndexName } from '../forms/field-index.service.js';
import { effectiveAccess, type EffectiveAccess, type FormAction } from '../forms/form-permissions.js';
import { diffRecordData, type RecordChanges } from './record-diff.js';
import { fieldExpression, parseRecordQuery, storageOf } from './record-query.js';
import { CreditControlService, TENANT_SETTINGS_SQL, type CreditOverride } from '../credit/credit-control.service.js';
import { CustomerRollupsService, type CustomerRollups } from '../credit/customer-rollups.service.js';
import { PaymentAllocationService } from '../credit/payment-allocation.service.js';
import { RulesService, type StoredRuleResult } from '../rules/rules.service.js';
import { UserDirectory } from './user-directory.js';
import { WriteCoalescer } from './create-coalescer.js';
import { isoOfUtc } from './pg-text.js';
import { revisionChanges } from './revision-changes.js';
import { EXACT_TOTAL_LIMIT, RecordsRepository, TotalEstimates, type PageCursor, type InsertGuard, type RawPagedRow, type RecordRow, type RevisionRow, type RuleResultInsert, type SqlAutoNumber } from './records.repository.js';

export interface RecordDto {
  id: string;
  rev: number;
  /** Display labels of user links and references, by field key. */
  labels?: Record<string, string | null>;
  /** Figures over related records as of today (e.g. a customer's AR balance), when the form has them. */
  rollups?: CustomerRollups;
  /** The stored result of the form's rule set: values (class, grade…), alerts, and on a single read the explanation. */
  rules?: StoredRuleResult;
  deleted?: boolean;
  formVersion: number;
  data: Record<string, unknown>;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

type LinkField = PublishedForm['compiled']['definition']['fields'][number];

/**
 * A response body already serialised as JSON (the controller sends it as it is). `toJSON` gives
 * the value back, so code that serialises it again still produces the same JSON.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

export interface RecordPage {
  items: RecordDto[];
  next: string | null;
  total?: number;
  totalIsEstimate?: boolean;
  totalCapped?: boolean;
}

export interface ListQuery {
  limit: number;
  cursor: string | null;
  /**
   * false: no total. 'auto' (total=true): exact up to EXACT_TOTAL_LIMIT matching records, beyond
   * that the planner's estimate, flagged `totalIsEstimate`. 'exact' (total=exact): counted, capped
   * at COUNT_CAP (flagged `totalCapped`); it reads up to COUNT_CAP + 1 rows.
   */
  total: false | 'auto' | 'exact';
  /** { field: { op: value } } */
  filter?: unknown;
  /** "field" ascending, "-field" descending */
  sort?: string;
  /** Only these fields in `data`. */
  fields?: string[];
  /** Extras per record (lists stay lean unless asked). */
  include?: Array<'rollups' | 'rules'>;
}

/** Read by every create and update (credit control's settings): sent ahead with BEGIN. */
const WRITE_PREFETCH = [TENANT_SETTINGS_SQL] as const;

/** How long a one-round-trip create or list trusts its cached facts before reading them afresh. */
const FACTS_TTL_MS = 60_000;
/**
 * After a one-trip create of a form needed a statement before its insert: how long the form's
 * creates go the ordinary way before one tries the one trip again. The ordinary create fills what
 * was missing (the user directory, which reloads every minute; reference labels), so a miss is
 * usually a one-off; a form whose creates need a statement every time (references, payments) pays
 * one attempt per interval that sends nothing (only validation and rules run twice). Until session
 * 9 a miss turned the one trip off for the rest of the facts' minute: T6 then ran every create on
 * the ordinary path (three round trips, the prefetch parsed each time: 0.26-0.32 of the baseline's
 * creates/s instead of ~0.75) whenever the user directory expired before the facts did. Short:
 * at c=32 a 1 s pause still sent ~460 creates the ordinary way at every directory reload.
 */
const ONE_TRIP_RETRY_MS = 100;

/**
 * Fails (division by zero) unless the form is still published at `versionId` with these
 * permissions and rule set: a one-trip list runs it inside its page statement (a one-trip create
 * checks the same, and the tenant's settings, inside its insert: InsertGuard).
 */
const READ_GUARD_SQL = `SELECT 1 / count(*)::int AS current FROM forms f
  WHERE f.id = $1::uuid AND f.current_version_id = $2::uuid AND f.archived_at IS NULL
    AND f.permissions IS NOT DISTINCT FROM $3::jsonb AND f.rules_version_id IS NOT DISTINCT FROM $4::uuid`;

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function insertGuard(form: PublishedForm, settings: unknown[]): InsertGuard {
  return { permissions: jsonOrNull(form.permissions), rulesVersionId: form.rules?.id ?? null, settings: jsonOrNull((settings[0] as { settings?: unknown } | undefined)?.settings) };
}

function readGuard(form: PublishedForm): { text: string; values: unknown[] } {
  return { text: READ_GUARD_SQL, values: [form.id, form.versionId, jsonOrNull(form.permissions), form.rules?.id ?? null] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSERT_CHUNK = 1000;

/** At most this many creates share one statement. */
const CREATE_BATCH_MAX = 64;
/**
 * Coalesced create statements of one form on their way at once; more creates wait and go
 * together. T6 quick (c=32, 2 shared cores): 1 leaves a core idle while Node waits (456 req/s);
 * 2 and 4 keep both busy (4: 1.0–1.4k req/s, PostgreSQL 0.3 ms per create); 8 and 16 make
 * batches too small (PostgreSQL 0.54 / 0.85 ms per create, 670 / 500 req/s).
 */
const CREATE_BATCHES_IN_FLIGHT = 4;

export class RecordValidationError extends Error {
  constructor(
    readonly index: number,
    readonly errors: FieldError[],
  ) {
    super(`record ${index} is invalid`);
  }
}

@Injectable()
export class RecordsService {
  /** Planner estimates of filtered lists' totals (total=true beyond EXACT_TOTAL_LIMIT), reused for 30 s. */
  private readonly estimates = new TotalEstimates();

  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsService,
    private readonly records: RecordsRepository,
    private readonly audit: AuditRepository,
    private readonly users: UserDirectory,
    private readonly credit: CreditControlService,
    private readonly rollups: CustomerRollupsService,
    private readonly ruleSets: RulesService,
    private readonly payments: PaymentAllocationService,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {
    forms.onPublished(async (sql, tenantId, key, form) => this.rememberWriteFacts(tenantId, key, form, await sql.rows(TENANT_SETTINGS_SQL)));
  }

  /**
   * Per tenant and form: the published form and the tenant's settings a create last ran on, so
   * the next create can run in one round trip (TenantDatabase.runOneTrip) with a guard that they
   * are still current. After a create of the form needed a statement before its insert (a cache
   * miss, references, payments…), creates go the ordinary way until `oneTripAfter` (ONE_TRIP_RETRY_MS).
   */
  /** Concurrent one-trip creates of a form, coalesced into shared statements (see WriteCoalescer). */
  private readonly createCoalescer = new WriteCoalescer<
    { id: string; data: Record<string, unknown>; userId: string | null; requestId: string | null; rule: { values: unknown; alerts: unknown; explanation: unknown } | null },
    RecordRow
  >(CREATE_BATCH_MAX, CREATE_BATCHES_IN_FLIGHT);

  private readonly writeFacts = new Map<string, { form: PublishedForm; settings: unknown[]; at: number; oneTripAfter: number }>();

  private rememberWriteFacts(tenantId: string, key: string, form: PublishedForm, settings: unknown[] | undefined): void {
    if (!settings) return;
    const id = `${tenantId}/${key}`;
    const known = this.writeFacts.get(id);
    if (known && known.form.versionId === form.versionId && known.form.compiled === form.compiled && Date.now() - known.at < FACTS_TTL_MS) return;
    if (this.writeFacts.size >= 1000) this.writeFacts.delete(this.writeFacts.keys().next().value as string);
    this.writeFacts.set(id, { form, settings, at: Date.now(), oneTripAfter: 0 });
  }

  async createOrThrow(auth: AuthContext, key: string, data: unknown, locale: Locale, override?: CreditOverride): Promise<RecordDto> {
    const facts = this.writeFacts.get(`${auth.tenantId}/${key}`);
    const now = Date.now();
    if (facts && now >= facts.oneTripAfter && now - facts.at < FACTS_TTL_MS) {
      try {
        // The insert itself checks that the facts are still current (InsertGuard): no extra statement.
        const guard = insertGuard(facts.form, facts.settings);
        const [row] = await this.db.runOneTrip(auth.tenantId, (sql) => this.createIn(sql, facts.form, auth, key, data, locale, override, guard), {
          sharedLock: `form:${key}`,
          prefetched: new Map([[TENANT_SETTINGS_SQL, facts.settings]]),
        });
        return row!;
      } catch (error) {
        if (!(error instanceof OneTripMissed)) throw error;
        // The guard passed (the facts are current): a unique index's refusal is the answer.
        if ((error.reason as { code?: unknown }).code === '23505') rethrowDuplicate(error.reason, facts.form, locale);
        // Refused input is answered the ordinary way (against the current form, not the cached one).
        if (error.reason instanceof NeedsTransaction) facts.oneTripAfter = Date.now() + ONE_TRIP_RETRY_MS;
        else if (!(error.reason instanceof AppException)) this.writeFacts.delete(`${auth.tenantId}/${key}`);
      }
    }
    const [row] = await this.forms.withPublished(auth, key, true, async (sql, form) => {
      const settings = sql.peekPrefetched(TENANT_SETTINGS_SQL);
      const rows = await this.createIn(sql, form, auth, key, data, locale, override);
      this.rememberWriteFacts(auth.tenantId, key, form, settings);
      return rows;
    }, { prefetch: WRITE_PREFETCH });
    return row!;
  }

  /** A create inside a transaction on the form's published version. */
  private async createIn(
    sql: Sql,
    form: PublishedForm,
    auth: AuthContext,
    key: string,
    data: unknown,
    locale: Locale,
    override?: CreditOverride,
    guard?: InsertGuard,
  ): Promise<RecordDto[]> {
    {
      const access = accessOrThrow(form, auth, 'create');
      const result = form.compiled.validateInput(data, locale, { asOf: this.asOf() });
      if (!result.valid) throw new AppException(400, 'http.validation_failed', {}, result.errors);
      const input = data as Record<string, unknown>;
      guardWritableOrThrow(access, Object.keys(input));
      if (access.ownRowsOnly && input[access.ownRowsOnly.field] !== auth.userId) {
        throw new AppException(403, 'records.owner_forbidden', { field: access.ownRowsOnly.field });
      }
      const names = await this.checkLinksOrThrow(sql, auth.tenantId, form, [input], locale);
      const completed = form.compiled.complete(input, { asOf: this.asOf() });
      const receivableForm = this.payments.appliesTo(key) ? await this.forms.publishedOrThrow(sql, 'receivable').catch(() => null) : null;
      const settlements = receivableForm ? await this.payments.checkOrThrow(sql, auth, completed, receivableForm, this.asOf(), locale) : [];
      await this.credit.checkOrThrow(sql, auth, key, null, null, completed, override);
      const evaluated = await this.ruleSets.evaluateForWrite(sql, form, completed, null, locale, { auth, reason: override?.reason });
      const audit = { action: 'record.create', entity: `form:${key}`, requestId: auth.requestId };
      const ruleResult = evaluated ? this.ruleSets.forInsert(evaluated) : undefined;
      // Nothing runs after the insert when no payment is settled and the form references no
      // record (no related rule results to refresh, no reference labels to look up; the labels
      // of user links are looked up now): then the insert carries the COMMIT.
      const last = !receivableForm && !form.compiled.definition.fields.some((f) => f.type === 'reference');
      if (last) await this.knowUserNames(sql, auth.tenantId, form, completed, names);
      const rows = await this.insertValidated(sql, auth.tenantId, auth.userId, form, [input], audit, ruleResult, completed, last, guard).catch((error: unknown) =>
        rethrowDuplicate(error, form, locale),
      );
      await this.ruleSets.refreshRelated(sql, form, rows[0]!.data, null, locale);
      if (receivableForm && settlements.length) await this.payments.apply(sql, auth, receivableForm, settlements);
      return this.withLabels(sql, auth.tenantId, form, rows.map((r) => view(access, r)), names);
    }
  }

  /** PATCH: merges `patch` (null clears a field) into the record at revision `ifMatch`. */
  async updateOrThrow(auth: AuthContext, key: string, id: string, patch: Record<string, unknown>, ifMatch: IfMatch, locale: Locale, override?: CreditOverride): Promise<RecordDto> {
    const expectedRev = requireIfMatchOrThrow(ifMatch);
    const row = await this.forms.withPublished(auth, key, true, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'update');
      const existing = await this.existingOrThrow(sql, form, auth, access, id, expectedRev);
      guardWritableOrThrow(access, Object.keys(patch));
      const server = serverManagedKeys(form);
      const input: Record<string, unknown> = form.compiled.withoutComputed(existing.data);
      for (const [field, value] of Object.entries(patch)) {
        if (value === null && !server.has(field)) delete input[field];
        else input[field] = value;
      }
      // A stored value whose field the patch hides (e.g. uscc once country is not CN) is dropped,
      // as the form would; a value the patch itself sends to a hidden field is still refused.
      const states = form.compiled.fieldStates(input);
      for (const key of Object.keys(input)) if (states[key]?.visible === false && !(key in patch)) delete input[key];
      const result = form.compiled.validateInput(input, locale, { asOf: this.asOf() });
      if (!result.valid) throw new AppException(400, 'http.validation_failed', {}, result.errors);
      await this.checkLinksOrThrow(sql, auth.tenantId, form, [onlyKeys(input, new Set(Object.keys(patch)))], locale);
      const data = form.compiled.complete({ ...input, ...onlyKeys(existing.data, autoNumberKeys(form)) }, { asOf: this.asOf() });
      const changes = diffRecordData(existing.data, data);
      if (!Object.keys(changes).length && existing.form_version_id === form.versionId) return this.labelled(sql, auth.tenantId, form, view(access, existing));
      await this.credit.checkOrThrow(sql, auth, key, id, existing.data, data, override);
      // Approvals gate new business (creates); changes to an existing item, such as a payment, do not wait for one.
      const evaluated = await this.ruleSets.evaluateForWrite(sql, form, data, id, locale);
      const written = await this.records
        .writeIfRev(sql, { formId: form.id, id, expectedRev, action: 'update', data, versionId: form.versionId, changes, userId: auth.userId })
        .catch((error: unknown) => rethrowDuplicate(error, form, locale));
      if (!written) throw await this.staleOrThrow(sql, form.id, id);
      if (evaluated) await this.ruleSets.store(sql, id, evaluated);
      await this.ruleSets.refreshRelated(sql, form, written.data, existing.data, locale);
      await this.audit.append(sql, { actorId: auth.userId, action: 'record.update', entity: `form:${key}`, entityId: id, details: { rev: written.rev, fields: Object.keys(changes) }, requestId: auth.requestId });
      return this.labelled(sql, auth.tenantId, form, view(access, written));
    }, { prefetch: WRITE_PREFETCH });
    return row;
  }

  /** Soft delete at revision `ifMatch`; restorable. */
  async deleteOrThrow(auth: AuthContext, key: string, id: string, ifMatch: IfMatch): Promise<RecordDto> {
    const expectedRev = requireIfMatchOrThrow(ifMatch);
    const row = await this.forms.withPublished(auth, key, true, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'delete');
      const existing = await this.existingOrThrow(sql, form, auth, access, id, expectedRev);
      const written = await this.records.writeIfRev(sql, {
        formId: form.id, id, expectedRev, action: 'delete', data: existing.data, versionId: existing.form_version_id, changes: {}, userId: auth.userId,
      });
      if (!written) throw await this.staleOrThrow(sql, form.id, id);
      await this.audit.append(sql, { actorId: auth.userId, action: 'record.delete', entity: `form:${key}`, entityId: id, details: { rev: written.rev }, requestId: auth.requestId });
      return this.labelled(sql, auth.tenantId, form, view(access, written));
    });
    return row;
  }

  async restoreOrThrow(auth: AuthContext, key: string, id: string, ifMatch: IfMatch): Promise<RecordDto> {
    const row = await this.forms.withPublished(auth, key, true, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'delete');
      const existing = UUID.test(id) ? await this.records.findById(sql, form.id, id, { includeDeleted: true }) : undefined;
      if (!existing || !isVisible(access, auth, existing)) throw new AppException(404, 'records.not_found');
      if (!existing.deleted_at) throw new AppException(409, 'records.not_deleted');
      const expectedRev = ifMatch === undefined || ifMatch === '*' ? existing.rev : ifMatch;
      const written = await this.records.writeIfRev(sql, {
        formId: form.id, id, expectedRev, action: 'restore', data: existing.data, versionId: existing.form_version_id, changes: {}, userId: auth.userId,
      });
      if (!written) throw await this.staleOrThrow(sql, form.id, id, { includeDeleted: true });
      await this.audit.append(sql, { actorId: auth.userId, action: 'record.restore', entity: `form:${key}`, entityId: id, details: { rev: written.rev }, requestId: auth.requestId });
      return this.labelled(sql, auth.tenantId, form, view(access, written));
    });
    return row;
  }

  async revisionsOrThrow(auth: AuthContext, key: string, id: string) {
    if (!UUID.test(id)) throw new AppException(404, 'records.not_found');
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'read');
      const record = await this.records.findById(sql, form.id, id, { includeDeleted: true });
      if (!record || !isVisible(access, auth, record)) throw new AppException(404, 'records.not_found');
      const rows = await this.records.revisions(sql, id);
      return { items: rows.map((row) => toRevisionDto(row, access.hidden)) };
    });
  }

  /** Puts the data of revision `rev` back, as a new revision; validated by the current version. */
  async revertOrThrow(auth: AuthContext, key: string, id: string, rev: number, ifMatch: IfMatch, locale: Locale): Promise<RecordDto> {
    const expectedRev = requireIfMatchOrThrow(ifMatch);
    const row = await this.forms.withPublished(auth, key, true, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'update');
      const existing = await this.existingOrThrow(sql, form, auth, access, id, expectedRev);
      const target = await this.records.revision(sql, id, rev);
      if (!target) throw new AppException(404, 'records.revision_not_found', { rev });
      const input = form.compiled.withoutComputed(target.data);
      const result = form.compiled.validateInput(input, locale, { asOf: this.asOf() });
      if (!result.valid) throw new AppException(409, 'records.revert_invalid', { rev }, result.errors);
      const data = form.compiled.complete({ ...input, ...onlyKeys(existing.data, autoNumberKeys(form)) }, { asOf: this.asOf() });
      const changes = diffRecordData(existing.data, data);
      guardWritableOrThrow(access, Object.keys(changes));
      const written = await this.records.writeIfRev(sql, {
        formId: form.id, id, expectedRev, action: 'revert', data, versionId: form.versionId, changes, userId: auth.userId, revertedFrom: rev,
      });
      if (!written) throw await this.staleOrThrow(sql, form.id, id);
      await this.audit.append(sql, { actorId: auth.userId, action: 'record.revert', entity: `form:${key}`, entityId: id, details: { rev: written.rev, revertedFrom: rev }, requestId: auth.requestId });
      return this.labelled(sql, auth.tenantId, form, view(access, written));
    });
    return row;
  }

  /**
   * User links must name users of this company, references live records of the named form
   * (row-level security makes another tenant's ids simply absent). 400 naming each bad field.
   */
  private async checkLinksOrThrow(sql: Sql, tenantId: string, form: PublishedForm, rows: Record<string, unknown>[], locale: Locale): Promise<Map<string, string | null>> {
    const names = new Map<string, string | null>();
    const links = form.compiled.definition.fields.filter((f) => f.type === 'user' || f.type === 'reference');
    if (!links.length) return names;
    const userIds = new Set<string>();
    const refIds = new Set<string>();
    for (const row of rows) {
      for (const field of links) {
        const value = row[field.key];
        if (typeof value === 'string' && UUID.test(value)) (field.type === 'user' ? userIds : refIds).add(value);
      }
    }
    const found = userIds.size ? await this.users.lookup(sql, tenantId, userIds) : new Map<string, string>();
    for (const [id, name] of found) names.set(id, name);
    const users = new Set(found.keys());
    const refForms = links.flatMap((f) => (f.type === 'reference' && f.reference?.form ? [f.reference.form] : []));
    const refs = refIds.size ? new Map((await this.records.existingReferences(sql, [...refIds], refForms)).map((r) => [r.id, r.form_key])) : new Map<string, string>();
    const errors: FieldError[] = [];
    rows.forEach((row, index) => {
      for (const field of links) {
        const value = row[field.key];
        if (typeof value !== 'string') continue;
        const ok = field.type === 'user' ? users.has(value) : refs.get(value) === field.reference?.form;
        if (!ok) {
          const label = localize(field.label, locale);
          const path = rows.length > 1 ? `/${index}/${field.key}` : `/${field.key}`;
          const code = field.type === 'user' ? 'records.user_missing' : 'records.reference_missing';
          errors.push({ path, keyword: field.type === 'user' ? 'user' : 'reference', params: { value }, message: translate(code, locale, { label }) });
        }
      }
    });
    if (errors.length) throw new AppException(400, 'http.validation_failed', {}, errors);
    return names;
  }

  private async labelled(sql: Sql, tenantId: string, form: PublishedForm, dto: RecordDto): Promise<RecordDto> {
    return (await this.withLabels(sql, tenantId, form, [dto]))[0]!;
  }

  /** Adds display labels for user links (display name) and references (the target's title field). */
  /** Adds the display names of the user links in `data` to `names` (so labelling it needs no statement). */
  private async knowUserNames(sql: Sql, tenantId: string, form: PublishedForm, data: Record<string, unknown>, names: Map<string, string | null>): Promise<void> {
    const ids = form.compiled.definition.fields
      .filter((f) => f.type === 'user')
      .map((f) => data[f.key])
      .filter((v): v is string => typeof v === 'string' && UUID.test(v) && !names.has(v));
    if (!ids.length) return;
    const found = await this.users.lookup(sql, tenantId, ids);
    for (const id of ids) names.set(id, found.get(id) ?? null);
  }

  private async withLabels(
    sql: Sql,
    tenantId: string,
    form: PublishedForm,
    dtos: RecordDto[],
    known = new Map<string, string | null>(),
    opts: { rollups?: boolean } = {},
  ): Promise<RecordDto[]> {
    const links = form.compiled.definition.fields.filter((f) => f.type === 'user' || f.type === 'reference');
    if (!dtos.length || (!links.length && !opts.rollups)) return dtos;
    const userIds = new Set<string>();
    const refIds = new Set<string>();
    for (const dto of dtos) {
      for (const field of links) {
        const value = dto.data[field.key];
        if (typeof value === 'string' && UUID.test(value) && !known.has(value)) (field.type === 'user' ? userIds : refIds).add(value);
      }
    }
    // Rollups on reads only: write responses stay one statement lighter.
    const rollups = opts.rollups && this.rollups.appliesTo(form.key) ? await this.rollups.forCustomers(sql, dtos, this.asOf()) : null;
    const names = await this.linkNames(sql, tenantId, links, userIds, refIds, known);
    return dtos.map((dto) => {
      const labels: Record<string, string | null> = {};
      for (const field of links) {
        const value = dto.data[field.key];
        if (typeof value === 'string') labels[field.key] = names.get(value) ?? null;
      }
      const extra = rollups?.get(dto.id);
      return { ...dto, labels, ...(extra ? { rollups: extra } : {}) };
    });
  }

  /** Display names of user ids and referenced records' ids (checked uuids), added to `known`. */
  private async linkNames(
    sql: Sql,
    tenantId: string,
    links: readonly LinkField[],
    userIds: ReadonlySet<string>,
    refIds: ReadonlySet<string>,
    known: ReadonlyMap<string, string | null> = new Map(),
  ): Promise<Map<string, string | null>> {
    const names = new Map(known);
    // After a list page that committed, a look-up that needs the database reopens a transaction (Sql.reopen).
    if (userIds.size) for (const [id, name] of await this.users.lookup(sql, tenantId, userIds)) names.set(id, name);
    if (refIds.size) {
      await sql.reopen();
      const refForms = links.flatMap((f) => (f.type === 'reference' && f.reference?.form ? [f.reference.form] : []));
      for (const r of await this.records.referenceLabels(sql, [...refIds], refForms)) names.set(r.id, r.label);
    }
    return names;
  }

  /** count and exact money sums, per value of one field (or overall), in SQL. */
  async summaryOrThrow(auth: AuthContext, key: string, query: { groupBy?: string; sum?: string[]; filter?: unknown }, locale: Locale) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'read');
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      const parsed = parseRecordQuery(visible, query.filter, undefined, 4);
      const problems = [...parsed.problems];
      const byKey = new Map(visible.map((f) => [f.key, f]));
      const group = query.groupBy ? byKey.get(query.groupBy) : undefined;
      if (query.groupBy && (!group || ['jsonb'].includes(storageOf(group)))) {
        problems.push({ path: '/groupBy', keyword: group ? 'notGroupable' : 'unknownField', params: { field: query.groupBy } });
      }
      const sums = (query.sum ?? []).map((k) => ({ key: k, field: byKey.get(k) }));
      for (const s of sums) {
        if (!s.field) problems.push({ path: '/sum', keyword: 'unknownField', params: { field: s.key } });
        else if (!['numeric', 'integer', 'double'].includes(storageOf(s.field))) problems.push({ path: '/sum', keyword: 'notSummable', params: { field: s.key } });
      }
      if (!parsed.query || problems.length) {
        throw new AppException(400, 'query.invalid', {}, problems.map((p) => ({ ...p, message: queryMessage(p.keyword, p.params ?? {}, locale) })));
      }
      const rows = await this.records.summary(
        sql,
        form.id,
        parsed.query,
        ownerFilter(access, auth),
        group ? fieldExpression(group) : null,
        sums.map((s) => ({ key: s.key, expr: fieldExpression(s.field!) })),
      );
      return {
        groupBy: query.groupBy ?? null,
        groups: rows.map((row) => ({ value: row.group_value, count: row.count, sums: row.sums })),
      };
    });
  }

  /** Reads that returned a field marked sensitive leave a trace: who, which records, which fields. */
  private async auditSensitiveReads(sql: Sql, auth: AuthContext, form: PublishedForm, dtos: RecordDto[]): Promise<void> {
    const sensitive = form.permissions.sensitive;
    if (!sensitive?.length || !dtos.length) return;
    const read = dtos.filter((dto) => sensitive.some((field) => field in dto.data));
    if (!read.length) return;
    const fields = sensitive.filter((field) => read.some((dto) => field in dto.data));
    await this.audit.append(sql, {
      actorId: auth.userId,
      action: 'record.read_sensitive',
      entity: `form:${form.key}`,
      entityId: read.length === 1 ? read[0]!.id : null,
      details: { fields, records: read.map((dto) => dto.id) },
      requestId: auth.requestId,
    });
  }

  /**
   * Recomputes the formulas that depend on today's date (days overdue, buckets, status…) for
   * every live record of a form, as of today: what the nightly job does. Returns how many changed.
   */
  async recomputeTimeDependent(auth: AuthContext, key: string): Promise<{ checked: number; changed: number }> {
    return this.forms.withPublished(auth, key, true, async (sql, form) => {
      if (!form.compiled.timeDependentFields.length) return { checked: 0, changed: 0 };
      const asOf = this.asOf();
      const numbers = autoNumberKeys(form);
      let after: string | null = null;
      let checked = 0;
      let changed = 0;
      for (;;) {
        const batch = await this.records.batchForMigration(sql, form.id, after, 1000);
        if (!batch.length) break;
        after = batch[batch.length - 1]!.id;
        const updates: Array<{ id: string; data: Record<string, unknown>; changes: RecordChanges; rev: number }> = [];
        for (const record of batch) {
          if (record.deleted) continue;
          checked += 1;
          const data = form.compiled.complete({ ...form.compiled.withoutComputed(record.data), ...onlyKeys(record.data, numbers) }, { asOf });
          const changes = diffRecordData(record.data, data);
          if (Object.keys(changes).length) updates.push({ id: record.id, data, changes, rev: record.rev });
        }
        changed += await this.records.applyMigration(sql, form.id, form.versionId, null, updates, 'recompute');
      }
      return { checked, changed };
    });
  }

  /** The live record, visible to this user, at the expected revision. */
  private async existingOrThrow(sql: Sql, form: PublishedForm, auth: AuthContext, access: EffectiveAccess, id: string, expectedRev: number | null): Promise<RecordRow> {
    if (!UUID.test(id)) throw new AppException(404, 'records.not_found');
    const existing = await this.records.findById(sql, form.id, id);
    if (!existing || !isVisible(access, auth, existing)) throw new AppException(404, 'records.not_found');
    if (expectedRev !== null && existing.rev !== expectedRev) throw new AppException(412, 'records.stale', { currentRev: existing.rev });
    return existing;
  }

  /** After a conditional write matched nothing: someone else wrote (412) or deleted it (404). */
  private async staleOrThrow(sql: Sql, formId: string, id: string, opts: { includeDeleted?: boolean } = {}): Promise<AppException> {
    const now = await this.records.findById(sql, formId, id, opts);
    return now ? new AppException(412, 'records.stale', { currentRev: now.rev }) : new AppException(404, 'records.not_found');
  }

  private asOf(): string {
    return this.clock.today(this.config.timezone);
  }

  /**
   * Validates and inserts many records in one transaction (seeding, later imports): all or
   * nothing. Throws RecordValidationError naming the first bad row.
   */
  async createManyOrThrow(
    sql: Sql,
    tenantId: string,
    userId: string | null,
    key: string,
    rows: unknown[],
    locale: Locale = 'zh-CN',
  ): Promise<Array<{ id: string; data: Record<string, unknown> }>> {
    const form = await this.forms.publishedOrThrow(sql, key);
    const asOf = this.asOf();
    rows.forEach((data, index) => {
      const result = form.compiled.validateInput(data, locale, { asOf });
      if (!result.valid) throw new RecordValidationError(index, result.errors);
    });
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await this.checkLinksOrThrow(sql, tenantId, form, rows.slice(start, start + INSERT_CHUNK) as Record<string, unknown>[], locale);
    }
    const created: Array<{ id: string; data: Record<string, unknown> }> = [];
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const inserted = await this.insertValidated(sql, tenantId, userId, form, rows.slice(start, start + INSERT_CHUNK) as Record<string, unknown>[]);
      created.push(...inserted.map((row) => ({ id: row.id, data: row.data })));
    }
    await this.audit.append(sql, { actorId: userId, action: 'record.bulk_create', entity: `form:${key}`, details: { count: rows.length } });
    return created;
  }

  async getOrThrow(auth: AuthContext, key: string, id: string, locale: Locale = 'zh-CN'): Promise<RecordDto> {
    if (!UUID.test(id)) throw new AppException(404, 'records.not_found');
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const access = accessOrThrow(form, auth, 'read');
      const row = await this.records.findById(sql, form.id, id);
      if (!row || !isVisible(access, auth, row)) throw new AppException(404, 'records.not_found');
      const [dto] = await this.withLabels(sql, auth.tenantId, form, [view(access, row)], undefined, { rollups: true });
      await this.auditSensitiveReads(sql, auth, form, [dto!]);
      const rules = (await this.ruleSets.resultsFor(sql, [id], true, locale)).get(id);
      if (rules) dto!.rules = rules;
      return dto!;
    });
  }

  /** Per tenant and form: the published form the last list ran on (see runOneTrip; guarded like writeFacts). */
  private readonly readFacts = new Map<string, { form: PublishedForm; at: number }>();

  async list(auth: AuthContext, key: string, query: ListQuery, locale: Locale = 'zh-CN'): Promise<RecordPage | JsonText> {
    const cursor = query.cursor === null ? null : decodeCursorOrThrow(query.cursor);
    const id = `${auth.tenantId}/${key}`;
    const facts = this.readFacts.get(id);
    // Extras read after the page (rules, rollups, sensitive-read audit) need the transaction: the ordinary way.
    if (facts && Date.now() - facts.at < FACTS_TTL_MS && !query.include?.length && !facts.form.permissions?.sensitive?.length) {
      try {
        // The guard rides in the page statement itself (one statement after the tenant setting).
        return await this.db.runOneTrip(auth.tenantId, (sql) => this.listIn(sql, facts.form, auth, query, cursor, locale, readGuard(facts.form)), {});
      } catch (error) {
        if (!(error instanceof OneTripMissed)) throw error;
        if (!(error.reason instanceof AppException) && !(error.reason instanceof NeedsTransaction)) this.readFacts.delete(id);
      }
    }
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const page = await this.listIn(sql, form, auth, query, cursor, locale);
      if (this.readFacts.get(id)?.form.compiled !== form.compiled || Date.now() - (this.readFacts.get(id)?.at ?? 0) >= FACTS_TTL_MS) {
        if (this.readFacts.size >= 1000) this.readFacts.delete(this.readFacts.keys().next().value as string);
        this.readFacts.set(id, { form, at: Date.now() });
      }
      return page;
    }, { readCommitLater: true });
  }

  /** A list page inside a transaction on the form's published version. */
  private async listIn(sql: Sql, form: PublishedForm, auth: AuthContext, query: ListQuery, cursor: PageCursor | null, locale: Locale, guard?: { text: string; values: unknown[] }): Promise<RecordPage | JsonText> {
    {
      const access = accessOrThrow(form, auth, 'read');
      const owner = ownerFilter(access, auth);
      // Hidden fields can be neither filtered nor sorted on: that would leak their values.
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      const parsed = parseRecordQuery(visible, query.filter, query.sort, 4);
      const unknownFields = (query.fields ?? []).filter((f) => !visible.some((v) => v.key === f));
      const problems = [
        ...parsed.problems,
        ...unknownFields.map((field) => ({ path: '/fields', keyword: 'unknownField', params: { field } })),
      ];
      if (!parsed.query || problems.length) {
        throw new AppException(400, 'query.invalid', {}, problems.map((p) => ({ ...p, message: queryMessage(p.keyword, p.params ?? {}, locale) })));
      }
      const include = new Set(query.include ?? []);
      // Nothing after the page needs this transaction (no total, no extras, no sensitive-read
      // audit; label look-ups on a cache miss use their own): the page's statement commits.
      // A total asked for is counted in the same round trip.
      const commitLast = !include.size && !form.permissions.sensitive?.length;
      // A total asked for is counted (and, for total=true beyond EXACT_TOTAL_LIMIT, estimated by
      // the planner: a plain EXPLAIN, its figure kept 30 s per form and filter) in the same round trip;
      // an equality on an indexed field whose kept estimate is beyond 10x that is not counted.
      // An unfiltered list without an owner rule takes its total=true from the partition's
      // statistics when they prove more than EXACT_TOTAL_LIMIT records (nothing counted).
      const cap = query.total === 'exact' ? COUNT_CAP : EXACT_TOTAL_LIMIT;
      let counted: number | null = null;
      let estimated: number | null = null;
      /** The total statement ran (its count may still be null: more than cap, not counted). */
      let totalled = false;
      const auto = query.total === 'auto' ? this.records.totalStatements(form.id, owner, parsed.query, cap, this.estimates) : null;
      const tail =
        query.total === 'exact'
          ? {
              statements: [this.records.countStatement(form.id, owner, parsed.query, cap)],
              onRows: (rows: unknown[][]) => {
                counted = (rows[0]?.[0] as { n: number } | undefined)?.n ?? 0;
                totalled = true;
              },
            }
          : auto
            ? {
                statements: auto.statements,
                onRows: (rows: unknown[][]) => {
                  ({ count: counted, estimate: estimated } = auto.parse(rows));
                  totalled = true;
                },
              }
            : undefined;
      // Nothing applied per field (no hidden field, no selection, no extras): the records go out
      // as their stored JSON text, neither parsed nor encoded again.
      const asStored = commitLast && !access.hidden.size && !query.fields?.length;
      let items: RecordDto[] | string;
      let last: { segment: 0 | 1; sort_value: string | null; id: string } | undefined;
      let hasMore: boolean;
      if (asStored) {
        const links = form.compiled.definition.fields.filter((f) => f.type === 'user' || f.type === 'reference');
        const keys = links.map((f) => f.key);
        // With link keys the rows are read raw (RawPagedRow).
        const rows = (await this.records.pageFiltered(sql, form.id, parsed.query, query.limit + 1, cursor, owner, commitLast, tail, guard, keys)) as unknown as RawPagedRow[];
        hasMore = rows.length > query.limit;
        const pageRows = rows.slice(0, query.limit);
        last = pageRows[pageRows.length - 1];
        items = await this.storedItems(sql, auth.tenantId, links, pageRows);
      } else {
        const rows = await this.records.pageFiltered(sql, form.id, parsed.query, query.limit + 1, cursor, owner, commitLast, tail, guard);
        hasMore = rows.length > query.limit;
        const pageRows = rows.slice(0, query.limit);
        last = pageRows[pageRows.length - 1];
        items = await this.withLabels(sql, auth.tenantId, form, pageRows.map((row) => project(view(access, row), query.fields)), undefined, {
          rollups: include.has('rollups'),
        });
        await this.auditSensitiveReads(sql, auth, form, items);
        if (include.has('rules')) {
          const rules = await this.ruleSets.resultsFor(sql, items.map((i) => i.id), false, locale);
          for (const item of items) {
            const result = rules.get(item.id);
            if (result) item.rules = result;
          }
        }
      }
      const page: { items: RecordDto[] | string; next: string | null; total?: number; totalIsEstimate?: boolean; totalCapped?: boolean } = {
        items,
        next: hasMore && last ? encodeCursor({ segment: last.segment, value: last.sort_value, id: last.id }) : null,
      };
      if (query.total) {
        if (!totalled && query.total === 'auto') {
          ({ count: counted, estimate: estimated } = await this.records.countAndEstimate(sql, form.id, owner, parsed.query, cap, this.estimates));
          totalled = true;
        }
        // Not counted (total=true, statistics prove more than cap): at least cap + 1.
        const total: number = counted ?? (totalled ? cap + 1 : await this.records.count(sql, form.id, owner, parsed.query, cap));
        if (total <= cap) {
          Object.assign(page, { total, totalIsEstimate: false, totalCapped: false });
        } else if (query.total === 'exact') {
          Object.assign(page, { total: cap, totalIsEstimate: false, totalCapped: true });
        } else {
          // More than EXACT_TOTAL_LIMIT match: the planner's figure, never below what was seen.
          Object.assign(page, { total: Math.max(estimated ?? 0, total), totalIsEstimate: true, totalCapped: false });
        }
      }
      if (typeof page.items !== 'string') return page as RecordPage;
      // The same JSON as the page object would give: items first, then the rest in order.
      const { items: text, ...rest } = page;
      return new JsonText(`{"items":[${text}],${JSON.stringify(rest).slice(1)}`);
    }
  }

  /**
   * A page's items as JSON text (RecordDto each, in its key order, with `labels` as withLabels
   * gives them), the records' data spliced in as stored.
   */
  private async storedItems(sql: Sql, tenantId: string, links: readonly LinkField[], rows: readonly RawPagedRow[]): Promise<string> {
    const columns = links.map((_, i) => `link_${i}` as const);
    // Each link field's value where it is a JSON string (what withLabels labels), per row.
    const values = rows.map((row) =>
      columns.map((column) => {
        const text = row[column];
        return text != null && text.charCodeAt(0) === 34 ? (JSON.parse(text) as string) : undefined;
      }),
    );
    const userIds = new Set<string>();
    const refIds = new Set<string>();
    for (const row of values) {
      for (let i = 0; i < links.length; i++) {
        const value = row[i];
        if (value !== undefined && UUID.test(value)) (links[i]!.type === 'user' ? userIds : refIds).add(value);
      }
    }
    const names = links.length ? await this.linkNames(sql, tenantId, links, userIds, refIds) : null;
    const keys = links.map((f) => `${JSON.stringify(f.key)}:`);
    const out: string[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      // ids are uuids as PostgreSQL writes them: nothing to escape.
      let item =
        `{"id":"${row.id}","rev":${row.rev},${row.deleted_at ? '"deleted":true,' : ''}"formVersion":${row.version_number},"data":${row.data}` +
        `,"createdAt":"${isoOfUtc(row.created_at)}","createdBy":${row.created_by === null ? 'null' : `"${row.created_by}"`}` +
        `,"updatedAt":"${isoOfUtc(row.updated_at)}","updatedBy":${row.updated_by === null ? 'null' : `"${row.updated_by}"`}`;
      if (names) {
        let labels = '';
        const rowValues = values[r]!;
        for (let i = 0; i < rowValues.length; i++) {
          const value = rowValues[i];
          if (value !== undefined) labels += `${labels ? ',' : ''}${keys[i]}${JSON.stringify(names.get(value) ?? null)}`;
        }
        item += `,"labels":{${labels}}`;
      }
      out.push(`${item}}`);
    }
    return out.join(',');
  }

  private async insertValidated(
    sql: Sql,
    tenantId: string,
    userId: string | null,
    form: PublishedForm,
    inputs: Record<string, unknown>[],
    audit?: { action: string; entity: string; requestId?: string },
    ruleResult?: RuleResultInsert,
    completed?: Record<string, unknown>,
    commit = false,
    guard?: InsertGuard,
  ): Promise<RecordRow[]> {
    const asOf = this.asOf();
    const ctx = { tenantId, formId: form.id, versionId: form.versionId, userId, guard };
    // One record whose numbers no other field reads: the insert statement takes them itself.
    const inSql = inputs.length === 1 && form.compiled.autoNumberFields.length ? sqlAutoNumbers(form, asOf) : null;
    if (guard && commit && audit && inputs.length === 1 && sql.batchable && (inSql || !form.compiled.autoNumberFields.length)) {
      // A one-trip create: its statement may go together with other requests' creates of this
      // form (WriteCoalescer), one statement and one commit for all of them.
      const item = {
        id: uuidv7(),
        data: completed ?? form.compiled.complete({ ...inputs[0]! }, { asOf }),
        userId,
        requestId: audit.requestId ?? null,
        rule: ruleResult ? { values: ruleResult.values, alerts: ruleResult.alerts, explanation: ruleResult.explanation } : null,
      };
      const common = { action: audit.action, entity: audit.entity, rules: ruleResult ? { versionId: ruleResult.versionId, asOf: ruleResult.asOf } : null, numbers: inSql ?? [] };
      const lane = [tenantId, form.id, form.versionId, guard.permissions, guard.rulesVersionId, guard.settings, common.action, common.entity, common.rules?.versionId, common.rules?.asOf, inSql ? JSON.stringify(inSql) : ''].join('|');
      const send = async (items: Array<typeof item>): Promise<RecordRow[]> => {
        const rows = await this.db.sendOneTrip<RecordRow>(tenantId, this.records.createBatchStatement({ tenantId, formId: form.id, versionId: form.versionId, guard }, common, items), {
          sharedLock: `form:${form.key}`,
        });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return items.map((i) => byId.get(i.id)!);
      };
      return [await sql.commitElsewhere(() => this.createCoalescer.submit(lane, item, send))];
    }
    if (inSql) {
      const record = { id: uuidv7(), data: completed ?? form.compiled.complete({ ...inputs[0]! }, { asOf }) };
      return this.records.insertMany(sql, ctx, [record], audit, ruleResult, inSql, commit);
    }
    const datas = inputs.map((input) => ({ ...input }));
    for (const field of form.compiled.autoNumberFields) {
      const period = autoNumberPeriod(field.pattern, asOf);
      const numbers = await this.records.nextNumbers(sql, form.id, field.key, period, datas.length);
      datas.forEach((data, i) => {
        data[field.key] = formatAutoNumber(field.pattern, numbers[i]!, asOf);
      });
    }
    const records = datas.map((data) => ({ id: uuidv7(), data: form.compiled.complete(data, { asOf }) }));
    return this.records.insertMany(sql, ctx, records, audit, ruleResult, [], commit && records.length === 1);
  }
}

/** Per compiled form: may its auto-numbers be filled in by SQL after `complete` (nothing else reads them)? */
const numbersIndependent = new WeakMap<object, boolean>();

function autoNumbersIndependent(form: PublishedForm): boolean {
  let known = numbersIndependent.get(form.compiled);
  if (known === undefined) {
    const keys = form.compiled.autoNumberFields.map((f) => f.key);
    const plan = form.compiled.formulaPlan;
    const steps = [...plan.steps, ...[...plan.rowSteps.values()].flat()];
    const read = steps.some((step) => step.dependsOn.some((dep) => keys.includes(dep) || keys.some((k) => dep.startsWith(`${k}.`))));
    // Conditions, defaults and columns of the other fields name the number nowhere (conservative: any quoted mention).
    const others = JSON.stringify(form.compiled.definition.fields.filter((f) => !keys.includes(f.key)));
    known = !read && !keys.some((k) => others.includes(JSON.stringify(k)));
    numbersIndependent.set(form.compiled, known);
  }
  return known;
}

/**
 * The auto-numbers of a single create as prefix / zero-padded counter / suffix for the insert
 * statement, or null when they must be taken first (another field reads them, or the pattern
 * does not split — checked against formatAutoNumber itself).
 */
/** Per compiled form: the last `sqlAutoNumbers` answer and the date it was for. */
const sqlNumbersByForm = new WeakMap<object, { asOf: string; numbers: SqlAutoNumber[] | null }>();

function sqlAutoNumbers(form: PublishedForm, asOf: string): SqlAutoNumber[] | null {
  const known = sqlNumbersByForm.get(form.compiled);
  if (known?.asOf === asOf) return known.numbers;
  const numbers = splitAutoNumbers(form, asOf);
  sqlNumbersByForm.set(form.compiled, { asOf, numbers });
  return numbers;
}

function splitAutoNumbers(form: PublishedForm, asOf: string): SqlAutoNumber[] | null {
  if (!autoNumbersIndependent(form)) return null;
  const out: SqlAutoNumber[] = [];
  for (const field of form.compiled.autoNumberFields) {
    const token = /\{(#{1,12})\}/.exec(field.pattern);
    if (!token) return null;
    const width = token[1]!.length;
    const zero = formatAutoNumber(field.pattern, 0, asOf);
    const at = field.pattern.slice(0, token.index).replace(/\{YYYY\}/g, '0000').replace(/\{(?:YY|MM|DD)\}/g, '00').length;
    const prefix = zero.slice(0, at);
    const suffix = zero.slice(at + width);
    const wide = 10 ** width + 7;
    if (formatAutoNumber(field.pattern, 7, asOf) !== `${prefix}${'7'.padStart(width, '0')}${suffix}`) return null;
    if (formatAutoNumber(field.pattern, wide, asOf) !== `${prefix}${wide}${suffix}`) return null;
    out.push({ key: field.key, period: autoNumberPeriod(field.pattern, asOf), prefix, width, suffix });
  }
  return out;
}

/** `If-Match` as sent: a revision number, `*` (any), or undefined when the header is missing. */
export type IfMatch = number | '*' | undefined;

export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(value) ?? /^(\d{1,9})$/.exec(value);
  // A malformed tag can match no revision: -1 makes the conditional write fail with 412.
  return match ? Number(match[1]) : -1;
}

function requireIfMatchOrThrow(ifMatch: IfMatch): number | null {
  if (ifMatch === undefined) throw new AppException(428, 'records.precondition_required');
  return ifMatch === '*' ? null : ifMatch;
}

function serverManagedKeys(form: PublishedForm): Set<string> {
  return new Set(form.compiled.definition.fields.filter((f) => f.type === 'autonumber' || f.type === 'formula').map((f) => f.key));
}

function autoNumberKeys(form: PublishedForm): Set<string> {
  return new Set(form.compiled.autoNumberFields.map((f) => f.key));
}

function onlyKeys(data: Record<string, unknown>, keys: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => keys.has(key)));
}

/** A unique field index said no: 409 naming the field, instead of a bare database error. */
function rethrowDuplicate(error: unknown, form: PublishedForm, locale: Locale): never {
  const constraint = (error as { constraint?: unknown; driverError?: { constraint?: unknown } }).constraint ?? (error as { driverError?: { constraint?: unknown } }).driverError?.constraint;
  const field = form.compiled.definition.fields.find((f) => f.unique && fieldIndexName(form.id, f.key, true) === constraint);
  if (!field) throw error;
  const label = localize(field.label, locale);
  throw new AppException(409, 'records.duplicate', { label }, [
    { path: `/${field.key}`, keyword: 'unique', message: translate('records.duplicate', locale, { label }) },
  ]);
}

function accessOrThrow(form: PublishedForm, auth: AuthContext, action: FormAction): EffectiveAccess {
  const access = effectiveAccess(form.permissions, auth.roles);
  if (!access.actions[action]) throw new AppException(403, 'auth.forbidden');
  return access;
}

function isVisible(access: EffectiveAccess, auth: AuthContext, row: RecordRow): boolean {
  return !access.ownRowsOnly || row.data[access.ownRowsOnly.field] === auth.userId;
}

function ownerFilter(access: EffectiveAccess, auth: AuthContext): { field: string; userId: string } | null {
  return access.ownRowsOnly ? { field: access.ownRowsOnly.field, userId: auth.userId } : null;
}

/** Hidden and read-only fields cannot be written by this user: 403 naming them. */
function guardWritableOrThrow(access: EffectiveAccess, keys: string[]): void {
  const denied = keys.filter((key) => access.hidden.has(key) || access.readonly.has(key));
  if (denied.length) {
    throw new AppException(
      403,
      'records.fields_forbidden',
      { fields: denied.join(', ') },
      denied.map((key) => ({ path: `/${key}`, keyword: 'forbidden', message: key })),
    );
  }
}

/** The record as this user may see it: hidden fields are never sent. */
function view(access: EffectiveAccess, row: RecordRow): RecordDto {
  const dto = toDto(row);
  if (access.hidden.size) dto.data = Object.fromEntries(Object.entries(dto.data).filter(([key]) => !access.hidden.has(key)));
  return dto;
}

function hideFields<T>(values: Record<string, T>, hidden: Set<string>): Record<string, T> {
  return hidden.size ? Object.fromEntries(Object.entries(values).filter(([key]) => !hidden.has(key))) : values;
}

function toRevisionDto(row: RevisionRow, hidden: Set<string>) {
  return {
    rev: row.rev,
    action: row.action,
    formVersion: row.version_number,
    changes: hideFields<RecordChanges[string]>(revisionChanges(row), hidden),
    data: hideFields(row.data, hidden),
    actor: row.actor_id ? { id: row.actor_id, name: row.actor_name, email: row.actor_email } : null,
    at: row.at.toISOString(),
    revertedFrom: row.reverted_from,
  };
}

function toDto(row: RecordRow): RecordDto {
  return {
    id: row.id,
    rev: row.rev,
    ...(row.deleted_at ? { deleted: true } : {}),
    formVersion: row.version_number,
    data: row.data,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.segment, cursor.value, cursor.id]), 'utf8').toString('base64url');
}

function decodeCursorOrThrow(text: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    (parsed[0] !== 0 && parsed[0] !== 1) ||
    !(parsed[1] === null || (typeof parsed[1] === 'string' && parsed[1].length <= 1000)) ||
    typeof parsed[2] !== 'string' ||
    !UUID.test(parsed[2])
  ) {
    throw new AppException(400, 'records.bad_cursor');
  }
  return { segment: parsed[0], value: parsed[1], id: parsed[2] };
}

function project(dto: RecordDto, fields: string[] | undefined): RecordDto {
  if (!fields?.length) return dto;
  return { ...dto, data: Object.fromEntries(fields.filter((f) => f in dto.data).map((f) => [f, dto.data[f]])) };
}

function queryMessage(keyword: string, params: Record<string, unknown>, locale: Locale): string {
  switch (keyword) {
    case 'unknownField':
      return translate('query.unknown_field', locale, params);
    case 'operator':
      return translate('query.operator', locale, params);
    case 'notSortable':
      return translate('query.not_sortable', locale, params);
    case 'notGroupable':
      return translate('query.not_groupable', locale, params);
    case 'notSummable':
      return translate('query.not_summable', locale, params);
    default:
      return translate('query.type', locale, params);
  }
}
