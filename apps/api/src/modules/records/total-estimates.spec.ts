import { describe, expect, it } from 'vitest';
import { parseRecordQuery } from './record-query.js';
import { EXACT_TOTAL_LIMIT, RecordsRepository, TotalEstimates, parsePlanEstimate } from './records.repository.js';

const FORM = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const fields = [{ key: 'credit_status', label: { 'zh-CN': '信用状态', en: 'Credit status' }, type: 'text' }] as never;
const explainRows = (rows: number) => [{ 'QUERY PLAN': [{ Plan: { 'Node Type': 'Seq Scan', 'Plan Rows': rows } }] }];

describe('TotalEstimates', () => {
  it('keeps a figure for its time to live, then forgets it', () => {
    let now = 1_000;
    const estimates = new TotalEstimates(30_000, 10, () => now);
    estimates.set('a', 85_000);
    now += 29_999;
    expect(estimates.get('a')).toBe(85_000);
    now += 1;
    expect(estimates.get('a')).toBeUndefined();
  });

  it('holds at most `max` figures, dropping the oldest', () => {
    const estimates = new TotalEstimates(30_000, 2, () => 0);
    estimates.set('a', 1);
    estimates.set('b', 2);
    estimates.set('a', 3); // set again: now the newest
    estimates.set('c', 4);
    expect([estimates.get('a'), estimates.get('b'), estimates.get('c')]).toEqual([3, undefined, 4]);
  });
});

describe('RecordsRepository.totalStatements (total=true of a filtered list)', () => {
  const repo = new RecordsRepository();
  const query = (value: string) => parseRecordQuery(fields, { credit_status: { eq: value } }, undefined, 4).query!;

  it('sends the prepared capped count, and the EXPLAIN only while no estimate of that filter is held', () => {
    const estimates = new TotalEstimates();
    const first = repo.totalStatements(FORM, null, query('正常'), EXACT_TOTAL_LIMIT, estimates);
    expect(first.statements).toHaveLength(2);
    expect(first.statements[0]!.text).toMatch(/^SELECT count\(\*\)::int AS n FROM \(.* LIMIT 1001\) c$/s);
    expect(first.statements[0]!.name).toMatch(/^s_[0-9a-f]{16}$/);
    expect(first.statements[1]!.text).toMatch(/^EXPLAIN \(FORMAT JSON\) SELECT 1 FROM records_t r/);
    expect(first.parse([[{ n: 1001 }], explainRows(85_059.4)])).toEqual({ count: 1001, estimate: 85_059 });

    // The same filter again: the count only, the estimate reused; the count is read afresh.
    const again = repo.totalStatements(FORM, null, query('正常'), EXACT_TOTAL_LIMIT, estimates);
    expect(again.statements).toHaveLength(1);
    expect(again.parse([[{ n: 12 }]])).toEqual({ count: 12, estimate: 85_059 });

    // Another value is another filter, and another owner rule another list.
    expect(repo.totalStatements(FORM, null, query('冻结'), EXACT_TOTAL_LIMIT, estimates).statements).toHaveLength(2);
    expect(repo.totalStatements(FORM, { field: 'sales_owner', userId: 'u1' } as never, query('正常'), EXACT_TOTAL_LIMIT, estimates).statements).toHaveLength(2);
  });

  it('reads the estimate at the top of the plan, 0 when there is none', () => {
    expect(parsePlanEstimate(explainRows(12.6))).toBe(13);
    expect(parsePlanEstimate([{ 'QUERY PLAN': JSON.stringify([{ Plan: { 'Plan Rows': 7 } }]) }])).toBe(7);
    expect(parsePlanEstimate([])).toBe(0);
  });
});
