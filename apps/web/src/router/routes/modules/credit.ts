import type { RouteRecordRaw } from 'vue-router';

/** Credit screens; lazy so ECharts never reaches the login chunk. */
export const creditRoutes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('@/views/dashboard/overview/index.vue'),
    // The roles the reports API answers (apps/api reports.controller READERS); staff only got 403s.
    meta: { titleKey: 'dashboard.title', menu: 'dashboard', roles: ['admin', 'designer', 'viewer', 'credit_manager'] },
  },
  {
    path: 'customers/:customerId',
    name: 'customer-360',
    component: () => import('@/views/customers/detail/index.vue'),
    props: true,
    meta: { titleKey: 'customer360.title', menu: 'dashboard' },
  },
  {
    path: 'settings/provision-rates',
    name: 'provision-settings',
    component: () => import('@/views/settings/provision-rates/index.vue'),
    meta: { titleKey: 'ws.provision.title', menu: 'settings/provision-rates' },
  },
  {
    path: 'settings/collection',
    name: 'collection-settings',
    component: () => import('@/views/settings/collection-stages/index.vue'),
    meta: { titleKey: 'collection.title', menu: 'settings/collection' },
  },
];
