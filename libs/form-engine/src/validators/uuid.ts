/**
 * The `uuid` format of ajv-formats, registered by the engine itself (CUSTOM_FORMATS) so both Ajv
 * instances share one definition. A character-code loop was measured slower than this regex
 * (~130 vs ~85 ns per value in T4's setting), so the regex stays.
 */
export const UUID_RE = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
