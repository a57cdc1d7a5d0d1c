import { useI18n } from 'vue-i18n';
import type { TenantRole } from '../api/admin';
import { useLocalized } from './use-localized';

/** A role's display name: the UI's own text for built-in roles, else the tenant's name for it, else its key. */
export function useRoleLabel() {
  const { t, te } = useI18n();
  const { lt } = useLocalized();
  return (key: string, roles: readonly TenantRole[] = []): string => {
    if (te(`roles.${key}`)) return t(`roles.${key}`);
    const role = roles.find((r) => r.key === key);
    return lt(role?.name ?? null) || key;
  };
}
