import { ref } from 'vue';
import { defineStore } from 'pinia';
import { ApiError, formsApi, type FormDetail, type FormSummary } from '@/api';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export const useFormsStore = defineStore('forms', () => {
  const items = ref<FormSummary[]>([]);
  const listStatus = ref<LoadStatus>('idle');
  const listError = ref<ApiError | null>(null);
  const details = ref<Record<string, FormDetail>>({});

  async function fetchList(): Promise<void> {
    listStatus.value = 'loading';
    listError.value = null;
    try {
      items.value = (await formsApi.list()).items;
      listStatus.value = 'ready';
    } catch (error) {
      listError.value = asApiError(error);
      listStatus.value = 'error';
    }
  }

  /** Form definitions change only on publish, so one fetch per session is enough for now. */
  async function fetchForm(key: string, options: { force?: boolean } = {}): Promise<FormDetail> {
    const cached = details.value[key];
    if (cached && !options.force) return cached;
    const detail = await formsApi.get(key);
    details.value = { ...details.value, [key]: detail };
    return detail;
  }

  function summary(key: string): FormSummary | undefined {
    return items.value.find((f) => f.key === key);
  }

  function $reset(): void {
    items.value = [];
    listStatus.value = 'idle';
    listError.value = null;
    details.value = {};
  }

  return { items, listStatus, listError, details, fetchList, fetchForm, summary, $reset };
});

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ type: 'about:blank', title: 'Error', status: 0, detail: error instanceof Error ? error.message : String(error) });
}
