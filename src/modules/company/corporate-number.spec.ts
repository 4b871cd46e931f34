import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkDigitOf,
  corporateNumberFromBase,
  corporateNumberProblem,
  describeCorporateNumberProblem,
  isValidCorporateNumber,
} from './corporate-number.js';

describe('法人番号 check digit', () => {
  it.each(['1180301018771', '4000012090001', '5010001008846', '7010401045660'])('accepts the real number %s', (n) => {
    expect(corporateNumberProblem(n)).toBeNull();
  });

  it('names the problem of malformed numbers', () => {
    expect(corporateNumberProblem('118030101877')).toBe('LENGTH');
    expect(corporateNumberProblem('11803010187710')).toBe('LENGTH');
    expect(corporateNumberProblem('118030101877a')).toBe('NON_DIGIT');
    expect(corporateNumberProblem('2180301018771')).toBe('CHECK_DIGIT');
    expect(describeCorporateNumberProblem('2180301018771', 'CHECK_DIGIT')).toContain('expected first digit 1');
  });

  const base = fc.stringMatching(/^[0-9]{12}$/);

  it('always yields a digit from 1 to 9', () => {
    fc.assert(fc.property(base, (b) => {
      const d = checkDigitOf(b);
      return d >= 1 && d <= 9;
    }));
  });

  it('accepts every number built from a base and rejects every other first digit', () => {
    fc.assert(fc.property(base, fc.integer({ min: 0, max: 9 }), (b, other) => {
      const valid = corporateNumberFromBase(b);
      expect(isValidCorporateNumber(valid)).toBe(true);
      const tampered = `${other}${b}`;
      expect(isValidCorporateNumber(tampered)).toBe(String(other) === valid[0]);
    }));
  });

  it('detects a single changed base digit except the known 0↔9 blind spot', () => {
    fc.assert(fc.property(base, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (b, pos, delta) => {
      const valid = corporateNumberFromBase(b);
      const digits = valid.split('');
      const old = Number(digits[pos + 1]);
      const changed = (old + delta) % 10;
      digits[pos + 1] = String(changed);
      const blindSpot = (old === 0 && changed === 9) || (old === 9 && changed === 0);
      expect(isValidCorporateNumber(digits.join(''))).toBe(blindSpot);
    }));
  });
});
