import { describe, expect, it } from 'vitest';
import { resolveContentType, signatureOf } from './content-sniff.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);

describe('content sniffing of uploads', () => {
  it('names formats by their signature', () => {
    expect(signatureOf(PNG)).toBe('image/png');
    expect(signatureOf(PDF)).toBe('application/pdf');
    expect(signatureOf(Buffer.from('名称,金额\n甲,1\n'))).toBe('text');
    expect(signatureOf(Buffer.from([1, 0, 2]))).toBe('binary');
    expect(signatureOf(Buffer.from('MZ\x90\0', 'latin1'))).toBe('application/x-executable');
    expect(signatureOf(Buffer.from('  <!DOCTYPE html><p>x'))).toBe('text/html');
  });

  it('believes the bytes over the declared type', () => {
    expect(resolveContentType(PNG, 'image/png')).toEqual({ ok: true, type: 'image/png' });
    expect(resolveContentType(PNG, 'application/octet-stream')).toEqual({ ok: true, type: 'image/png' });
    expect(resolveContentType(PDF, 'image/png')).toEqual({ ok: false, reason: 'mismatch', actual: 'application/pdf' });
    expect(resolveContentType(Buffer.from('hello'), 'image/jpeg')).toEqual({ ok: false, reason: 'mismatch', actual: 'text/plain' });
    expect(resolveContentType(Buffer.from('a,b\n'), 'text/csv; charset=utf-8')).toEqual({ ok: true, type: 'text/csv' });
    expect(resolveContentType(ZIP, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').ok).toBe(true);
    expect(resolveContentType(ZIP, 'application/pdf').ok).toBe(false);
  });

  it('refuses executables and HTML/SVG whatever they claim to be', () => {
    expect(resolveContentType(Buffer.from('MZ\x90\0', 'latin1'), 'application/pdf')).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(resolveContentType(Buffer.from('<svg onload=alert(1)>'), 'text/plain')).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(resolveContentType(Buffer.from('x'), 'image/svg+xml')).toMatchObject({ ok: false, reason: 'not_allowed' });
  });
});
