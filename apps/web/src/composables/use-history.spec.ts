import { describe, expect, it } from 'vitest';
import { useHistory } from './use-history';

describe('useHistory', () => {
  it('undoes and redoes snapshots, merging quick edits with the same tag into one step', () => {
    let t = 0;
    const h = useHistory({ v: 0 }, { now: () => t, mergeMs: 500 });
    h.record({ v: 1 }, 'label');
    t += 100;
    h.record({ v: 2 }, 'label');
    t += 1000;
    h.record({ v: 3 });
    expect(h.undo()).toEqual({ v: 2 });
    expect(h.undo()).toEqual({ v: 0 });
    expect(h.canUndo.value).toBe(false);
    expect(h.redo()).toEqual({ v: 2 });
    h.record({ v: 9 });
    expect(h.canRedo.value).toBe(false);
    expect(h.undo()).toEqual({ v: 2 });
  });
});
