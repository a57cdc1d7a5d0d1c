import { onBeforeUnmount, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { collectionApi } from '../api/collection';

/**
 * `systemText(text)`: a text the system wrote into records (the collection run's task instructions
 * and notes, stored in zh-CN) in the reader's language; any other text unchanged. The English of
 * those texts is fetched once per view, only when the UI is in English (reactive: switching the
 * language re-renders).
 */
export function useSystemTexts() {
  const { locale } = useI18n();
  const english = ref<Map<string, string> | null>(null);
  let controller: AbortController | undefined;
  const load = () => {
    if (english.value || controller) return;
    controller = new AbortController();
    collectionApi
      .texts(controller.signal)
      .then((answer) => (english.value = new Map(answer.texts.filter((t) => t.en).map((t) => [t['zh-CN'], t.en]))))
      // Not allowed or not reachable: the stored text is shown, as before.
      .catch(() => (english.value = new Map()));
  };
  watch(locale, (value) => value === 'en' && load(), { immediate: true });
  onBeforeUnmount(() => controller?.abort());
  const systemText = (text: string): string => (locale.value === 'en' ? (english.value?.get(text) ?? text) : text);
  return { systemText };
}
