import type { FieldDefinition } from '../api/forms';
import { dateWidget } from './date';
import { numberWidget } from './number';
import { selectWidget } from './select';
import { switchWidget } from './switch';
import { textWidget } from './text';
import { userWidget } from './user';
import { referenceWidget } from './reference';
import { subtableWidget } from './subtable';
import { attachmentWidget } from './attachment';
import type { WidgetDefinition } from './types';

export * from './types';

/** Adding a widget is one folder and one line here. */
const widgets: readonly WidgetDefinition[] = [textWidget, numberWidget, dateWidget, selectWidget, switchWidget, userWidget, referenceWidget, subtableWidget, attachmentWidget];

const byType = new Map<string, WidgetDefinition>();
for (const widget of widgets) for (const type of widget.types) byType.set(type, widget);

/** What a formula field shows like, by the type it produces. */
const FORMULA_RESULT_WIDGETS: Record<string, WidgetDefinition> = {
  decimal: numberWidget,
  integer: numberWidget,
  date: dateWidget,
  boolean: switchWidget,
  text: textWidget,
};

/**
 * The widget that displays a field: its `widget` hint when we have that widget, else the
 * one registered for its type; unknown types fall back to text (select if it has options).
 */
export function widgetFor(field: FieldDefinition): WidgetDefinition {
  const hinted = typeof field.widget === 'string' ? widgets.find((w) => w.id === field.widget) : undefined;
  if (hinted) return hinted;
  // A text formula that names its results (receivable 状态 已结清 = Settled) says them like a select's options.
  if (field.type === 'formula') return field.resultType === 'text' && field.options?.length ? selectWidget : (FORMULA_RESULT_WIDGETS[String(field.resultType)] ?? textWidget);
  return byType.get(field.type) ?? (field.options?.length ? selectWidget : textWidget);
}
