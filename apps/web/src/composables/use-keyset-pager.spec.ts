import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { useKeysetPager, type KeysetPage } from './use-keyset-pager';

/** 7 rows, pages of 3, cursor = index of the next row. */
function fakeServer() {
  const calls: { cursor: string | null; withTotal: boolean }[] = [];
  const rows = [1, 2, 3, 4, 5, 6, 7];
  const load = async (cursor: string | null, withTotal: boolean): Promise<KeysetPage<number>> => {
    calls.push({ cursor, withTotal });
    if (cursor === 'bad') throw new ApiError({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'bad cursor' });
    const start = cursor ? Number(cursor) : 0;
    const next = start + 3 < rows.length ? String(start + 3) : null;
    return { items: rows.slice(start, start + 3), next, ...(withTotal ? { total: rows.length } : {}) };
  };
  return { calls, load };
}

const toError = (e: unknown) => e as ApiError;

describe('useKeysetPager', () => {
  it('walks forward with the server cursor and back with the remembered ones', async () => {
    const server = fakeServer();
    const pager = useKeysetPager(server.load, toError);
    await pager.reset();
    expect(pager.items.value).toEqual([1, 2, 3]);
    expect(pager.total.value).toBe(7);
    expect(pager.hasPrev.value).toBe(false);

    await pager.next();
    await pager.next();
    expect(pager.items.value).toEqual([7]);
    expect(pager.page.value).toBe(3);
    expect(pager.hasNext.value).toBe(false);

    await pager.prev();
    expect(pager.items.value).toEqual([4, 5, 6]);
    expect(pager.page.value).toBe(2);
    // The total is counted once, not on every page.
    expect(server.calls.map((c) => c.withTotal)).toEqual([true, false, false, false]);
    expect(pager.total.value).toBe(7);
  });

  it('keeps the current page when a page fails, and reports the problem', async () => {
    const server = fakeServer();
    const load = (cursor: string | null, withTotal: boolean) => server.load(cursor === '3' ? 'bad' : cursor, withTotal);
    const pager = useKeysetPager(load, toError);
    await pager.reset();
    await pager.next();
    expect(pager.error.value?.problem.detail).toBe('bad cursor');
    expect(pager.items.value).toEqual([1, 2, 3]);
    expect(pager.page.value).toBe(1);
    expect(pager.loading.value).toBe(false);
  });

  it('keeps whether the total is an estimate across pages, and forgets it on reset', async () => {
    let estimate = true;
    const load = async (cursor: string | null, withTotal: boolean): Promise<KeysetPage<number>> => ({
      items: [cursor ? 2 : 1],
      next: cursor ? null : 'c',
      ...(withTotal ? { total: estimate ? 12_345 : 7, totalIsEstimate: estimate, totalCapped: false } : {}),
    });
    const pager = useKeysetPager(load, toError);
    await pager.reset();
    expect([pager.total.value, pager.totalIsEstimate.value]).toEqual([12_345, true]);
    await pager.next();
    expect([pager.total.value, pager.totalIsEstimate.value]).toEqual([12_345, true]);
    estimate = false;
    await pager.reset();
    expect([pager.total.value, pager.totalIsEstimate.value]).toEqual([7, false]);
  });
});
