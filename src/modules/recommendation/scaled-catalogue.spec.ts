import { describe, expect, it } from 'vitest';
import { loadCatalogue, parseCatalogue } from '../measure/catalogue.js';
import { scaleCatalogue } from './scaled-catalogue.js';

describe('scaled catalogue (benchmarks)', () => {
  const real = loadCatalogue();

  it('has the requested number of valid measures, the real ones first', () => {
    const scaled = scaleCatalogue(real, 1000);
    expect(scaled.measures).toHaveLength(1000);
    expect(scaled.measures.slice(0, real.measures.length)).toEqual(real.measures);
    // it passes the catalogue's own validation (criteria parse, rounds in order, unlocks resolve)
    expect(() => parseCatalogue(JSON.parse(JSON.stringify(scaled)))).not.toThrow();
    expect(new Set(scaled.measures.map((m) => m.id)).size).toBe(1000);
  });

  it('is deterministic and varies regions, industries and rounds', () => {
    const a = scaleCatalogue(real, 300);
    expect(scaleCatalogue(real, 300)).toEqual(a);
    const variants = a.measures.slice(real.measures.length);
    expect(variants.some((m) => m.targetPrefectures.length > 0 && m.criteria.some((c) => c.id.endsWith('.region')))).toBe(true);
    expect(variants.some((m) => m.industries.length > 0 && m.criteria.some((c) => c.id.endsWith('.industry')))).toBe(true);
    const original = real.measures.find((m) => m.id === 'jizokuka-ippan')!;
    const variant = a.measures.find((m) => m.id === 'jizokuka-ippan-v1')!;
    expect(variant.rounds[0]!.acceptingFrom).not.toBe(original.rounds[0]!.acceptingFrom);
  });
});
