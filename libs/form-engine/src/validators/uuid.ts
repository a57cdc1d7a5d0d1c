/**
 * The `uuid` format of ajv-formats, registered by the engine itself (CUSTOM_FORMATS) so both Ajv
 * instances share one definition. UUID_RE is the definition; isUuid answers the same on character
 * codes (uuid.spec.ts compares them on mutated ids and on every code unit at every position): a
 * table lookup per character in one loop, measured faster than the regex (and than five loops, one per group) inside the validator.
 */
export const UUID_RE = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** 0 for the code units of [0-9a-fA-F], 1 for every other code unit. */
const NOT_HEX = new Uint8Array(0x10000).fill(1);
for (const c of '0123456789abcdefABCDEF') NOT_HEX[c.charCodeAt(0)] = 0;

const URN_PREFIX = /^urn:uuid:/i;

/** 1 at the positions of the four hyphens of 8-4-4-4-12. */
const HYPHEN_AT = new Uint8Array(36);
HYPHEN_AT[8] = HYPHEN_AT[13] = HYPHEN_AT[18] = HYPHEN_AT[23] = 1;

/**
 * 8-4-4-4-12 hex digits with hyphens, starting at `o` (the caller checked the length). One loop, no
 * branch per character: at a hyphen position `c ^ 45` counts, elsewhere the hex table does (a
 * `HYPHEN_AT[i] ? … : …` compiles to a branch that mispredicted at the four hyphens of every id).
 */
function uuidAt(v: string, o: number): boolean {
  let bad = 0;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(o + i);
    const h = HYPHEN_AT[i]!;
    bad |= ((c ^ 45) * h) | (NOT_HEX[c]! & (h ^ 1));
  }
  return bad === 0;
}

export function isUuid(value: string): boolean {
  if (value.length === 36) return uuidAt(value, 0);
  return value.length === 45 && URN_PREFIX.test(value) && uuidAt(value, 9);
}
