import { defineAsyncComponent } from 'vue';
import type { FieldDefinition } from '../../api/forms';
import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

/** A formula shows like the type it produces. */
function numericKind(field: FieldDefinition): string {
  return field.type === 'formula' && typeof field.resultType === 'string' ? field.resultType : field.type;
}

function decimalPlaces(field: FieldDefinition, kind: string): { min: number; max: number } {
  if (kind === 'money') return { min: 2, max: 2 };
  // A scale is the most a value can carry; trailing zeros (3,143.0000) are noise on screen.
  if (typeof field.scale === 'number') return { min: 0, max: field.scale };
  if (kind === 'integer') return { min: 0, max: 0 };
  return { min: 0, max: 6 };
}

export const numberWidget: WidgetDefinition = {
  id: 'number',
  types: ['number', 'integer', 'decimal', 'money', 'currency', 'percent'],
  align: 'right',
  minWidth: 120,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    // decimal / money / percent travel as decimal strings (exact); Number() is only for display.
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(n)) return genericText(value);
    const kind = numericKind(field);
    const places = decimalPlaces(field, kind);
    // A formula's decimal string keeps the places it was computed with: money arithmetic gives
    // "7300.00" / "0.00", shown as such next to the money columns (not "7,300" / "0").
    if (field.type === 'formula' && typeof field.scale !== 'number' && typeof value === 'string') {
      const carried = /\.(\d+)$/.exec(value)?.[1]?.length ?? 0;
      places.min = Math.min(carried, places.max);
    }
    const text = new Intl.NumberFormat(ctx.locale, {
      minimumFractionDigits: places.min,
      maximumFractionDigits: places.max,
    }).format(n);
    // Percent values are stored in percent units (12.5 means 12.5 %).
    return kind === 'percent' ? `${text}%` : text;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};
