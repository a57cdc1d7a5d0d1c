import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

const DECIMAL_TYPES = new Set(['decimal', 'currency', 'money', 'amount']);

export const numberWidget: WidgetDefinition = {
  id: 'number',
  types: ['number', 'integer', 'decimal', 'currency', 'money', 'amount', 'percent'],
  align: 'right',
  minWidth: 120,
  display(value, field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    // Decimals travel as strings to keep precision; format them without going through float
    // arithmetic beyond what display needs.
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(n)) return genericText(value);
    if (field.type === 'percent') {
      return new Intl.NumberFormat(ctx.locale, { style: 'percent', maximumFractionDigits: 2 }).format(n);
    }
    const decimals = DECIMAL_TYPES.has(field.type) ? 2 : undefined;
    return new Intl.NumberFormat(ctx.locale, {
      minimumFractionDigits: decimals ?? 0,
      maximumFractionDigits: decimals ?? 6,
    }).format(n);
  },
};
