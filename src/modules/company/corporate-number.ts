/**
 * 法人番号 (corporate number): 13 digits, a check digit first, then the 12-digit base number.
 * check digit = 9 − (Σ Pₙ·Qₙ mod 9), Pₙ the n-th base digit from the right, Qₙ = 1 (n odd) / 2 (n even).
 * See ../shared/reference/domain.md §1.
 */

/** Why a string is not a valid 法人番号; null when it is valid. */
export type CorporateNumberProblem = 'LENGTH' | 'NON_DIGIT' | 'CHECK_DIGIT';

/** Computes the check digit (1..9) for a 12-digit base number. */
export function checkDigitOf(base12: string): number {
  if (!/^[0-9]{12}$/.test(base12)) throw new Error(`base number must be 12 digits: ${base12}`);
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = base12.charCodeAt(12 - n) - 48;
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** Returns what is wrong with a candidate 法人番号, or null when it is valid. */
export function corporateNumberProblem(value: string): CorporateNumberProblem | null {
  if (value.length !== 13) return 'LENGTH';
  if (!/^[0-9]{13}$/.test(value)) return 'NON_DIGIT';
  if (checkDigitOf(value.slice(1)) !== value.charCodeAt(0) - 48) return 'CHECK_DIGIT';
  return null;
}

export function isValidCorporateNumber(value: string): boolean {
  return corporateNumberProblem(value) === null;
}

/** A human-readable message for a problem (used in BAD_USER_INPUT errors and import rejects). */
export function describeCorporateNumberProblem(value: string, problem: CorporateNumberProblem): string {
  switch (problem) {
    case 'LENGTH':
      return `法人番号 must be 13 digits, got ${value.length} characters`;
    case 'NON_DIGIT':
      return `法人番号 must contain digits only: "${value}"`;
    case 'CHECK_DIGIT': {
      const expected = /^[0-9]{13}$/.test(value) ? checkDigitOf(value.slice(1)) : '?';
      return `法人番号 check digit is wrong: "${value}" (expected first digit ${expected})`;
    }
  }
}

/** Builds a valid 法人番号 from a 12-digit base number (used by generators and tests). */
export function corporateNumberFromBase(base12: string): string {
  return `${checkDigitOf(base12)}${base12}`;
}
