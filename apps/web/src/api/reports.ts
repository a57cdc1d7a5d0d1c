import { http } from './request';

/** Decimal amounts travel as strings (exact to the cent); charts convert at the edge. */
export type Decimal = string;

export type AgingBasis = 'due' | 'age';
export type AgingGroupBy = 'company' | 'customer' | 'sales_owner';

export interface AgingBucket {
  key: string;
  label: string;
}

export interface AgingRow {
  key: string | null;
  label: string | null;
  amounts: Decimal[];
  total: Decimal;
  items: number;
}

export interface AgingReport {
  asOf?: string;
  buckets: AgingBucket[];
  rows: AgingRow[];
  totals: { amounts: Decimal[]; total: Decimal };
}

export interface ProvisionRow {
  key: string;
  label: string;
  balance: Decimal;
  rate: Decimal;
  provision: Decimal;
}

export interface ProvisionReport {
  rates: Decimal[];
  rows: ProvisionRow[];
  total: Decimal | { balance?: Decimal; provision?: Decimal };
}

export interface DsoReport {
  dso: Decimal | null;
  countbackDso: Decimal | null;
  bestPossibleDso: Decimal | null;
  averageDaysDelinquent: Decimal | null;
  overduePercent: Decimal | null;
  over90Percent: Decimal | null;
  ar: { total: Decimal; current: Decimal; overdue: Decimal; over90: Decimal };
  creditSales: Decimal;
  monthlySales: Array<{ month: string; sales: Decimal }>;
}

export interface TopOverdueItem {
  customerId: string;
  name: string;
  overdue: Decimal;
  total: Decimal;
  maxDaysOverdue: number;
  shareOfAr: Decimal | null;
}

export const reportsApi = {
  aging(query: { asOf: string; basis?: AgingBasis; groupBy?: AgingGroupBy }, signal?: AbortSignal): Promise<AgingReport> {
    return http.get('/reports/aging', { signal, query });
  },
  provision(asOf: string, signal?: AbortSignal): Promise<ProvisionReport> {
    return http.get('/reports/provision', { signal, query: { asOf } });
  },
  dso(asOf: string, months = 3, signal?: AbortSignal): Promise<DsoReport> {
    return http.get('/reports/dso', { signal, query: { asOf, months } });
  },
  topOverdue(asOf: string, limit = 10, signal?: AbortSignal): Promise<{ items: TopOverdueItem[] }> {
    return http.get('/reports/top-overdue', { signal, query: { asOf, limit } });
  },
  provisionRates(signal?: AbortSignal): Promise<{ rates: Decimal[]; brackets?: string[] }> {
    return http.get('/settings/provision-rates', { signal });
  },
  /** Admins only; six percent strings, one per 账龄 bracket (audited by the API). */
  setProvisionRates(rates: Decimal[]): Promise<{ rates: Decimal[]; brackets?: string[] }> {
    return http.request('PUT', '/settings/provision-rates', { body: { rates } });
  },
};
