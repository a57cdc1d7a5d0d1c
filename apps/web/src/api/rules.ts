import { http } from './request';

export interface FormRuleSet {
  form: string;
  /** The published rule-set document (owned by the rules module; read defensively). */
  published: { version: number; document: unknown } | null;
}

export const rulesApi = {
  get(formKey: string, signal?: AbortSignal): Promise<FormRuleSet> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/rules`, { signal });
  },
};
