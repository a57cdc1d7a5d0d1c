import { ref, shallowRef } from 'vue';
import type { ApiError } from '../api/problem';
import { asApiError } from '../stores/forms';

/**
 * One independently loading section of a screen (a chart, a table): its data, whether it is
 * loading and the ApiError if it failed. A new `run` aborts the one in flight.
 */
export function useAsyncData<T>(load: (signal: AbortSignal) => Promise<T>) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let inflight: AbortController | null = null;

  async function run(): Promise<void> {
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    loading.value = true;
    error.value = null;
    try {
      const result = await load(controller.signal);
      if (controller.signal.aborted) return;
      data.value = result;
    } catch (e) {
      if (controller.signal.aborted || (e instanceof DOMException && e.name === 'AbortError')) return;
      error.value = asApiError(e);
    } finally {
      if (inflight === controller) {
        inflight = null;
        loading.value = false;
      }
    }
  }

  function abort(): void {
    inflight?.abort();
    inflight = null;
    loading.value = false;
  }

  return { data, loading, error, run, abort };
}

/** Today in the browser's time zone as YYYY-MM-DD (the default asOf of reports). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
