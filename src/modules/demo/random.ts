/** A small, fast, seedable PRNG (mulberry32): the same seed always yields the same data. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return randomFrom(next);
}

/**
 * Independent PRNGs for the streams of a seed (sfc32 over 128 bits of state, seeded by splitmix32 of the seed and
 * the stream number). Streams never overlap in practice, so a generator can build item `stream` on its own — in any
 * order, in chunks, or again after an interruption — and get the same values every time. `at(stream)` restarts the
 * one shared generator at a stream (no allocation per item); the Random it returns is the same object every time.
 */
export function createStreams(seed: number): { at(stream: number): Random } {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  const random = randomFrom(next);
  return {
    at(stream: number): Random {
      let s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((stream >>> 0) + 0x7f4a7c15, 0x85ebca6b) ^ Math.floor(stream / 4294967296)) >>> 0;
      const splitmix = () => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      a = splitmix();
      b = splitmix();
      c = splitmix();
      d = splitmix();
      for (let i = 0; i < 12; i++) next();
      return random;
    },
  };
}

/** A PRNG for one stream of a seed (see {@link createStreams}); a new object each call. */
export function createStreamRandom(seed: number, stream: number): Random {
  return createStreams(seed).at(stream);
}

/** The helpers every generator uses, over a source of uniform numbers in [0, 1). */
function randomFrom(next: () => number) {
  return {
    next,
    int(min: number, max: number): number {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)];
    },
    /** picks by weight */
    weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    /** log-normal around a median */
    logNormal(median: number, sigma: number): number {
      const u1 = Math.max(next(), 1e-12);
      const u2 = next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return median * Math.exp(sigma * z);
    },
    chance(p: number): boolean {
      return next() < p;
    },
  };
}
export type Random = ReturnType<typeof randomFrom>;
