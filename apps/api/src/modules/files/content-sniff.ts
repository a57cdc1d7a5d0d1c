/**
 * Decides the stored content type of an upload from its bytes and the declared type. A format
 * with a signature is believed over the declaration (a "PNG" that is a PDF is refused);
 * executables and HTML/SVG (script in a download) are refused outright.
 */
export type SniffResult = { ok: true; type: string } | { ok: false; reason: 'mismatch'; actual: string } | { ok: false; reason: 'not_allowed'; actual: string };

const OOXML_AND_ZIP = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
]);
const OLE = new Set(['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/x-ole-storage']);
const TEXT = new Set(['text/plain', 'text/csv', 'application/json', 'text/markdown']);
const OCTET = 'application/octet-stream';

function startsWith(bytes: Buffer, sig: number[], at = 0): boolean {
  return bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
}

/** The type the bytes say, or 'text' / 'binary' when they carry no known signature. */
export function signatureOf(bytes: Buffer): string {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (startsWith(bytes, [0x4d, 0x5a]) || startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(bytes, [0xcf, 0xfa, 0xed, 0xfe])) return 'application/x-executable';
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return 'binary';
  const text = head.toString('utf8').trimStart().slice(0, 512).toLowerCase();
  if (/^(<!doctype html|<html|<script|<svg|<\?xml[^>]*>\s*<svg)/.test(text)) return 'text/html';
  return 'text';
}

export function resolveContentType(bytes: Buffer, declaredHeader: string | undefined): SniffResult {
  const declared = (declaredHeader ?? '').split(';')[0]!.trim().toLowerCase() || OCTET;
  const actual = signatureOf(bytes);
  if (actual === 'application/x-executable' || actual === 'text/html') return { ok: false, reason: 'not_allowed', actual };
  if (declared === 'text/html' || declared === 'image/svg+xml' || declared === 'application/xhtml+xml') return { ok: false, reason: 'not_allowed', actual: declared };
  if (actual === 'application/zip') return OOXML_AND_ZIP.has(declared) ? { ok: true, type: declared } : declared === OCTET ? { ok: true, type: actual } : { ok: false, reason: 'mismatch', actual };
  if (actual === 'application/x-ole-storage') return OLE.has(declared) ? { ok: true, type: declared } : declared === OCTET ? { ok: true, type: actual } : { ok: false, reason: 'mismatch', actual };
  if (actual === 'text') return TEXT.has(declared) ? { ok: true, type: declared } : declared === OCTET ? { ok: true, type: 'text/plain' } : { ok: false, reason: 'mismatch', actual: 'text/plain' };
  if (actual === 'binary') return declared === OCTET ? { ok: true, type: OCTET } : { ok: false, reason: 'mismatch', actual: OCTET };
  // A signature format: the declaration must agree (or say nothing specific).
  return declared === actual || declared === OCTET || (actual === 'image/jpeg' && declared === 'image/jpg') ? { ok: true, type: actual } : { ok: false, reason: 'mismatch', actual };
}
