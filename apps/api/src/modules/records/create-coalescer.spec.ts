import { describe, expect, it } from 'vitest';
import { OneTripMissed } from '../../database/tenant-database.js';
import { WriteCoalescer } from './create-coalescer.js';

/** A send whose statements the test answers by hand, recording each batch. */
function manualSend() {
  const batches: Array<{ items: string[]; resolve(rows: string[]): void; reject(error: unknown): void }> = [];
  const send = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, resolve, reject });
    });
  return { batches, send };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteCoalescer', () => {
  it('sends at once while under maxInFlight; what queues meanwhile goes together, at most maxBatch at a time', async () => {
    const coalescer = new WriteCoalescer<string, string>(3, 1);
    const { batches, send } = manualSend();
    const results = ['a', 'b', 'c', 'd', 'e'].map((item) => coalescer.submit('lane', item, send));
    await tick();
    expect(batches.map((b) => b.items)).toEqual([['a']]);
    batches[0]!.resolve(['A']);
    await tick();
    expect(batches.map((b) => b.items)).toEqual([['a'], ['b', 'c', 'd']]);
    batches[1]!.resolve(['B', 'C', 'D']);
    await tick();
    expect(batches[2]!.items).toEqual(['e']);
    batches[2]!.resolve(['E']);
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('keeps lanes apart: items of another lane never share a batch', async () => {
    const coalescer = new WriteCoalescer<string, string>(10, 1);
    const { batches, send } = manualSend();
    const results = [coalescer.submit('t1', 'a', send), coalescer.submit('t2', 'x', send), coalescer.submit('t1', 'b', send), coalescer.submit('t2', 'y', send)];
    await tick();
    expect(batches.map((b) => b.items)).toEqual([['a'], ['x']]);
    batches[0]!.resolve(['A']);
    batches[1]!.resolve(['X']);
    await tick();
    expect(batches.slice(2).map((b) => b.items)).toEqual([['b'], ['y']]);
    batches[2]!.resolve(['B']);
    batches[3]!.resolve(['Y']);
    expect(await Promise.all(results)).toEqual(['A', 'X', 'B', 'Y']);
  });

  it('a refused batch (OneTripMissed: nothing written) is sent again item by item, each with its own answer', async () => {
    const coalescer = new WriteCoalescer<string, string>(10, 1);
    const sent: string[][] = [];
    const send = async (items: string[]) => {
      sent.push(items);
      if (items.includes('bad')) throw new OneTripMissed(Object.assign(new Error('duplicate'), { code: '23505' }));
      return items.map((i) => i.toUpperCase());
    };
    const first = coalescer.submit('lane', 'a', send);
    const rest = ['b', 'bad', 'c'].map((item) => coalescer.submit('lane', item, send));
    expect(await first).toBe('A');
    const settled = await Promise.allSettled(rest);
    expect(sent).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'B' });
    expect(settled[1]!.status).toBe('rejected');
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(OneTripMissed);
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 'C' });
  });

  it('any other error (outcome unknown) is every item’s answer, with no second attempt', async () => {
    const coalescer = new WriteCoalescer<string, string>(10, 1);
    const { batches, send } = manualSend();
    const first = coalescer.submit('lane', 'a', send);
    const rest = ['b', 'c'].map((item) => coalescer.submit('lane', item, send));
    await tick();
    batches[0]!.resolve(['A']);
    await first;
    await tick();
    const broken = new Error('connection terminated');
    batches[1]!.reject(broken);
    const settled = await Promise.allSettled(rest);
    expect(settled).toEqual([{ status: 'rejected', reason: broken }, { status: 'rejected', reason: broken }]);
    expect(batches).toHaveLength(2);
  });
});
