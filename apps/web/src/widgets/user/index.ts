import { EMPTY_CELL, genericText, isBlank, type WidgetDefinition } from '../types';

/** A user field stores the user's id; show the name when the screen can resolve it. */
export const userWidget: WidgetDefinition = {
  id: 'user-picker',
  types: ['user'],
  align: 'left',
  minWidth: 110,
  display(value, _field, ctx) {
    if (isBlank(value)) return EMPTY_CELL;
    if (typeof value !== 'string') return genericText(value);
    return ctx.resolveUser?.(value) ?? `${value.slice(0, 8)}…`;
  },
};
