import { getFieldType, isDecimalString, isValidDate, type FieldDefinition, type StorageKind } from '@credo/form-engine';
import type { ProblemFieldError } from '../../common/app.exception.js';

/**
 * Record-list filters and sorts on user-defined fields, turned into SQL over `records.data`.
 * The expression for a field (`fieldExpression`) is the same one its expression index is built
 * on, so the planner can use the index for both filtering and ordering.
 */

export type FilterOperator =
  | 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'contains' | 'startsWith' | 'in' | 'empty' | 'notEmpty';

const CASTS: Record<StorageKind, string | null> = {
  text: null,
  uuid: null,
  numeric: 'numeric',
  integer: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: null,
};

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** Storage of a field's value; a formula stores what it computes. */
export function storageOf(field: FieldDefinition): StorageKind {
  if (field.type === 'formula') {
    switch (field.resultType) {
      case 'decimal':
        return 'numeric';
      case 'integer':
        return 'integer';
      case 'date':
        return 'date';
      case 'boolean':
        return 'boolean';
      default:
        return 'text';
    }
  }
  return getFieldType(field.type).storage;
}

/** SQL of a field's typed value, e.g. `((r.data->>'credit_limit')::numeric)`; keys are checked identifiers. */
export function fieldExpression(field: FieldDefinition, alias = 'r'): string {
  if (!FIELD_KEY.test(field.key)) throw new Error(`bad field key ${field.key}`);
  const storage = storageOf(field);
  if (storage === 'jsonb') return `(${alias}.data->'${field.key}')`;
  // Dates go through immutable wrappers so the same expression can be indexed (see migration).
  if (storage === 'date') return `credo_date(${alias}.data->>'${field.key}')`;
  if (storage === 'timestamptz') return `credo_timestamptz(${alias}.data->>'${field.key}')`;
  const cast = CASTS[storage];
  return cast ? `((${alias}.data->>'${field.key}')::${cast})` : `(${alias}.data->>'${field.key}')`;
}

/** The SQL type a field's cursor value is cast back to. */
export function sqlCast(field: FieldDefinition): string {
  return CASTS[storageOf(field)] ?? 'text';
}

export interface SortSpec {
  /** null = the default order (newest first, by id). */
  field: FieldDefinition | null;
  direction: 'asc' | 'desc';
}

export interface ParsedQuery {
  where: string[];
  params: unknown[];
  sort: SortSpec;
  /** Fields a filter already restricts to non-empty values (a sort on them has no NULL segment). */
  nonNull: Set<string>;
  /**
   * The filter is one equality on an indexed field: the planner estimates its matches from that
   * index's statistics (within 10× of the truth, bench T14).
   */
  estimable: boolean;
}

type Problem = Omit<ProblemFieldError, 'message'>;

function problem(path: string, keyword: string, params: Record<string, unknown>): Problem {
  return { path, keyword, params };
}

function checkValue(storage: StorageKind, value: unknown, path: string, problems: Problem[]): unknown {
  const bad = (expected: string) => {
    problems.push(problem(path, 'type', { expected }));
    return undefined;
  };
  switch (storage) {
    case 'numeric':
    case 'double':
      return typeof value === 'string' && isDecimalString(value) ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : bad('decimal');
    case 'integer':
      return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) ? String(value) : bad('integer');
    case 'date':
      return typeof value === 'string' && isValidDate(value) ? value : bad('date');
    case 'timestamptz':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : bad('date-time');
    case 'boolean':
      return typeof value === 'boolean' ? value : bad('boolean');
    default:
      return typeof value === 'string' && value.length <= 500 ? value : bad('string');
  }
}

/**
 * Parses `filter` ({ field: { op: value } }) and `sort` ("field" or "-field") against a form's
 * fields. Every problem (unknown field, operator the type does not offer, wrong value type) is
 * returned with its path; nothing is spliced into SQL but checked field keys.
 */
export function parseRecordQuery(
  fields: readonly FieldDefinition[],
  filter: unknown,
  sort: string | undefined,
  firstParam: number,
): { query?: ParsedQuery; problems: Problem[] } {
  // Problems carry keyword + params; the service renders them in the caller's language.
  const problems: Problem[] = [];
  const where: string[] = [];
  const params: unknown[] = [];
  const nonNull = new Set<string>();
  let equalities = 0;
  let indexedEquality = false;
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const param = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };

  if (filter !== undefined) {
    if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
      problems.push(problem('/filter', 'type', { expected: 'object' }));
    } else {
      for (const [key, ops] of Object.entries(filter as Record<string, unknown>)) {
        const field = byKey.get(key);
        const base = `/filter/${key}`;
        if (!field) {
          problems.push(problem(base, 'unknownField', { field: key }));
          continue;
        }
        if (!ops || typeof ops !== 'object' || Array.isArray(ops)) {
          problems.push(problem(base, 'type', { expected: 'object' }));
          continue;
        }
        const storage = storageOf(field);
        const allowed = getFieldType(field.type).filterOperators;
        const expr = fieldExpression(field);
        for (const [op, value] of Object.entries(ops as Record<string, unknown>)) {
          const path = `${base}/${op}`;
          if (!allowed.includes(op)) {
            problems.push(problem(path, 'operator', { op, allowed: allowed.join(', ') }));
            continue;
          }
          const one = (v: unknown) => checkValue(storage, v, path, problems);
          if (op !== 'ne' && op !== 'empty' && op !== 'notEmpty') nonNull.add(key);
          if ((op === 'empty' && value === false) || (op === 'notEmpty' && value === true)) nonNull.add(key);
          switch (op as FilterOperator) {
            case 'empty':
            case 'notEmpty': {
              if (typeof value !== 'boolean') {
                problems.push(problem(path, 'type', { expected: 'boolean' }));
                break;
              }
              const wantEmpty = (op === 'empty') === value;
              const emptySql = storage === 'jsonb' ? `(${expr} IS NULL OR ${expr} IN ('[]'::jsonb, 'null'::jsonb))` : `(r.data->>'${key}') IS NULL`;
              where.push(wantEmpty ? emptySql : `NOT ${emptySql}`);
              break;
            }
            case 'in': {
              if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
                problems.push(problem(path, 'type', { expected: 'array (1-100)' }));
                break;
              }
              const values = value.map(one);
              where.push(`${expr} = ANY(${param(values)}::${CASTS[storage] ?? 'text'}[])`);
              break;
            }
            case 'between': {
              if (!Array.isArray(value) || value.length !== 2) {
                problems.push(problem(path, 'type', { expected: 'array [from, to]' }));
                break;
              }
              where.push(`${expr} BETWEEN ${param(one(value[0]))} AND ${param(one(value[1]))}`);
              break;
            }
            case 'contains':
            case 'startsWith': {
              if (storage === 'jsonb') {
                if (typeof value !== 'string') problems.push(problem(path, 'type', { expected: 'string' }));
                where.push(`${expr} ? ${param(value)}`);
                break;
              }
              const text = one(value);
              const escaped = typeof text === 'string' ? text.replace(/[\\%_]/g, (c) => `\\${c}`) : '';
              where.push(`${expr} ILIKE ${param(op === 'contains' ? `%${escaped}%` : `${escaped}%`)}`);
              break;
            }
            default: {
              if (op === 'eq') {
                equalities++;
                indexedEquality = field.indexed === true || field.unique === true;
              }
              const sqlOp = { eq: '=', ne: 'IS DISTINCT FROM', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op as 'eq'];
              where.push(`${expr} ${sqlOp} ${param(one(value))}`);
            }
          }
        }
      }
    }
  }

  let sortSpec: SortSpec = { field: null, direction: 'desc' };
  if (sort !== undefined) {
    const direction = sort.startsWith('-') ? 'desc' : 'asc';
    const key = sort.replace(/^[-+]/, '');
    const field = byKey.get(key);
    if (!field) problems.push(problem('/sort', 'unknownField', { field: key }));
    else if (!getFieldType(field.type).sortable) problems.push(problem('/sort', 'notSortable', { field: key }));
    else sortSpec = { field, direction };
  }
  const estimable = where.length === 1 && equalities === 1 && indexedEquality;
  return problems.length ? { problems } : { query: { where, params, sort: sortSpec, nonNull, estimable }, problems };
}
