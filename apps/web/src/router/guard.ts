import type { RouteLocationNormalized, Router } from 'vue-router';
import { isApiError } from '@/api';
import { useAuthStore } from '@/stores/auth';
import { i18n } from '@/locales';
import { toastWarning } from '@/adapter/element-plus';

export function safeRedirect(value: unknown): string {
  // Only same-app paths: a crafted ?redirect=https://… must not leave the app.
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

export function installGuards(router: Router): void {
  router.beforeEach(async (to, from) => {
    const auth = useAuthStore();
    if (to.meta.public) {
      if (to.name === 'login' && auth.isAuthenticated) return safeRedirect(to.query.redirect);
      return true;
    }
    if (!auth.isAuthenticated) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (!auth.user) {
      try {
        await auth.fetchMe();
      } catch (error) {
        // 401 already cleared the session via the http client; anything else (API down)
        // should not lock the user out of a page that can show its own error.
        if (isApiError(error) && error.status === 401) return { name: 'login', query: { redirect: to.fullPath } };
      }
    }
    const roles = to.meta.roles;
    if (roles && auth.user && !auth.user.roles.some((r) => roles.includes(r))) {
      // A bookmarked admin page: say why instead of showing buttons that only produce 403s.
      toastWarning(i18n.global.t('credit.common.forbidden'));
      return from.matched.length ? false : { path: '/' };
    }
    return true;
  });

  router.afterEach(refreshTitle);
}

/** Page title from the route's titleKey; also called when the language changes. */
export function refreshTitle(route: RouteLocationNormalized): void {
  const { t } = i18n.global;
  const key = route.meta.titleKey;
  document.title = key ? `${t(key)} · ${t('app.name')}` : t('app.fullName');
}
