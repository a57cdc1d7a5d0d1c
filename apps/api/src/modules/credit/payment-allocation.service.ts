import { Inject, Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { advisoryKey, type Sql } from '../../database/tenant-database.js';
import { Clock } from '../../common/clock.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { closeSettledTasks } from '../reminders/collection-tasks.js';
import { diffRecordData } from '../records/record-diff.js';
import { RecordsRepository } from '../records/records.repository.js';
import { RulesService } from '../rules/rules.service.js';

interface Allocation {
  receivable?: unknown;
  amount?: unknown;
}

/**
 * 回款 → 应收: a payment's allocations settle receivables. Each allocation must point at an open
 * receivable of the payment's customer and may not exceed what is still outstanding; on save
 * the receivables' `received` go up by the allocated amounts (their outstanding, status and
 * buckets recomputed by the form engine), in the same transaction, as revisions by the user.
 */
@Injectable()
export class PaymentAllocationService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly rules: RulesService,
    private readonly forms: FormsService,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  appliesTo(formKey: string): boolean {
    return formKey === 'payment';
  }

  /** Checks the allocations of a new payment; returns the receivable updates to apply after the insert. */
  async checkOrThrow(sql: Sql, auth: AuthContext, data: Record<string, unknown>, receivableForm: PublishedForm | null, asOf: string, locale: Locale) {
    const allocations = Array.isArray(data.allocations) ? (data.allocations as Allocation[]) : [];
    if (!allocations.length || !receivableForm) return [];
    const ids = [...new Set(allocations.map((a) => a.receivable).filter((v): v is string => typeof v === 'string'))];
    for (const id of ids) await sql.rows('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(auth.tenantId, `receivable:${id}`).toString()]);
    const rows = await Promise.all(ids.map((id) => this.records.findById(sql, receivableForm.id, id)));
    const byId = new Map(rows.filter((r) => r !== undefined).map((r) => [r!.id, r!]));
    const want = new Map<string, Decimal>();
    const errors: Array<{ path: string; keyword: string; message: string; params?: Record<string, unknown> }> = [];
    allocations.forEach((allocation, index) => {
      const id = allocation.receivable as string;
      const receivable = byId.get(id);
      if (receivable && receivable.data.customer !== data.customer) {
        errors.push({ path: `/allocations/${index}/receivable`, keyword: 'sameCustomer', message: translate('payments.other_customer', locale) });
        return;
      }
      want.set(id, (want.get(id) ?? new Decimal(0)).add(typeof allocation.amount === 'string' ? allocation.amount : 0));
    });
    for (const [id, amount] of want) {
      const receivable = byId.get(id);
      if (!receivable) continue; // the reference check reports it
      const outstanding = new Decimal(String(receivable.data.outstanding ?? '0'));
      if (amount.gt(outstanding)) {
        const index = allocations.findIndex((a) => a.receivable === id);
        errors.push({
          path: `/allocations/${index}/amount`,
          keyword: 'maxOutstanding',
          message: translate('payments.over_outstanding', locale, { outstanding: outstanding.toFixed(2), amount: amount.toFixed(2) }),
          params: { outstanding: outstanding.toFixed(2), amount: amount.toFixed(2) },
        });
      }
    }
    const allocated = [...want.values()].reduce((sum, x) => sum.add(x), new Decimal(0));
    const paid = new Decimal(typeof data.amount === 'string' && data.amount !== '' ? data.amount : '0');
    if (allocated.gt(paid)) {
      const params = { allocated: allocated.toFixed(2), amount: paid.toFixed(2) };
      errors.push({ path: '/allocations', keyword: 'maxAmount', message: translate('payments.over_amount', locale, params), params });
    }
    if (errors.length) throw new AppException(400, 'http.validation_failed', {}, errors);
    return [...want].map(([id, amount]) => {
      const receivable = byId.get(id)!;
      const input = receivableForm.compiled.withoutComputed(receivable.data);
      input.received = new Decimal(String(receivable.data.received ?? '0')).add(amount).toFixed(2);
      const autoNumbers = Object.fromEntries(receivableForm.compiled.autoNumberFields.map((f) => [f.key, receivable.data[f.key]]));
      const next = receivableForm.compiled.complete({ ...input, ...autoNumbers }, { asOf });
      return { id, rev: receivable.rev, data: next, changes: diffRecordData(receivable.data, next) };
    });
  }

  async apply(sql: Sql, auth: AuthContext, receivableForm: PublishedForm, updates: Awaited<ReturnType<PaymentAllocationService['checkOrThrow']>>): Promise<void> {
    for (const update of updates) {
      await this.records.writeIfRev(sql, {
        formId: receivableForm.id,
        id: update.id,
        expectedRev: update.rev,
        action: 'update',
        data: update.data,
        versionId: receivableForm.versionId,
        changes: update.changes,
        userId: auth.userId,
      });
    }
    // Items this payment settled need no more chasing: their open collection tasks are done.
    const settled = updates.filter((u) => new Decimal(String(u.data.outstanding ?? '0')).lte(0)).map((u) => u.id);
    await closeSettledTasks(sql, this.forms, this.records, auth.userId, this.clock.today(this.config.timezone), settled);
    // The customer's rule results (balance, overdue, open broken promises …) after the settlement.
    const customer = updates.find((u) => typeof u.data.customer === 'string');
    if (customer) await this.rules.refreshRelated(sql, receivableForm, customer.data, null, 'zh-CN');
  }
}
