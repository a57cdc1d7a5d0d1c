import { Ajv2020 } from 'ajv/dist/2020.js';
import type { DataValidationCxt, ErrorObject, SchemaValidateFunction } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { isUsccOrLegacy, isValidUscc } from '../validators/uscc.js';
import {
  isBankAccount,
  isBankCard,
  isCnapsCode,
  isCnMobile,
  isCnPhone,
  isCnPostalCode,
  isEmail,
  isFapiaoCode,
  isFapiaoNumber,
} from '../validators/cn-formats.js';
import { daysBetween, isValidDate, isValidDateTime, parseDate, toDayNumber } from '../validators/date.js';
import { compareDecimal, decimalProblem, isDecimalString } from '../validators/decimal.js';

/*
 * The engine's ONE Ajv instance. Every custom format and keyword is registered here and nowhere
 * else, so the browser and the server judge records identically. Strict mode is on: every schema
 * is compiled at definition-compile (publish) time, never per request, so strictness costs
 * nothing on the hot path and catches malformed generated schemas early.
 */

type FormatsPlugin = (ajv: Ajv2020, formats?: string[]) => Ajv2020;
// ajv-formats is CommonJS; under ESM interop the plugin may sit on `.default`.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/** Formats the engine defines itself (name -> predicate). */
export const CUSTOM_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  uscc: isValidUscc,
  'uscc-or-legacy': isUsccOrLegacy,
  'bank-card': isBankCard,
  'cn-mobile': isCnMobile,
  'cn-phone': isCnPhone,
  'cn-postal-code': isCnPostalCode,
  'bank-account': isBankAccount,
  cnaps: isCnapsCode,
  'fapiao-code': isFapiaoCode,
  'fapiao-number': isFapiaoNumber,
  email: isEmail,
  date: isValidDate,
  'date-time': isValidDateTime,
  'http-url': (v) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v),
};

/** Annotation keywords carried in generated schemas for consumers (ignored by validation). */
export const ANNOTATION_KEYWORDS = ['x-field-type', 'x-label', 'x-reference', 'x-formula', 'x-auto-number', 'x-archived'];

type PartialError = Partial<ErrorObject>;

/**
 * `decimal`: an exact decimal string. {scale?, minimum?, maximum?, exclusiveMinimum?,
 * exclusiveMaximum?}; bounds are decimal strings compared with decimal.js, never as floats.
 * Errors reuse the standard keywords (format / scale / minimum / …) so messages stay uniform.
 */
function decimalKeyword(schema: DecimalKeywordSchema, data: unknown): boolean {
  const self = decimalKeyword as unknown as SchemaValidateFunction;
  if (typeof data !== 'string') return true; // `type` reports non-strings
  const problem = decimalProblem(data, schema.scale ?? 1000);
  if (problem === 'format' || problem === 'integerDigits') {
    self.errors = [{ keyword: 'format', params: { format: 'decimal', reason: problem } }];
    return false;
  }
  if (problem === 'scale') {
    self.errors = [{ keyword: 'scale', params: { scale: schema.scale } }];
    return false;
  }
  const errors: PartialError[] = [];
  const check = (kw: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum', ok: (c: number) => boolean, comparison: string) => {
    const limit = schema[kw];
    if (limit !== undefined && !ok(compareDecimal(data, limit))) errors.push({ keyword: kw, params: { comparison, limit } });
  };
  check('minimum', (c) => c >= 0, '>=');
  check('maximum', (c) => c <= 0, '<=');
  check('exclusiveMinimum', (c) => c > 0, '>');
  check('exclusiveMaximum', (c) => c < 0, '<');
  if (errors.length) {
    self.errors = errors;
    return false;
  }
  return true;
}

export interface DecimalKeywordSchema {
  scale?: number;
  minimum?: string;
  maximum?: string;
  exclusiveMinimum?: string;
  exclusiveMaximum?: string;
}

export interface DateRangeKeywordSchema {
  minimum?: string;
  maximum?: string;
  exclusiveMinimum?: string;
  exclusiveMaximum?: string;
}

/** `dateRange`: bounds on a 'YYYY-MM-DD' string, compared as calendar days. */
function dateRangeKeyword(schema: DateRangeKeywordSchema, data: unknown): boolean {
  const self = dateRangeKeyword as unknown as SchemaValidateFunction;
  if (typeof data !== 'string') return true;
  const d = parseDate(data);
  if (!d) return true; // `format: date` reports it
  const day = toDayNumber(d);
  const errors: PartialError[] = [];
  const check = (kw: keyof DateRangeKeywordSchema, ok: (diff: number) => boolean, id: string, comparison: string) => {
    const limit = schema[kw];
    const l = limit === undefined ? null : parseDate(limit);
    if (l && !ok(day - toDayNumber(l))) errors.push({ keyword: id, params: { comparison, limit } });
  };
  check('minimum', (x) => x >= 0, 'minDate', '>=');
  check('maximum', (x) => x <= 0, 'maxDate', '<=');
  check('exclusiveMinimum', (x) => x > 0, 'minDate', '>');
  check('exclusiveMaximum', (x) => x < 0, 'maxDate', '<');
  if (errors.length) {
    self.errors = errors;
    return false;
  }
  return true;
}

export interface CompareFieldsRule {
  left: string;
  op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'ne';
  right: string;
  /** numeric: JSON numbers and decimal strings alike (compared exactly); date: 'YYYY-MM-DD'. */
  kind: 'numeric' | 'date';
}

function asDecimal(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return isDecimalString(String(v), 1000) ? String(v) : null;
  return isDecimalString(v, 1000) ? v : null;
}

function orderOf(kind: CompareFieldsRule['kind'], a: unknown, b: unknown): number | null {
  if (kind === 'numeric') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    return x === null || y === null ? null : compareDecimal(x, y);
  }
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  const d = daysBetween(b, a);
  return d === null ? null : Math.sign(d);
}

/**
 * `compareFields` on an object schema: cross-field comparisons such as current_assets ≤
 * total_assets or received ≤ amount, checked when both values are present and well-formed
 * (their own keywords report anything else). The error points at the left field.
 */
function compareFieldsKeyword(rules: CompareFieldsRule[], data: unknown, _parent?: unknown, cxt?: DataValidationCxt): boolean {
  const self = compareFieldsKeyword as unknown as SchemaValidateFunction;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return true;
  const obj = data as Record<string, unknown>;
  const errors: PartialError[] = [];
  for (const r of rules) {
    if (!Object.prototype.hasOwnProperty.call(obj, r.left) || !Object.prototype.hasOwnProperty.call(obj, r.right)) continue;
    const c = orderOf(r.kind, obj[r.left], obj[r.right]);
    if (c === null) continue;
    const ok = r.op === 'lt' ? c < 0 : r.op === 'lte' ? c <= 0 : r.op === 'gt' ? c > 0 : r.op === 'gte' ? c >= 0 : r.op === 'eq' ? c === 0 : c !== 0;
    if (!ok) {
      errors.push({
        keyword: 'compare',
        instancePath: `${cxt?.instancePath ?? ''}/${r.left}`,
        params: { op: r.op, other: r.right, value: obj[r.right] },
      });
    }
  }
  if (errors.length) {
    self.errors = errors;
    return false;
  }
  return true;
}

const decimalString = { type: 'string', pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$' };
const dateString = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    // Generated schemas use `if`/`then` inside `allOf` without repeating `type`; that is intended.
    strictRequired: false,
    strictTypes: false,
    allowUnionTypes: true,
    unicodeRegExp: true,
    // maxLength/minLength count UTF-16 units: CJK text is one unit per character, and counting
    // code points costs a full scan of every string on the hot path (measured 1.8 µs/record).
    unicode: false,
    // The only log output would be the deprecation notice for `unicode`; strict mode throws instead of logging.
    logger: false,
    // Errors are data for the caller; message rendering happens in validation/normalize-errors.
    messages: false,
    code: { esm: true },
  });
  addFormats(ajv, ['uri', 'uuid']);
  for (const [name, fn] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: 'string', validate: fn });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  ajv.addKeyword({
    keyword: 'decimal',
    type: 'string',
    schemaType: 'object',
    errors: true,
    metaSchema: {
      type: 'object',
      properties: {
        scale: { type: 'integer', minimum: 0, maximum: 10 },
        minimum: decimalString,
        maximum: decimalString,
        exclusiveMinimum: decimalString,
        exclusiveMaximum: decimalString,
      },
      additionalProperties: false,
    },
    validate: decimalKeyword as unknown as SchemaValidateFunction,
  });
  ajv.addKeyword({
    keyword: 'dateRange',
    type: 'string',
    schemaType: 'object',
    errors: true,
    metaSchema: {
      type: 'object',
      properties: { minimum: dateString, maximum: dateString, exclusiveMinimum: dateString, exclusiveMaximum: dateString },
      additionalProperties: false,
    },
    validate: dateRangeKeyword as unknown as SchemaValidateFunction,
  });
  ajv.addKeyword({
    keyword: 'compareFields',
    type: 'object',
    schemaType: 'array',
    errors: true,
    metaSchema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          left: { type: 'string' },
          op: { enum: ['lt', 'lte', 'gt', 'gte', 'eq', 'ne'] },
          right: { type: 'string' },
          kind: { enum: ['numeric', 'date'] },
        },
        required: ['left', 'op', 'right', 'kind'],
        additionalProperties: false,
      },
    },
    validate: compareFieldsKeyword as unknown as SchemaValidateFunction,
  });
  return ajv;
}

let instance: Ajv2020 | undefined;

/** The shared Ajv instance, created on first use. */
export function getAjv(): Ajv2020 {
  instance ??= createAjv();
  return instance;
}
