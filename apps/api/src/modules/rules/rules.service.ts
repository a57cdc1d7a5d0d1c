import { Inject, Injectable } from '@nestjs/common';
import {
  RuleSetError,
  compactExplanation,
  compileRuleSet,
  evaluateRuleSet,
  explanationDataMatches,
  isFullExplanation,
  rebuildExplanation,
  renderRuleSetProblems,
  ruleSetInputKeys,
  validateRuleSet,
  type CompactExplanation,
  type CompiledRuleSet,
  type FieldError,
  type FormDefinition,
  type LocalizedText,
  type RuleSet,
  type RuleSetResult,
} from '@credo/form-engine';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import type { Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { DEFAULT_CREDIT_CONTROL } from '../credit/credit-control.service.js';
import { CustomerRollupsService, ROLLUP_SOURCES } from '../credit/customer-rollups.service.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { diffRecordData, type RecordChanges } from '../records/record-diff.js';
import { RecordsRepository } from '../records/records.repository.js';
import { localizeAlerts, storedAlerts } from './alert-messages.js';
import { RulesRepository, type RuleResultRow } from './rules.repository.js';

const BATCH = 500;
const NO_ID = '00000000-0000-7000-8000-000000000000';
/** Rollups of a customer with no receivables yet (what forCustomers would compute for it). */
function zeroRollups(data: Record<string, unknown>) {
  const limit = data.credit_limit;
  const utilisation = typeof limit === 'string' && Number(limit) > 0 ? '0.0' : null;
  return {
    ar_balance: '0.00', overdue_amount: '0.00', max_days_overdue: 0, open_items: 0, utilisation, exposure: '0.00',
    rating: null, debt_ratio: null, public_record: null, assessment_valid_until: null, broken_promises_90d: 0, open_broken_promises: 0,
  };
}
/**
 * A new customer's facts: its data with zero rollups, as `{...data, ...zeroRollups(data)}` gives
 * them (same keys, same order), copied key by key — object spread of a record's data then adding
 * a dozen keys costs several times more, per row of an import.
 */
function newCustomerFacts(data: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const key in data) facts[key] = data[key];
  const zero: Record<string, unknown> = zeroRollups(data);
  for (const key in zero) facts[key] = zero[key];
  return facts;
}
const MAX_EXAMPLES = 10;

/**
 * A stored compact explanation (see CompactExplanation) of a record evaluated as new: `z` says
 * that the facts of `f` equal to a new customer's zero rollups were left out (the bulk of `f`:
 * a dozen keys per imported customer, the same for every one); zeroRollups of the record's data
 * gives them back (withZeroRollups) before the explanation is rebuilt.
 */
export type StoredExplanation = CompactExplanation & { z?: 1 };

/** `compact` (of a record evaluated on `{...data, ...zeroRollups(data)}`) without the zero rollups in `f`. */
export function withoutZeroRollups(compact: CompactExplanation, data: Record<string, unknown>): StoredExplanation {
  if (!compact.f) return compact;
  const zero: Record<string, unknown> = zeroRollups(data);
  let f: Record<string, unknown> | undefined;
  let dropped = false;
  for (const key in compact.f) {
    if (Object.hasOwn(zero, key) && compact.f[key] === zero[key]) dropped = true;
    else (f ??= {})[key] = compact.f[key];
  }
  if (!dropped) return compact;
  // Built member by member (no rest/spread: this runs once per imported row).
  const out: StoredExplanation = {};
  if (f) out.f = f;
  if (compact.n) out.n = compact.n;
  if (compact.d !== undefined) out.d = compact.d;
  if (compact.l) out.l = compact.l;
  out.z = 1;
  return out;
}

/**
 * The compact explanation stored as `stored` for a record whose data (as evaluated) is `data`:
 * with `z`, every zero rollup the rule set reads is put back in `f`, unless the data holds the
 * same value (compactExplanation leaves such facts out of `f`).
 */
export function withZeroRollups(ruleSet: RuleSet, stored: StoredExplanation, data: Record<string, unknown>): CompactExplanation {
  if (!stored.z) return stored;
  const { z: _z, ...compact } = stored;
  const zero: Record<string, unknown> = zeroRollups(data);
  const f: Record<string, unknown> = {};
  for (const key of ruleSetInputKeys(ruleSet)) {
    if (compact.f && Object.hasOwn(compact.f, key)) f[key] = compact.f[key];
    else if (Object.hasOwn(zero, key) && !(data[key] !== undefined && sameFact(data[key], zero[key]))) f[key] = zero[key];
  }
  for (const key in compact.f) if (!Object.hasOwn(f, key)) f[key] = compact.f[key];
  return Object.keys(f).length ? { ...compact, f } : compact;
}

function sameFact(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && JSON.stringify(canonical(a)) === JSON.stringify(canonical(b)));
}

export interface StoredRuleResult {
  version: number;
  asOf: string;
  values: Record<string, unknown>;
  alerts: unknown[];
  explanation?: unknown;
}

/**
 * Rule sets per form (json-rules-engine documents, DESIGN §3): draft, publish, versions;
 * evaluated on every write (validation rules block it) and stored per record with their
 * explanation; simulate and impact preview without writing; re-evaluation on demand.
 * Bulk work runs the compiled closures; explanations come from the same evaluation.
 */
@Injectable()
export class RulesService {
  private readonly compiled = new Map<string, CompiledRuleSet>();

  constructor(
    private readonly forms: FormsService,
    private readonly rules: RulesRepository,
    private readonly rollups: CustomerRollupsService,
    private readonly audit: AuditRepository,
    private readonly records: RecordsRepository,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  private asOf(): string {
    return this.clock.today(this.config.timezone);
  }

  async getOrThrow(auth: AuthContext, key: string) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const row = await this.rules.forForm(sql, form.id);
      const versions = await this.rules.versions(sql, form.id);
      return {
        form: key,
        draft: row?.rules_draft ?? null,
        published: row?.rules_version_id ? { version: row.version_number, document: row.document } : null,
        versions: versions.map((v) => ({ id: v.id, number: v.number, createdAt: v.created_at.toISOString(), createdBy: v.created_by_email })),
        rollupLabels: await this.rollupLabels(sql, key),
      };
    });
  }

  /**
   * Per rollup that carries a related form's field, its values' labels (value → zh-CN/en) from
   * that field's options, so explanations say 失信被执行人 as Dishonest judgment debtor in English.
   */
  private async rollupLabels(sql: Sql, key: string): Promise<Record<string, Record<string, LocalizedText>>> {
    const out: Record<string, Record<string, LocalizedText>> = {};
    for (const [rollup, source] of Object.entries(ROLLUP_SOURCES[key] ?? {})) {
      const form = await this.forms.publishedOrThrow(sql, source.form).catch(() => null);
      const field = form?.compiled.definition.fields.find((f) => f.key === source.field);
      const labels: Record<string, LocalizedText> = {};
      for (const option of field?.options ?? []) if (option.label !== undefined) labels[option.value] = option.label;
      if (Object.keys(labels).length) out[rollup] = labels;
    }
    return out;
  }

  /** Saves a draft rule set; refused with paths (unknown facts, operators, wrong value types) and nothing saved. */
  async saveDraftOrThrow(auth: AuthContext, key: string, document: unknown, locale: Locale) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      this.validOrThrow(document, form, locale);
      await this.rules.saveDraft(sql, form.id, document);
      await this.audit.append(sql, { actorId: auth.userId, action: 'rules.draft', entity: `form:${key}`, entityId: form.id, requestId: auth.requestId });
      return { form: key, draft: document };
    });
  }

  /** Publishes the draft as the next version and re-evaluates every record with it. */
  async publishOrThrow(auth: AuthContext, key: string, locale: Locale) {
    return this.forms.withPublished(auth, key, true, async (sql, form) => {
      const row = await this.rules.forForm(sql, form.id);
      if (!row?.rules_draft) throw new AppException(409, 'rules.no_draft', { key });
      const number = (row.version_number ?? 0) + 1;
      const document = { ...(row.rules_draft as RuleSet), form: key, version: number };
      this.validOrThrow(document, form, locale);
      const id = uuidv7();
      await this.rules.publish(sql, { tenantId: auth.tenantId, id, formId: form.id, number, document, userId: auth.userId });
      const report = await this.reevaluate(sql, form, id, document, locale);
      await this.audit.append(sql, { actorId: auth.userId, action: 'rules.publish', entity: `form:${key}`, entityId: form.id, details: { version: number, ...report }, requestId: auth.requestId });
      return { version: number, ...report };
    });
  }

  /** Installs a rule set as version 1 inside a running tenant transaction (templates, demo seed). */
  async installOrThrow(sql: Sql, tenantId: string, userId: string, document: RuleSet, locale: Locale = 'zh-CN') {
    const form = await this.forms.publishedOrThrow(sql, document.form);
    const versioned = { ...document, version: 1 };
    this.validOrThrow(versioned, form, locale);
    const id = uuidv7();
    await this.rules.saveDraft(sql, form.id, versioned);
    await this.rules.publish(sql, { tenantId, id, formId: form.id, number: 1, document: versioned, userId });
    return this.reevaluate(sql, form, id, versioned, locale);
  }

  /**
   * Keeps the stored rule results of related records current: after a receivable or an
   * assessment changes, its customer is classified again (same transaction).
   */
  async refreshRelated(sql: Sql, form: PublishedForm, data: Record<string, unknown>, before: Record<string, unknown> | null, locale: Locale): Promise<void> {
    if (!this.rollups.appliesTo(form.key) && form.compiled.definition.fields.some((f) => f.key === 'customer' && f.type === 'reference')) {
      await this.refreshCustomers(sql, [data.customer, before?.customer].filter((v): v is string => typeof v === 'string'), locale);
    }
  }

  /** Classifies these customers again (their stored rule results), in one batch. */
  async refreshCustomers(sql: Sql, customerIds: string[], locale: Locale): Promise<void> {
    const ids = [...new Set(customerIds)];
    if (!ids.length) return;
    const customerForm = await this.forms.publishedOrThrow(sql, 'customer').catch(() => null);
    if (!customerForm?.rules) return;
    const compiled = await this.compiledOf(sql, customerForm.rules.id);
    const records = ids.length === 1 ? [await this.rules.record(sql, customerForm.id, ids[0]!)].filter((r) => !!r) : await this.rules.recordsByIds(sql, customerForm.id, ids);
    const facts = await this.factsFor(sql, customerForm, records);
    const asOf = this.asOf();
    await this.rules.saveResults(sql, customerForm.rules.id, asOf, records.map((r, i) => storedOf(compiled, r.id, facts[i]!, r.data, asOf, locale)));
  }

  /**
   * Bulk counterpart of evaluateForWrite for records just written in this transaction (imports):
   * evaluates the published rule set on each record as a single create (`created`: a new
   * customer has zero rollups) or PATCH would. The caller stores the results (`saveResults`, or
   * its own set-based path); `customers` are those whose class depends on these records (refresh
   * them with refreshCustomers once the writes are done).
   */
  async evaluateWritten(
    sql: Sql,
    form: PublishedForm,
    written: Array<{ id: string; data: Record<string, unknown>; created: boolean; before?: Record<string, unknown> | null }>,
    locale: Locale,
  ): Promise<{ versionId: string; asOf: string; results: StoredResultRow[]; customers: string[] } | { versionId: null; customers: string[] }> {
    const related = !this.rollups.appliesTo(form.key) && form.compiled.definition.fields.some((f) => f.key === 'customer' && f.type === 'reference');
    const customers = related ? written.flatMap((w) => [w.data.customer, w.before?.customer].filter((v): v is string => typeof v === 'string')) : [];
    const current = form.rules;
    if (!current) return { versionId: null, customers };
    const compiled = await this.compiledOf(sql, current.id);
    const asOf = this.asOf();
    let facts: Array<Record<string, unknown>>;
    if (this.rollups.appliesTo(form.key)) {
      const existing = written.filter((w) => !w.created);
      const rolled = existing.length ? await this.factsFor(sql, form, existing) : [];
      const byId = new Map(existing.map((w, i) => [w.id, rolled[i]!]));
      facts = written.map((w) => (w.created ? newCustomerFacts(w.data) : byId.get(w.id)!));
      // A new customer's rollups are all zero: stored without them (withZeroRollups on read).
      const results = written.map((w, i) => {
        const stored = storedOf(compiled, w.id, facts[i]!, w.data, asOf, locale);
        return w.created ? { ...stored, explanation: withoutZeroRollups(stored.explanation, w.data) } : stored;
      });
      return { versionId: current.id, asOf, results, customers };
    } else facts = written.length ? await this.factsFor(sql, form, written) : [];
    return { versionId: current.id, asOf, results: written.map((w, i) => storedOf(compiled, w.id, facts[i]!, w.data, asOf, locale)), customers };
  }

  /**
   * Stores results evaluated by evaluateWritten: one statement, or with `staged` (bulk writes such
   * as imports; it notes the transaction's staging table) COPY into a staging table and one
   * INSERT … SELECT.
   */
  async saveWritten(
    sql: Sql,
    versionId: string,
    asOf: string,
    results: Array<{ recordId: string; values: unknown; alerts: unknown; explanation: unknown }>,
    staged?: { rules?: boolean },
  ): Promise<void> {
    if (staged) await this.rules.saveResultsByCopy(sql, versionId, asOf, results, staged);
    else await this.rules.saveResults(sql, versionId, asOf, results);
  }

  /** Re-evaluates every record with the published rule set as of today (time-dependent rules; also the nightly job). */
  async reevaluateOrThrow(auth: AuthContext, key: string, locale: Locale) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const current = await this.rules.current(sql, form.id);
      if (!current) throw new AppException(409, 'rules.not_published', { key });
      return { version: current.number, ...(await this.reevaluate(sql, form, current.id, await this.documentOf(sql, current.id), locale)) };
    });
  }

  /**
   * Evaluates the published (or draft) rule set on a stored record or on a payload, without
   * writing: the reference engine, with the full explanation.
   */
  async simulateOrThrow(auth: AuthContext, key: string, input: { recordId?: string; data?: Record<string, unknown>; draft?: boolean; ruleSet?: unknown }, locale: Locale) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const document = await this.chosenDocumentOrThrow(sql, form, input, locale);
      let data = input.data ? form.compiled.complete(form.compiled.withoutComputed(input.data), { asOf: this.asOf() }) : undefined;
      let id: string | null = null;
      if (input.recordId) {
        const record = await this.rules.record(sql, form.id, input.recordId);
        if (!record) throw new AppException(404, 'records.not_found');
        data = record.data;
        id = record.id;
      }
      if (!data) throw new AppException(400, 'http.validation_failed', {}, [{ path: '/recordId', keyword: 'required', message: translate('rules.simulate_input', locale), params: { missingProperty: 'recordId' } }]);
      const facts = await this.factsFor(sql, form, [{ id: id ?? '00000000-0000-7000-8000-000000000000', data }]);
      return evaluateRuleSet(document, facts[0]!, { asOf: this.asOf(), locale }, form.compiled.definition);
    });
  }

  /** Runs a draft over every record and reports how many change class / values / alerts, with examples. */
  async impactOrThrow(auth: AuthContext, key: string, input: { ruleSet?: unknown }, locale: Locale) {
    return this.forms.withPublished(auth, key, false, async (sql, form) => {
      const document = await this.chosenDocumentOrThrow(sql, form, { draft: true, ruleSet: input.ruleSet }, locale);
      const compiled = compileRuleSet(document, form.compiled.definition);
      const asOf = this.asOf();
      let total = 0;
      let changed = 0;
      const byValue: Record<string, number> = {};
      const alertsRaised: Record<string, number> = {};
      const alertsCleared: Record<string, number> = {};
      const examples: Array<{ id: string; before: unknown; after: unknown }> = [];
      for await (const { batch, facts } of this.batchesWithFacts(sql, form)) {
        const stored = new Map((await this.rules.storedValues(sql, batch.map((r) => r.id))).map((s) => [s.record_id, s]));
        batch.forEach((record, i) => {
          total += 1;
          const result = compiled.evaluate(facts[i]!, { asOf, locale, explain: false });
          const before = stored.get(record.id);
          const beforeAlerts = new Set((before?.alerts ?? []).map((a) => a.code));
          const afterAlerts = new Set(result.alerts.map((a) => a.code));
          const valuesDiffer = JSON.stringify(canonical(before?.vals ?? {})) !== JSON.stringify(canonical(result.values));
          for (const code of afterAlerts) if (!beforeAlerts.has(code)) alertsRaised[code] = (alertsRaised[code] ?? 0) + 1;
          for (const code of beforeAlerts) if (!afterAlerts.has(code)) alertsCleared[code] = (alertsCleared[code] ?? 0) + 1;
          const alertsDiffer = beforeAlerts.size !== afterAlerts.size || [...afterAlerts].some((c) => !beforeAlerts.has(c));
          if (valuesDiffer || alertsDiffer) {
            changed += 1;
            if (examples.length < MAX_EXAMPLES) {
              examples.push({ id: record.id, before: { values: before?.vals ?? null, alerts: [...beforeAlerts] }, after: { values: result.values, alerts: [...afterAlerts] } });
            }
          }
          for (const [k, v] of Object.entries(result.values)) if (typeof v === 'string') byValue[`${k}=${v}`] = (byValue[`${k}=${v}`] ?? 0) + 1;
        });
      }
      return { asOf, total, changed, distribution: byValue, alertsRaised, alertsCleared, examples };
    });
  }

  /**
   * On a record write: evaluates the published rule set on the completed data. Validation rules
   * that hold block the write (400 with their field paths); otherwise the result is returned for
   * `store` once the record has its id.
   */
  async evaluateForWrite(
    sql: Sql,
    form: PublishedForm,
    data: Record<string, unknown>,
    recordId: string | null,
    locale: Locale,
    approval?: { auth: AuthContext; reason?: string },
  ): Promise<EvaluatedWrite | null> {
    const current = form.rules;
    if (!current) return null;
    const compiled = await this.compiledOf(sql, current.id);
    // A record being created has no related records yet: its rollups are zero, no query needed.
    const [facts] = recordId === null && this.rollups.appliesTo(form.key) ? [newCustomerFacts(data)] : await this.factsFor(sql, form, [{ id: recordId ?? NO_ID, data }]);
    // Stored without its explanation trees (rebuilt on read from the record and `explanation`).
    const result = compiled.evaluate(facts!, { asOf: this.asOf(), locale, explain: false });
    if (!result.valid) throw new AppException(400, 'http.validation_failed', {}, result.errors);
    // Approvals gate new credit: they are enforced on the form that extends it (the receivable);
    // elsewhere (e.g. GRADE_C on an assessment) the alert records what a later sale will need.
    if (approval && form.key === DEFAULT_CREDIT_CONTROL.form) await this.approvalOrThrow(sql, form, result, approval.auth, approval.reason);
    return { versionId: current.id, result, explanation: compactExplanation(compiled.ruleSet, facts!, data, locale) };
  }

  /**
   * The validation rules of many rows at once (imports): the rows' facts in one query, then the
   * compiled rule set per row — the same judgement as evaluateForWrite, without its per-row query.
   * Returns, per row, its field errors or null when the rules let it through.
   */
  async validationErrorsMany(sql: Sql, form: PublishedForm, rows: Array<{ id: string | null; data: Record<string, unknown> }>, locale: Locale): Promise<Array<FieldError[] | null>> {
    const current = form.rules;
    if (!current || !rows.length) return rows.map(() => null);
    const compiled = await this.compiledOf(sql, current.id);
    let facts: Array<Record<string, unknown>>;
    if (this.rollups.appliesTo(form.key)) {
      // New records have no related records yet (zero rollups); existing ones are read in one go.
      const existing = rows.filter((r) => r.id !== null) as Array<{ id: string; data: Record<string, unknown> }>;
      const read = existing.length ? await this.factsFor(sql, form, existing) : [];
      const byId = new Map(existing.map((r, i) => [r.id, read[i]!]));
      facts = rows.map((r) => (r.id === null ? newCustomerFacts(r.data) : byId.get(r.id)!));
    } else {
      facts = await this.factsFor(sql, form, rows.map((r) => ({ id: r.id ?? NO_ID, data: r.data })));
    }
    const asOf = this.asOf();
    return facts.map((f) => {
      const result = compiled.evaluate(f, { asOf, locale, explain: false });
      return result.valid ? null : result.errors;
    });
  }

  /**
   * Alerts whose action is requireApproval (e.g. a credit sale to a cash-only customer) stop the
   * write unless someone holding that role approves it with a reason, which is audited.
   */
  private async approvalOrThrow(sql: Sql, form: PublishedForm, result: RuleSetResult, auth: AuthContext, reason: string | undefined): Promise<void> {
    const needed = result.alerts.flatMap((alert) =>
      alert.actions.filter((a): a is Extract<typeof a, { type: 'requireApproval' }> => a.type === 'requireApproval').map((a) => ({ code: alert.code, role: a.role, message: alert.message })),
    );
    if (!needed.length) return;
    const roles = await sql.rows<{ key: string; name: { 'zh-CN'?: string; en?: string } }>('SELECT key, name FROM roles');
    const keyOf = (role: string) => roles.find((r) => r.key === role || r.name['zh-CN'] === role || r.name.en === role)?.key ?? role;
    const missing = needed.filter((n) => !auth.roles.includes(keyOf(n.role)) && !auth.roles.includes('admin'));
    const codes = needed.map((n) => n.code).join(', ');
    if (missing.length || !reason) {
      throw new AppException(
        422,
        'rules.approval_required',
        { codes, role: needed[0]!.role },
        needed.map((n) => ({ path: '/', keyword: 'approval', message: n.message, params: { code: n.code, role: n.role } })),
        { approval: { alerts: needed.map((n) => n.code), roles: [...new Set(needed.map((n) => n.role))] } },
      );
    }
    await this.audit.append(sql, {
      actorId: auth.userId, action: 'rules.approval', entity: `form:${form.key}`, details: { alerts: needed.map((n) => n.code), reason }, requestId: auth.requestId,
    });
  }

  /** The stored shape of a result, to be written with its record (one statement). */
  forInsert(evaluated: EvaluatedWrite) {
    return { versionId: evaluated.versionId, asOf: evaluated.result.asOf, values: evaluated.result.values, alerts: storedAlerts(evaluated.result.alerts), explanation: evaluated.explanation };
  }

  async store(sql: Sql, recordId: string, evaluated: EvaluatedWrite): Promise<void> {
    await this.rules.saveResults(sql, evaluated.versionId, evaluated.result.asOf, [
      { recordId, values: evaluated.result.values, alerts: storedAlerts(evaluated.result.alerts), explanation: evaluated.explanation },
    ]);
  }

  /**
   * Stored rule results of records; `withExplanation` (a single read) adds the explanation,
   * evaluated again from the record's data and the stored compact part (see CompactExplanation):
   * the same document the write's evaluation produced.
   */
  async resultsFor(sql: Sql, recordIds: string[], withExplanation: boolean, locale: Locale = 'zh-CN'): Promise<Map<string, StoredRuleResult>> {
    if (!recordIds.length) return new Map();
    const rows = await this.rules.results(sql, recordIds, withExplanation);
    const out = new Map<string, StoredRuleResult>();
    for (const r of rows) {
      const stored: StoredRuleResult = { version: r.number, asOf: r.as_of, values: r.vals, alerts: localizeAlerts(r.alerts, locale) };
      if (withExplanation) stored.explanation = await this.explanationOf(sql, r);
      out.set(r.record_id, stored);
    }
    return out;
  }

  /** The explanation of a stored result: written whole before results were compact, else rebuilt. */
  private async explanationOf(sql: Sql, row: RuleResultRow): Promise<unknown> {
    const stored = row.explanation;
    if (stored === null || stored === undefined || isFullExplanation(stored) || !row.data) return stored;
    const compiled = await this.compiledOf(sql, row.rule_version_id);
    const compact = (d: Record<string, unknown>) => withZeroRollups(compiled.ruleSet, stored as StoredExplanation, d);
    let data = row.data;
    if (!explanationDataMatches(compiled.ruleSet, compact(data), data)) {
      // The record changed since without the rules being evaluated again (a revert, a payment's
      // allocation, a form migration …): the evaluation saw one of its earlier revisions.
      const revisions = await this.rules.revisionData(sql, row.record_id);
      data = revisions.find((d) => explanationDataMatches(compiled.ruleSet, compact(d), d)) ?? data;
    }
    return rebuildExplanation(compiled, compact(data), data, row.as_of);
  }

  private async reevaluate(sql: Sql, form: PublishedForm, versionId: string, document: RuleSet, locale: Locale) {
    const compiled = compileRuleSet(document, form.compiled.definition);
    this.compiled.set(versionId, compiled);
    const asOf = this.asOf();
    let evaluated = 0;
    let alerts = 0;
    let fieldsSet = 0;
    const settable = new Set(form.compiled.definition.fields.filter((f) => f.type !== 'formula' && f.type !== 'autonumber').map((f) => f.key));
    for await (const { batch, facts } of this.batchesWithFacts(sql, form)) {
      const updates: Array<{ id: string; data: Record<string, unknown>; changes: RecordChanges; rev: number }> = [];
      const results = batch.map((record, i) => {
        const result = compiled.evaluate(facts[i]!, { asOf, locale, explain: false });
        alerts += result.alerts.length;
        // setField actions of raised alerts (e.g. OVERDUE_90: credit_status = 冻结) change the record.
        const set: Record<string, unknown> = {};
        for (const alert of result.alerts) {
          for (const action of alert.actions) if (action.type === 'setField' && settable.has(action.field)) set[action.field] = action.value;
        }
        const changes = diffRecordData(record.data, { ...record.data, ...set });
        const data = Object.keys(changes).length ? { ...record.data, ...set } : record.data;
        if (data !== record.data) updates.push({ id: record.id, data, changes, rev: record.rev });
        // The compact explanation is relative to the data stored after the setFields (it keeps the values the rules saw).
        return { recordId: record.id, values: result.values, alerts: storedAlerts(result.alerts), explanation: compactExplanation(compiled.ruleSet, facts[i]!, data, locale) };
      });
      await this.rules.saveResults(sql, versionId, asOf, results);
      fieldsSet += await this.records.applyMigration(sql, form.id, form.versionId, null, updates, 'recompute');
      evaluated += batch.length;
    }
    return { asOf, evaluated, alerts, fieldsSet };
  }

  /** Every live record of the form with its facts, a batch at a time. */
  private async *batchesWithFacts(sql: Sql, form: PublishedForm) {
    let after: string | null = null;
    for (;;) {
      const batch = await this.rules.batch(sql, form.id, after, BATCH);
      if (!batch.length) return;
      after = batch[batch.length - 1]!.id;
      yield { batch, facts: await this.factsFor(sql, form, batch) };
    }
  }

  /** Record fields plus rollups over related records (customers: AR balance, overdue, utilisation …). */
  private async factsFor(sql: Sql, form: PublishedForm, records: Array<{ id: string; data: Record<string, unknown> }>): Promise<Array<Record<string, unknown>>> {
    if (!this.rollups.appliesTo(form.key)) {
      // Records that point at a customer see the customer's credit facts.
      const link = form.compiled.definition.fields.find((f) => f.key === 'customer' && f.type === 'reference');
      if (!link) return records.map((r) => ({ ...r.data }));
      const ids = [...new Set(records.map((r) => r.data.customer).filter((v): v is string => typeof v === 'string'))];
      const customers = new Map(
        (ids.length
          ? await sql.rows<{ id: string; data: Record<string, unknown> }>(
              'SELECT id, data FROM records_t WHERE form_id = (SELECT f.id FROM forms f WHERE f.key = $2) AND id = ANY($1::uuid[])',
              [ids, link.reference?.form ?? 'customer'],
            )
          : []
        ).map((c) => [c.id, c.data]),
      );
      return records.map((r) => {
        const c = customers.get(r.data.customer as string);
        return c
          ? { ...r.data, customer_credit_status: c.credit_status, customer_credit_limit: c.credit_limit, customer_type: c.customer_type, customer_is_sme: c.is_sme }
          : { ...r.data };
      });
    }
    const rollups = await this.rollups.forCustomers(sql, records, this.asOf());
    return records.map((r) => {
      const x = rollups.get(r.id);
      return x ? { ...r.data, ...x, exposure: x.ar_balance } : { ...r.data };
    });
  }

  private async documentOf(sql: Sql, versionId: string): Promise<RuleSet> {
    return (await this.compiledOf(sql, versionId)).ruleSet;
  }

  private async compiledOf(sql: Sql, versionId: string): Promise<CompiledRuleSet> {
    let compiled = this.compiled.get(versionId);
    if (!compiled) {
      compiled = compileRuleSet((await this.rules.document(sql, versionId)) as RuleSet);
      this.compiled.set(versionId, compiled);
    }
    return compiled;
  }

  private async chosenDocumentOrThrow(sql: Sql, form: PublishedForm, input: { draft?: boolean; ruleSet?: unknown }, locale: Locale): Promise<RuleSet> {
    if (input.ruleSet !== undefined) {
      this.validOrThrow(input.ruleSet, form, locale);
      return input.ruleSet as RuleSet;
    }
    const row = await this.rules.forForm(sql, form.id);
    if (input.draft) {
      if (!row?.rules_draft) throw new AppException(409, 'rules.no_draft', { key: form.key });
      return row.rules_draft as RuleSet;
    }
    if (!row?.rules_version_id) throw new AppException(409, 'rules.not_published', { key: form.key });
    return row.document as RuleSet;
  }

  private validOrThrow(document: unknown, form: PublishedForm, locale: Locale): void {
    const definition: FormDefinition = form.compiled.definition;
    const result = validateRuleSet(document, definition, locale);
    if (!result.valid) throw new AppException(400, 'rules.invalid', {}, result.errors.map((e) => ({ ...e, path: `/ruleSet${e.path}` })));
    if ((document as { form?: unknown }).form !== form.key) {
      const problem = { path: '/form', code: 'formMismatch', params: { form: String((document as { form?: unknown }).form ?? ''), expected: form.key } };
      throw new AppException(400, 'rules.invalid', {}, renderRuleSetProblems([problem], locale).map((e) => ({ ...e, path: `/ruleSet${e.path}` })));
    }
    try {
      compileRuleSet(document as RuleSet, definition);
    } catch (error) {
      if (error instanceof RuleSetError) {
        throw new AppException(400, 'rules.invalid', {}, renderRuleSetProblems(error.problems, locale, error.names).map((e) => ({ ...e, path: `/ruleSet${e.path}` })));
      }
      throw error;
    }
  }
}

/** A rule result as written with (or for) its record: the explanation is the compact part only. */
export interface EvaluatedWrite {
  versionId: string;
  result: RuleSetResult;
  explanation: CompactExplanation;
}

export interface StoredResultRow {
  recordId: string;
  values: Record<string, unknown>;
  alerts: unknown[];
  explanation: StoredExplanation;
}

/**
 * Evaluates (without explanation trees) the record whose stored data is `data` on `facts` (its
 * data as evaluated plus related facts) and returns what is stored of the result.
 */
function storedOf(compiled: CompiledRuleSet, recordId: string, facts: Record<string, unknown>, data: Record<string, unknown>, asOf: string, locale: Locale): StoredResultRow {
  const result = compiled.evaluate(facts, { asOf, locale, explain: false });
  return { recordId, values: result.values, alerts: storedAlerts(result.alerts), explanation: compactExplanation(compiled.ruleSet, facts, data, locale) };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}
