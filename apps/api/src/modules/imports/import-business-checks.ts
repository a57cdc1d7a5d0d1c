import { Decimal, localize, type RuleSetResult } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import { translate, type Locale, type MessageKey } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { advisoryKey, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import {
  DEFAULT_CREDIT_CONTROL,
  LIMIT_REQUEST,
  creditBlocked,
  creditControlConfig,
  creditLimitOf,
  creditProblem,
  decimal,
  type CreditControlConfig,
} from '../credit/credit-control.service.js';
import { allocationProblems, settledData } from '../credit/payment-allocation.service.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { closeSettledTasks } from '../reminders/collection-tasks.js';
import { diffRecordData, type RecordChanges } from '../records/record-diff.js';
import { RecordsRepository } from '../records/records.repository.js';
import { RulesRepository } from '../rules/rules.repository.js';
import { RulesService } from '../rules/rules.service.js';
import { updateRecordsWithRevisions } from './bulk-update.js';

/** A row of an import that passed every other check, as the business checks see it. */
export interface BusinessRow {
  row: number;
  /** The converted cells (a new record's input). */
  data: Record<string, unknown>;
  /** The record an upsert / update row changes, and its input merged with the row. */
  target?: { id: string; rev: number; data: Record<string, unknown> };
  merged?: Record<string, unknown>;
}

/** Refuses a row: the field it names (its column is looked up by the caller) and the message in either language. */
export type BusinessFail = (row: number, field: string | null, message: (locale: Locale) => string) => void;

export interface BusinessDeps {
  forms: FormsService;
  rules: RulesService;
  ruleSets: RulesRepository;
  records: RecordsRepository;
  audit: AuditRepository;
}

interface CustomerCredit {
  data: Record<string, unknown>;
  /** Open AR (outstanding > 0) as the file stands so far: the database's, plus the rows accepted. */
  open: Decimal;
}

interface OpenReceivable {
  rev: number;
  /** As the rows accepted so far leave it, and as last written. */
  data: Record<string, unknown>;
  stored: Record<string, unknown>;
}

/** Receivable updates a chunk's payments settle, and limits its approved limit requests set, to be written with the chunk. */
export interface Settlements {
  updates: Array<{ id: string; rev: number; data: Record<string, unknown>; changes: RecordChanges }>;
  limits: Map<string, LimitPatch>;
}

/** What an approved 信用额度申请 sets on its customer (the last approval of the file wins). */
interface LimitPatch {
  limit: string;
  termDays?: number;
  decidedOn: string;
}

const NO_ID = '00000000-0000-7000-8000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows listed in an import's override / approval / write-off audit entry. */
const AUDIT_ROWS = 1000;
/** Approval checks of one import, per rule-set version (versions never change). */
const approvalByVersion = new Map<string, boolean>();

function msg(code: MessageKey, params?: Record<string, unknown>) {
  return (l: Locale) => translate(code, l, params);
}

/**
 * The business checks a single create / PATCH makes (RecordsService.createOrThrow / updateOrThrow),
 * for an import, in bulk: one query per chunk for the customers' limits, status and open AR (then
 * running totals in memory, so rows of one file cannot together pass a limit each passes alone),
 * one for the receivables payments settle. Each refusal is a row error with the message the single
 * write gives:
 * - receivables: a write-off needs a credit manager; 冻结 / 黑名单 customers and exposure over the
 *   limit are refused unless the import carries an override reason from a credit manager (audited
 *   once per import, with the rows it let through); requireApproval alerts of the rule set gate new
 *   receivables as they gate a single create (the same reason, by a holder of the role, approves);
 * - payments: allocations are checked against the receivables' outstanding (as earlier rows of the
 *   file left it) and the payment, and settle the receivables in the import's transaction.
 */
export class ImportBusinessChecks {
  private readonly customers = new Map<string, CustomerCredit>();
  private readonly receivables = new Map<string, OpenReceivable>();
  private readonly dirty = new Set<string>();
  private roleKeys: Array<{ key: string; name: { 'zh-CN'?: string; en?: string } }> | null = null;
  private readonly letThrough = {
    credit: [] as Array<Record<string, unknown>>,
    approval: [] as Array<Record<string, unknown>>,
    writeOff: [] as Array<Record<string, unknown>>,
    approved: [] as Array<Record<string, unknown>>,
    rejected: [] as Array<Record<string, unknown>>,
  };
  private limits = new Map<string, LimitPatch>();
  private readonly alertCodes = new Set<string>();
  private writtenOff = new Decimal(0);

  private constructor(
    private readonly deps: BusinessDeps,
    private readonly auth: AuthContext,
    private readonly form: PublishedForm,
    private readonly write: boolean,
    private readonly asOf: string,
    private readonly locale: Locale,
    private readonly reason: string | undefined,
    private readonly credit: CreditControlConfig | null,
    private readonly writeOffs: boolean,
    private readonly approvals: boolean,
    private readonly receivableForm: PublishedForm | null,
    private readonly limitRequests: boolean,
  ) {}

  /**
   * The checks `form` needs (null: none, nothing to do). An override reason is for credit managers
   * only: anyone else gets 403, as a single create with an override does.
   */
  static async start(
    deps: BusinessDeps,
    sql: Sql,
    auth: AuthContext,
    form: PublishedForm,
    opts: { write: boolean; asOf: string; locale: Locale; overrideReason?: string },
  ): Promise<ImportBusinessChecks | null> {
    const config = await creditControlConfig(sql);
    if (opts.overrideReason !== undefined) overrideAllowedOrThrow(config, auth);
    const credit = config.form !== '' && config.form === form.key ? config : null;
    const writeOffs = form.key === DEFAULT_CREDIT_CONTROL.form;
    const approvals = writeOffs && !!form.rules && (await hasApprovals(deps.ruleSets, sql, form.rules.id));
    const receivableForm = form.key === 'payment' ? await deps.forms.publishedOrThrow(sql, DEFAULT_CREDIT_CONTROL.form).catch(() => null) : null;
    const limitRequests = form.key === LIMIT_REQUEST.form;
    if (!credit && !writeOffs && !approvals && !receivableForm && !limitRequests) return null;
    return new ImportBusinessChecks(deps, auth, form, opts.write, opts.asOf, opts.locale, opts.overrideReason, credit, writeOffs, approvals, receivableForm, limitRequests);
  }

  /**
   * Checks the rows in file order; the ones it refuses are reported through `fail`, the others
   * counted in. `ruleRefused(row)` reports (and says) whether the form's validation rules refuse
   * a row the credit check let through: a single create checks credit first, then its rule set,
   * so a blocked customer's row gets the credit message, and a row the rules refuse counts for nothing.
   */
  async check(sql: Sql, rows: BusinessRow[], fail: BusinessFail, ruleRefused?: (row: number) => boolean): Promise<void> {
    if (!rows.length) return;
    const afters = rows.map((r) =>
      this.form.compiled.complete(r.target ? { ...r.merged!, ...autoNumbers(this.form, r.target.data) } : r.data, { asOf: this.asOf }),
    );
    if (this.credit) await this.loadCustomers(sql, rows, afters, this.credit);
    if (this.receivableForm) await this.loadReceivables(sql, rows, afters, this.receivableForm);
    const approvalsNeeded = this.approvals ? await this.approvalsNeeded(sql, rows, afters) : new Map<number, Array<{ code: string; role: string }>>();
    rows.forEach((r, i) => {
      const after = afters[i]!;
      const before = r.target?.data ?? null;
      if (this.writeOffs) {
        const added = decimal(after.written_off).sub(decimal(before?.written_off));
        if (added.gt(0)) {
          if (!DEFAULT_CREDIT_CONTROL.overrideRoles.some((role) => this.auth.roles.includes(role))) {
            fail(r.row, 'written_off', msg('credit.write_off_forbidden', { amount: added.toFixed(2) }));
            return;
          }
        }
      }
      let overridden: Record<string, unknown> | undefined;
      if (this.credit) {
        const problem = this.creditProblemOf(this.credit, before, after);
        if (problem) {
          if (this.reason === undefined) {
            const field = problem.errors?.[0]?.path.slice(1) ?? null;
            fail(r.row, field, msg(problem.code as MessageKey, problem.params));
            return;
          }
          overridden = { row: r.row, customerId: after[this.credit.customerField], problem: problem.code, ...problem.params };
        }
      }
      if (ruleRefused?.(r.row)) return;
      const needed = approvalsNeeded.get(i);
      if (needed?.length) {
        const missing = needed.filter((n) => !this.auth.roles.includes(this.roleKey(n.role)) && !this.auth.roles.includes('admin'));
        if (missing.length || !this.reason) {
          fail(r.row, null, msg('rules.approval_required', { codes: needed.map((n) => n.code).join(', '), role: needed[0]!.role }));
          return;
        }
      }
      if (this.receivableForm && !r.target && !this.paymentOk(r.row, after, fail)) return;
      if (this.limitRequests && !this.limitRequestOk(r.row, before, after, fail)) return;
      // Accepted: what it changes counts for the rows after it.
      if (overridden) this.letThrough.credit.push(overridden);
      if (needed?.length) {
        for (const n of needed) this.alertCodes.add(n.code);
        this.letThrough.approval.push({ row: r.row, alerts: needed.map((n) => n.code) });
      }
      if (this.writeOffs) {
        const added = decimal(after.written_off).sub(decimal(before?.written_off));
        if (added.gt(0)) {
          this.writtenOff = this.writtenOff.add(added);
          this.letThrough.writeOff.push({ row: r.row, customerId: after.customer ?? null, amount: added.toFixed(2) });
        }
      }
      if (this.credit) this.count(this.credit, before, after);
    });
  }

  /** The receivable updates of the rows checked since the last call (write them with the chunk: `settle`). */
  take(): Settlements | null {
    if (!this.dirty.size && !this.limits.size) return null;
    const limits = this.limits;
    this.limits = new Map();
    const updates: Settlements['updates'] = [];
    for (const id of this.dirty) {
      const r = this.receivables.get(id)!;
      const changes = diffRecordData(r.stored, r.data);
      if (Object.keys(changes).length) {
        updates.push({ id, rev: r.rev, data: r.data, changes });
        r.rev += 1;
        r.stored = r.data;
      }
    }
    this.dirty.clear();
    return updates.length || limits.size ? { updates, limits } : null;
  }

  /**
   * Writes the settled receivables (rev + 1 and an 'update' revision each, as a single payment
   * does, many per statement) and closes the collection tasks of those now paid.
   */
  async settle(sql: Sql, settlements: Settlements | null): Promise<void> {
    if (!settlements) return;
    if (settlements.limits.size) await this.applyLimits(sql, settlements.limits);
    if (!this.receivableForm || !settlements.updates.length) return;
    await updateRecordsWithRevisions(sql, this.receivableForm, this.auth.userId, settlements.updates);
    const settled = settlements.updates.filter((u) => new Decimal(String(u.data.outstanding ?? '0')).lte(0)).map((u) => u.id);
    if (settled.length) await closeSettledTasks(sql, this.deps.forms, this.deps.records, this.auth.userId, this.asOf, settled);
  }

  /**
   * Approved limit requests: their customers get the approved limit (and the requested term, if
   * any) as a revision by the approver, in the import's transaction, as a single approval does.
   */
  private async applyLimits(sql: Sql, limits: Map<string, LimitPatch>): Promise<void> {
    const customerForm = await this.deps.forms.publishedOrThrow(sql, DEFAULT_CREDIT_CONTROL.customerForm);
    const ids = [...limits.keys()];
    await this.lock(sql, ids.map((id) => `credit:${id}`));
    const customers = await sql.rows<{ id: string; rev: number; data: Record<string, unknown> }>(
      'SELECT r.id, r.rev, r.data FROM records r WHERE r.form_id = $1 AND r.id = ANY($2::uuid[]) AND r.deleted_at IS NULL',
      [customerForm.id, ids],
    );
    const updates: Settlements['updates'] = [];
    for (const customer of customers) {
      const patch = limits.get(customer.id)!;
      const input: Record<string, unknown> = { ...customerForm.compiled.withoutComputed(customer.data), [DEFAULT_CREDIT_CONTROL.limitField]: patch.limit };
      if (patch.termDays !== undefined) input.payment_term_days = patch.termDays;
      const data = customerForm.compiled.complete({ ...input, ...autoNumbers(customerForm, customer.data) }, { asOf: patch.decidedOn });
      const changes = diffRecordData(customer.data, data);
      if (Object.keys(changes).length) updates.push({ id: customer.id, rev: customer.rev, data, changes });
    }
    await updateRecordsWithRevisions(sql, customerForm, this.auth.userId, updates);
  }

  /** A committed import: one audit entry per kind of decision it carried (override, approval, write-off), with its rows. */
  async finish(sql: Sql): Promise<void> {
    const entity = `form:${this.form.key}`;
    const base = { actorId: this.auth.userId, entity, requestId: this.auth.requestId };
    const { credit, approval, writeOff, approved, rejected } = this.letThrough;
    if (approved.length) {
      await this.deps.audit.append(sql, { ...base, action: 'credit.limit_approved', details: { import: true, count: approved.length, rows: approved.slice(0, AUDIT_ROWS) } });
    }
    if (rejected.length) {
      await this.deps.audit.append(sql, { ...base, action: 'credit.limit_rejected', details: { import: true, count: rejected.length, rows: rejected.slice(0, AUDIT_ROWS) } });
    }
    if (credit.length) {
      await this.deps.audit.append(sql, { ...base, action: 'credit.override', details: { import: true, reason: this.reason, count: credit.length, rows: credit.slice(0, AUDIT_ROWS) } });
    }
    if (approval.length) {
      await this.deps.audit.append(sql, {
        ...base, action: 'rules.approval', details: { import: true, reason: this.reason, alerts: [...this.alertCodes], count: approval.length, rows: approval.slice(0, AUDIT_ROWS) },
      });
    }
    if (writeOff.length) {
      await this.deps.audit.append(sql, {
        ...base, action: 'credit.write_off', details: { import: true, reason: this.reason ?? null, count: writeOff.length, amount: this.writtenOff.toFixed(2), rows: writeOff.slice(0, AUDIT_ROWS) },
      });
    }
  }

  /** The refusal a single write of `after` (over `before`) would meet, from the running totals. */
  private creditProblemOf(config: CreditControlConfig, before: Record<string, unknown> | null, after: Record<string, unknown>): AppException | undefined {
    const customerId = after[config.customerField];
    if (typeof customerId !== 'string') return undefined;
    const same = !!before && before[config.customerField] === customerId;
    const amount = decimal(after[config.amountField]);
    if (amount.sub(same ? decimal(before![config.amountField]) : 0).lte(0)) return undefined; // no new credit
    const customer = this.customers.get(customerId);
    if (!customer) return undefined; // the reference check reports a missing customer
    if (!creditBlocked(config, customer.data) && creditLimitOf(config, customer.data) === null) return undefined;
    // The open AR without this record (a single write leaves it out too), plus the item.
    const own = same ? decimal(before![config.amountField]) : new Decimal(0);
    const exposure = customer.open.sub(own.gt(0) ? own : 0).add(amount);
    return creditProblem(config, customerId, customer.data, exposure);
  }

  /** An accepted row in the running totals: its old amount leaves its old customer's open AR, the new one joins. */
  private count(config: CreditControlConfig, before: Record<string, unknown> | null, after: Record<string, unknown>): void {
    if (before) {
      const old = this.customers.get(before[config.customerField] as string);
      const amount = decimal(before[config.amountField]);
      if (old && amount.gt(0)) old.open = old.open.sub(amount);
    }
    const now = this.customers.get(after[config.customerField] as string);
    const amount = decimal(after[config.amountField]);
    if (now && amount.gt(0)) now.open = now.open.add(amount);
  }

  /**
   * The customers of these rows not seen before: their data and open AR, in two statements (a
   * committing import first takes their credit locks, as a single write does, in one statement).
   */
  private async loadCustomers(sql: Sql, rows: BusinessRow[], afters: Array<Record<string, unknown>>, config: CreditControlConfig): Promise<void> {
    const ids = new Set<string>();
    rows.forEach((r, i) => {
      for (const v of [afters[i]![config.customerField], r.target?.data[config.customerField]]) if (typeof v === 'string' && UUID.test(v) && !this.customers.has(v)) ids.add(v);
    });
    if (!ids.size) return;
    const list = [...ids];
    if (this.write) await this.lock(sql, list.map((id) => `credit:${id}`));
    const found = await sql.rows<{ id: string; data: Record<string, unknown> }>(
      `SELECT r.id, r.data FROM records r
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $1) AND r.id = ANY($2::uuid[]) AND r.deleted_at IS NULL`,
      [config.customerForm, list],
    );
    const totals = await sql.rows<{ customer: string; total: string }>(
      `SELECT r.data->>'${config.customerField}' AS customer, sum((r.data->>'${config.amountField}')::numeric)::text AS total
       FROM records_t r
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $1) AND r.deleted_at IS NULL AND (r.data->>'${config.customerField}') = ANY($2::text[])
         AND (r.data->>'${config.amountField}')::numeric > 0
       GROUP BY 1`,
      [config.form, found.map((c) => c.id)],
    );
    const open = new Map(totals.map((t) => [t.customer, t.total]));
    for (const c of found) this.customers.set(c.id, { data: c.data, open: new Decimal(open.get(c.id) ?? '0') });
  }

  /** The receivables these payments allocate to, not seen before (a committing import locks them first, as a single payment does). */
  private async loadReceivables(sql: Sql, rows: BusinessRow[], afters: Array<Record<string, unknown>>, form: PublishedForm): Promise<void> {
    const ids = new Set<string>();
    rows.forEach((r, i) => {
      if (r.target) return;
      const allocations = afters[i]!.allocations;
      if (!Array.isArray(allocations)) return;
      for (const a of allocations as Array<{ receivable?: unknown }>) {
        if (typeof a?.receivable === 'string' && UUID.test(a.receivable) && !this.receivables.has(a.receivable)) ids.add(a.receivable);
      }
    });
    if (!ids.size) return;
    const list = [...ids];
    if (this.write) await this.lock(sql, list.map((id) => `receivable:${id}`));
    const found = await sql.rows<{ id: string; rev: number; data: Record<string, unknown> }>(
      'SELECT r.id, r.rev, r.data FROM records r WHERE r.form_id = $1 AND r.id = ANY($2::uuid[]) AND r.deleted_at IS NULL',
      [form.id, list],
    );
    for (const r of found) this.receivables.set(r.id, { rev: r.rev, data: r.data, stored: r.data });
  }

  /** A payment's allocations as a single create checks them, against the receivables as earlier rows left them; settles them if good. */
  private paymentOk(row: number, after: Record<string, unknown>, fail: BusinessFail): boolean {
    const form = this.receivableForm!;
    const allocations = Array.isArray(after.allocations) ? (after.allocations as Array<{ receivable?: unknown }>) : [];
    if (!allocations.length) return true;
    let ok = true;
    // A receivable that is not there (or not a receivable) settles nothing: refused, naming it.
    const sub = this.form.compiled.definition.fields.find((f) => f.key === 'allocations')?.fields?.find((f) => f.key === 'receivable');
    const label = (l: Locale) => (sub ? localize(sub.label, l) : 'receivable');
    for (const a of allocations) {
      if (typeof a?.receivable === 'string' && !this.receivables.has(a.receivable)) {
        fail(row, 'allocations', (l) => translate('records.reference_missing', l, { label: label(l) }));
        ok = false;
      }
    }
    if (!ok) return false;
    const { problems, want } = allocationProblems(after, (id) => this.receivables.get(id)?.data);
    for (const p of problems) fail(row, 'allocations', msg(p.code, p.params));
    if (problems.length) return false;
    for (const [id, amount] of want) {
      const r = this.receivables.get(id)!;
      r.data = settledData(form, r.data, amount, this.asOf);
      this.dirty.add(id);
    }
    return true;
  }

  /**
   * 信用额度申请 rows as a single write judges them: a decided request is final; only a credit
   * manager decides, as the approver. An approval sets the customer's limit when the chunk is written.
   */
  private limitRequestOk(row: number, before: Record<string, unknown> | null, after: Record<string, unknown>, fail: BusinessFail): boolean {
    const decided = (status: unknown) => status === LIMIT_REQUEST.approved || status === LIMIT_REQUEST.rejected;
    if (before && decided(before.status)) {
      fail(row, 'status', msg('credit.limit_request_decided', { status: String(before.status) }));
      return false;
    }
    if (!decided(after.status)) return true;
    if (!LIMIT_REQUEST.deciders.some((role) => this.auth.roles.includes(role))) {
      fail(row, 'status', msg('credit.limit_approval_forbidden'));
      return false;
    }
    if (after.approver !== this.auth.userId) {
      fail(row, 'approver', msg('credit.limit_approver_self'));
      return false;
    }
    const customerId = typeof after.customer === 'string' ? after.customer : '';
    if (after.status !== LIMIT_REQUEST.approved) {
      this.letThrough.rejected.push({ row, customerId });
      return true;
    }
    const limit = decimal(after.approved_limit).toFixed(2);
    this.limits.set(customerId, {
      limit,
      ...(typeof after.requested_term_days === 'number' ? { termDays: after.requested_term_days } : {}),
      decidedOn: String(after.decided_on),
    });
    this.letThrough.approved.push({ row, customerId, to: limit });
    return true;
  }

  /** requireApproval alerts the rule set raises on each new receivable (one evaluation of the chunk, as a single create evaluates it). */
  private async approvalsNeeded(sql: Sql, rows: BusinessRow[], afters: Array<Record<string, unknown>>): Promise<Map<number, Array<{ code: string; role: string }>>> {
    const out = new Map<number, Array<{ code: string; role: string }>>();
    const creates = rows.map((r, i) => (r.target ? -1 : i)).filter((i) => i >= 0);
    if (!creates.length) return out;
    const evaluated = await this.deps.rules.evaluateWritten(sql, this.form, creates.map((i) => ({ id: NO_ID, data: afters[i]!, created: true })), this.locale);
    if (evaluated.versionId === null) return out;
    evaluated.results.forEach((result, n) => {
      const needed = (result.alerts as RuleSetResult['alerts']).flatMap((alert) =>
        alert.actions.filter((a): a is Extract<typeof a, { type: 'requireApproval' }> => a.type === 'requireApproval').map((a) => ({ code: alert.code, role: a.role })),
      );
      if (needed.length) out.set(creates[n]!, needed);
    });
    if (out.size && !this.roleKeys) this.roleKeys = await sql.rows('SELECT key, name FROM roles');
    return out;
  }

  private roleKey(role: string): string {
    return this.roleKeys?.find((r) => r.key === role || r.name['zh-CN'] === role || r.name.en === role)?.key ?? role;
  }

  /** Transaction-scoped advisory locks, in a fixed order (two imports cannot wait on each other's halves). */
  private async lock(sql: Sql, names: string[]): Promise<void> {
    const keys = names.map((n) => advisoryKey(this.auth.tenantId, n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await sql.rows('SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
  }
}

/** An import with an override reason: for the tenant's override roles (credit managers) only, else 403. */
export async function creditOverrideAllowedOrThrow(sql: Sql, auth: AuthContext): Promise<void> {
  overrideAllowedOrThrow(await creditControlConfig(sql), auth);
}

function overrideAllowedOrThrow(config: CreditControlConfig, auth: AuthContext): void {
  if (!config.overrideRoles.some((role) => auth.roles.includes(role))) throw new AppException(403, 'credit.override_forbidden');
}

async function hasApprovals(ruleSets: RulesRepository, sql: Sql, versionId: string): Promise<boolean> {
  let known = approvalByVersion.get(versionId);
  if (known === undefined) {
    const document = (await ruleSets.document(sql, versionId)) as { rules?: Array<{ actions?: Array<{ type?: string }> }> } | undefined;
    known = (document?.rules ?? []).some((rule) => (rule.actions ?? []).some((a) => a.type === 'requireApproval'));
    if (approvalByVersion.size > 10_000) approvalByVersion.clear();
    approvalByVersion.set(versionId, known);
  }
  return known;
}

/** Auto-numbered values of a stored record (kept when a row updates it). */
function autoNumbers(form: PublishedForm, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form.compiled.autoNumberFields) if (data[f.key] !== undefined) out[f.key] = data[f.key];
  return out;
}
