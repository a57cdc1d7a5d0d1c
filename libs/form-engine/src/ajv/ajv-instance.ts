import { Ajv2020 } from 'ajv/dist/2020.js';
import type { DataValidateFunction, ErrorObject } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { isValidUscc } from '../validators/uscc.js';
import {
  isBankAccount,
  isCnapsCode,
  isCnMobile,
  isCnPhone,
  isCnPostalCode,
  isEmail,
  isFapiaoCode,
  isFapiaoNumber,
} from '../validators/cn-formats.js';
import { isValidDate, isValidDateTime, parseDate, toDayNumber } from '../validators/date.js';
import { compareDecimal, decimalProblem } from '../validators/decimal.js';

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
  const self = decimalKeyword as unknown as DataValidateFunction;
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
  const self = dateRangeKeyword as unknown as DataValidateFunction;
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
    validate: decimalKeyword as unknown as DataValidateFunction,
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
    validate: dateRangeKeyword as unknown as DataValidateFunction,
  });
  return ajv;
}

let instance: Ajv2020 | undefined;

/** The shared Ajv instance, created on first use. */
export function getAjv(): Ajv2020 {
  instance ??= createAjv();
  return instance;
}
