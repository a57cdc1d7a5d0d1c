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
}

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
       FROM records_t r JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id
       WHERE f.key = $3 AND r.deleted_at IS NULL AND (r.data->>'${c.customerField}') = ANY($1::text[])
         AND (r.data->>'${c.amountField}')::numeric > 0
       GROUP BY 1`,
      [customers.map((x) => x.id), asOf, c.form],
    );
    const byId = new Map(rows.map((r) => [r.customer, r]));
    // The latest assessment of each customer, with the grade its scorecard gave it.
    const assessments = await sql.rows<{ customer: string; rating: string | null; valid_until: string | null; debt_ratio: string | null; public_record: string | null }>(
      `SELECT DISTINCT ON (a.data->>'customer') a.data->>'customer' AS customer, x.vals->>'rating' AS rating, x.vals->>'valid_until' AS valid_until,
              a.data->>'debt_ratio' AS debt_ratio, a.data->>'public_record' AS public_record
       FROM records_t a JOIN forms f ON f.tenant_id = a.tenant_id AND f.id = a.form_id
       LEFT JOIN record_rule_results x ON x.tenant_id = a.tenant_id AND x.record_id = a.id
       WHERE f.key = 'credit_assessment' AND a.deleted_at IS NULL AND (a.data->>'customer') = ANY($1::text[])
       ORDER BY a.data->>'customer', credo_date(a.data->>'assessed_on') DESC, a.id DESC`,
      [customers.map((x) => x.id)],
    );
    const latest = new Map(assessments.map((a) => [a.customer, a]));
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
      });
    }
    return result;
  }
}
