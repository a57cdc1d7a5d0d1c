import { defineAsyncComponent } from 'vue';
import { localize } from '../../locales/localize';
import type { FieldDefinition } from '../../api/forms';
import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

function optionLabel(field: FieldDefinition, value: unknown, locale: string): string {
  const option = field.options?.find((o) => o.value === value || String(o.value) === String(value));
  return option?.label ? localize(option.label, locale) || genericText(value) : genericText(value);
}

export const selectWidget: WidgetDefinition = {
  id: 'select',
  types: ['select', 'radio', 'multiselect', 'checkboxes', 'tags'],
  align: 'left',
  minWidth: 110,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    if (Array.isArray(value)) return value.map((v) => optionLabel(field, v, ctx.locale)).join('、');
    return optionLabel(field, value, ctx.locale);
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
