import { genericText, type WidgetDefinition } from '../types';

export const textWidget: WidgetDefinition = {
  id: 'text',
  types: ['text', 'string', 'textarea', 'email', 'phone', 'mobile', 'url', 'uscc', 'code', 'autonumber', 'link', 'user', 'reference'],
  align: 'left',
  minWidth: 140,
  display: (value) => genericText(value),
};
