import type { FieldTypeDefinition } from './field-type.js';
import { EXACT_FILTERS } from './field-type.js';
import { stripSpaces } from './helpers.js';

/** Digits only once spaces are removed, 8–32 long; no checksum for corporate accounts (DOMAIN §4.2). */
export const bankAccountFieldType: FieldTypeDefinition = {
  type: 'bank_account',
  label: { 'zh-CN': '银行账号', en: 'Bank account' },
  widget: 'bank-account',
  storage: 'text',
  filterOperators: EXACT_FILTERS,
  sortable: true,
  computed: false,
  props: ['luhn'],
  schema: (field) => ({ type: 'string', maxLength: 40, format: field.luhn ? 'bank-card' : 'bank-account' }),
  normalize: stripSpaces,
};
