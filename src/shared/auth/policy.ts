/**
 * The access policy as pure functions: who may read which scope of a company's data, and who may
 * perform which operation. No I/O: callers pass the viewer, the company, the consents and "now".
 *
 * Scopes:
 * - PUBLIC: registry facts (法人番号, name, kana, kind, address, postal code, prefecture, closure,
 *   successor), published certifications and support received (as gBizINFO publishes them), the
 *   measure catalogue. Anyone, including anonymous viewers.
 * - PROFILE: confidential facts — employees, contacts, facts with provenance, and what is computed
 *   from them for one company: recommendations, eligibility, prefill.
 * - FINANCIALS: financial statements and the ローカルベンチマーク computed from them; their figures
 *   stay FINANCIALS data where PROFILE lists repeat them (facts such as netSalesYen, the versions
 *   financials.<fiscal year>, prefilled forms), so PROFILE alone does not show them.
 * - APPLICATIONS: applications and their answers.
 *
 * Rules (contract header "who sees what", domain.md §8):
 * - anonymous: PUBLIC only.
 * - OWNER: every scope of the company it owns (token company_id = company id, or token
 *   corporate_number = company 法人番号); PUBLIC only of other companies; an unbound OWNER owns nothing.
 * - SUPPORTER (支援機関): PUBLIC, plus each confidential scope covered by a live consent of that
 *   company to the supporter's organisation. Live = not revoked, `expiresOn` ≥ today's date in
 *   Asia/Tokyo, scope listed. The consent's last day is included.
 * - STAFF (中小企業庁 / agency staff): every confidential read scope of every company. The contract
 *   grants STAFF/ADMIN confidential visibility, and their duties need it: deciding an application
 *   means reading the applicant's answers (APPLICATIONS), its employees and facts to check SME
 *   status and みなし大企業 (PROFILE), and its statements for financial criteria and EBPM outcomes
 *   (FINANCIALS). Every such read is audited.
 * - ADMIN: everything, audited likewise.
 *
 * A read is audited (`audit: true`) when it is allowed, the scope is confidential and the reader is
 * not the company's owner. Refused reads are not audit entries: nothing was disclosed (the caller
 * reports them with {@link accessDeniedError}).
 */
import type { GraphQLError } from 'graphql';
import { forbidden, unauthenticated } from '../errors.js';
import { hasRole, isOwner, isSupporter, isUnboundOwner, type UserViewer, type Viewer } from './viewer.js';

/** A class of company data with one visibility rule. */
export type AccessScope = 'PUBLIC' | 'PROFILE' | 'FINANCIALS' | 'APPLICATIONS';

/** The confidential scopes (contract enum ConsentScope): what a consent can cover. */
export type ConfidentialScope = Exclude<AccessScope, 'PUBLIC'>;

/** Every scope. */
export const ACCESS_SCOPES: readonly AccessScope[] = Object.freeze(['PUBLIC', 'PROFILE', 'FINANCIALS', 'APPLICATIONS'] as const);

/** The scopes a consent can grant. */
export const CONFIDENTIAL_SCOPES: readonly ConfidentialScope[] = Object.freeze(['PROFILE', 'FINANCIALS', 'APPLICATIONS'] as const);

/**
 * The scope guarding each confidential part of the contract: `Company` and `Application` fields and
 * the per-company queries, keyed by the operation name the resolvers pass to the access checks
 * (and record in the audit log). Everything not listed (registry facts, certifications,
 * supportReceived, measures) is PUBLIC. `Company.smeStatus` is public except its reasons and
 * missingData, which quote confidential figures. tests/integration/access-matrix.test.ts checks
 * every entry for every role and consent state, and fails on a guarded field missing here.
 */
export const CONFIDENTIAL_DATA_SCOPES = Object.freeze({
  'Company.employees': 'PROFILE',
  'Company.facts': 'PROFILE',
  'Company.factHistory': 'PROFILE',
  'Company.smeStatus': 'PROFILE',
  'Company.recommendations': 'PROFILE',
  'Company.financials': 'FINANCIALS',
  'Company.localBenchmark': 'FINANCIALS',
  'Company.applications': 'APPLICATIONS',
  'Application.answers': 'APPLICATIONS',
  'Application.history': 'APPLICATIONS',
  'Application.flags': 'APPLICATIONS',
  'Query.recommendations': 'PROFILE',
  'Query.newRecommendations': 'PROFILE',
  'Query.eligibility': 'PROFILE',
  'Query.prefill': 'PROFILE',
  'Query.application': 'APPLICATIONS',
} as const satisfies Record<string, ConfidentialScope>);

/** The company whose data is read. A sole proprietor has no 法人番号. */
export interface CompanyRef {
  readonly id: string;
  readonly corporateNumber?: string | null;
}

/**
 * A consent a company gave an organisation (only `companyId`, `organizationId`, `scopes`,
 * `expiresOn`, `revokedAt` matter). `expiresOn` is the last day of access: 'YYYY-MM-DD', or a Date
 * whose UTC calendar date is that day (how a SQL `date` column arrives in Date mode).
 * Any `revokedAt` means revoked: access ends at once.
 */
export interface ConsentGrant {
  readonly id?: string;
  readonly companyId: string;
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly expiresOn: string | Date;
  readonly revokedAt?: Date | string | null;
}

/** Why access was allowed (or that it was not). */
export type AccessBasis = 'PUBLIC' | 'OWNER' | 'CONSENT' | 'STAFF_DUTY' | 'ADMIN' | 'DENIED';

/** The outcome of {@link decideAccess}. */
export interface AccessDecision {
  readonly allowed: boolean;
  /** Human-readable, safe to show the viewer: it never contains confidential values. */
  readonly reason: string;
  /** True when the read must be recorded in the company's audit log. */
  readonly audit: boolean;
  readonly basis: AccessBasis;
  /** The consent that allowed a SUPPORTER's read (record it with the audit entry). */
  readonly consentId?: string;
}

/** True for PROFILE, FINANCIALS and APPLICATIONS. */
export function isConfidentialScope(scope: AccessScope): scope is ConfidentialScope {
  return scope !== 'PUBLIC';
}

/**
 * The calendar date in Japan ('YYYY-MM-DD') at the instant `now`. Japan Standard Time is UTC+9 all
 * year (no daylight saving since 1951), so a fixed offset is exact and needs no time-zone data.
 */
export function tokyoDateOf(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid Date');
  return new Date(now.getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function expiryDateOf(expiresOn: string | Date): string | undefined {
  if (expiresOn instanceof Date) return Number.isNaN(expiresOn.getTime()) ? undefined : expiresOn.toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(expiresOn) ? expiresOn : undefined;
}

/** The state of one consent at an instant, regardless of scope. */
export type ConsentState = 'LIVE' | 'REVOKED' | 'EXPIRED' | 'INVALID';

/**
 * LIVE when not revoked and `expiresOn` ≥ today in Asia/Tokyo (access lasts through the expiry day);
 * INVALID when `expiresOn` is not a date (treated as not live).
 */
export function consentStateAt(consent: Pick<ConsentGrant, 'expiresOn' | 'revokedAt'>, now: Date): ConsentState {
  if (consent.revokedAt !== undefined && consent.revokedAt !== null) return 'REVOKED';
  const expiry = expiryDateOf(consent.expiresOn);
  if (expiry === undefined) return 'INVALID';
  return expiry >= tokyoDateOf(now) ? 'LIVE' : 'EXPIRED';
}

/** True when the consent is live at `now` (see {@link consentStateAt}). */
export function isConsentLive(consent: Pick<ConsentGrant, 'expiresOn' | 'revokedAt'>, now: Date): boolean {
  return consentStateAt(consent, now) === 'LIVE';
}

/** True when the viewer is the OWNER of the company (by internal id or by 法人番号). */
export function isOwnerOf(viewer: Viewer, company: CompanyRef): boolean {
  if (!isOwner(viewer)) return false;
  if (viewer.companyId !== undefined && viewer.companyId === company.id) return true;
  return viewer.corporateNumber !== undefined && company.corporateNumber != null && viewer.corporateNumber === company.corporateNumber;
}

/**
 * The live consent of `company` to the SUPPORTER viewer's organisation that covers `scope`, if any.
 * Consents of other companies or organisations in `consents` are ignored.
 */
export function findCoveringConsent(
  viewer: Viewer,
  company: CompanyRef,
  scope: ConfidentialScope,
  consents: readonly ConsentGrant[],
  now: Date,
): ConsentGrant | undefined {
  if (!isSupporter(viewer)) return undefined;
  return consents.find(
    (consent) =>
      consent.companyId === company.id &&
      consent.organizationId === viewer.organizationId &&
      consent.scopes.includes(scope) &&
      isConsentLive(consent, now),
  );
}

/**
 * Decides whether `viewer` may read `scope` of `company`'s data at `now`. `consents` may hold any
 * consents (only the company's consents to a SUPPORTER viewer's organisation count). See the module
 * comment for the rules.
 */
export function decideAccess(
  viewer: Viewer,
  company: CompanyRef,
  scope: AccessScope,
  consents: readonly ConsentGrant[] = [],
  now: Date = new Date(),
): AccessDecision {
  if (!isConfidentialScope(scope)) return { allowed: true, reason: 'public data', audit: false, basis: 'PUBLIC' };
  if (viewer.kind === 'ANONYMOUS') {
    return denied(`${scope} data of a company is confidential: sign in with a bearer token`);
  }
  switch (viewer.role) {
    case 'OWNER':
      if (isOwnerOf(viewer, company)) return { allowed: true, reason: 'the viewer owns this company', audit: false, basis: 'OWNER' };
      return denied(
        isUnboundOwner(viewer)
          ? `${scope} data is visible to the company's owner: this OWNER token is not bound to a company`
          : `${scope} data of another company is visible only to its owner or under its consent`,
      );
    case 'SUPPORTER': {
      const consent = findCoveringConsent(viewer, company, scope, consents, now);
      if (consent) {
        const expiry = expiryDateOf(consent.expiresOn);
        return {
          allowed: true,
          reason: `consent of this company to organisation ${viewer.organizationId} covers ${scope} until ${expiry}`,
          audit: true,
          basis: 'CONSENT',
          ...(consent.id !== undefined ? { consentId: consent.id } : {}),
        };
      }
      return denied(whyNoConsent(viewer.organizationId, company, scope, consents, now));
    }
    case 'STAFF':
      return { allowed: true, reason: `STAFF read ${scope} data for their duties (deciding applications, EBPM)`, audit: true, basis: 'STAFF_DUTY' };
    case 'ADMIN':
      return { allowed: true, reason: `ADMIN read of ${scope} data`, audit: true, basis: 'ADMIN' };
  }
}

function denied(reason: string): AccessDecision {
  return { allowed: false, reason, audit: false, basis: 'DENIED' };
}

/** Explains a SUPPORTER refusal with the state of the organisation's own consents (never another organisation's). */
function whyNoConsent(organizationId: string, company: CompanyRef, scope: ConfidentialScope, consents: readonly ConsentGrant[], now: Date): string {
  const own = consents.filter((c) => c.companyId === company.id && c.organizationId === organizationId);
  const base = `${scope} data needs a live consent of this company to organisation ${organizationId} covering ${scope}`;
  if (!own.length) return `${base}; there is none (ask with requestAccess)`;
  const covering = own.filter((c) => c.scopes.includes(scope));
  if (!covering.length) return `${base}; the organisation's consents do not include ${scope}`;
  const states = new Set(covering.map((c) => consentStateAt(c, now)));
  if (states.has('EXPIRED')) return `${base}; the consent covering it has expired`;
  if (states.has('REVOKED')) return `${base}; the consent covering it was revoked`;
  return `${base}; the consent covering it has no valid expiry date`;
}

/** A write acts as someone: the signed-in viewer, or UNAUTHENTICATED naming the operation (docs/adr/0005). */
export function requireSignedIn(viewer: Viewer, operation: string): UserViewer {
  if (viewer.kind !== 'USER') throw unauthenticated(`${operation} needs a bearer token`);
  return viewer;
}

/**
 * The error for a refused read (the field resolves to null with it at its path): FORBIDDEN for every
 * viewer, anonymous ones included; `extensions.reason` is SIGN_IN_REQUIRED for an anonymous viewer
 * (a token might help) and NOT_PERMITTED otherwise. UNAUTHENTICATED is kept for a token that was
 * presented and refused, which fails the whole request with HTTP 401 (docs/adr/0005). The message
 * carries the decision's reason, which never contains confidential values.
 */
export function accessDeniedError(viewer: Viewer, decision: AccessDecision): GraphQLError {
  const error = forbidden(decision.reason);
  error.extensions.reason = viewer.kind === 'ANONYMOUS' ? 'SIGN_IN_REQUIRED' : 'NOT_PERMITTED';
  return error;
}

// ---------------------------------------------------------------------------------------------
// Operations

/** STAFF and ADMIN decide applications (SUBMITTED → ADOPTED / REJECTED). */
export function canDecideApplications(viewer: Viewer): boolean {
  return hasRole(viewer, 'STAFF', 'ADMIN');
}

/** STAFF and ADMIN read the EBPM analytics (aggregates with small-cell suppression). */
export function canReadEbpm(viewer: Viewer): boolean {
  return hasRole(viewer, 'STAFF', 'ADMIN');
}

/**
 * May act for the company as its owner: start/save/submit/withdraw applications, record financials,
 * update facts. The company's OWNER, or an ADMIN (support desk; the contract lets ADMIN update facts
 * and register businesses). Use {@link isOwnerOf} where only the owner itself qualifies.
 */
export function canActAsOwnerOf(viewer: Viewer, company: CompanyRef): boolean {
  return isOwnerOf(viewer, company) || hasRole(viewer, 'ADMIN');
}

/** Only a SUPPORTER (on behalf of its organisation) asks a company for access. */
export function canRequestAccess(viewer: Viewer): boolean {
  return hasRole(viewer, 'SUPPORTER');
}

/** The company's OWNER, or an ADMIN, grants consents of that company. */
export function canGrantConsent(viewer: Viewer, company: CompanyRef): boolean {
  return isOwnerOf(viewer, company) || hasRole(viewer, 'ADMIN');
}

/** Whoever may grant a company's consents may revoke them. */
export function canRevokeConsent(viewer: Viewer, company: CompanyRef): boolean {
  return canGrantConsent(viewer, company);
}

/**
 * The company's OWNER (to see who read its data) and ADMIN (oversight) read a company's audit log.
 * STAFF and SUPPORTERs do not: they are among the audited readers.
 */
export function canReadAuditLog(viewer: Viewer, company: CompanyRef): boolean {
  return isOwnerOf(viewer, company) || hasRole(viewer, 'ADMIN');
}

/** ADMIN, or an OWNER token not yet bound to a company (it becomes bound to the new business). */
export function canRegisterSoleProprietor(viewer: Viewer): boolean {
  return hasRole(viewer, 'ADMIN') || isUnboundOwner(viewer);
}
