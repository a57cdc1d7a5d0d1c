import { OneTripMissed } from '../../database/tenant-database.js';

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

interface Lane<I, R> {
  waiting: Array<Waiting<I, R>>;
  inFlight: number;
  /** Sends a batch (items of this lane only) as one statement; results in item order. */
  send: (items: I[]) => Promise<R[]>;
}

/**
 * Coalesces concurrent single writes that may share one statement (same tenant, form and cached
 * facts: one `lane`) into batches, without waiting for anything: an item is sent at once when
 * its lane has fewer than `maxInFlight` statements on their way; otherwise it waits for one to
 * come back and goes with everything that queued meanwhile (at most `maxBatch`). Under load the
 * per-statement costs (round trip, guard, statement triggers, commit) are paid once per batch.
 *
 * A batch that PostgreSQL refuses (OneTripMissed: nothing committed, e.g. one item's duplicate)
 * is sent again item by item, so each item gets its own outcome, as if it had been alone. Any
 * other error (the connection broke: outcome unknown) is every item's answer.
 */
export class WriteCoalescer<I, R> {
  private readonly lanes = new Map<string, Lane<I, R>>();

  constructor(
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(lane: string, item: I, send: (items: I[]) => Promise<R[]>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let current = this.lanes.get(lane);
      if (!current) {
        current = { waiting: [], inFlight: 0, send };
        this.lanes.set(lane, current);
      }
      current.waiting.push({ item, resolve, reject });
      this.pump(lane, current);
    });
  }

  private pump(name: string, lane: Lane<I, R>): void {
    while (lane.waiting.length && lane.inFlight < this.maxInFlight) {
      const batch = lane.waiting.splice(0, this.maxBatch);
      lane.inFlight++;
      void this.run(lane.send, batch).finally(() => {
        lane.inFlight--;
        if (lane.waiting.length) this.pump(name, lane);
        else if (!lane.inFlight) this.lanes.delete(name);
      });
    }
  }

  private async run(send: (items: I[]) => Promise<R[]>, batch: Array<Waiting<I, R>>): Promise<void> {
    let results: R[];
    try {
      results = await send(batch.map((w) => w.item));
    } catch (error) {
      if (batch.length > 1 && error instanceof OneTripMissed) {
        // Nothing was written: each item alone, for its own answer.
        await Promise.all(batch.map((w) => this.run(send, [w])));
        return;
      }
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const result = results[i];
      if (result === undefined) w.reject(new Error('a coalesced write returned no row for an item'));
      else w.resolve(result);
    });
  }
}
