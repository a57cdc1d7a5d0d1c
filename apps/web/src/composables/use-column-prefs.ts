import { ref, watch, type Ref } from 'vue';

const PREFIX = 'credo.columns.';

function read(formKey: string): string[] | null {
  try {
    const raw = localStorage.getItem(PREFIX + formKey);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) && parsed.every((k) => typeof k === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The record-list columns a user picked, per form, kept in localStorage (null = the default
 * set). Follows `formKey` when the list switches forms.
 */
export function useColumnPrefs(formKey: Ref<string>) {
  const chosen = ref<string[] | null>(read(formKey.value));
  watch(formKey, (key) => {
    chosen.value = read(key);
  });

  function set(keys: string[] | null): void {
    chosen.value = keys;
    try {
      if (keys) localStorage.setItem(PREFIX + formKey.value, JSON.stringify(keys));
      else localStorage.removeItem(PREFIX + formKey.value);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }

  return { chosen, set };
}
