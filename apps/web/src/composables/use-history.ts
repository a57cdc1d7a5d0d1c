import { computed, ref, type Ref } from 'vue';

/**
 * Undo / redo over snapshots of a JSON document. `record` is called after each change (edits
 * within `mergeMs` of each other under the same `tag`, e.g. typing into one input, become one
 * step); `undo` / `redo` return the snapshot to restore.
 */
export function useHistory<T>(initial: T, options: { limit?: number; mergeMs?: number; now?: () => number } = {}) {
  const limit = options.limit ?? 100;
  const mergeMs = options.mergeMs ?? 800;
  const now = options.now ?? (() => Date.now());
  const past: Ref<string[]> = ref([]);
  const future: Ref<string[]> = ref([]);
  let current = JSON.stringify(initial);
  let lastTag: string | undefined;
  let lastAt = 0;

  function reset(value: T): void {
    past.value = [];
    future.value = [];
    current = JSON.stringify(value);
    lastTag = undefined;
  }

  function record(value: T, tag?: string): void {
    const next = JSON.stringify(value);
    if (next === current) return;
    const t = now();
    const merge = tag !== undefined && tag === lastTag && t - lastAt < mergeMs;
    if (!merge) {
      past.value.push(current);
      if (past.value.length > limit) past.value.shift();
    }
    future.value = [];
    current = next;
    lastTag = tag;
    lastAt = t;
  }

  function undo(): T | null {
    const prev = past.value.pop();
    if (prev === undefined) return null;
    future.value.push(current);
    current = prev;
    lastTag = undefined;
    return JSON.parse(prev) as T;
  }

  function redo(): T | null {
    const next = future.value.pop();
    if (next === undefined) return null;
    past.value.push(current);
    current = next;
    lastTag = undefined;
    return JSON.parse(next) as T;
  }

  return { record, undo, redo, reset, canUndo: computed(() => past.value.length > 0), canRedo: computed(() => future.value.length > 0) };
}
