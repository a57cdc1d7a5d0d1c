import { http } from './request';

export const COLLECTION_STAGE_KEYS = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7'] as const;
export const STAGE_ASSIGNEES = ['system', 'sales_owner', 'collector', 'credit_manager'] as const;
export type StageAssignee = (typeof STAGE_ASSIGNEES)[number];

/** One step of the collection plan (DOMAIN §5.1); schemas/api/collection-settings.schema.json. */
export interface CollectionStage {
  stage: string;
  /** Days from the due date (D−7 = -7). */
  offset: number;
  assignee: StageAssignee;
  instruction: { 'zh-CN': string; en: string };
  /** Sends the customer the dunning e-mail; unset: only the system stages do. */
  email?: boolean;
}

export interface CollectionSettings {
  stages: CollectionStage[];
  promiseGraceDays?: number;
}

export interface CollectionRun {
  asOf: string;
  emails: number;
  items: number;
  skippedNoEmail: number;
  skippedNoSmtp: number;
  tasks: { created: number; closed: number };
  promises: { open: number; kept: number; broken: number };
}

export const collectionApi = {
  settings(signal?: AbortSignal): Promise<CollectionSettings> {
    return http.get('/reminders/settings', { signal });
  },
  /** The texts the collection run writes into tasks (stored in zh-CN) with their English; schemas/api/collection-texts.schema.json. */
  texts(signal?: AbortSignal): Promise<{ texts: Array<{ 'zh-CN': string; en: string }> }> {
    return http.get('/reminders/texts', { signal });
  },
  /** Admins and credit managers; audited. 400 with paths such as /stages/2/offset. */
  save(settings: CollectionSettings): Promise<CollectionSettings> {
    return http.request('PUT', '/reminders/settings', { body: settings });
  },
  /** The daily run now (tasks, promises, e-mails), as of `asOf`. */
  run(asOf?: string): Promise<CollectionRun> {
    return http.request('POST', '/reminders/run', { body: asOf ? { asOf } : {} });
  },
};
