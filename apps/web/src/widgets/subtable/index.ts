import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, type WidgetDefinition } from '../types';

/** Rows of child fields; each cell is edited with its own type's widget. */
export const subtableWidget: WidgetDefinition = {
  id: 'subtable',
  types: ['subtable'],
  align: 'left',
  minWidth: 100,
  display(value, _field, ctx) {
    if (!Array.isArray(value) || value.length === 0) return EMPTY_CELL;
    return ctx.locale === 'en' ? `${value.length} row(s)` : `${value.length} 行`;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
