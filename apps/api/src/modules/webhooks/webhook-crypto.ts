import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: whsec_ + 256 random bits. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Signing secrets are kept encrypted (AES-256-GCM) under a key derived from WEBHOOK_SECRET_KEY
 * or, unset, the JWT secret: a database dump alone does not let anyone forge deliveries.
 */
export class WebhookSecretBox {
  private readonly key: Buffer;

  constructor(material: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), 'credo', 'webhook-signing-secrets', 32));
  }

  seal(secret: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** X-Credo-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** What a receiver does (and the tests do): recompute and compare in constant time, check the age. */
export function verifyWebhook(secret: string, header: string, timestamp: string, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Delay before attempt n+1 after n failed attempts (1-based); undefined: no more attempts. */
export const RETRY_FACTORS = [1, 6, 30, 180, 720];
export const MAX_ATTEMPTS = RETRY_FACTORS.length + 1;
export function retryDelayMs(failedAttempts: number, baseMs: number): number | undefined {
  const factor = RETRY_FACTORS[failedAttempts - 1];
  return factor === undefined ? undefined : factor * baseMs;
}
