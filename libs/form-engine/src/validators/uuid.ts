/**
 * The `uuid` format of ajv-formats, /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
 * on character codes: user and reference fields hold one per record, so it runs on every save.
 */
export const UUID_RE = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

export function isUuid(value: string): boolean {
  let start = 0;
  if (value.length === 45) {
    // 'urn:uuid:' in any letter case
    const p = value.slice(0, 9).toLowerCase();
    if (p !== 'urn:uuid:') return false;
    start = 9;
  } else if (value.length !== 36) {
    return false;
  }
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHex(c)) {
      return false;
    }
  }
  return true;
}
