import { http } from './request';
import type { LocalizedText } from './types';

export interface FormRuleSet {
  form: string;
  /** The published rule-set document (owned by the rules module; read defensively). */
  published: { version: number; document: unknown } | null;
  /** Labels of the values of rollups that carry a related form's field (value → zh-CN/en), from that field's options. */
  rollupLabels?: Record<string, Record<string, LocalizedText>>;
}

export const rulesApi = {
  get(formKey: string, signal?: AbortSignal): Promise<FormRuleSet> {
    return http.get(`/forms/${encodeURIComponent(formKey)}/rules`, { signal });
  },
};
