import type { FieldType } from '../types.js';
import type { FieldTypeDefinition } from './field-type.js';
import { attachmentFieldType } from './attachment.field-type.js';
import { autonumberFieldType } from './autonumber.field-type.js';
import { bankAccountFieldType } from './bank-account.field-type.js';
import { booleanFieldType } from './boolean.field-type.js';
import { cnapsFieldType } from './cnaps.field-type.js';
import { dateFieldType } from './date.field-type.js';
import { datetimeFieldType } from './datetime.field-type.js';
import { decimalFieldType } from './decimal.field-type.js';
import { emailFieldType } from './email.field-type.js';
import { fapiaoCodeFieldType } from './fapiao-code.field-type.js';
import { fapiaoNumberFieldType } from './fapiao-number.field-type.js';
import { formulaFieldType } from './formula.field-type.js';
import { integerFieldType } from './integer.field-type.js';
import { mobileFieldType } from './mobile.field-type.js';
import { moneyFieldType } from './money.field-type.js';
import { multiselectFieldType } from './multiselect.field-type.js';
import { numberFieldType } from './number.field-type.js';
import { percentFieldType } from './percent.field-type.js';
import { phoneFieldType } from './phone.field-type.js';
import { postalCodeFieldType } from './postal-code.field-type.js';
import { referenceFieldType } from './reference.field-type.js';
import { selectFieldType } from './select.field-type.js';
import { subtableFieldType } from './subtable.field-type.js';
import { textFieldType } from './text.field-type.js';
import { textareaFieldType } from './textarea.field-type.js';
import { urlFieldType } from './url.field-type.js';
import { usccFieldType } from './uscc.field-type.js';
import { userFieldType } from './user.field-type.js';

/** Every field type, keyed by its type id. Adding a type: one file, one line here, one case file. */
export const fieldTypeRegistry: Readonly<Record<FieldType, FieldTypeDefinition>> = {
  text: textFieldType,
  textarea: textareaFieldType,
  number: numberFieldType,
  integer: integerFieldType,
  decimal: decimalFieldType,
  money: moneyFieldType,
  percent: percentFieldType,
  date: dateFieldType,
  datetime: datetimeFieldType,
  boolean: booleanFieldType,
  select: selectFieldType,
  multiselect: multiselectFieldType,
  email: emailFieldType,
  url: urlFieldType,
  mobile: mobileFieldType,
  phone: phoneFieldType,
  postal_code: postalCodeFieldType,
  uscc: usccFieldType,
  bank_account: bankAccountFieldType,
  cnaps: cnapsFieldType,
  fapiao_code: fapiaoCodeFieldType,
  fapiao_number: fapiaoNumberFieldType,
  reference: referenceFieldType,
  user: userFieldType,
  subtable: subtableFieldType,
  attachment: attachmentFieldType,
  autonumber: autonumberFieldType,
  formula: formulaFieldType,
};

export function getFieldType(type: FieldType): FieldTypeDefinition {
  return fieldTypeRegistry[type];
}

export type { FieldTypeDefinition } from './field-type.js';
