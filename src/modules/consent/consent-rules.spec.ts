import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  MAX_CONSENT_YEARS,
  consentStatusAt,
  isAccessRequestStatus,
  latestExpiryOn,
  normaliseScopes,
  scopesBeyond,
  validateExpiresOn,
  validateOrganizationId,
  validatePurpose,
} from './consent-rules.js';

// 00:30 on 1 April 2025 in Tokyo, while it is still 31 March in UTC.
const NOW = new Date('2025-03-31T15:30:00Z');

function badInputOf(run: () => unknown): { message: string; field: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, field } = (error as GraphQLError).extensions;
    expect(code).toBe('BAD_USER_INPUT');
    return { message: (error as GraphQLError).message, field };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('normaliseScopes', () => {
  it('drops duplicates and sorts into the canonical order', () => {
    expect(normaliseScopes(['APPLICATIONS', 'PROFILE', 'APPLICATIONS'], 'input.scopes')).toEqual(['PROFILE', 'APPLICATIONS']);
  });

  it('refuses an empty list and unknown scopes, naming the field', () => {
    expect(badInputOf(() => normaliseScopes([], 'input.scopes'))).toMatchObject({ field: 'input.scopes', message: /at least one/ });
    expect(badInputOf(() => normaliseScopes(['PROFILE', 'PUBLIC'], 'input.scopes'))).toMatchObject({ field: 'input.scopes', message: /"PUBLIC"/ });
  });
});

describe('validatePurpose', () => {
  it('trims and keeps line breaks', () => {
    expect(validatePurpose('  事業承継の相談\n財務状況の確認のため  ', 'input.purpose')).toBe('事業承継の相談\n財務状況の確認のため');
  });

  it('counts characters, not UTF-16 units or bytes: 1000 kanji pass, 1001 do not', () => {
    expect(validatePurpose('相'.repeat(1000), 'p')).toHaveLength(1000);
    expect(validatePurpose('𠮷'.repeat(1000), 'p')).toHaveLength(2000); // 1000 characters outside the BMP
    expect(badInputOf(() => validatePurpose('相'.repeat(1001), 'input.purpose'))).toMatchObject({ field: 'input.purpose', message: /at most 1000.*1001/ });
  });

  it.each([[''], ['   '], ['\n\t']])('refuses the blank purpose %j', (purpose) => {
    expect(badInputOf(() => validatePurpose(purpose, 'input.purpose')).field).toBe('input.purpose');
  });

  it('refuses control characters', () => {
    expect(badInputOf(() => validatePurpose('ok\u0000no', 'input.purpose')).message).toMatch(/control/);
    expect(badInputOf(() => validatePurpose('ok\u001bno', 'input.purpose')).message).toMatch(/control/);
  });
});

describe('validateOrganizationId', () => {
  it('accepts an id as tokens carry it', () => {
    expect(validateOrganizationId('org-shokokai-01', 'input.organizationId')).toBe('org-shokokai-01');
  });

  it.each([[''], ['  '], [' org'], ['org '], ['o\nrg'], ['x'.repeat(257)]])('refuses %j', (id) => {
    expect(badInputOf(() => validateOrganizationId(id, 'input.organizationId')).field).toBe('input.organizationId');
  });
});

describe('expiry window', () => {
  it(`runs from today in Asia/Tokyo to ${MAX_CONSENT_YEARS} years ahead`, () => {
    expect(latestExpiryOn(NOW)).toBe('2028-04-01');
    expect(validateExpiresOn('2025-04-01', NOW, 'input.expiresOn')).toBe('2025-04-01'); // today in Tokyo (still 31 March in UTC)
    expect(validateExpiresOn('2028-04-01', NOW, 'input.expiresOn')).toBe('2028-04-01');
  });

  it('refuses yesterday in Tokyo, a day past the window and impossible dates, naming the field', () => {
    expect(badInputOf(() => validateExpiresOn('2025-03-31', NOW, 'input.expiresOn'))).toMatchObject({ field: 'input.expiresOn', message: /today \(2025-04-01/ });
    expect(badInputOf(() => validateExpiresOn('2028-04-02', NOW, 'input.expiresOn')).message).toMatch(/at most 3 years ahead \(2028-04-01\)/);
    expect(badInputOf(() => validateExpiresOn('2026-02-30', NOW, 'input.expiresOn')).message).toMatch(/real date/);
  });

  it('moves 29 February to 28 February when the target year is common', () => {
    expect(latestExpiryOn(new Date('2028-02-29T03:00:00+09:00'))).toBe('2031-02-28');
    expect(latestExpiryOn(new Date('2029-02-28T23:59:00+09:00'))).toBe('2032-02-28');
  });
});

describe('request and consent states', () => {
  it('knows the request statuses', () => {
    expect(['PENDING', 'GRANTED', 'DECLINED'].every(isAccessRequestStatus)).toBe(true);
    expect(isAccessRequestStatus('pending')).toBe(false);
  });

  it('lists the granted scopes a request did not ask for', () => {
    expect(scopesBeyond(['PROFILE'], ['PROFILE', 'FINANCIALS'])).toEqual([]);
    expect(scopesBeyond(['PROFILE', 'APPLICATIONS'], ['PROFILE'])).toEqual(['APPLICATIONS']);
  });

  it('is LIVE through the expiry day, then EXPIRED; REVOKED at once', () => {
    expect(consentStatusAt({ expiresOn: '2025-04-01', revokedAt: null }, NOW)).toBe('LIVE');
    expect(consentStatusAt({ expiresOn: '2025-03-31', revokedAt: null }, NOW)).toBe('EXPIRED');
    expect(consentStatusAt({ expiresOn: '2026-01-01', revokedAt: new Date(NOW.getTime() - 1000) }, NOW)).toBe('REVOKED');
    expect(consentStatusAt({ expiresOn: 'garbage', revokedAt: null }, NOW)).toBe('EXPIRED');
  });
});
