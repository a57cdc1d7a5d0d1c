import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { http } from './api';
import { currentLocale, i18n } from './locales';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import { toastWarning } from './adapter/element-plus';
import './styles/index.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);

http.configure({
  getLocale: currentLocale,
  // Any 401 outside the login call means the token is gone or expired: drop it and go to
  // the login page, coming back to where the user was afterwards.
  onUnauthorized: () => {
    const hadSession = useAuthStore(pinia).isAuthenticated;
    useAuthStore(pinia).clearSession();
    const current = router.currentRoute.value;
    if (current.meta.public) return;
    if (hadSession) toastWarning(i18n.global.t('errors.sessionExpired'));
    void router.replace({ name: 'login', query: { redirect: current.fullPath } });
  },
});

app.mount('#app');
