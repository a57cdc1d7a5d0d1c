import { useI18n } from 'vue-i18n';
import type { ApiError } from '@/api';

/** The one-line text of a failed request: the server's localized detail, or "network" when there was no answer. */
export function useProblemText() {
  const { t } = useI18n();
  return (e: ApiError | null): string => {
    if (!e) return '';
    return e.isNetworkError ? t('errors.network') : e.problem.detail || e.problem.title;
  };
}
