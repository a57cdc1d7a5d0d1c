import type { RouteRecordRaw } from 'vue-router';

export const formRoutes: RouteRecordRaw[] = [
  {
    path: 'forms',
    name: 'forms',
    component: () => import('@/views/forms/list/index.vue'),
    meta: { titleKey: 'forms.title', menu: 'forms' },
  },
  {
    path: 'forms/new',
    name: 'form-create',
    component: () => import('@/views/forms/designer/index.vue'),
    meta: { titleKey: 'forms.title', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/design',
    name: 'form-design',
    component: () => import('@/views/forms/designer/index.vue'),
    props: true,
    meta: { titleKey: 'forms.title', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/rules',
    name: 'form-rules',
    component: () => import('@/views/forms/rules/index.vue'),
    props: true,
    meta: { titleKey: 'forms.title', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/records',
    name: 'form-records',
    component: () => import('@/views/forms/records/index.vue'),
    props: true, // param is `formKey`: `key` is reserved by Vue
    meta: { titleKey: 'records.title', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/import',
    name: 'record-import',
    component: () => import('@/views/forms/import/index.vue'),
    props: true,
    meta: { titleKey: 'imports.title', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/records/new',
    name: 'record-create',
    component: () => import('@/views/forms/record-edit/index.vue'),
    props: true,
    meta: { titleKey: 'records.create', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/records/:recordId/edit',
    name: 'record-edit',
    component: () => import('@/views/forms/record-edit/index.vue'),
    props: true,
    meta: { titleKey: 'records.edit', menu: 'forms' },
  },
  {
    path: 'forms/:formKey/records/:recordId',
    name: 'record-detail',
    component: () => import('@/views/forms/record-detail/index.vue'),
    props: true,
    meta: { titleKey: 'records.detail', menu: 'forms' },
  },
];
