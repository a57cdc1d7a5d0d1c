import { Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import { DEFAULT_LOCALE, translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  countbackDso,
  provisionOf,
  simpleDso,
  sumDecimals,
  type MonthSales,
} from './credit-math.js';
import { REPORT_PRELUDE, ReportsRepository, arSourceOfPrelude, type AgingBasis, type AgingGroup } from './reports.repository.js';

const OVERDUE_BUCKETS = [
  { key: 'current', 'zh-CN': '未到期', en: 'Current' },
  { key: '1-30', 'zh-CN': '逾期1-30天', en: '1–30 days' },
  { key: '31-60', 'zh-CN': '逾期31-60天', en: '31–60 days' },
  { key: '61-90', 'zh-CN': '逾期61-90天', en: '61–90 days' },
  { key: '90+', 'zh-CN': '逾期90天以上', en: '90+ days' },
];
const AGE_BUCKETS = [
  { key: '0-1y', 'zh-CN': '1年以内', en: 'Within 1 year' },
  { key: '1-2y', 'zh-CN': '1-2年', en: '1–2 years' },
  { key: '2-3y', 'zh-CN': '2-3年', en: '2–3 years' },
  { key: '3-4y', 'zh-CN': '3-4年', en: '3–4 years' },
  { key: '4-5y', 'zh-CN': '4-5年', en: '4–5 years' },
  { key: '5y+', 'zh-CN': '5年以上', en: 'Over 5 years' },
];

/** Default 坏账准备 rates by 账龄 bracket (DOMAIN §2.2 demo default); each tenant can change them. */
export const DEFAULT_PROVISION_RATES = ['5', '10', '30', '50', '80', '100'];

function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The N calendar months ending with asOf's month, newest first. */
function monthsBack(asOf: string, n: number): string[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly reports: ReportsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * AR aging by overdue bucket (basis=due) or by 账龄 (basis=age), for the company, per customer or
   * per sales owner: the response body as JSON text. Rows and totals are pivoted, summed (numeric,
   * 2 decimals), sorted (largest total first, then label, then key) and serialised in SQL; here
   * only the head is added. The projection lookup and the report's settings (no JIT: a report is
   * one scan whose JIT compile costs more than it saves; work_mem for the per-group hash) ride
   * with BEGIN, so the report is one more round trip.
   */
  async aging(auth: AuthContext, asOf: string, basis: AgingBasis, group: AgingGroup, locale: Locale): Promise<string> {
    const report = await this.db.run(auth.tenantId, (sql, prelude) => this.reports.agingJson(sql, asOf, basis, group, arSourceOfPrelude(prelude)), {
      prelude: REPORT_PRELUDE,
      readCommitLater: true,
    });
    const buckets = (basis === 'due' ? OVERDUE_BUCKETS : AGE_BUCKETS).map((b) => ({ key: b.key, label: b[locale] }));
    const head = JSON.stringify({ asOf, basis, groupBy: group, buckets });
    return `${head.slice(0, -1)},"rows":${report.rows},"totals":${report.totals}}`;
  }

  /** 坏账准备 by the 账龄 provision matrix (tenant rates), to the cent. */
  async provision(auth: AuthContext, asOf: string, locale: Locale) {
    const [rows, settings] = await this.db.run(auth.tenantId, async (sql) =>
      Promise.all([this.reports.arSource(sql).then((source) => this.reports.aging(sql, asOf, 'age', 'company', source)), this.reports.settings(sql)]),
    );
    const rates = (settings.provisionRates as string[] | undefined) ?? DEFAULT_PROVISION_RATES;
    const balances = AGE_BUCKETS.map((_, i) => sumDecimals(rows.filter((r) => r.bucket === i).map((r) => r.amount)));
    const lines = AGE_BUCKETS.map((b, i) => ({
      key: b.key,
      label: b[locale],
      balance: balances[i]!,
      rate: rates[i]!,
      provision: provisionOf(balances[i]!, rates[i]!),
    }));
    const balance = sumDecimals(balances);
    const provision = sumDecimals(lines.map((l) => l.provision));
    return { asOf, rates, rows: lines, total: { balance, provision } };
  }

  /** DSO (simple and countback), best possible DSO and average days delinquent, plus overdue shares. */
  async dso(auth: AuthContext, asOf: string, months: number) {
    const window = monthsBack(asOf, months);
    const history = monthsBack(asOf, 36);
    const periodStart = `${window[window.length - 1]}-01`;
    const dayBefore = new Date(Date.parse(`${periodStart}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const { sales, balances, beginning, adp } = await this.db.run(auth.tenantId, async (sql) => {
      const source = await this.reports.arSource(sql);
      return {
        sales: await this.reports.monthlySales(sql, `${history[history.length - 1]}-01`, asOf, source),
        balances: await this.reports.balances(sql, asOf, source),
        beginning: await this.reports.arOn(sql, dayBefore, source),
        adp: await this.reports.averageDaysToPay(sql, periodStart, asOf),
      };
    });
    const byMonth = new Map(sales.map((s) => [s.month, s.sales]));
    const windowSales = sumDecimals(window.map((m) => byMonth.get(m) ?? '0'));
    const days = window.reduce((n, m) => n + daysInMonth(m), 0);
    const monthly: MonthSales[] = history.map((m) => ({ month: m, sales: byMonth.get(m) ?? '0', days: daysInMonth(m) }));
    const dso = simpleDso(balances.total, windowSales, days);
    const bpdso = bestPossibleDso(balances.current, windowSales, days);
    const share = (part: string) => (Number(balances.total) > 0 ? ((Number(part) / Number(balances.total)) * 100).toFixed(1) : null);
    return {
      asOf,
      months,
      periodDays: days,
      creditSales: windowSales,
      ar: balances,
      dso,
      countbackDso: countbackDso(balances.total, monthly),
      bestPossibleDso: bpdso,
      averageDaysDelinquent: averageDaysDelinquent(dso, bpdso),
      beginningAr: beginning,
      averageDaysToPay: adp.amount === '0' || Number(adp.amount) === 0 ? null : new Decimal(adp.weighted_days).div(adp.amount).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1),
      cei: collectionEffectivenessIndex(beginning, windowSales, months, balances.total, balances.current),
      overduePercent: share(balances.overdue),
      over90Percent: share(balances.over90),
      monthlySales: monthly.slice(0, months).map(({ month, sales: s }) => ({ month, sales: sumDecimals([s]) })),
    };
  }

  /** Concentration: the top N customers' share of AR (DOMAIN §6.7). */
  async concentration(auth: AuthContext, asOf: string, top: number) {
    const [rows, balances] = await this.db.run(auth.tenantId, async (sql) => {
      const source = await this.reports.arSource(sql);
      return Promise.all([this.reports.concentration(sql, asOf, top, source), this.reports.balances(sql, asOf, source)]);
    });
    const topTotal = sumDecimals(rows.map((r) => r.total));
    const pct = (part: string) => (Number(balances.total) > 0 ? new Decimal(part).div(balances.total).mul(100).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1) : null);
    return {
      asOf,
      totalAr: balances.total,
      top: rows.map((r) => ({ customerId: r.customer_id, name: r.name, total: sumDecimals([r.total]), share: pct(r.total) })),
      topTotal,
      topShare: pct(topTotal),
    };
  }

  /** Grade and class distribution from the stored rule results (latest assessments and customers). */
  async distribution(auth: AuthContext) {
    const [grades, classes] = await this.db.run(auth.tenantId, (sql) =>
      Promise.all([this.reports.ruleDistribution(sql, 'credit_assessment', 'rating'), this.reports.ruleDistribution(sql, 'customer', 'customer_class')]),
    );
    return { grades, classes };
  }

  async topOverdue(auth: AuthContext, asOf: string, limit: number) {
    const [rows, balances] = await this.db.run(auth.tenantId, async (sql) => {
      const source = await this.reports.arSource(sql);
      return Promise.all([this.reports.topOverdue(sql, asOf, limit, source), this.reports.balances(sql, asOf, source)]);
    });
    return {
      asOf,
      totalAr: balances.total,
      items: rows.map((r) => ({
        customerId: r.customer_id,
        name: r.name,
        overdue: sumDecimals([r.overdue]),
        total: sumDecimals([r.total]),
        maxDaysOverdue: r.max_days,
        shareOfAr: Number(balances.total) > 0 ? ((Number(r.total) / Number(balances.total)) * 100).toFixed(1) : null,
      })),
    };
  }

  async provisionRates(auth: AuthContext) {
    const settings = await this.db.run(auth.tenantId, (sql) => this.reports.settings(sql));
    return { rates: (settings.provisionRates as string[] | undefined) ?? DEFAULT_PROVISION_RATES, brackets: AGE_BUCKETS.map((b) => b.key) };
  }

  async setProvisionRates(auth: AuthContext, rates: string[], locale: Locale = DEFAULT_LOCALE) {
    if (rates.length !== AGE_BUCKETS.length) throw new AppException(400, 'http.validation_failed', {}, [{ path: '/rates', keyword: 'length', message: String(AGE_BUCKETS.length) }]);
    // An older debt is never less doubtful: the matrix must not fall from one 账龄 bracket to the next.
    const errors = rates.flatMap((rate, index) =>
      index > 0 && new Decimal(rate).lt(new Decimal(rates[index - 1]!))
        ? [{ path: `/rates/${index}`, keyword: 'ascending', message: translate('reports.rates_descending', locale, { index: index + 1, bracket: AGE_BUCKETS[index]!.key, rate, previous: rates[index - 1] }) }]
        : [],
    );
    if (errors.length) throw new AppException(400, 'http.validation_failed', {}, errors);
    await this.db.run(auth.tenantId, async (sql) => {
      const settings = await this.reports.settings(sql);
      await this.reports.saveSettings(sql, { ...settings, provisionRates: rates });
      await this.audit.append(sql, { actorId: auth.userId, action: 'settings.update', entity: 'tenant', details: { provisionRates: rates }, requestId: auth.requestId });
    });
    return this.provisionRates(auth);
  }
}
