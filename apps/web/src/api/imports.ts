import { http } from './request';

export type ImportMode = 'insert' | 'upsert' | 'update';

export interface ImportRowError {
  row: number;
  column: number | null;
  header: string | null;
  field: string | null;
  message: string;
}

export interface SuggestedColumn {
  column: number;
  header: string;
  field: string | null;
  by?: 'key' | 'label' | 'synonym' | 'similar';
}

/** POST /forms/{key}/imports (a dry run): what the file holds and what is wrong with it. */
export interface ImportReport {
  mode: ImportMode;
  key?: string;
  dryRun: boolean;
  encoding: string;
  columns: Array<{ column: number; header: string; field: string | null; ignored?: boolean }>;
  rows: { total: number; valid: number; invalid: number; empty: number };
  errors: ImportRowError[];
  suggestedMapping?: SuggestedColumn[];
}

export type ImportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ImportJob {
  id: string;
  form: string;
  status: ImportJobStatus;
  mode: ImportMode;
  key: string | null;
  dryRun: boolean;
  rows: { processed: number; total: number | null; valid: number; invalid: number };
  counts: { inserted: number; updated: number; unchanged: number; skipped: number; failed: number };
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  cancelRequested: boolean;
  errors: ImportRowError[];
  problem: { code?: string; title?: string } | null;
}

export interface ImportMapping {
  id: string;
  name: string;
  columns: Array<{ header: string; field: string | null }>;
  mode: ImportMode;
  key: string | null;
}

export interface ImportQuery {
  mode: ImportMode;
  key?: string;
  mappingId?: string;
  /** Header text → field key (null: left out): this run's mapping, sent without saving it. */
  mapping?: Record<string, string | null>;
  skipInvalid?: boolean;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The per-form import routes read at most this much (apps/api app.factory IMPORT_BODY_LIMIT). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The file with the content type the API reads it by (browsers often send CSV without one). */
function typed(file: File): Blob {
  const type = /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
  return new Blob([file], { type });
}

/** The mapping travels in a header (URI-encoded JSON): the query stays short, nothing is saved. */
function mappingHeader(q: ImportQuery): Record<string, string> {
  return q.mapping ? { 'x-import-mapping': encodeURIComponent(JSON.stringify(q.mapping)) } : {};
}

function query(q: ImportQuery, dryRun: boolean) {
  return { mode: q.mode, key: q.mode === 'insert' ? undefined : q.key, mappingId: q.mappingId, dryRun: String(dryRun), skipInvalid: q.skipInvalid ? 'true' : undefined };
}

export const importsApi = {
  preview(formKey: string, file: File): Promise<{ encoding: string; columns: SuggestedColumn[] }> {
    return http.upload(`/forms/${encodeURIComponent(formKey)}/imports/preview`, typed(file));
  },
  dryRun(formKey: string, file: File, q: ImportQuery): Promise<ImportReport> {
    return http.upload(`/forms/${encodeURIComponent(formKey)}/imports`, typed(file), { query: query(q, true), headers: mappingHeader(q) });
  },
  start(formKey: string, file: File, q: ImportQuery): Promise<ImportJob> {
    return http.upload(`/forms/${encodeURIComponent(formKey)}/imports/jobs`, typed(file), {
      query: query(q, false),
      headers: { 'x-file-name': encodeURIComponent(file.name), ...mappingHeader(q) },
    });
  },
  job(id: string): Promise<ImportJob> {
    return http.get(`/imports/${encodeURIComponent(id)}`);
  },
  cancel(id: string): Promise<ImportJob> {
    return http.post(`/imports/${encodeURIComponent(id)}/cancel`);
  },
  errorsWorkbook(id: string): Promise<Blob> {
    return http.download(`/imports/${encodeURIComponent(id)}/errors.xlsx`);
  },
  mappings(formKey: string): Promise<ImportMapping[]> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/import-mappings`);
  },
  saveMapping(formKey: string, mapping: Omit<ImportMapping, 'id'>): Promise<ImportMapping> {
    return http.post(`/forms/${encodeURIComponent(formKey)}/import-mappings`, mapping);
  },
};
