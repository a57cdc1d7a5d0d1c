import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

/** A reference stores the target record's id; the server sends the target's title in `labels`. */
export const referenceWidget: WidgetDefinition = {
  id: 'record-picker',
  types: ['reference'],
  align: 'left',
  minWidth: 140,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    if (typeof value !== 'string') return genericText(value);
    return ctx.labels?.[field.key] || `${value.slice(0, 8)}…`;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
