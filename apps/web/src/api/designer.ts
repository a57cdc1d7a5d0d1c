import type { DefinitionChange, DefinitionDiff, FieldError, FormDefinition as EngineFormDefinition, RuleSet, RuleSetResult } from '@credo/form-engine';
import { http } from './request';
import type { FormDetail } from './forms';

/*
 * The designer's calls: form drafts and publishing, rule-set drafts, simulation and impact.
 * Types come from the engine (it owns the documents); only the API envelopes are declared here.
 */

export interface FormDraftView {
  key: string;
  draft: EngineFormDefinition | null;
  draftUpdatedAt: string | null;
  publishedVersion: number | null;
  /** Change report against the published version; null before the first publish. */
  diff: DefinitionDiff | null;
}

export interface PublishReport {
  dryRun: boolean;
  version: number;
  changes: DefinitionChange[];
  /** Fields that need a default or a backfill value before publishing. */
  needsDefault: string[];
  records: { total: number; changed: number; unchanged: number; failed: number };
  examples: Array<{ id: string; changes: unknown; steps: unknown[] }>;
  failures: Array<{ id: string; errors: FieldError[]; steps: unknown[] }>;
}

export interface RuleSetView {
  form: string;
  draft: RuleSet | null;
  published: { version: number; document: RuleSet } | null;
  /** Labels of the values of rollups that carry a related form's field (value → zh-CN/en). */
  rollupLabels?: Record<string, Record<string, { 'zh-CN': string; en?: string } | string>>;
  versions: Array<{ id: string; number: number; createdAt: string; createdBy: string | null }>;
}

export interface RuleImpact {
  asOf: string;
  total: number;
  changed: number;
  /** "target=value" -> records. */
  distribution: Record<string, number>;
  alertsRaised: Record<string, number>;
  alertsCleared: Record<string, number>;
  examples: Array<{ id: string; before: unknown; after: unknown }>;
}

const formPath = (key: string) => `/forms/${encodeURIComponent(key)}`;

export const designerApi = {
  create(definition: EngineFormDefinition): Promise<FormDetail> {
    return http.post('/forms', { definition });
  },
  draft(key: string, signal?: AbortSignal): Promise<FormDraftView> {
    return http.get(`${formPath(key)}/draft`, { signal });
  },
  saveDraft(key: string, definition: EngineFormDefinition): Promise<FormDraftView> {
    return http.request('PUT', `${formPath(key)}/draft`, { body: { definition } });
  },
  publish(key: string, options: { dryRun?: boolean; backfill?: Record<string, unknown> }): Promise<PublishReport> {
    return http.post(`${formPath(key)}/publish`, options);
  },
  archive(key: string): Promise<void> {
    return http.post(`${formPath(key)}/archive`);
  },
};

export const ruleDesignerApi = {
  get(key: string, signal?: AbortSignal): Promise<RuleSetView> {
    return http.get(`${formPath(key)}/rules`, { signal });
  },
  save(key: string, ruleSet: RuleSet): Promise<{ form: string; draft: RuleSet }> {
    return http.request('PUT', `${formPath(key)}/rules`, { body: { ruleSet } });
  },
  simulate(key: string, body: { recordId?: string; data?: Record<string, unknown>; draft?: boolean; ruleSet?: RuleSet }): Promise<RuleSetResult> {
    return http.post(`${formPath(key)}/rules/simulate`, body);
  },
  impact(key: string, ruleSet?: RuleSet): Promise<RuleImpact> {
    return http.post(`${formPath(key)}/rules/impact`, ruleSet ? { ruleSet } : {});
  },
  publish(key: string): Promise<unknown> {
    return http.post(`${formPath(key)}/rules/publish`);
  },
};
