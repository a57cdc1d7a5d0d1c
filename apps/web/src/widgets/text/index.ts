import { defineAsyncComponent } from 'vue';
import { genericText, type WidgetDefinition } from '../types';

export const textWidget: WidgetDefinition = {
  id: 'text',
  types: [
    'text', 'textarea', 'email', 'url', 'mobile', 'phone', 'postal_code', 'uscc', 'bank_account', 'cnaps',
    'fapiao_code', 'fapiao_number', 'autonumber',
  ],
  align: 'left',
  minWidth: 140,
  display: (value, _field, ctx) => (typeof value === 'string' && ctx.systemText ? ctx.systemText(value) : genericText(value)),
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
