/**
 * The pure rules of the consent workflow (no I/O): validation of requests and grants, the expiry
 * window, the states of requests and consents. The service (consent.service.ts) applies them.
 *
 * Decisions (docs/adr/0005-access-errors-consent-and-audit.md):
 * - A consent lasts through its `expiresOn` day in Asia/Tokyo (policy.ts), which must be today or
 *   later and at most {@link MAX_CONSENT_YEARS} years ahead: a bounded consent makes the company
 *   confirm it again now and then, and 3 years covers the usual plans a 支援機関 accompanies
 *   (経営革新計画 and 経営力向上計画 run 3 to 5 years; a longer one is simply granted again).
 * - Answering a request grants a subset of the requested scopes (least privilege); to share more,
 *   the owner grants a separate consent.
 */
import { badInput } from '../../shared/errors.js';
import { CONFIDENTIAL_SCOPES, consentStateAt, tokyoDateOf, type ConfidentialScope, type ConsentGrant } from '../../shared/auth/policy.js';
import { isIsoDate } from '../../shared/scalars.js';

/** Longest consent, in years from today (Asia/Tokyo). */
export const MAX_CONSENT_YEARS = 3;
/** Longest purpose of an access request, in characters (code points). */
export const MAX_PURPOSE_LENGTH = 1000;
/** Longest organisation id (as the token's org_id claim). */
export const MAX_ORGANIZATION_ID_LENGTH = 256;

/** States of an access request (AccessRequest.status). */
export const ACCESS_REQUEST_STATUSES = Object.freeze(['PENDING', 'GRANTED', 'DECLINED'] as const);
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];

/** True for one of {@link ACCESS_REQUEST_STATUSES}. */
export function isAccessRequestStatus(value: string): value is AccessRequestStatus {
  return (ACCESS_REQUEST_STATUSES as readonly string[]).includes(value);
}

/**
 * The scopes of a request or grant: not empty, each a confidential scope, duplicates dropped, in the
 * canonical order PROFILE, FINANCIALS, APPLICATIONS. BAD_USER_INPUT naming `field` otherwise.
 */
export function normaliseScopes(scopes: readonly string[], field: string): ConfidentialScope[] {
  if (!scopes.length) throw badInput('scopes must name at least one of PROFILE, FINANCIALS, APPLICATIONS', field);
  const unknown = scopes.filter((s) => !(CONFIDENTIAL_SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw badInput(`unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}: use PROFILE, FINANCIALS, APPLICATIONS`, field);
  return CONFIDENTIAL_SCOPES.filter((s) => scopes.includes(s));
}

// C0 and C1 control characters and DEL, except tab, line feed and carriage return
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * The purpose of an access request, trimmed: not blank, at most {@link MAX_PURPOSE_LENGTH}
 * characters, no control characters but tab and line breaks. BAD_USER_INPUT naming `field` otherwise.
 */
export function validatePurpose(purpose: string, field: string): string {
  const trimmed = purpose.trim();
  if (!trimmed) throw badInput('purpose must say why the organisation needs the data', field);
  const length = [...trimmed].length;
  if (length > MAX_PURPOSE_LENGTH) throw badInput(`purpose must be at most ${MAX_PURPOSE_LENGTH} characters, got ${length}`, field);
  if (CONTROL.test(trimmed)) throw badInput('purpose must not contain control characters', field);
  return trimmed;
}

/**
 * An organisation id as tokens carry it (org_id): not blank, no surrounding spaces (it must match
 * the claim exactly), at most {@link MAX_ORGANIZATION_ID_LENGTH} characters, no control characters.
 */
export function validateOrganizationId(organizationId: string, field: string): string {
  if (!organizationId.trim()) throw badInput('organizationId must not be blank', field);
  if (organizationId !== organizationId.trim()) throw badInput('organizationId must not start or end with spaces', field);
  if (organizationId.length > MAX_ORGANIZATION_ID_LENGTH) throw badInput(`organizationId must be at most ${MAX_ORGANIZATION_ID_LENGTH} characters`, field);
  if (CONTROL.test(organizationId) || /[\t\n\r]/.test(organizationId)) throw badInput('organizationId must not contain control characters', field);
  return organizationId;
}

/**
 * The last day a consent granted at `now` may run to: today in Asia/Tokyo plus
 * {@link MAX_CONSENT_YEARS} years (29 February becomes 28 February in a common year).
 */
export function latestExpiryOn(now: Date): string {
  const [year, month, day] = tokyoDateOf(now).split('-').map(Number);
  const targetYear = year + MAX_CONSENT_YEARS;
  const lastDayOfMonth = new Date(Date.UTC(targetYear, month, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDayOfMonth)).padStart(2, '0')}`;
}

/**
 * Checks a consent's expiry date at `now`: a real date, today (Asia/Tokyo) or later, at most
 * {@link latestExpiryOn}. BAD_USER_INPUT naming `field` otherwise.
 */
export function validateExpiresOn(expiresOn: string, now: Date, field: string): string {
  if (!isIsoDate(expiresOn)) throw badInput(`expiresOn must be a real date written YYYY-MM-DD, got ${JSON.stringify(expiresOn)}`, field);
  const today = tokyoDateOf(now);
  if (expiresOn < today) throw badInput(`expiresOn must be today (${today}, Asia/Tokyo) or later, got ${expiresOn}`, field);
  const latest = latestExpiryOn(now);
  if (expiresOn > latest) throw badInput(`expiresOn must be at most ${MAX_CONSENT_YEARS} years ahead (${latest}), got ${expiresOn}`, field);
  return expiresOn;
}

/** The scopes of `granted` that `requested` does not include (empty when granted ⊆ requested). */
export function scopesBeyond(granted: readonly string[], requested: readonly string[]): string[] {
  return granted.filter((s) => !requested.includes(s));
}

/** State of a consent (Consent.state): LIVE, EXPIRED (after its expiresOn day) or REVOKED. */
export type ConsentStatus = 'LIVE' | 'EXPIRED' | 'REVOKED';

/** The state of a stored consent at `now` (an unreadable expiry counts as EXPIRED: it grants nothing). */
export function consentStatusAt(consent: Pick<ConsentGrant, 'expiresOn' | 'revokedAt'>, now: Date): ConsentStatus {
  const state = consentStateAt(consent, now);
  return state === 'INVALID' ? 'EXPIRED' : state;
}
