/** Field-level change between two versions of a record's data: `{ field: { from, to } }`. */
export type RecordChanges = Record<string, { from?: unknown; to?: unknown }>;

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function diffRecordData(before: Record<string, unknown>, after: Record<string, unknown>): RecordChanges {
  const changes: RecordChanges = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key];
    const to = after[key];
    if (same(from, to)) continue;
    changes[key] = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  }
  return changes;
}
