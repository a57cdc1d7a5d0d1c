import { describe, expect, it } from 'vitest';
import { Clock } from '../../common/clock.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

class FixedClock extends Clock {
  t = 1_000_000;
  override now(): Date {
    return new Date(this.t);
  }
}

describe('TokenRateLimiter', () => {
  it('allows a burst of perMinute, then answers the seconds until the next request', () => {
    const clock = new FixedClock();
    const limiter = new TokenRateLimiter(clock);
    for (let i = 0; i < 6; i++) expect(limiter.take('a', 6)).toBe(0);
    expect(limiter.take('a', 6)).toBe(10);
    expect(limiter.take('b', 6)).toBe(0);
    clock.t += 10_000;
    expect(limiter.take('a', 6)).toBe(0);
    expect(limiter.take('a', 6)).toBeGreaterThan(0);
  });

  it('refills at the average rate and never above the burst', () => {
    const clock = new FixedClock();
    const limiter = new TokenRateLimiter(clock);
    expect(limiter.take('a', 60)).toBe(0);
    clock.t += 3_600_000;
    let allowed = 0;
    while (limiter.take('a', 60) === 0) allowed++;
    expect(allowed).toBe(60);
  });
});
