import { shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { recordsApi, type FormRecord, type ListRecordsQuery, type RecordData, type RecordPage } from '@/api';

const CACHE_LIMIT = 500;

/**
 * Records of all forms. Pages are not kept here (each list view pages on its own); what is
 * kept is the last-seen copy of each record, so a detail page opens at once from the list
 * and refreshes in the background.
 */
export const useRecordsStore = defineStore('records', () => {
  const seen = shallowRef(new Map<string, FormRecord>());

  const cacheKey = (formKey: string, id: string) => `${formKey}/${id}`;

  function remember(formKey: string, records: FormRecord[]): void {
    const next = new Map(seen.value);
    for (const record of records) {
      next.delete(cacheKey(formKey, record.id));
      next.set(cacheKey(formKey, record.id), record);
    }
    // Oldest first in a Map: trim from the front.
    for (const key of next.keys()) {
      if (next.size <= CACHE_LIMIT) break;
      next.delete(key);
    }
    seen.value = next;
  }

  async function listPage(formKey: string, query: ListRecordsQuery, signal?: AbortSignal): Promise<RecordPage> {
    const page = await recordsApi.list(formKey, query, signal);
    remember(formKey, page.items);
    return page;
  }

  function cached(formKey: string, id: string): FormRecord | undefined {
    return seen.value.get(cacheKey(formKey, id));
  }

  async function fetchRecord(formKey: string, id: string, signal?: AbortSignal): Promise<FormRecord> {
    const record = await recordsApi.get(formKey, id, signal);
    remember(formKey, [record]);
    return record;
  }

  async function create(formKey: string, data: RecordData): Promise<FormRecord> {
    const record = await recordsApi.create(formKey, data);
    remember(formKey, [record]);
    return record;
  }

  /** PATCH with If-Match: a 412 (records.stale) is left to the caller to resolve with the user. */
  async function update(formKey: string, id: string, rev: number, changes: RecordData): Promise<FormRecord> {
    const record = await recordsApi.update(formKey, id, rev, changes);
    remember(formKey, [record]);
    return record;
  }

  async function remove(formKey: string, id: string, rev: number): Promise<void> {
    await recordsApi.remove(formKey, id, rev);
    forget(formKey, id);
  }

  async function restore(formKey: string, id: string): Promise<FormRecord> {
    const record = await recordsApi.restore(formKey, id);
    remember(formKey, [record]);
    return record;
  }

  async function revert(formKey: string, id: string, toRev: number, currentRev: number): Promise<FormRecord> {
    const record = await recordsApi.revert(formKey, id, toRev, currentRev);
    remember(formKey, [record]);
    return record;
  }

  /**
   * Display names seen for the values of link fields (user ids -> names) across the records of
   * a form that this session has loaded: the choices of a user picker until there is a users API.
   */
  function knownLabels(formKey: string, fieldKeys: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    const prefix = `${formKey}/`;
    for (const [key, record] of seen.value) {
      if (!key.startsWith(prefix) || !record.labels) continue;
      for (const field of fieldKeys) {
        const id = record.data[field];
        const label = record.labels[field];
        if (typeof id === 'string' && label) out.set(id, label);
      }
    }
    return out;
  }

  function forget(formKey: string, id: string): void {
    const next = new Map(seen.value);
    next.delete(cacheKey(formKey, id));
    seen.value = next;
  }

  function $reset(): void {
    seen.value = new Map();
  }

  return { listPage, cached, fetchRecord, knownLabels, create, update, remove, restore, revert, $reset };
});
