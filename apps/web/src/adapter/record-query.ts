import { fieldTypeRegistry } from '@credo/form-engine';
import type { FieldDefinition } from '../api/forms';
import type { RecordFilter } from '../api/records';

/*
 * List filters and sorts. Which operators a field offers and whether it sorts come from the
 * engine's field-type registry, the same table the API checks filters against.
 */

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'contains' | 'startsWith' | 'in' | 'empty' | 'notEmpty';

export interface FilterClause {
  field: string;
  op: FilterOp;
  /** between: [from, to]; in: list; empty/notEmpty: true. */
  value: unknown;
}

export function fieldQueryCaps(field: Pick<FieldDefinition, 'type'>): { operators: readonly FilterOp[]; sortable: boolean } {
  const ft = (fieldTypeRegistry as Record<string, { filterOperators: readonly string[]; sortable: boolean } | undefined>)[field.type];
  if (!ft) return { operators: [], sortable: false };
  return { operators: ft.filterOperators as readonly FilterOp[], sortable: ft.sortable };
}

/** How a value is written for the API: numbers stay numbers for number/integer, decimals are strings. */
export const NUMERIC_NUMBER_TYPES = new Set(['number', 'integer']);

export function needsValue(op: FilterOp): boolean {
  return op !== 'empty' && op !== 'notEmpty';
}

/** The `filter` query parameter: one object per field, several operators on a field are ANDed. */
export function toRecordFilter(clauses: readonly FilterClause[]): RecordFilter {
  const out: RecordFilter = {};
  for (const c of clauses) {
    out[c.field] = { ...out[c.field], [c.op]: needsValue(c.op) ? c.value : true };
  }
  return out;
}

/** Parses `?filter=` back into clauses (bad input gives none: the URL may be hand-edited). */
export function fromRecordFilter(text: unknown): FilterClause[] {
  if (typeof text !== 'string' || !text) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
    const out: FilterClause[] = [];
    for (const [field, ops] of Object.entries(parsed as Record<string, unknown>)) {
      if (!ops || typeof ops !== 'object') continue;
      for (const [op, value] of Object.entries(ops as Record<string, unknown>)) out.push({ field, op: op as FilterOp, value });
    }
    return out;
  } catch {
    return [];
  }
}

/** Sort parameter <-> el-table's sort state. */
export function toSortParam(field: string | null, order: 'ascending' | 'descending' | null): string | null {
  if (!field || !order) return null;
  return order === 'descending' ? `-${field}` : field;
}

export function fromSortParam(sort: unknown): { prop: string; order: 'ascending' | 'descending' } | null {
  if (typeof sort !== 'string' || !sort) return null;
  return sort.startsWith('-') ? { prop: sort.slice(1), order: 'descending' } : { prop: sort.replace(/^\+/, ''), order: 'ascending' };
}
