import type { RouteRecordRaw } from 'vue-router';
import { coreRoutes } from './core';
import { formRoutes } from './modules/forms';
import { creditRoutes } from './modules/credit';
import { adminRoutes } from './modules/admin';

/** Every signed-in screen lives under the shell; add a module file per area. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: () => import('@/layouts/basic-layout.vue'),
    redirect: { name: 'forms' },
    children: [...formRoutes, ...creditRoutes, ...adminRoutes],
  },
  ...coreRoutes,
];
