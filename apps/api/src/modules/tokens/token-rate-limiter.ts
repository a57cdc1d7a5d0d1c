import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';

interface Bucket {
  tokens: number;
  at: number;
  perMinute: number;
}

const MAX_BUCKETS = 10_000;

/**
 * A token bucket per API token, in this process's memory: `perMinute` requests a minute on
 * average, bursts up to `perMinute`. With several API replicas each keeps its own buckets, so
 * the effective limit is per replica (a shared limit would need Redis or PostgreSQL).
 */
@Injectable()
export class TokenRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one request from the bucket: 0 when allowed, else the seconds until one is free. */
  take(id: string, perMinute: number): number {
    const now = this.clock.now().getTime();
    const rate = perMinute / 60_000;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(now);
      bucket = { tokens: perMinute, at: now, perMinute };
      this.buckets.set(id, bucket);
    }
    bucket.perMinute = perMinute;
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** Full buckets carry no state worth keeping. */
  private prune(now: number): void {
    for (const [id, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * bucket.perMinute) / 60_000 >= bucket.perMinute) this.buckets.delete(id);
    }
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}
