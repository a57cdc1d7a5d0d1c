import { computed, ref, shallowRef } from 'vue';
import type { ApiError } from '../api/problem';

export interface KeysetPage<T> {
  items: T[];
  next: string | null;
  total?: number;
  /** `total` is the server's estimate (many records match), not a count. */
  totalIsEstimate?: boolean;
  totalCapped?: boolean;
}

export type KeysetLoader<T> = (cursor: string | null, withTotal: boolean, signal: AbortSignal) => Promise<KeysetPage<T>>;

/**
 * Next/previous paging over an opaque keyset cursor. The server only hands out `next`, so
 * the cursors that opened earlier pages are kept on a stack to go back. The total is asked
 * for once per reset (counting is the expensive part) and kept across pages.
 */
export function useKeysetPager<T>(load: KeysetLoader<T>, toError: (e: unknown) => ApiError) {
  const items = shallowRef<T[]>([]);
  const total = ref<number | null>(null);
  /** The server counted up to its cap only: `total` is a lower bound. */
  const totalCapped = ref(false);
  /** The server estimated the total (shown as approximate). */
  const totalIsEstimate = ref(false);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  /** cursors[i] opened page i + 1; null opens the first page. */
  const cursors = ref<(string | null)[]>([]);
  const nextCursor = ref<string | null>(null);
  let inflight: AbortController | null = null;

  const page = computed(() => cursors.value.length);
  const hasNext = computed(() => nextCursor.value !== null);
  const hasPrev = computed(() => cursors.value.length > 1);

  async function open(stack: (string | null)[]): Promise<void> {
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    loading.value = true;
    error.value = null;
    const cursor = stack[stack.length - 1] ?? null;
    try {
      const result = await load(cursor, total.value === null, controller.signal);
      if (controller.signal.aborted) return;
      items.value = result.items;
      nextCursor.value = result.next;
      cursors.value = stack;
      if (typeof result.total === 'number') {
        total.value = result.total;
        totalCapped.value = result.totalCapped === true;
        totalIsEstimate.value = result.totalIsEstimate === true;
      }
    } catch (e) {
      if (controller.signal.aborted || (e instanceof DOMException && e.name === 'AbortError')) return;
      error.value = toError(e);
    } finally {
      if (inflight === controller) {
        inflight = null;
        loading.value = false;
      }
    }
  }

  function reset(): Promise<void> {
    total.value = null;
    totalCapped.value = false;
    totalIsEstimate.value = false;
    nextCursor.value = null;
    return open([null]);
  }

  function next(): Promise<void> {
    if (!nextCursor.value || loading.value) return Promise.resolve();
    return open([...cursors.value, nextCursor.value]);
  }

  function prev(): Promise<void> {
    if (cursors.value.length < 2 || loading.value) return Promise.resolve();
    return open(cursors.value.slice(0, -1));
  }

  /** Reloads the current page (e.g. after an error), keeping the position. */
  function reload(): Promise<void> {
    return open(cursors.value.length ? [...cursors.value] : [null]);
  }

  function dispose(): void {
    inflight?.abort();
  }

  return { items, total, totalCapped, totalIsEstimate, loading, error, page, hasNext, hasPrev, reset, next, prev, reload, dispose };
}
