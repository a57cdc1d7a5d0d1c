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
  /** Display labels the server resolved for user links and references, by field key. */
  labels?: Record<string, string | null>;
}

export interface RecordPage {
  items: FormRecord[];
  next: string | null;
  total?: number;
  totalCapped?: boolean;
}

export interface ListRecordsQuery {
  limit?: number;
  cursor?: string | null;
  total?: boolean;
}

export const recordsApi = {
  list(formKey: string, query: ListRecordsQuery = {}, signal?: AbortSignal): Promise<RecordPage> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/records`, {
      signal,
      query: { limit: query.limit, cursor: query.cursor, total: query.total ? 'true' : undefined },
    });
  },
  get(formKey: string, id: string, signal?: AbortSignal): Promise<FormRecord> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/records/${encodeURIComponent(id)}`, { signal });
  },
};
