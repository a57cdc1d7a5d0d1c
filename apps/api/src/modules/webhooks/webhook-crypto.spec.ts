import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, WebhookSecretBox, newWebhookSecret, retryDelayMs, signWebhook, verifyWebhook } from './webhook-crypto.js';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 of the secret, as a receiver recomputes it', () => {
    const body = '{"id":"e1","type":"record.created"}';
    const expected = 'sha256=' + createHmac('sha256', 'whsec_test').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('whsec_test', 1700000000, body)).toBe(expected);
  });

  it('verifies only the same secret, body and timestamp, within the tolerance', () => {
    const now = 1_700_000_000_000;
    const ts = now / 1000;
    const sig = signWebhook('whsec_a', ts, 'body');
    expect(verifyWebhook('whsec_a', sig, String(ts), 'body', 300, now)).toBe(true);
    expect(verifyWebhook('whsec_b', sig, String(ts), 'body', 300, now)).toBe(false);
    expect(verifyWebhook('whsec_a', sig, String(ts), 'body ', 300, now)).toBe(false);
    expect(verifyWebhook('whsec_a', sig, String(ts + 1), 'body', 300, now)).toBe(false);
    expect(verifyWebhook('whsec_a', sig, String(ts), 'body', 300, now + 301_000)).toBe(false);
    expect(verifyWebhook('whsec_a', 'sha256=00', String(ts), 'body', 300, now)).toBe(false);
  });
});

describe('webhook secrets at rest', () => {
  it('round-trips under the same key, is not the plain text, and fails under another key or when tampered with', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const box = new WebhookSecretBox('k'.repeat(40));
    const sealed = box.seal(secret);
    expect(sealed.toString('utf8')).not.toContain(secret.slice(6));
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret).equals(sealed)).toBe(false); // fresh IV each time
    expect(() => new WebhookSecretBox('j'.repeat(40)).open(sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.open(tampered)).toThrow();
  });
});

describe('retry schedule', () => {
  it('is 1×, 6×, 30×, 180×, 720× the base after each failure, then stops (6 attempts)', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 10_000))).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(retryDelayMs(6, 10_000)).toBeUndefined();
    expect(MAX_ATTEMPTS).toBe(6);
  });
});
