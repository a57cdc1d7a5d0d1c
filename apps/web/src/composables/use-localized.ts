import { useI18n } from 'vue-i18n';
import type { LocalizedText } from '../api/types';
import { localize } from '../locales/localize';

/** `lt(text)` renders server-provided LocalizedText in the current UI locale (reactive). */
export function useLocalized() {
  const { locale } = useI18n();
  const lt = (text: LocalizedText | null | undefined): string => localize(text, locale.value);
  return { lt, locale };
}
