import { describe, expect, it } from 'vitest';
import { ADDRESS_RATE_FACTOR, createRateLimiter, createRequestRateLimiter } from './rate-limit.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('createRateLimiter', () => {
  it('allows a burst of perMinute, then refills continuously', () => {
    const c = clock();
    const limiter = createRateLimiter(6, c.now);
    for (let i = 0; i < 6; i += 1) expect(limiter.take('k')).toBe(true);
    expect(limiter.take('k')).toBe(false);
    expect(limiter.retryAfterSeconds('k')).toBe(10);
    c.advance(10_000); // one token every 10 s
    expect(limiter.retryAfterSeconds('k')).toBe(0);
    expect(limiter.take('k')).toBe(true);
    expect(limiter.take('k')).toBe(false);
    expect(limiter.take('other')).toBe(true);
  });

  it('is disabled by 0', () => {
    const limiter = createRateLimiter(0);
    for (let i = 0; i < 1000; i += 1) expect(limiter.take('k')).toBe(true);
    expect(limiter.retryAfterSeconds('k')).toBe(0);
  });
});

describe('createRequestRateLimiter', () => {
  it('limits each subject, and all subjects of one address together', () => {
    const c = clock();
    const limiter = createRequestRateLimiter(3, c.now);
    const request = (sub: string) => limiter.takeAddress('10.0.0.1').allowed && limiter.takeSubject({ sub }).allowed;
    expect([request('a'), request('a'), request('a'), request('a')]).toEqual([true, true, true, false]);
    expect(request('b')).toBe(true);
    let served = 5; // four from a (one refused by its subject bucket), one from b
    for (let i = 0; served < 3 * ADDRESS_RATE_FACTOR; i += 1, served += 1) expect(request(`s${i}`)).toBe(true);
    const refused = limiter.takeAddress('10.0.0.1');
    expect(refused).toMatchObject({ allowed: false, limitedBy: 'address' });
    expect(limiter.takeAddress('10.0.0.2').allowed).toBe(true);
  });

  it('limits anonymous requests by address at the subject rate, with a Retry-After', () => {
    const c = clock();
    const limiter = createRequestRateLimiter(2, c.now);
    expect(limiter.takeSubject({ address: '10.0.0.9' }).allowed).toBe(true);
    expect(limiter.takeSubject({ address: '10.0.0.9' }).allowed).toBe(true);
    expect(limiter.takeSubject({ address: '10.0.0.9' })).toEqual({ allowed: false, limitedBy: 'subject', retryAfterSeconds: 30 });
    expect(limiter.takeSubject({ sub: '10.0.0.9' }).allowed).toBe(true); // a token's sub never shares an address's bucket
  });
});
