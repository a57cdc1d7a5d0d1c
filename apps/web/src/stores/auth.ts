import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { authApi, tokenStorage, type CurrentUser } from '@/api';
import { useFormsStore } from './forms';
import { useRecordsStore } from './records';
import { useAdminStore } from './admin';

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(tokenStorage.get());
  const user = ref<CurrentUser | null>(null);

  const isAuthenticated = computed(() => token.value !== null);

  async function login(email: string, password: string): Promise<void> {
    const result = await authApi.login(email, password);
    tokenStorage.set(result.accessToken);
    token.value = result.accessToken;
    user.value = result.user ?? (await authApi.me());
  }

  async function fetchMe(): Promise<CurrentUser> {
    const me = await authApi.me();
    user.value = me;
    return me;
  }

  /** Called on logout and whenever the API answers 401: nothing of the old session stays. */
  function clearSession(): void {
    tokenStorage.clear();
    token.value = null;
    user.value = null;
    useFormsStore().$reset();
    useRecordsStore().$reset();
    useAdminStore().$reset();
  }

  return { token, user, isAuthenticated, login, fetchMe, clearSession };
});
