import { http } from './request';
import type { LocalizedText } from './types';

export interface FormSummary {
  key: string;
  title: LocalizedText;
  recordCount: number;
  /** The server stops counting at a cap (10 000): the real count is higher. */
  recordCountCapped?: boolean;
  /** Published version number (some builds send the version object); null when unpublished. */
  version: number | { number: number } | null;
  updatedAt: string;
}

export function versionNumber(version: FormSummary['version'] | undefined): number | null {
  if (typeof version === 'number') return version;
  if (version && typeof version === 'object' && typeof version.number === 'number') return version.number;
  return null;
}

export interface FieldOption {
  value: string | number | boolean;
  label?: LocalizedText;
  archived?: boolean;
}

/**
 * The part of a form definition the web needs today. The engine owns the full shape;
 * anything else on a field is kept (index signature) and ignored until a screen needs it.
 */
export interface FieldDefinition {
  key: string;
  type: string;
  label: LocalizedText;
  options?: FieldOption[];
  fields?: FieldDefinition[];
  [extra: string]: unknown;
}

export interface FormDefinition {
  fields: FieldDefinition[];
  [extra: string]: unknown;
}

export interface FormVersion {
  id: string;
  number: number;
  definition: FormDefinition;
  schema: unknown;
  /** Produced by the form engine; its shape is still moving, so it is read defensively. */
  ui: unknown;
  publishedAt: string | null;
}

export interface FormDetail {
  key: string;
  title: LocalizedText;
  /** What the signed-in user may do on this form's records (from the API; older servers omit it). */
  access?: FormAccess;
  /** null while the form has never been published. */
  version: FormVersion | null;
}

export interface FormAccess {
  read: boolean;
  create: boolean;
  update: boolean;
  delete: boolean;
}

/** The user's access, or a role-based guess (everyone but a pure viewer writes; deleting is the API's call) while unknown. */
export function formAccess(form: FormDetail | null | undefined, roles: readonly string[] | undefined): FormAccess {
  if (form?.access) return form.access;
  const writes = !(roles ?? []).every((r) => r === 'viewer');
  return { read: true, create: writes, update: writes, delete: writes };
}

export const formsApi = {
  list(signal?: AbortSignal): Promise<{ items: FormSummary[] }> {
    return http.get('/forms', { signal });
  },
  get(key: string, signal?: AbortSignal): Promise<FormDetail> {
    return http.get(`/forms/${encodeURIComponent(key)}`, { signal });
  },
};
