import { _, Ajv2020 } from 'ajv/dist/2020.js';
import { getProperty, or } from 'ajv/dist/compile/codegen/index.js';
import type { Code, Name } from 'ajv/dist/2020.js';
import type { KeywordCxt, Options } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft7 } from 'ajv/dist/ajv.js';
import type { DataValidationCxt, ErrorObject, SchemaValidateFunction } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { isUsccOrLegacy, isUsccWithValidOrgCode, isValidUscc, usccScan } from '../validators/uscc.js';
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
import { unrolledDigits } from '../validators/char-formats.js';
import { dateKeyOrNaN, dayNumberOf, daysBetween, isValidDate, isValidDateTime, parseDate, toDayNumber } from '../validators/date.js';
import { canonicalSign, compareCanonicalDecimal, compareDecimal, decimalProblem, isDecimalString, isDecimalWithin } from '../validators/decimal.js';
import { isUuid, UUID36_RE } from '../validators/uuid.js';
import { ifThenCode, ifThenCodeWith, ifThenKeys } from './fast-conditions.js';

/*
 * The engine's ONE Ajv instance. Every custom format and keyword is registered here and nowhere
 * else, so the browser and the server judge records identically. Strict mode is on: every schema
 * is compiled at definition-compile (publish) time, never per request, so strictness costs
 * nothing on the hot path and catches malformed generated schemas early.
 */

type AnyAjv = Ajv2020 | AjvDraft7;
type FormatsPlugin = (ajv: AnyAjv, formats?: string[]) => AnyAjv;
// ajv-formats is CommonJS; under ESM interop the plugin may sit on `.default`.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

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
  'http-url': (v) => HTTP_URL.test(v),
  // The ajv-formats definition (validators/uuid.ts), shared by both instances.
  uuid: isUuid,
};

/**
 * Formats that refuse every blank string ('' and whitespace-only): on a field with one of these, the
 * fast schema needs no separate "not blank" check (ajv-instance.spec.ts checks each on blank strings).
 */
export const FORMATS_REFUSING_BLANK: ReadonlySet<string> = new Set([
  'uscc',
  'uscc-or-legacy',
  'bank-card',
  'cn-mobile',
  'cn-phone',
  'cn-postal-code',
  'bank-account',
  'cnaps',
  'fapiao-code',
  'fapiao-number',
  'email',
  'date',
  'date-time',
  'http-url',
  'uuid',
]);

const DIGIT: readonly [number, number] = [48, 57];

/**
 * Formats whose only form (or, for some, whose common one) has a fixed length: on a field of the
 * fast schema, FAST_CHARS checks that form inline in the validator, and hands any other length to
 * the format's predicate when the format has other forms. The check is either character ranges (a
 * subtraction and an unsigned comparison per character, no call: short runs) or one unrolled
 * regex (longer runs, where irregexp's checks of several characters at once beat a character loop).
 * Each answers as its predicate (ajv-instance.spec.ts: every code unit at every position).
 */
export type FastCharFormat = { otherLengths: boolean } & ({ ranges: ReadonlyArray<readonly [number, number]> } | { length: number; regex: RegExp });

export const FAST_CHAR_FORMATS: Readonly<Record<string, FastCharFormat>> = {
  // CN_POSTAL_CODE /^[0-8]\d{5}$/
  'cn-postal-code': { ranges: [[48, 56], DIGIT, DIGIT, DIGIT, DIGIT, DIGIT], otherLengths: false },
  // CNAPS_CODE /^\d{12}$/
  cnaps: { ranges: Array<readonly [number, number]>(12).fill(DIGIT), otherLengths: false },
  // CN_MOBILE /^(?:\+?86[- ]?)?1[3-9]\d{9}$/: 11 characters only without the +86 prefix.
  'cn-mobile': { ranges: [[49, 49], [51, 57], ...Array<readonly [number, number]>(9).fill(DIGIT)], otherLengths: true },
  // FAPIAO_CODE /^(?:\d{10}|\d{12})$/: 10 digits inline, 12 through the predicate.
  'fapiao-code': { ranges: Array<readonly [number, number]>(10).fill(DIGIT), otherLengths: true },
  // FAPIAO_NUMBER /^(?:\d{8}|\d{20})$/: the 20 digits of a 数电 invoice inline, 8 through the predicate.
  'fapiao-number': { length: 20, regex: unrolledDigits(20), otherLengths: true },
  // UUID_RE: the 36-character form inline, 'urn:uuid:…' through the predicate.
  uuid: { length: 36, regex: UUID36_RE, otherLengths: true },
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
  if (decimalAccepts(schema, data)) return true; // the common case, without allocating
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

/**
 * True exactly when decimalKeyword accepts a string: well-formed within the scale and inside every
 * bound. Bounds are canonical (the keyword's meta-schema), and so is a value that passed
 * isDecimalWithin, so the allocation-free comparison applies.
 */
export function decimalAccepts(schema: DecimalKeywordSchema, data: string): boolean {
  if (!isDecimalWithin(data, schema.scale ?? 1000)) return false;
  if (schema.minimum !== undefined && compareCanonicalDecimal(data, schema.minimum) < 0) return false;
  if (schema.maximum !== undefined && compareCanonicalDecimal(data, schema.maximum) > 0) return false;
  if (schema.exclusiveMinimum !== undefined && compareCanonicalDecimal(data, schema.exclusiveMinimum) <= 0) return false;
  if (schema.exclusiveMaximum !== undefined && compareCanonicalDecimal(data, schema.exclusiveMaximum) >= 0) return false;
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
    if (!holds(r.op, c)) {
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

const DECIMAL_META = {
  type: 'object',
  properties: {
    scale: { type: 'integer', minimum: 0, maximum: 10 },
    minimum: decimalString,
    maximum: decimalString,
    exclusiveMinimum: decimalString,
    exclusiveMaximum: decimalString,
  },
  additionalProperties: false,
};

const DATE_RANGE_META = {
  type: 'object',
  properties: { minimum: dateString, maximum: dateString, exclusiveMinimum: dateString, exclusiveMaximum: dateString },
  additionalProperties: false,
};

const COMPARE_FIELDS_META = {
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
};

/** True exactly when dateRangeKeyword accepts `data`; the bounds are turned into day numbers once. */
function dateRangeAcceptor(schema: DateRangeKeywordSchema): (data: string) => boolean {
  const day = (limit: string | undefined) => (limit === undefined ? NaN : dayNumberOf(limit));
  const min = day(schema.minimum);
  const max = day(schema.maximum);
  const xmin = day(schema.exclusiveMinimum);
  const xmax = day(schema.exclusiveMaximum);
  // NaN bounds (absent or not a calendar date) are ignored, as in dateRangeKeyword.
  return (data) => {
    const d = dayNumberOf(data);
    if (Number.isNaN(d)) return true; // `format: date` reports it
    return !(d < min || d > max || d <= xmin || d >= xmax);
  };
}

/** Whether `left op right` holds, given their order c (-1, 0 or 1). */
function holds(op: string, c: number): boolean {
  return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'eq' ? c === 0 : c !== 0;
}

/** holds(op, ·) as a bit mask over c + 1 (bit 0: c = -1, bit 1: 0, bit 2: 1): `(mask >> (c + 1)) & 1`, no call or branch. */
const OP_MASK: Readonly<Record<CompareFieldsRule['op'], number>> = { lt: 0b001, lte: 0b011, eq: 0b010, ne: 0b101, gte: 0b110, gt: 0b100 };

/** True exactly when compareFieldsKeyword accepts the object (rules read from the object itself). */
function compareFieldsAcceptor(rules: CompareFieldsRule[]): (data: Record<string, unknown>) => boolean {
  const checks = rules.map((r) => ({ left: r.left, right: r.right, accepts: compareRuleAcceptor(r) }));
  return (data) => {
    if (Array.isArray(data)) return true;
    for (const { left, right, accepts } of checks) {
      if (!Object.prototype.hasOwnProperty.call(data, left) || !Object.prototype.hasOwnProperty.call(data, right)) continue;
      if (!accepts(data[left], data[right])) return false;
    }
    return true;
  };
}

/**
 * compareFieldsKeyword's answer for one rule, from the two values (undefined when the key is
 * absent), without allocating: decimal strings in the canonical form (isDecimalWithin, the check
 * every money value passes) are compared on their character codes, dates on their date keys
 * (calendar order, NaN exactly when parseDate refuses the value); anything else as orderOf does.
 * FAST_FIELDS calls it after its loop with the values the loop read (FAST_COMPARE), with
 * `canonical` when both fields' own checks guarantee canonical decimals or 'YYYY-MM-DD' dates.
 */
export function compareRuleAcceptor(rule: CompareFieldsRule, canonical = false): (left: unknown, right: unknown) => boolean {
  const { op } = rule;
  const mask = OP_MASK[op];
  // Both fields' own checks ran (and passed) before this one: their values are canonical.
  if (canonical && rule.kind === 'numeric') return (a, b) => a === undefined || b === undefined || ((mask >> (compareCanonicalDecimal(a as string, b as string) + 1)) & 1) === 1;
  // Two 'YYYY-MM-DD' calendar dates (4-digit years): their string order is their calendar order.
  if (canonical) return (a, b) => a === undefined || b === undefined || ((mask >> ((a as string) < (b as string) ? 0 : (a as string) === (b as string) ? 1 : 2)) & 1) === 1;
  if (rule.kind === 'date') {
    return (a, b) => {
      if (typeof a !== 'string' || typeof b !== 'string') return true;
      const x = dateKeyOrNaN(a);
      const y = dateKeyOrNaN(b);
      if (x !== x || y !== y) return true;
      return holds(op, x < y ? -1 : x > y ? 1 : 0);
    };
  }
  return (a, b) => {
    if (a === undefined || b === undefined) return true;
    const c = typeof a === 'string' && typeof b === 'string' && isDecimalWithin(a, 1000) && isDecimalWithin(b, 1000) ? compareCanonicalDecimal(a, b) : orderOf('numeric', a, b);
    return c === null || holds(op, c);
  };
}

/** Inline code calling `fn(data)` through the validator's scope; the keyword fails when it returns false. */
function failUnless(cxt: KeywordCxt, fn: (data: never) => boolean): void {
  const ref = cxt.gen.scopeValue('keyword', { ref: fn });
  cxt.fail(_`!${ref}(${cxt.data})`);
}

/**
 * Keywords of the fail-fast instance only: the conditions under which CompiledForm validates a
 * payload as is, without the sanitising copy. FAST_PRESENT: the value is not blank.
 */
export const FAST_PRESENT = 'x-fast-present';
/**
 * FAST_PRESENT for a field of type string, checked inside ajv's string type group (so only the
 * string test remains): the string is not '' or whitespace.
 */
export const FAST_NONBLANK = 'x-fast-nonblank';
/**
 * FAST_PRESENT for a field of type array, inside ajv's array type group: the array is not empty. (A
 * separate keyword from FAST_NONBLANK: one keyword of both types makes ajv emit an array group,
 * an Array.isArray test per value, on every string field too.)
 */
export const FAST_NONEMPTY = 'x-fast-nonempty';
/**
 * On a `format: date` field of the fast schema, in place of `format`, `dateRange` and
 * FAST_RELATIVE_DATE: {minimum?, maximum?, exclusiveMinimum?, exclusiveMaximum?, relative?: [{index, kind}]}
 * — a calendar date within every bound, the day number computed once.
 */
export const FAST_DATE = 'x-fast-date';
/**
 * `properties` + `additionalProperties: false` + `required`, driven by the data's keys instead of
 * the schema's: one for...in over the payload, each key dispatched to its field's subschema (ajv's
 * own code for it, inlined), an unknown key failing, required keys counted. Reading values by the
 * keys being iterated stays fast whatever the payload's key order, where `data.name`-style reads of
 * every field go megamorphic across payload shapes (T4 measured them at ~1 µs per record).
 */
export const FAST_FIELDS = 'x-fast-fields';
/** The required keys x-fast-fields counts (an annotation read by that keyword). */
export const FAST_REQUIRED = 'x-fast-required';
/**
 * Translatable `{if, then?, else?}` items (see FAST_IF) that x-fast-fields checks after its loop, on
 * locals holding the values its loop read (an annotation read by that keyword): the same answer as
 * reading `data[key]` once the loop has accepted every key, without a property read per condition
 * (named reads of a payload go megamorphic across payload shapes).
 */
export const FAST_WHEN = 'x-fast-when';
/**
 * On the fast schema's root, in place of the record schema's `compareFields`: the same rules, which
 * FAST_FIELDS checks after its loop on the values the loop read (compareRuleAcceptor), instead of a
 * keyword that reads the payload again (two hasOwnProperty calls and two megamorphic keyed loads
 * per rule) and compares through regexes and substrings (a receivable: ~35% of its fast validation).
 */
export const FAST_COMPARE = 'x-fast-compare';
/**
 * On an integer field of the fast schema, with `type: number` in place of `type: integer`: the
 * number is an integer (Number.isInteger: the answer of ajv's `!(x % 1) && !isNaN(x)` for the finite
 * numbers `type: number` lets through). Ajv's `x % 1`, once a fraction has reached the validator,
 * is compiled as a floating-point remainder (x87 fprem), one per integer value.
 */
export const FAST_INTEGER = 'x-fast-integer';
/** On a field of the fast schema, in place of `format: <name>` for the formats of FAST_CHAR_FORMATS: the format's name. */
export const FAST_CHARS = 'x-fast-chars';
/**
 * On a `type: string` field of the fast schema, in place of an `enum` of strings: the same values,
 * compared after a switch on the length, so a value meets only the one to three values of its
 * length (ajv's `enum` compares with each value in turn). It also keeps strings longer than every
 * value (never internalized by JSON.parse, which internalizes short ones) away from the
 * comparisons, so optimised code can compare internalized strings by reference instead of calling
 * StringEqual per value (T4: the six enum fields of the customer form, ~7% of the fail-fast validation).
 */
export const FAST_ENUM = 'x-fast-enum';
/** [{index, kind}]: relative date bounds ('today+30'), checked against FAST_STATE.relativeLimits[index]. */
export const FAST_RELATIVE_DATE = 'x-fast-relative-date';
/**
 * On a USCC field without a uscc format: sets FAST_STATE.needsExtraChecks unless the value is a valid
 * USCC with a valid organisation code (the fast instance's uscc formats do the same themselves).
 */
export const FAST_USCC_NOTE = 'x-fast-uscc-note';
/**
 * An `{if, then?, else?}` item of the root `allOf` whose parts fast-conditions.ts can turn into a
 * plain predicate (equality conditions); buildFastInputSchema moves such items under this keyword.
 */
export const FAST_IF = 'x-fast-if';

/** Where the fast validators count an absent value of the property read that migrates a deprecated payload (FAST_FIELDS). */
const MIGRATION_SINK: { absent: number } = { absent: 0 };

/**
 * Per-call inputs and outputs of the fast validators' asOf / warning keywords. Validation is
 * synchronous and never re-entered, so one module-level record serves every form: CompiledForm sets
 * `relativeLimits` (date keys, see dateKeyOrNaN, of the form's relative date bounds for the call's
 * asOf, or null when no valid asOf was given) and clears `needsExtraChecks` right before calling its
 * fast validator.
 */
export const FAST_STATE: { relativeLimits: readonly number[] | null; needsExtraChecks: boolean } = {
  relativeLimits: null,
  needsExtraChecks: false,
};

function relativeDateOk(index: number, kind: 'minDate' | 'maxDate', data: string): boolean {
  const limits = FAST_STATE.relativeLimits;
  if (limits === null) return true;
  const key = dateKeyOrNaN(data);
  if (Number.isNaN(key)) return true; // `format: date` reports it
  // A NaN limit (not a calendar date) compares false, as its NaN difference did.
  return kind === 'maxDate' ? !(key > limits[index]!) : !(key < limits[index]!);
}

export interface FastDateSchema extends DateRangeKeywordSchema {
  relative?: Array<{ index: number; kind: 'minDate' | 'maxDate' }>;
}

/** True exactly when `format: date`, dateRange (the absolute bounds) and FAST_RELATIVE_DATE (relative ones) all accept `data`. */
function fastDateAcceptor(schema: FastDateSchema): (data: string) => boolean {
  // Date keys (dateKeyOrNaN), in calendar order like the day numbers they stand for.
  const key = (limit: string | undefined) => (limit === undefined ? NaN : dateKeyOrNaN(limit));
  const min = key(schema.minimum);
  const max = key(schema.maximum);
  const xmin = key(schema.exclusiveMinimum);
  const xmax = key(schema.exclusiveMaximum);
  const relative = schema.relative ?? [];
  const maxIndex = relative.map((r) => (r.kind === 'maxDate' ? r.index : -1));
  const minIndex = relative.map((r) => (r.kind === 'minDate' ? r.index : -1));
  return (data) => {
    const d = dateKeyOrNaN(data);
    // NaN: not a calendar date (the format); NaN bounds (absent, or not a date) compare false, as in dateRangeKeyword.
    if (Number.isNaN(d) || d < min || d > max || d <= xmin || d >= xmax) return false;
    const limits = FAST_STATE.relativeLimits;
    if (limits === null) return true;
    for (let i = 0; i < relative.length; i++) {
      if (maxIndex[i]! >= 0 && d > limits[maxIndex[i]!]!) return false;
      if (minIndex[i]! >= 0 && d < limits[minIndex[i]!]!) return false;
    }
    return true;
  };
}

/** decimalAccepts(schema, ·) with the schema read once; the common `minimum: "0"` or `exclusiveMinimum: "0"` alone as a sign test. */
function decimalAcceptor(schema: DecimalKeywordSchema): (data: string) => boolean {
  const scale = schema.scale ?? 1000;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (maximum !== undefined || exclusiveMaximum !== undefined) return (data) => decimalAccepts(schema, data);
  // Canonical and >= 0: no '-' sign, or a negative zero ('-0', '-0.00'). Canonical and > 0: a sign test.
  if (minimum === '0' && exclusiveMinimum === undefined) return (data) => isDecimalWithin(data, scale) && (data.charCodeAt(0) !== 45 || compareCanonicalDecimal(data, '0') === 0);
  if (exclusiveMinimum === '0' && minimum === undefined) return (data) => isDecimalWithin(data, scale) && canonicalSign(data) > 0;
  return (data) => decimalAccepts(schema, data);
}

/** The `uscc` format for the fast instance: the same answer, and FAST_STATE.needsExtraChecks unless no warning can apply. */
function fastUsccFormat(data: string): boolean {
  const scan = usccScan(data);
  if (scan === 1) return true;
  if (scan === 0) return false;
  FAST_STATE.needsExtraChecks = true;
  return scan === 2 || isValidUscc(data);
}

/** The `uscc-or-legacy` format for the fast instance, likewise. */
function fastUsccOrLegacyFormat(data: string): boolean {
  if (usccScan(data) === 1) return true;
  FAST_STATE.needsExtraChecks = true;
  return isUsccOrLegacy(data);
}

function noteUscc(data: string): boolean {
  if (!isUsccWithValidOrgCode(data)) FAST_STATE.needsExtraChecks = true;
  return true;
}

/**
 * `code.process` of the fail-fast instance. Its callers read only the boolean answer, yet ajv writes
 * an error list before each `return false` (`[{}]` in subschemas built without errors, a full error
 * object for the root keywords): allocation code at every failure site, about a third of the
 * generated source, all of it interleaved with the hot path. This drops the two forms that carry no
 * nested braces or quotes (any other form is left as ajv wrote it); a fast validator's `errors`
 * therefore says nothing about why it refused. Only record schemas (a FAST_FIELDS root) are
 * processed: meta-schemas keep their errors for ajv's "schema is invalid" messages.
 */
const FAST_ERROR_SITE = /\b(validate\d+)\.errors = \[\{(?:instancePath,schemaPath:"[^"\\]*",keyword:"[^"\\]*",params:\{[^{}"\\]*\})?\}\];return false;/g;
export function stripFastErrorLists(code: string, env?: { schema: unknown }): string {
  const schema = env?.schema;
  if (typeof schema !== 'object' || schema === null || !(FAST_FIELDS in schema)) return code;
  return code.replace(FAST_ERROR_SITE, 'return false;');
}

export type AjvMode = 'full' | 'fast';

/**
 * 'full': allErrors, every error with its params (what users see). 'fast': the same formats and
 * keywords as pass/fail checks (stop at the first failure, no error objects), for the hot path
 * of CompiledForm: a payload the fast validator accepts is one the full validator accepts.
 */
function createAjv(mode: 'full'): Ajv2020;
function createAjv(mode: 'fast'): AjvDraft7;
function createAjv(mode: AjvMode): AnyAjv {
  const fast = mode === 'fast';
  const options: Options = {
    allErrors: !fast,
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
    code: fast ? { esm: true, process: stripFastErrorLists } : { esm: true },
  };
  // The fast instance runs the same keywords without 2020's bookkeeping of evaluated properties
  // (nothing uses unevaluatedProperties) and without $dynamicRef; `next` adds dependentRequired.
  // Its schemas carry no $schema (buildFastInputSchema), the rest of the 2020 vocabulary is shared.
  const ajv: AnyAjv = fast ? new AjvDraft7({ ...options, next: true, unevaluated: false, dynamicRef: false }) : new Ajv2020(options);
  // uuid is one of CUSTOM_FORMATS (the ajv-formats definition).
  addFormats(ajv, ['uri']);
  for (const [name, fn] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: 'string', validate: fn });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  if (fast) {
    // Same answers as CUSTOM_FORMATS; they also tell CompiledForm whether USCC warnings need computing.
    ajv.addFormat('uscc', { type: 'string', validate: fastUsccFormat });
    ajv.addFormat('uscc-or-legacy', { type: 'string', validate: fastUsccOrLegacyFormat });
    ajv.addKeyword({
      keyword: 'decimal',
      type: 'string',
      schemaType: 'object',
      metaSchema: DECIMAL_META,
      code: (cxt) => failUnless(cxt, decimalAcceptor(cxt.schema as DecimalKeywordSchema)),
    });
    ajv.addKeyword({
      keyword: 'dateRange',
      type: 'string',
      schemaType: 'object',
      metaSchema: DATE_RANGE_META,
      code: (cxt) => failUnless(cxt, dateRangeAcceptor(cxt.schema as DateRangeKeywordSchema)),
    });
    ajv.addKeyword({
      keyword: 'compareFields',
      type: 'object',
      schemaType: 'array',
      metaSchema: COMPARE_FIELDS_META,
      code: (cxt) => failUnless(cxt, compareFieldsAcceptor(cxt.schema as CompareFieldsRule[])),
    });
    // A present value that counts as blank (undefined, null, '', whitespace, []): the sanitising path drops it.
    ajv.addKeyword({
      keyword: FAST_PRESENT,
      schemaType: 'boolean',
      code: (cxt) => {
        const d = cxt.data;
        cxt.fail(
          _`${d} === undefined || ${d} === null || (typeof ${d} == "string" && (${d}.length === 0 || (${d}.charCodeAt(0) <= 32 && ${d}.trim() === ""))) || (Array.isArray(${d}) && ${d}.length === 0)`,
        );
      },
    });
    ajv.addKeyword({
      keyword: FAST_NONBLANK,
      type: 'string',
      schemaType: 'boolean',
      code: (cxt) => {
        const d = cxt.data;
        cxt.fail(_`${d}.length === 0 || (${d}.charCodeAt(0) <= 32 && ${d}.trim() === "")`);
      },
    });
    ajv.addKeyword({
      keyword: FAST_NONEMPTY,
      type: 'array',
      schemaType: 'boolean',
      code: (cxt) => cxt.fail(_`${cxt.data}.length === 0`),
    });
    ajv.addKeyword({
      keyword: FAST_DATE,
      type: 'string',
      schemaType: 'object',
      code: (cxt) => {
        const schema = cxt.schema as FastDateSchema;
        const relative = schema.relative ?? [];
        const bounded = [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].some((b) => b !== undefined);
        if (bounded || relative.length > 1) {
          failUnless(cxt, fastDateAcceptor(schema));
          return;
        }
        // The usual shapes inline, without the acceptor's call and loop: a calendar date, within
        // its one relative bound when the call has limits (fastDateAcceptor answers the same).
        const { gen, data } = cxt;
        const key = gen.const('dk', _`${gen.scopeValue('keyword', { ref: dateKeyOrNaN })}(${data})`);
        if (relative.length === 0) {
          cxt.fail(_`${key} !== ${key}`);
          return;
        }
        const limits = gen.const('dl', _`${gen.scopeValue('keyword', { ref: FAST_STATE })}.relativeLimits`);
        const beyond = relative[0]!.kind === 'maxDate' ? _`${key} > ${limits}[${relative[0]!.index}]` : _`${key} < ${limits}[${relative[0]!.index}]`;
        cxt.fail(_`${key} !== ${key} || (${limits} !== null && ${beyond})`);
      },
    });
    ajv.addKeyword({
      keyword: FAST_INTEGER,
      type: 'number',
      schemaType: 'boolean',
      code: (cxt) => cxt.fail(_`!Number.isInteger(${cxt.data})`),
    });
    ajv.addKeyword({
      keyword: FAST_CHARS,
      type: 'string',
      schemaType: 'string',
      code: (cxt) => {
        const name = cxt.schema as string;
        const spec = FAST_CHAR_FORMATS[name];
        if (!spec) throw new Error(`${FAST_CHARS}: ${name} is not one of FAST_CHAR_FORMATS`);
        const d = cxt.data;
        let run: Code;
        let length: number;
        if ('ranges' in spec) {
          length = spec.ranges.length;
          run = _`${d}.length === ${length}`;
          spec.ranges.forEach(([lo, hi], i) => {
            run = _`${run} && ((${d}.charCodeAt(${i}) - ${lo}) >>> 0) <= ${hi - lo}`;
          });
        } else {
          length = spec.length;
          run = _`${d}.length === ${length} && ${cxt.gen.scopeValue('keyword', { ref: spec.regex })}.test(${d})`;
        }
        if (!spec.otherLengths) {
          cxt.fail(_`!(${run})`);
          return;
        }
        const predicate = cxt.gen.scopeValue('keyword', { ref: CUSTOM_FORMATS[name]! });
        cxt.fail(_`!(${d}.length === ${length} ? ${run} : ${predicate}(${d}))`);
      },
    });
    ajv.addKeyword({
      keyword: FAST_ENUM,
      type: 'string',
      schemaType: 'array',
      code: (cxt) => {
        const { gen, data } = cxt;
        const values = cxt.schema as unknown[];
        if (!values.every((v): v is string => typeof v === 'string')) throw new Error(`${FAST_ENUM}: only string values`);
        const byLength = new Map<number, string[]>();
        for (const v of values) byLength.set(v.length, [...(byLength.get(v.length) ?? []), v]);
        const ok = gen.let('ok', false);
        // As in FAST_FIELDS: raw switch labels (ajv's codegen has no switch).
        gen.code(_`switch (${data}.length) {case -1:`);
        for (const [length, group] of [...byLength].sort((a, b) => a[0] - b[0])) {
          gen.code(_`break; case ${length}:`);
          gen.assign(ok, or(...group.map((v) => _`${data} === ${v}`)));
        }
        gen.code(_`}`);
        cxt.fail(_`!${ok}`);
      },
    });
    ajv.addKeyword({ keyword: FAST_REQUIRED, schemaType: 'array' });
    ajv.addKeyword({ keyword: FAST_WHEN, schemaType: 'array' });
    ajv.addKeyword({ keyword: FAST_COMPARE, schemaType: 'array' });
    ajv.addKeyword({
      keyword: FAST_RELATIVE_DATE,
      type: 'string',
      schemaType: 'array',
      code: (cxt) => {
        const bounds = cxt.schema as Array<{ index: number; kind: 'minDate' | 'maxDate' }>;
        failUnless(cxt, (data: string) => {
          for (const b of bounds) if (!relativeDateOk(b.index, b.kind, data)) return false;
          return true;
        });
      },
    });
    ajv.addKeyword({
      keyword: FAST_IF,
      type: 'object',
      schemaType: 'object',
      code: (cxt) => {
        const code = ifThenCode(cxt.schema, cxt.data);
        if (code === null) throw new Error(`${FAST_IF}: not a translatable if/then/else item`);
        cxt.fail(_`!${code}`);
      },
    });
    ajv.addKeyword({ keyword: FAST_USCC_NOTE, type: 'string', schemaType: 'boolean', code: (cxt) => failUnless(cxt, noteUscc) });
    ajv.addKeyword({
      keyword: FAST_FIELDS,
      type: 'object',
      schemaType: 'object',
      code: (cxt) => {
        const { gen, data, parentSchema } = cxt;
        const fields = Object.keys(cxt.schema as Record<string, unknown>);
        const required = new Set<string>((parentSchema[FAST_REQUIRED] as string[] | undefined) ?? []);
        const when = (parentSchema[FAST_WHEN] as unknown[] | undefined) ?? [];
        // A local per field the conditions read, set when the loop meets that key (else undefined).
        const locals = new Map<string, Name>();
        const compare = (parentSchema[FAST_COMPARE] as CompareFieldsRule[] | undefined) ?? [];
        for (const item of when) for (const k of ifThenKeys(item)) if (fields.includes(k) && !locals.has(k)) locals.set(k, gen.let('cv'));
        for (const r of compare) for (const k of [r.left, r.right]) if (fields.includes(k) && !locals.has(k)) locals.set(k, gen.let('cv'));
        const seen = gen.let('seen', 0);
        const valid = gen.name('valid');
        // The key picks its field through a switch on its length (a jump table), then comparisons
        // with the few fields of that length, instead of one comparison per field in turn (a form
        // of 27 fields averaged 13 per key).
        const byLength = new Map<number, string[]>();
        for (const field of fields) byLength.set(field.length, [...(byLength.get(field.length) ?? []), field]);
        // A payload parsed before another one made V8 generalise a field of the same shape (e.g. a
        // fraction where this payload holds a small integer) has a deprecated map; one for...in over
        // such an object turns this validator's for...in feedback generic for good (every value then
        // read by a megamorphic keyed load, ~30% slower). A named property read migrates the object
        // first: of a required field (an own field of every payload this validator accepts, the
        // cheapest load from the megamorphic stub cache), else of `constructor`. Compared with undefined
        // (an absent one counted), so it stays, without `typeof`'s builtin call.
        const sink = gen.scopeValue('keyword', { ref: MIGRATION_SINK });
        gen.code(_`if (${data}${getProperty([...required][0] ?? 'constructor')} === undefined) ${sink}.absent++;`);
        gen.forIn('key', data, (key) => {
          // The value read once, before the key is compared with anything: a keyed load by the
          // for...in variable itself, which optimised code turns into a field load by the enum
          // cache's index. Read inside each field's branch (after the comparisons), it was compiled
          // as a megamorphic keyed load per field (T4: ~4% of the fail-fast validation). A key the
          // form does not have is read too, then refused. Conditions' locals take this same value.
          const value = gen.const('value', _`${data}[${key}]`);
          // ajv's codegen has no switch: the labels are raw code (each rendered with an empty statement after it).
          gen.code(_`switch (${key}.length) {case -1:`);
          for (const [length, group] of [...byLength].sort((a, b) => a[0] - b[0])) {
            gen.code(_`break; case ${length}:`);
            group.forEach((field, i) => {
              const cond = _`${key} === ${field}`;
              if (i === 0) gen.if(cond);
              else gen.elseIf(cond);
              // Passed as `data`, not `dataProp`: the fail-fast validator reports no paths.
              cxt.subschema({ keyword: FAST_FIELDS, schemaProp: field, data: value, createErrors: false }, valid);
              gen.if(_`!${valid}`, () => cxt.error());
              if (required.has(field)) gen.code(_`${seen}++`);
              const local = locals.get(field);
              if (local) gen.assign(local, value);
            });
            gen.else();
            cxt.error(); // a key of this length the form does not have
            gen.endIf();
          }
          gen.code(_`break; default:`);
          cxt.error(); // a key the form does not have
          gen.code(_`}`);
        });
        cxt.fail(_`${seen} !== ${required.size}`);
        // Keys outside `fields` never reach here (the loop refuses them): their value is undefined.
        for (const item of when) {
          const code = ifThenCodeWith(item, (k) => locals.get(k) ?? _`undefined`);
          if (code === null) throw new Error(`${FAST_WHEN}: not a translatable if/then/else item`);
          cxt.fail(_`!${code}`);
        }
        for (const r of compare) {
          // Whether the field's own check (which passed before this one runs) leaves its value
          // canonical: a decimal string (`decimal`), or a 'YYYY-MM-DD' calendar date (FAST_DATE).
          const checked = (k: string) => {
            const f = (cxt.schema as Record<string, unknown>)[k] as Record<string, unknown> | false | undefined;
            const keyword = r.kind === 'numeric' ? 'decimal' : FAST_DATE;
            return !!f && f.type === 'string' && typeof f[keyword] === 'object' && f[keyword] !== null;
          };
          const accepts = gen.scopeValue('keyword', { ref: compareRuleAcceptor(r, checked(r.left) && checked(r.right)) });
          cxt.fail(_`!${accepts}(${locals.get(r.left) ?? _`undefined`}, ${locals.get(r.right) ?? _`undefined`})`);
        }
      },
    });
    return ajv;
  }
  ajv.addKeyword({
    keyword: 'decimal',
    type: 'string',
    schemaType: 'object',
    errors: true,
    metaSchema: DECIMAL_META,
    validate: decimalKeyword as unknown as SchemaValidateFunction,
  });
  ajv.addKeyword({
    keyword: 'dateRange',
    type: 'string',
    schemaType: 'object',
    errors: true,
    metaSchema: DATE_RANGE_META,
    validate: dateRangeKeyword as unknown as SchemaValidateFunction,
  });
  ajv.addKeyword({
    keyword: 'compareFields',
    type: 'object',
    schemaType: 'array',
    errors: true,
    metaSchema: COMPARE_FIELDS_META,
    validate: compareFieldsKeyword as unknown as SchemaValidateFunction,
  });
  return ajv;
}

let instance: Ajv2020 | undefined;
let fastInstance: AjvDraft7 | undefined;

/** The shared Ajv instance (allErrors; the errors users see), created on first use. */
export function getAjv(): Ajv2020 {
  instance ??= createAjv('full');
  return instance;
}

/**
 * The fail-fast twin of getAjv() (same formats and keywords, stops at the first failure, builds no
 * error objects), used by CompiledForm to accept clean, valid payloads quickly; anything it refuses
 * is judged again by the full validator.
 */
export function getFastAjv(): AjvDraft7 {
  fastInstance ??= createAjv('fast');
  return fastInstance;
}
