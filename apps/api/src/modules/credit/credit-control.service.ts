import { Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { advisoryKey, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { FormsService } from '../forms/forms.service.js';
import { diffRecordData } from '../records/record-diff.js';
import { RecordsRepository } from '../records/records.repository.js';

/**
 * Credit-limit control on receivables (DOMAIN §2.4, issue 8): a new or increased receivable may
 * not take a customer's exposure (open AR + this item) over its credit limit, and 冻结 / 黑名单
 * customers take no new credit; a credit manager may override with a reason, which is audited.
 * Which forms and fields take part is tenant configuration (settings.creditControl).
 */
export interface CreditControlConfig {
  form: string;
  customerField: string;
  amountField: string;
  customerForm: string;
  limitField: string;
  statusField: string;
  blockedStatuses: string[];
  overrideRoles: string[];
}

export const DEFAULT_CREDIT_CONTROL: CreditControlConfig = {
  form: 'receivable',
  customerField: 'customer',
  amountField: 'outstanding',
  customerForm: 'customer',
  limitField: 'credit_limit',
  statusField: 'credit_status',
  blockedStatuses: ['冻结', '黑名单'],
  overrideRoles: ['credit_manager', 'admin'],
};

export interface CreditOverride {
  reason: string;
}

const FIELD = /^[a-z][a-z0-9_]{0,62}$/;

/** The tenant's credit-control settings over the defaults (form '' when they name an invalid field: no check). */
export async function creditControlConfig(sql: Sql): Promise<CreditControlConfig> {
  const row = await sql.one<{ settings: { creditControl?: Partial<CreditControlConfig> } }>(TENANT_SETTINGS_SQL);
  const merged = { ...DEFAULT_CREDIT_CONTROL, ...row?.settings.creditControl };
  for (const key of ['customerField', 'amountField', 'limitField', 'statusField'] as const) {
    if (!FIELD.test(merged[key])) return { ...merged, form: '' };
  }
  return merged;
}

/** Whether the customer is 冻结 / 黑名单 (takes no new credit at all). */
export function creditBlocked(config: CreditControlConfig, customer: Record<string, unknown>): boolean {
  const status = customer[config.statusField];
  return typeof status === 'string' && config.blockedStatuses.includes(status);
}

/** The customer's credit limit, or null when none is set (no check). */
export function creditLimitOf(config: CreditControlConfig, customer: Record<string, unknown>): Decimal | null {
  const value = customer[config.limitField];
  return value === undefined || value === null || value === '' ? null : decimal(value);
}

/**
 * The refusal of new credit for a customer (the same for a single write and an import row): it
 * is blocked, or `exposure` (open AR + the item) exceeds its limit; undefined when within it.
 */
export function creditProblem(config: CreditControlConfig, customerId: string, customer: Record<string, unknown>, exposure: Decimal): AppException | undefined {
  const name = String(customer.name ?? customerId);
  if (creditBlocked(config, customer)) {
    const status = String(customer[config.statusField]);
    return new AppException(422, 'credit.customer_blocked', { name, status }, [{ path: `/${config.customerField}`, keyword: 'creditStatus', message: status }], {
      creditCheck: { customerId, status },
    });
  }
  const limit = creditLimitOf(config, customer);
  if (limit === null || exposure.lte(limit)) return undefined;
  const figures = { limit: limit.toFixed(2), exposure: exposure.toFixed(2), excess: exposure.sub(limit).toFixed(2) };
  return new AppException(422, 'credit.limit_exceeded', { name, ...figures }, [
    { path: `/${creditAmountPath(config)}`, keyword: 'creditLimit', message: figures.excess, params: figures },
  ], { creditCheck: { customerId, ...figures } });
}

/** The field a limit refusal names: the amount a user enters (outstanding is computed from it). */
export function creditAmountPath(config: CreditControlConfig): string {
  return config.amountField === 'outstanding' ? 'amount' : config.amountField;
}

export function decimal(value: unknown): Decimal {
  return typeof value === 'string' && value.trim() !== '' ? new Decimal(value) : typeof value === 'number' ? new Decimal(value) : new Decimal(0);
}

/** The tenant's settings, read on every record write: record writes send it ahead with BEGIN (TenantDatabase prefetch). */
export const TENANT_SETTINGS_SQL = 'SELECT settings FROM tenants WHERE id = credo_current_tenant()';

/** 信用额度申请: the form, its decided statuses and who may decide. */
export const LIMIT_REQUEST = {
  form: 'credit_limit_request',
  approved: '已批准',
  rejected: '已驳回',
  deciders: ['credit_manager', 'admin'],
} as const;

@Injectable()
export class CreditControlService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly forms: FormsService,
    private readonly records: RecordsRepository,
  ) {}

  /**
   * Checks one receivable write; `before` is null for a create. Throws 422 naming the limit, the
   * exposure and the excess, or 403 when an override is asked for without the role.
   */
  async checkOrThrow(
    sql: Sql,
    auth: AuthContext,
    formKey: string,
    recordId: string | null,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    override: CreditOverride | undefined,
  ): Promise<void> {
    if (formKey === LIMIT_REQUEST.form) return this.limitRequestOrThrow(sql, auth, recordId, before, after);
    if (formKey === DEFAULT_CREDIT_CONTROL.form) await this.writeOffOrThrow(sql, auth, recordId, before, after, override);
    if (formKey !== DEFAULT_CREDIT_CONTROL.form) {
      // Only forms named in the tenant's settings take part; read them only then.
      const configured = await this.config(sql);
      if (formKey !== configured.form) return;
      return this.check(sql, auth, configured, recordId, before, after, override);
    }
    return this.check(sql, auth, await this.config(sql), recordId, before, after, override);
  }

  /**
   * A write-off (written_off going up) is a credit decision: only a credit manager (or admin)
   * makes it, and it is audited with its amount and reason. Anyone else: 403 naming the field.
   */
  private async writeOffOrThrow(
    sql: Sql,
    auth: AuthContext,
    recordId: string | null,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    override: CreditOverride | undefined,
  ): Promise<void> {
    const added = decimal(after.written_off).sub(decimal(before?.written_off));
    if (added.lte(0)) return;
    if (!DEFAULT_CREDIT_CONTROL.overrideRoles.some((role) => auth.roles.includes(role))) {
      throw new AppException(403, 'credit.write_off_forbidden', { amount: added.toFixed(2) }, [
        { path: '/written_off', keyword: 'approval', message: added.toFixed(2), params: { roles: DEFAULT_CREDIT_CONTROL.overrideRoles } },
      ]);
    }
    await this.audit.append(sql, {
      actorId: auth.userId,
      action: 'credit.write_off',
      entity: `form:${DEFAULT_CREDIT_CONTROL.form}`,
      entityId: recordId,
      details: { customerId: after.customer ?? null, amount: added.toFixed(2), writtenOff: decimal(after.written_off).toFixed(2), reason: override?.reason ?? null },
      requestId: auth.requestId,
    });
  }

  /**
   * 信用额度申请 decisions: only a credit manager (or admin) approves or rejects, as the approver;
   * a decided request is final (approving twice: 409). Approval writes the approved limit (and
   * the requested payment term, if any) to the customer in the same transaction, as a revision
   * by the approver, and audits it; a rejection leaves the customer as it was.
   */
  private async limitRequestOrThrow(sql: Sql, auth: AuthContext, recordId: string | null, before: Record<string, unknown> | null, after: Record<string, unknown>): Promise<void> {
    const decided = (status: unknown) => status === LIMIT_REQUEST.approved || status === LIMIT_REQUEST.rejected;
    if (before && decided(before.status)) {
      throw new AppException(409, 'credit.limit_request_decided', { status: String(before.status) }, [{ path: '/status', keyword: 'decided', message: String(before.status) }]);
    }
    if (!decided(after.status)) return;
    if (!LIMIT_REQUEST.deciders.some((role) => auth.roles.includes(role))) {
      throw new AppException(403, 'credit.limit_approval_forbidden', {}, [{ path: '/status', keyword: 'approval', message: String(after.status), params: { roles: LIMIT_REQUEST.deciders } }]);
    }
    if (after.approver !== auth.userId) {
      throw new AppException(422, 'credit.limit_approver_self', {}, [{ path: '/approver', keyword: 'approver', message: String(after.approver ?? '') }]);
    }
    if (after.status !== LIMIT_REQUEST.approved) {
      await this.audit.append(sql, {
        actorId: auth.userId, action: 'credit.limit_rejected', entity: `form:${LIMIT_REQUEST.form}`, entityId: recordId, details: { customerId: after.customer ?? null }, requestId: auth.requestId,
      });
      return;
    }
    const customerForm = await this.forms.publishedOrThrow(sql, DEFAULT_CREDIT_CONTROL.customerForm);
    const customerId = typeof after.customer === 'string' ? after.customer : '';
    await sql.rows('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(auth.tenantId, `credit:${customerId}`).toString()]);
    const customer = await this.records.findById(sql, customerForm.id, customerId);
    if (!customer) throw new AppException(422, 'credit.limit_request_customer', {}, [{ path: '/customer', keyword: 'reference', message: customerId }]);
    const limit = decimal(after.approved_limit).toFixed(2);
    const patch: Record<string, unknown> = { [DEFAULT_CREDIT_CONTROL.limitField]: limit };
    if (typeof after.requested_term_days === 'number') patch.payment_term_days = after.requested_term_days;
    const input = { ...customerForm.compiled.withoutComputed(customer.data), ...patch };
    const autoNumbers = Object.fromEntries(customerForm.compiled.autoNumberFields.map((f) => [f.key, customer.data[f.key]]));
    const data = customerForm.compiled.complete({ ...input, ...autoNumbers }, { asOf: String(after.decided_on) });
    const changes = diffRecordData(customer.data, data);
    if (Object.keys(changes).length) {
      await this.records.writeIfRev(sql, { formId: customerForm.id, id: customer.id, expectedRev: customer.rev, action: 'update', data, versionId: customerForm.versionId, changes, userId: auth.userId });
    }
    await this.audit.append(sql, {
      actorId: auth.userId,
      action: 'credit.limit_approved',
      entity: `form:${LIMIT_REQUEST.form}`,
      entityId: recordId,
      details: {
        customerId: customer.id,
        from: customer.data[DEFAULT_CREDIT_CONTROL.limitField] ?? null,
        to: limit,
        ...(patch.payment_term_days !== undefined ? { termFrom: customer.data.payment_term_days ?? null, termTo: patch.payment_term_days } : {}),
      },
      requestId: auth.requestId,
    });
  }

  private config(sql: Sql): Promise<CreditControlConfig> {
    return creditControlConfig(sql);
  }

  private async check(
    sql: Sql,
    auth: AuthContext,
    config: CreditControlConfig,
    recordId: string | null,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    override: CreditOverride | undefined,
  ): Promise<void> {
    if (config.form === '') return;
    const customerId = after[config.customerField];
    if (typeof customerId !== 'string') return;
    const added = decimal(after[config.amountField]).sub(before && before[config.customerField] === customerId ? decimal(before[config.amountField]) : 0);
    if (added.lte(0)) return; // payments, write-offs and unchanged amounts need no credit
    // One credit decision per customer at a time: two receivables cannot both squeeze under the limit.
    await sql.rows('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(auth.tenantId, `credit:${customerId}`).toString()]);
    const customer = await sql.one<{ data: Record<string, unknown> }>(
      `SELECT r.data FROM records r
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $1) AND r.id = $2::uuid AND r.deleted_at IS NULL`,
      [config.customerForm, customerId],
    );
    if (!customer) return; // the reference check reports a missing customer
    let exposure = new Decimal(0);
    if (!creditBlocked(config, customer.data)) {
      if (creditLimitOf(config, customer.data) === null) return; // no limit set: no check
      const open = await sql.one<{ total: string }>(
        `SELECT coalesce(sum((r.data->>$3)::numeric), 0)::text AS total
         FROM records r
         WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $1) AND r.deleted_at IS NULL AND r.data->>$2 = $4 AND ($5::uuid IS NULL OR r.id <> $5::uuid)
           AND (r.data->>$3)::numeric > 0`,
        [config.form, config.customerField, config.amountField, customerId, recordId],
      );
      exposure = decimal(open?.total).add(decimal(after[config.amountField]));
    }
    const problem = creditProblem(config, customerId, customer.data, exposure);
    if (!problem) return;
    if (!override) throw problem;
    if (!config.overrideRoles.some((role) => auth.roles.includes(role))) throw new AppException(403, 'credit.override_forbidden');
    await this.audit.append(sql, {
      actorId: auth.userId,
      action: 'credit.override',
      entity: `form:${config.form}`,
      entityId: recordId,
      details: { customerId, reason: override.reason, problem: problem.code, ...problem.params },
      requestId: auth.requestId,
    });
  }
}
