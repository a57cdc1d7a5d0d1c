import type { RouteRecordRaw } from 'vue-router';

/** Admin screens (the API refuses non-admins; the menu only shows them to admins). */
export const adminRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/users',
    name: 'admin-users',
    component: () => import('@/views/admin/users/index.vue'),
    meta: { titleKey: 'admin.users.title', menu: 'admin/users', roles: ['admin'] },
  },
  {
    path: 'admin/permissions/:formKey?',
    name: 'admin-permissions',
    component: () => import('@/views/admin/permissions/index.vue'),
    props: true,
    meta: { titleKey: 'admin.permissions.title', menu: 'admin/permissions', roles: ['admin'] },
  },
  {
    path: 'admin/audit',
    name: 'admin-audit',
    component: () => import('@/views/admin/audit/index.vue'),
    meta: { titleKey: 'admin.audit.title', menu: 'admin/audit', roles: ['admin'] },
  },
  {
    path: 'admin/webhooks',
    name: 'admin-webhooks',
    component: () => import('@/views/admin/webhooks/index.vue'),
    meta: { titleKey: 'webhooks.title', menu: 'admin/webhooks', roles: ['admin'] },
  },
];
