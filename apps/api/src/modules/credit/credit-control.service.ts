import { Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { advisoryKey, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';

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

function decimal(value: unknown): Decimal {
  return typeof value === 'string' && value.trim() !== '' ? new Decimal(value) : typeof value === 'number' ? new Decimal(value) : new Decimal(0);
}

@Injectable()
export class CreditControlService {
  constructor(private readonly audit: AuditRepository) {}

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
    if (formKey !== DEFAULT_CREDIT_CONTROL.form) {
      // Only forms named in the tenant's settings take part; read them only then.
      const configured = await this.config(sql);
      if (formKey !== configured.form) return;
      return this.check(sql, auth, configured, recordId, before, after, override);
    }
    return this.check(sql, auth, await this.config(sql), recordId, before, after, override);
  }

  private async config(sql: Sql): Promise<CreditControlConfig> {
    const row = await sql.one<{ settings: { creditControl?: Partial<CreditControlConfig> } }>(
      'SELECT settings FROM tenants WHERE id = credo_current_tenant()',
    );
    const merged = { ...DEFAULT_CREDIT_CONTROL, ...row?.settings.creditControl };
    for (const key of ['customerField', 'amountField', 'limitField', 'statusField'] as const) {
      if (!FIELD.test(merged[key])) return { ...merged, form: '' };
    }
    return merged;
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
      `SELECT r.data FROM records r JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id
       WHERE f.key = $1 AND r.id = $2::uuid AND r.deleted_at IS NULL`,
      [config.customerForm, customerId],
    );
    if (!customer) return; // the reference check reports a missing customer
    const status = customer.data[config.statusField];
    const name = String(customer.data.name ?? customerId);
    let problem: AppException | undefined;
    if (typeof status === 'string' && config.blockedStatuses.includes(status)) {
      problem = new AppException(422, 'credit.customer_blocked', { name, status }, [{ path: `/${config.customerField}`, keyword: 'creditStatus', message: status }], {
        creditCheck: { customerId, status },
      });
    } else {
      const limitValue = customer.data[config.limitField];
      if (limitValue === undefined || limitValue === null || limitValue === '') return; // no limit set: no check
      const open = await sql.one<{ total: string }>(
        `SELECT coalesce(sum((r.data->>$3)::numeric), 0)::text AS total
         FROM records r JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id
         WHERE f.key = $1 AND r.deleted_at IS NULL AND r.data->>$2 = $4 AND ($5::uuid IS NULL OR r.id <> $5::uuid)
           AND (r.data->>$3)::numeric > 0`,
        [config.form, config.customerField, config.amountField, customerId, recordId],
      );
      const limit = decimal(limitValue);
      const exposure = decimal(open?.total).add(decimal(after[config.amountField]));
      if (exposure.lte(limit)) return;
      const figures = { limit: limit.toFixed(2), exposure: exposure.toFixed(2), excess: exposure.sub(limit).toFixed(2) };
      problem = new AppException(422, 'credit.limit_exceeded', { name, ...figures }, [
        { path: `/${config.amountField === 'outstanding' ? 'amount' : config.amountField}`, keyword: 'creditLimit', message: figures.excess, params: figures },
      ], { creditCheck: { customerId, ...figures } });
    }
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
