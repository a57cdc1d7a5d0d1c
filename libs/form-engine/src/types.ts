/** Public document and result types of the form engine. */

export type Locale = 'zh-CN' | 'en';

/** A plain string (used for every locale) or a per-locale text with zh-CN mandatory. */
export type LocalizedText = string | { 'zh-CN': string; en?: string };

export interface FieldError {
  /** JSON Pointer into the validated document, e.g. "/uscc" or "/lines/0/amount". */
  path: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Localized message naming the field label, e.g. “统一社会信用代码校验位错误”. */
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: FieldError[];
  /** Advisory findings that do not block saving (e.g. the GB 11714 part of a USCC); absent when none. */
  warnings?: FieldError[];
}

/** Options of CompiledForm.validateInput / validateRecord. */
export interface ValidateOptions {
  /**
   * The date of validation 'YYYY-MM-DD' (today in the tenant's time zone). Relative date bounds such
   * as maxDate 'today' are checked only when it is given; the engine never reads a clock.
   */
  asOf?: string;
}

export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'integer',
  'decimal',
  'money',
  'percent',
  'date',
  'datetime',
  'boolean',
  'select',
  'multiselect',
  'email',
  'url',
  'mobile',
  'phone',
  'postal_code',
  'uscc',
  'bank_account',
  'cnaps',
  'fapiao_code',
  'fapiao_number',
  'reference',
  'user',
  'subtable',
  'attachment',
  'autonumber',
  'formula',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

/** Value types a formula can produce. */
export type FormulaResultType = 'decimal' | 'integer' | 'text' | 'date' | 'boolean';

export interface SelectOption {
  value: string;
  label?: LocalizedText;
  /** Archived options stay valid for stored data but are not offered for new input. */
  archived?: boolean;
}

/**
 * A condition over the record's fields, used for required-if and visible-if. It is data (not an
 * expression string) so it can be turned into JSON Schema `if` and evaluated in the browser alike.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | {
      field: string;
      op: 'eq' | 'ne' | 'in' | 'nin' | 'empty' | 'notEmpty' | 'gt' | 'gte' | 'lt' | 'lte';
      value?: unknown;
    };

export interface FieldDefinition {
  /** Stable storage key: lower snake case, unique in its form (or sub-table). */
  key: string;
  type: FieldType;
  label: LocalizedText;
  help?: LocalizedText;
  placeholder?: LocalizedText;
  /** Web widget id; defaults to the field type's widget. */
  widget?: string;
  required?: boolean;
  /** Required when the condition holds (evaluated on the submitted record). */
  requiredIf?: Condition;
  /** Shown (and accepted) only when the condition holds; otherwise it must be absent. */
  visibleIf?: Condition;
  /** Not editable by users (formula and auto-number fields are always read-only). */
  readOnly?: boolean;
  default?: unknown;
  /** Column span in a 24-grid row. */
  span?: number;
  unique?: boolean;
  indexed?: boolean;
  /** Kept in stored data and in the schema but no longer offered for input. */
  archived?: boolean;

  // text-like
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  // numeric: numbers for number/integer, decimal strings for decimal/money/percent
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: number | string;
  exclusiveMaximum?: number | string;
  /** Decimal places for decimal / percent (money is always 2). */
  scale?: number;
  // date: 'YYYY-MM-DD', or relative to the validation date: 'today', 'today+30', 'today-365'
  minDate?: string;
  maxDate?: string;
  /**
   * Cross-field comparisons: this field's value `op` another field's value (same object), e.g.
   * current_assets lte total_assets. Checked when both are present.
   */
  compare?: Array<{ op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'ne'; field: string }>;
  // select / multiselect
  options?: SelectOption[];
  minItems?: number;
  maxItems?: number;
  // uscc: also accept a legacy 15-digit registration number or 9-character organisation code (warning)
  allowLegacy?: boolean;
  // bank_account: a personal bank card, checked with Luhn
  luhn?: boolean;
  // reference to another form's record
  reference?: { form: string };
  // sub-table
  fields?: FieldDefinition[];
  // auto-number
  autoNumber?: { pattern: string };
  // formula
  formula?: string;
  resultType?: FormulaResultType;
}

export interface LayoutSection {
  key: string;
  title?: LocalizedText;
  /** Number of columns the section is laid out in (1–4). */
  columns?: number;
  collapsed?: boolean;
  /** Field keys in display order. */
  fields: string[];
}

export interface FormLayout {
  sections: LayoutSection[];
}

export interface FormSettings {
  /** Field whose value labels a record (e.g. in reference pickers). */
  titleField?: string;
  description?: LocalizedText;
  /**
   * Keep a typed projection of the records (one typed column per field, maintained in the same
   * transaction as every write) for fast reports: true = every scalar field, or the listed fields.
   */
  typedProjection?: boolean | string[];
}

export interface FormDefinition {
  key: string;
  title: LocalizedText;
  description?: LocalizedText;
  fields: FieldDefinition[];
  layout?: FormLayout;
  settings?: FormSettings;
}

export interface UiOption {
  value: string;
  label: LocalizedText;
}

export interface UiField {
  key: string;
  type: FieldType;
  label: LocalizedText;
  widget: string;
  required: boolean;
  requiredIf?: Condition;
  visibleIf?: Condition;
  readOnly: boolean;
  help?: LocalizedText;
  placeholder?: LocalizedText;
  default?: unknown;
  span: number;
  options?: UiOption[];
  /** Limits the widget can enforce as the user types (the server enforces them again). */
  constraints: Record<string, unknown>;
  reference?: { form: string };
  autoNumber?: { pattern: string };
  formula?: string;
  resultType?: FormulaResultType;
  /** Columns of a sub-table. */
  fields?: UiField[];
}

export interface UiSection {
  key: string;
  title?: LocalizedText;
  columns: number;
  collapsed: boolean;
  fields: UiField[];
}

export interface UiDescription {
  formKey: string;
  title: LocalizedText;
  /** Field keys in display order (archived fields left out). */
  order: string[];
  sections: UiSection[];
  titleField?: string;
}
