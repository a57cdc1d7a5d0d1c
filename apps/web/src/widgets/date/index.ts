import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';
import { formatDateTimeShort } from '../../locales/format';

export const dateWidget: WidgetDefinition = {
  id: 'date',
  types: ['date', 'datetime', 'time'],
  align: 'left',
  minWidth: 120,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    if (typeof value !== 'string') return genericText(value);
    // A plain date has no time zone: show it as stored rather than shifting it through Date.
    if (field.type !== 'datetime') return value;
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return value;
    if (ctx.compact) return formatDateTimeShort(value, ctx.locale);
    return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
