import type { RouteRecordRaw } from 'vue-router';

/** Routes outside the app shell. */
export const coreRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/login/index.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/errors/not-found/index.vue'),
    meta: { public: true, titleKey: 'errors.notFound' },
  },
];
