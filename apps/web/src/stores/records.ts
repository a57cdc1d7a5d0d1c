import { shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { recordsApi, type FormRecord, type ListRecordsQuery, type RecordPage } from '@/api';

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

  function $reset(): void {
    seen.value = new Map();
  }

  return { listPage, cached, fetchRecord, $reset };
});
