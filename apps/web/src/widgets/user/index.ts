import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

/** A user field stores the user's id; the server sends the display name in `labels`. */
export const userWidget: WidgetDefinition = {
  id: 'user-picker',
  types: ['user'],
  align: 'left',
  minWidth: 110,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    if (typeof value !== 'string') return genericText(value);
    return ctx.labels?.[field.key] || `${value.slice(0, 8)}…`;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
