import { Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import type { Sql } from '../../database/tenant-database.js';
import { DEFAULT_CREDIT_CONTROL } from './credit-control.service.js';

/** A customer's receivables position as of a date (DOMAIN §6.1 computed fields). */
export interface CustomerRollups {
  ar_balance: string;
  overdue_amount: string;
  max_days_overdue: number;
  open_items: number;
  /** ar_balance ÷ credit_limit × 100, one decimal; null without a limit (or a limit of 0). */
  utilisation: string | null;
  /** Grade of the latest assessment still valid on the date (null when none is). */
  rating: string | null;
  /** Debt ratio % and public record of the latest assessment. */
  debt_ratio: string | null;
  public_record: string | null;
  assessment_valid_until: string | null;
  /** Promises to pay marked broken (已违约) whose promised date lies in the 90 days up to the date (DOMAIN §6.5). */
  broken_promises_90d: number;
  /** Broken promises on items still unpaid and not followed by a newer open or kept promise (DOMAIN §6.6 PTP_BROKEN). */
  open_broken_promises: number;
}

/**
 * Per form, the rule-set rollups that carry a field of a related form as it is (their values are
 * that field's options, said with its option labels, e.g. 公共记录 失信被执行人 = Dishonest
 * judgment debtor; a receivable's 客户信用状态 黑名单 = Blacklisted).
 */
export const ROLLUP_SOURCES: Readonly<Record<string, Readonly<Record<string, { form: string; field: string }>>>> = {
  customer: { public_record: { form: 'credit_assessment', field: 'public_record' } },
  receivable: { customer_credit_status: { form: 'customer', field: 'credit_status' }, customer_type: { form: 'customer', field: 'customer_type' } },
};

/**
 * Rollups over related records, in SQL, as of a date: one grouped query per page of customers,
 * riding the receivable form's index on its customer field. Computed when read, so they are
 * always current, including the time-dependent ones (days overdue).
 */
@Injectable()
export class CustomerRollupsService {
  appliesTo(formKey: string): boolean {
    return formKey === DEFAULT_CREDIT_CONTROL.customerForm;
  }

  async forCustomers(sql: Sql, customers: Array<{ id: string; data: Record<string, unknown> }>, asOf: string): Promise<Map<string, CustomerRollups>> {
    const result = new Map<string, CustomerRollups>();
    if (!customers.length) return result;
    const c = DEFAULT_CREDIT_CONTROL;
    const rows = await sql.rows<{ customer: string; balance: string; overdue: string; max_days: number; items: number }>(
      `SELECT r.data->>'${c.customerField}' AS customer,
              sum((r.data->>'${c.amountField}')::numeric)::text AS balance,
              coalesce(sum((r.data->>'${c.amountField}')::numeric) FILTER (WHERE (r.data->>'due_date')::date < $2::date), 0)::text AS overdue,
              coalesce(max($2::date - (r.data->>'due_date')::date) FILTER (WHERE (r.data->>'due_date')::date < $2::date), 0)::int AS max_days,
              count(*)::int AS items
       FROM records_t r
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $3) AND r.deleted_at IS NULL AND (r.data->>'${c.customerField}') = ANY($1::text[])
         AND (r.data->>'${c.amountField}')::numeric > 0
       GROUP BY 1`,
      [customers.map((x) => x.id), asOf, c.form],
    );
    const byId = new Map(rows.map((r) => [r.customer, r]));
    // The latest assessment of each customer, with the grade its scorecard gave it.
    const assessments = await sql.rows<{ customer: string; rating: string | null; valid_until: string | null; debt_ratio: string | null; public_record: string | null }>(
      `SELECT DISTINCT ON (a.data->>'customer') a.data->>'customer' AS customer, x.vals->>'rating' AS rating, x.vals->>'valid_until' AS valid_until,
              a.data->>'debt_ratio' AS debt_ratio, a.data->>'public_record' AS public_record
       FROM records_t a
       LEFT JOIN record_rule_results x ON x.tenant_id = a.tenant_id AND x.record_id = a.id
       WHERE a.form_id = (SELECT f.id FROM forms f WHERE f.key = 'credit_assessment') AND a.deleted_at IS NULL AND (a.data->>'customer') = ANY($1::text[])
       ORDER BY a.data->>'customer', credo_date(a.data->>'assessed_on') DESC, a.id DESC`,
      [customers.map((x) => x.id)],
    );
    const latest = new Map(assessments.map((a) => [a.customer, a]));
    // Promises to pay (collection records) the daily collection job has marked broken. The form id
    // goes in as a value so only the form's partition of records (and its field indexes) is searched.
    const promiseForm = await sql.one<{ id: string }>(`SELECT id FROM forms WHERE tenant_id = credo_current_tenant() AND key = 'collection_record'`);
    const promises = !promiseForm ? [] : await sql.rows<{ customer: string; recent: number; open: number }>(
      `SELECT b.data->>'customer' AS customer,
              count(*) FILTER (WHERE credo_date(b.data->>'promised_date') > $2::date - 90 AND credo_date(b.data->>'promised_date') <= $2::date)::int AS recent,
              count(*) FILTER (WHERE
                (CASE WHEN b.data->>'receivable' IS NULL THEN EXISTS (
                        SELECT 1 FROM records_t o
                        WHERE o.form_id = (SELECT of.id FROM forms of WHERE of.key = $3) AND o.deleted_at IS NULL AND o.data->>'${c.customerField}' = b.data->>'customer' AND (o.data->>'${c.amountField}')::numeric > 0)
                      ELSE EXISTS (SELECT 1 FROM records_t o WHERE o.form_id = (SELECT rf.id FROM forms rf WHERE rf.key = $3) AND o.id = (b.data->>'receivable')::uuid AND o.deleted_at IS NULL AND (o.data->>'${c.amountField}')::numeric > 0) END)
                AND NOT EXISTS (
                  SELECT 1 FROM records_t n WHERE n.form_id = b.form_id AND n.deleted_at IS NULL AND n.data->>'customer' = b.data->>'customer'
                    AND n.data->>'result' = '承诺付款' AND n.data->>'promise_status' IS DISTINCT FROM '已违约'
                    AND (b.data->>'receivable' IS NULL OR n.data->>'receivable' IS NULL OR n.data->>'receivable' = b.data->>'receivable')
                    AND n.data->>'collected_at' > b.data->>'collected_at'))::int AS open
       FROM records_t b
       WHERE b.form_id = $4::uuid AND b.deleted_at IS NULL AND (b.data->>'customer') = ANY($1::text[])
         AND (b.data->>'promise_status') = '已违约' AND credo_date(b.data->>'promised_date') <= $2::date
       GROUP BY 1`,
      [customers.map((x) => x.id), asOf, c.form, promiseForm.id],
    );
    const broken = new Map(promises.map((p) => [p.customer, p]));
    for (const customer of customers) {
      const row = byId.get(customer.id);
      const balance = new Decimal(row?.balance ?? '0');
      const limit = customer.data[c.limitField];
      const utilisation =
        typeof limit === 'string' && limit !== '' && new Decimal(limit).gt(0)
          ? balance.div(limit).mul(100).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1)
          : null;
      result.set(customer.id, {
        ar_balance: balance.toFixed(2),
        overdue_amount: new Decimal(row?.overdue ?? '0').toFixed(2),
        max_days_overdue: row?.max_days ?? 0,
        open_items: row?.items ?? 0,
        utilisation,
        rating: (() => {
          const a = latest.get(customer.id);
          return a?.rating && (!a.valid_until || a.valid_until >= asOf) ? a.rating : null;
        })(),
        debt_ratio: latest.get(customer.id)?.debt_ratio ?? null,
        public_record: latest.get(customer.id)?.public_record ?? null,
        assessment_valid_until: latest.get(customer.id)?.valid_until ?? null,
        broken_promises_90d: broken.get(customer.id)?.recent ?? 0,
        open_broken_promises: broken.get(customer.id)?.open ?? 0,
      });
    }
    return result;
  }
}
