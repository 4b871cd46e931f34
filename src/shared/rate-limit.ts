/**
 * A token bucket per client key: `perMinute` requests a minute, refilled continuously, bursts up to
 * `perMinute`. 0 disables it. Idle buckets are swept after a minute (a full bucket is the default).
 */
export function createRateLimiter(perMinute: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  const refill = (key: string, t: number) => {
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: t };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((t - bucket.at) * perMinute) / 60_000);
    bucket.at = t;
    buckets.set(key, bucket);
    return bucket;
  };
  return {
    /** Takes one token for the key; false when the client is over its rate. */
    take(key: string): boolean {
      if (perMinute <= 0) return true;
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (t - b.at > 60_000) buckets.delete(k);
        lastSweep = t;
      }
      const bucket = refill(key, t);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** Whole seconds until the key has a token again (0 when it has one now). */
    retryAfterSeconds(key: string): number {
      if (perMinute <= 0) return 0;
      const bucket = refill(key, now());
      return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) * 60) / perMinute);
    },
  };
}

/** How many times the per-subject rate one network address may use (several people behind one office NAT). */
export const ADDRESS_RATE_FACTOR = 5;

/** The outcome of {@link RequestRateLimiter} checks: allowed, or refused with a Retry-After. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; limitedBy: 'address' | 'subject' };

/**
 * Rate limits per network address and per subject (issue 6: "per subject and per address"):
 * - every request takes from its address's bucket (`perMinute × ADDRESS_RATE_FACTOR`), before the
 *   token is verified, so floods of forged tokens are limited too;
 * - then from its subject's bucket (`perMinute`): the token's sub, or the address for anonymous requests.
 */
export function createRequestRateLimiter(perMinute: number, now: () => number = Date.now) {
  const byAddress = createRateLimiter(perMinute * ADDRESS_RATE_FACTOR, now);
  const bySubject = createRateLimiter(perMinute, now);
  return {
    /** Takes from the address's bucket. */
    takeAddress(address: string): RateDecision {
      const key = `ip:${address}`;
      return byAddress.take(key) ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, byAddress.retryAfterSeconds(key)), limitedBy: 'address' };
    },
    /** Takes from the subject's bucket: `sub` of a token, or the address when anonymous. */
    takeSubject(subject: { sub: string } | { address: string }): RateDecision {
      const key = 'sub' in subject ? `sub:${subject.sub}` : `anon:${subject.address}`;
      return bySubject.take(key) ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, bySubject.retryAfterSeconds(key)), limitedBy: 'subject' };
    },
  };
}
