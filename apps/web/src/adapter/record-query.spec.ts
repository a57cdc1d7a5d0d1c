import { describe, expect, it } from 'vitest';
import { fieldQueryCaps, fromRecordFilter, fromSortParam, toRecordFilter, toSortParam } from './record-query';

describe('record list queries', () => {
  it('takes operators and sortability from the engine field types', () => {
    expect(fieldQueryCaps({ type: 'money' }).operators).toContain('between');
    expect(fieldQueryCaps({ type: 'money' }).sortable).toBe(true);
    expect(fieldQueryCaps({ type: 'text' }).operators).toContain('contains');
    expect(fieldQueryCaps({ type: 'no_such_type' })).toEqual({ operators: [], sortable: false });
  });

  it('round-trips filters through the query string', () => {
    const clauses = [
      { field: 'credit_limit', op: 'gte' as const, value: '100000' },
      { field: 'credit_limit', op: 'lt' as const, value: '500000' },
      { field: 'uscc', op: 'empty' as const, value: 'ignored' },
    ];
    const filter = toRecordFilter(clauses);
    expect(filter).toEqual({ credit_limit: { gte: '100000', lt: '500000' }, uscc: { empty: true } });
    expect(toRecordFilter(fromRecordFilter(JSON.stringify(filter)))).toEqual(filter);
    expect(fromRecordFilter('{not json')).toEqual([]);
  });

  it('maps el-table sort state to the API sort parameter', () => {
    expect(toSortParam('credit_limit', 'descending')).toBe('-credit_limit');
    expect(toSortParam('credit_limit', null)).toBeNull();
    expect(fromSortParam('-credit_limit')).toEqual({ prop: 'credit_limit', order: 'descending' });
    expect(fromSortParam('name')).toEqual({ prop: 'name', order: 'ascending' });
  });
});
