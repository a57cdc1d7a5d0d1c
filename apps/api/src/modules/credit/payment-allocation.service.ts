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

/** A problem of a payment's allocations: the path of the field and the message's key and values. */
export interface AllocationProblem {
  path: string;
  keyword: 'sameCustomer' | 'maxOutstanding' | 'maxAmount';
  code: 'payments.other_customer' | 'payments.over_outstanding' | 'payments.over_amount';
  params: Record<string, string>;
}

/**
 * The allocations of a payment against the receivables as they stand (`receivable(id)`: its
 * data, undefined when there is none — the reference check reports those): each must be of the
 * payment's customer, their sum per receivable at most its outstanding, their total at most the
 * payment. `want`: the amount to settle per receivable. Single creates and imports share it.
 */
export function allocationProblems(data: Record<string, unknown>, receivable: (id: string) => Record<string, unknown> | undefined): { problems: AllocationProblem[]; want: Map<string, Decimal> } {
  const allocations = Array.isArray(data.allocations) ? (data.allocations as Allocation[]) : [];
  const want = new Map<string, Decimal>();
  const problems: AllocationProblem[] = [];
  allocations.forEach((allocation, index) => {
    const id = allocation.receivable as string;
    const found = receivable(id);
    if (found && found.customer !== data.customer) {
      problems.push({ path: `/allocations/${index}/receivable`, keyword: 'sameCustomer', code: 'payments.other_customer', params: {} });
      return;
    }
    want.set(id, (want.get(id) ?? new Decimal(0)).add(typeof allocation.amount === 'string' ? allocation.amount : 0));
  });
  for (const [id, amount] of want) {
    const found = receivable(id);
    if (!found) continue; // the reference check reports it
    const outstanding = new Decimal(String(found.outstanding ?? '0'));
    if (amount.gt(outstanding)) {
      const index = allocations.findIndex((a) => a.receivable === id);
      problems.push({
        path: `/allocations/${index}/amount`,
        keyword: 'maxOutstanding',
        code: 'payments.over_outstanding',
        params: { outstanding: outstanding.toFixed(2), amount: amount.toFixed(2) },
      });
    }
  }
  const allocated = [...want.values()].reduce((sum, x) => sum.add(x), new Decimal(0));
  const paid = new Decimal(typeof data.amount === 'string' && data.amount !== '' ? data.amount : '0');
  if (allocated.gt(paid)) {
    problems.push({ path: '/allocations', keyword: 'maxAmount', code: 'payments.over_amount', params: { allocated: allocated.toFixed(2), amount: paid.toFixed(2) } });
  }
  return { problems, want };
}

/** A receivable with `amount` more received, completed again (outstanding, status, buckets) as of `asOf`. */
export function settledData(receivableForm: PublishedForm, data: Record<string, unknown>, amount: Decimal, asOf: string): Record<string, unknown> {
  const input = receivableForm.compiled.withoutComputed(data);
  input.received = new Decimal(String(data.received ?? '0')).add(amount).toFixed(2);
  const autoNumbers = Object.fromEntries(receivableForm.compiled.autoNumberFields.map((f) => [f.key, data[f.key]]));
  return receivableForm.compiled.complete({ ...input, ...autoNumbers }, { asOf });
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
    const { problems, want } = allocationProblems(data, (id) => byId.get(id)?.data);
    const errors = problems.map((p) => ({ path: p.path, keyword: p.keyword, message: translate(p.code, locale, p.params), ...(p.code === 'payments.other_customer' ? {} : { params: p.params }) }));
    if (errors.length) throw new AppException(400, 'http.validation_failed', {}, errors);
    return [...want].filter(([id]) => byId.has(id)).map(([id, amount]) => {
      const receivable = byId.get(id)!;
      const next = settledData(receivableForm, receivable.data, amount, asOf);
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
