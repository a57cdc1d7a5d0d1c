import { http } from './request';

export type RecordData = Record<string, unknown>;

export interface FormRecord {
  id: string;
  rev: number;
  /** Version of the form the record was last written with. */
  formVersion?: number;
  data: RecordData;
  createdAt: string;
  createdBy?: string | null;
  updatedAt: string;
  updatedBy?: string | null;
  /** A customer's rolled-up figures (ar_balance, overdue_amount, …; decimals as strings), on request. */
  rollups?: Record<string, unknown>;
  /** Display labels the server resolved for user links and references, by field key. */
  labels?: Record<string, string | null>;
  /** Soft-deleted (restorable). */
  deleted?: boolean;
  /** The form's rule-set result for this record (values, alerts; the explanation on a single read). */
  rules?: unknown;
}

export interface RecordPage {
  items: FormRecord[];
  next: string | null;
  total?: number;
  /** true: `total` is the planner's estimate (more than 1,000 match); false: an exact count. */
  totalIsEstimate?: boolean;
  totalCapped?: boolean;
}

/** One condition per field: `{ credit_limit: { gte: "100000" } }` (operators from the engine's field types). */
export type RecordFilter = Record<string, Record<string, unknown>>;

export interface ListRecordsQuery {
  limit?: number;
  cursor?: string | null;
  total?: boolean;
  filter?: RecordFilter | null;
  /** "field" ascending, "-field" descending; absent = newest first. */
  sort?: string | null;
  fields?: string[];
  /** Extras per record: a customer's rollups (AR balance, …) and/or the stored rule results. */
  include?: Array<'rollups' | 'rules'>;
}

export type RevisionAction = 'create' | 'update' | 'delete' | 'restore' | 'revert' | 'migrate' | 'recompute';

export interface RecordRevision {
  rev: number;
  action: RevisionAction;
  formVersion?: number;
  changes: Record<string, { from?: unknown; to?: unknown }>;
  data?: RecordData;
  /** `name` is the user's display name; `email` stays for tooltips and tools. */
  actor: { id: string; name: string | null; email: string | null } | null;
  at: string;
  revertedFrom?: number | null;
}

export interface SummaryGroup {
  value: unknown;
  count: number;
  /** Exact sums as decimal strings, by field key. */
  sums: Record<string, string | null>;
}

export interface RecordSummary {
  groupBy: string | null;
  groups: SummaryGroup[];
}

const base = (formKey: string) => `/forms/${encodeURIComponent(formKey)}/records`;
const one = (formKey: string, id: string) => `${base(formKey)}/${encodeURIComponent(id)}`;
/** The record's revision as the ETag the server handed out. */
const ifMatch = (rev: number) => ({ 'If-Match': `"${rev}"` });
const filterParam = (filter: RecordFilter | null | undefined) => (filter && Object.keys(filter).length ? JSON.stringify(filter) : undefined);

export const recordsApi = {
  list(formKey: string, query: ListRecordsQuery = {}, signal?: AbortSignal): Promise<RecordPage> {
    return http.get(base(formKey), {
      signal,
      query: {
        limit: query.limit,
        cursor: query.cursor,
        total: query.total ? 'true' : undefined,
        filter: filterParam(query.filter),
        sort: query.sort ?? undefined,
        fields: query.fields?.join(','),
        include: query.include?.length ? query.include.join(',') : undefined,
      },
    });
  },
  get(formKey: string, id: string, signal?: AbortSignal): Promise<FormRecord> {
    return http.get(one(formKey, id), { signal });
  },
  create(formKey: string, data: RecordData): Promise<FormRecord> {
    return http.post(base(formKey), { data });
  },
  /** Only the changed fields (null clears one); 412 when `rev` is no longer the latest. */
  update(formKey: string, id: string, rev: number, data: RecordData): Promise<FormRecord> {
    return http.patch(one(formKey, id), { data }, { headers: ifMatch(rev) });
  },
  remove(formKey: string, id: string, rev: number): Promise<void> {
    return http.delete(one(formKey, id), { headers: ifMatch(rev) });
  },
  restore(formKey: string, id: string): Promise<FormRecord> {
    return http.post(`${one(formKey, id)}/restore`);
  },
  revisions(formKey: string, id: string, signal?: AbortSignal): Promise<{ items: RecordRevision[] }> {
    return http.get(`${one(formKey, id)}/revisions`, { signal });
  },
  revert(formKey: string, id: string, toRev: number, currentRev: number): Promise<FormRecord> {
    return http.post(`${one(formKey, id)}/revisions/${toRev}/revert`, undefined, { headers: ifMatch(currentRev) });
  },
  /** The list as CSV (UTF-8 with BOM), streamed by the server with the list's filter, sort and fields. */
  exportCsv(formKey: string, query: { filter?: RecordFilter | null; sort?: string | null; fields?: string[] }): Promise<Blob> {
    return http.download(`/forms/${encodeURIComponent(formKey)}/export.csv`, {
      query: { filter: filterParam(query.filter), sort: query.sort ?? undefined, fields: query.fields?.join(','), headers: 'labels' },
    });
  },
  summary(formKey: string, query: { groupBy?: string; sum?: string[]; filter?: RecordFilter | null }, signal?: AbortSignal): Promise<RecordSummary> {
    return http.get(`${base(formKey)}/summary`, {
      signal,
      query: { groupBy: query.groupBy, sum: query.sum?.length ? query.sum.join(',') : undefined, filter: filterParam(query.filter) },
    });
  },
};
