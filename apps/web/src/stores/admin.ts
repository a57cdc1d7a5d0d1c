import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { usersApi, type ApiError, type CreateUserInput, type TenantRole, type TenantUser, type UpdateUserInput } from '@/api';
import { asApiError, type LoadStatus } from './forms';

/** Users and roles of the tenant (admin screens: users, field permissions). */
export const useAdminStore = defineStore('admin', () => {
  const users = ref<TenantUser[]>([]);
  const usersStatus = ref<LoadStatus>('idle');
  const usersError = shallowRef<ApiError | null>(null);
  const roles = ref<TenantRole[]>([]);

  async function fetchUsers(): Promise<void> {
    usersStatus.value = 'loading';
    usersError.value = null;
    try {
      users.value = (await usersApi.list()).items;
      usersStatus.value = 'ready';
    } catch (error) {
      usersError.value = asApiError(error);
      usersStatus.value = 'error';
    }
  }

  /** Roles from the API; without it (404 on an older server), the built-in ones. */
  async function fetchRoles(): Promise<TenantRole[]> {
    if (roles.value.length) return roles.value;
    try {
      const result = await usersApi.roles();
      roles.value = Array.isArray(result) ? result : result.items;
    } catch {
      roles.value = ['admin', 'designer', 'staff', 'viewer', 'credit_manager'].map((key) => ({ key, builtin: true }));
    }
    return roles.value;
  }

  async function createUser(input: CreateUserInput): Promise<TenantUser> {
    const user = await usersApi.create(input);
    users.value = [...users.value, user];
    return user;
  }

  async function updateUser(id: string, patch: UpdateUserInput): Promise<TenantUser> {
    const user = await usersApi.update(id, patch);
    users.value = users.value.map((u) => (u.id === id ? user : u));
    return user;
  }

  function $reset(): void {
    users.value = [];
    usersStatus.value = 'idle';
    usersError.value = null;
    roles.value = [];
  }

  return { users, usersStatus, usersError, roles, fetchUsers, fetchRoles, createUser, updateUser, $reset };
});
