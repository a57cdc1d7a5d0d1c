import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, type WidgetDefinition } from '../types';

export const switchWidget: WidgetDefinition = {
  id: 'switch',
  types: ['boolean', 'switch', 'checkbox'],
  align: 'center',
  minWidth: 90,
  display(value, _field, ctx) {
    if (value === true || value === 'true') return ctx.yes;
    if (value === false || value === 'false') return ctx.no;
    return EMPTY_CELL;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
