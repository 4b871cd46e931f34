import { describe, expect, it } from 'vitest';
import {
  ACCESS_SCOPES,
  CONFIDENTIAL_DATA_SCOPES,
  accessDeniedError,
  canActAsOwnerOf,
  canDecideApplications,
  canGrantConsent,
  canReadAuditLog,
  canReadEbpm,
  canRegisterSoleProprietor,
  canRequestAccess,
  canRevokeConsent,
  consentStateAt,
  decideAccess,
  findCoveringConsent,
  isConsentLive,
  isOwnerOf,
  tokyoDateOf,
  type AccessBasis,
  type AccessScope,
  type CompanyRef,
  type ConsentGrant,
} from './policy.js';
import { ANONYMOUS, adminViewer, ownerViewer, staffViewer, supporterViewer, type Viewer } from './viewer.js';

// 00:30 on 1 April 2025 in Tokyo, while it is still 31 March in UTC.
const NOW = new Date('2025-03-31T15:30:00Z');
const TODAY_TOKYO = '2025-04-01';
const YESTERDAY_TOKYO = '2025-03-31';

const COMPANY: CompanyRef = { id: 'c1', corporateNumber: '1180301018771' };
const OTHER_COMPANY: CompanyRef = { id: 'c2', corporateNumber: '4000012090001' };
const SOLE_PROPRIETOR: CompanyRef = { id: 'c3', corporateNumber: null };

const ORG = 'org-shokokai';
const OTHER_ORG = 'org-bank';

function consent(overrides: Partial<ConsentGrant> = {}): ConsentGrant {
  return { id: 'k1', companyId: COMPANY.id, organizationId: ORG, scopes: ['PROFILE', 'FINANCIALS'], expiresOn: '2025-12-31', revokedAt: null, ...overrides };
}

const CONSENTS = {
  none: [],
  live: [consent({ id: 'k-live' })],
  'expired yesterday (Tokyo)': [consent({ id: 'k-old', expiresOn: YESTERDAY_TOKYO })],
  'expires today (Tokyo)': [consent({ id: 'k-today', expiresOn: TODAY_TOKYO })],
  revoked: [consent({ id: 'k-revoked', revokedAt: new Date('2025-03-01T00:00:00Z') })],
  'other organisation': [consent({ id: 'k-bank', organizationId: OTHER_ORG })],
  'other scope only': [consent({ id: 'k-profile', scopes: ['PROFILE'] })],
  'other company': [consent({ id: 'k-c2', companyId: OTHER_COMPANY.id })],
} satisfies Record<string, ConsentGrant[]>;
type ConsentCase = keyof typeof CONSENTS;

const OWNER_BY_ID = ownerViewer('owner-id', { companyId: 'c1' });
const OWNER_BY_NUMBER = ownerViewer('owner-cn', { corporateNumber: '1180301018771' });
const OTHER_OWNER = ownerViewer('other', { companyId: 'c2', corporateNumber: '4000012090001' });
const UNBOUND_OWNER = ownerViewer('newcomer');
const SUPPORTER = supporterViewer('supporter', ORG);
const STAFF = staffViewer('staff');
const ADMIN = adminViewer('admin');

type Row = [label: string, viewer: Viewer, consents: ConsentCase, scope: AccessScope, allowed: boolean, audit: boolean, basis: AccessBasis];

/** viewer × consent state × scope → decision, for the company c1. */
const TABLE: Row[] = [
  // Public data: anyone, never audited.
  ...(['anonymous', 'owner by id', 'other owner', 'supporter', 'staff', 'admin'] as const).map(
    (label): Row => [label, viewerFor(label), 'none', 'PUBLIC', true, false, 'PUBLIC'],
  ),
  // Anonymous: nothing confidential, even with consents around.
  ['anonymous', ANONYMOUS, 'live', 'PROFILE', false, false, 'DENIED'],
  ['anonymous', ANONYMOUS, 'none', 'FINANCIALS', false, false, 'DENIED'],
  ['anonymous', ANONYMOUS, 'none', 'APPLICATIONS', false, false, 'DENIED'],
  // The owner, matched by internal id or by 法人番号: everything, not audited.
  ['owner by id', OWNER_BY_ID, 'none', 'PROFILE', true, false, 'OWNER'],
  ['owner by id', OWNER_BY_ID, 'none', 'FINANCIALS', true, false, 'OWNER'],
  ['owner by id', OWNER_BY_ID, 'none', 'APPLICATIONS', true, false, 'OWNER'],
  ['owner by corporate number', OWNER_BY_NUMBER, 'none', 'PROFILE', true, false, 'OWNER'],
  ['owner by corporate number', OWNER_BY_NUMBER, 'none', 'FINANCIALS', true, false, 'OWNER'],
  ['owner by corporate number', OWNER_BY_NUMBER, 'none', 'APPLICATIONS', true, false, 'OWNER'],
  // Another company's owner and an unbound owner: nothing confidential; consents are for organisations, not owners.
  ['other owner', OTHER_OWNER, 'live', 'PROFILE', false, false, 'DENIED'],
  ['other owner', OTHER_OWNER, 'none', 'FINANCIALS', false, false, 'DENIED'],
  ['other owner', OTHER_OWNER, 'none', 'APPLICATIONS', false, false, 'DENIED'],
  ['unbound owner', UNBOUND_OWNER, 'none', 'PROFILE', false, false, 'DENIED'],
  // Supporter: only what a live consent of this company to its organisation covers.
  ['supporter', SUPPORTER, 'none', 'PROFILE', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'live', 'PROFILE', true, true, 'CONSENT'],
  ['supporter', SUPPORTER, 'live', 'FINANCIALS', true, true, 'CONSENT'],
  ['supporter', SUPPORTER, 'live', 'APPLICATIONS', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'expired yesterday (Tokyo)', 'PROFILE', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'expired yesterday (Tokyo)', 'FINANCIALS', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'expires today (Tokyo)', 'PROFILE', true, true, 'CONSENT'],
  ['supporter', SUPPORTER, 'expires today (Tokyo)', 'FINANCIALS', true, true, 'CONSENT'],
  ['supporter', SUPPORTER, 'revoked', 'PROFILE', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'revoked', 'FINANCIALS', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'other organisation', 'PROFILE', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'other scope only', 'PROFILE', true, true, 'CONSENT'],
  ['supporter', SUPPORTER, 'other scope only', 'FINANCIALS', false, false, 'DENIED'],
  ['supporter', SUPPORTER, 'other company', 'PROFILE', false, false, 'DENIED'],
  // Staff and admin: every confidential scope, always audited.
  ['staff', STAFF, 'none', 'PROFILE', true, true, 'STAFF_DUTY'],
  ['staff', STAFF, 'none', 'FINANCIALS', true, true, 'STAFF_DUTY'],
  ['staff', STAFF, 'none', 'APPLICATIONS', true, true, 'STAFF_DUTY'],
  ['admin', ADMIN, 'none', 'PROFILE', true, true, 'ADMIN'],
  ['admin', ADMIN, 'none', 'FINANCIALS', true, true, 'ADMIN'],
  ['admin', ADMIN, 'none', 'APPLICATIONS', true, true, 'ADMIN'],
];

function viewerFor(label: 'anonymous' | 'owner by id' | 'other owner' | 'supporter' | 'staff' | 'admin'): Viewer {
  return { anonymous: ANONYMOUS, 'owner by id': OWNER_BY_ID, 'other owner': OTHER_OWNER, supporter: SUPPORTER, staff: STAFF, admin: ADMIN }[label];
}

describe('decideAccess', () => {
  it.each(TABLE)('%s with consent "%s" reading %s → allowed %s, audit %s (%s)', (_label, viewer, consentCase, scope, allowed, audit, basis) => {
    const decision = decideAccess(viewer, COMPANY, scope, CONSENTS[consentCase], NOW);
    expect(decision).toMatchObject({ allowed, audit, basis });
    expect(decision.reason.length).toBeGreaterThan(0);
  });

  it('names the consent that allowed a supporter read', () => {
    expect(decideAccess(SUPPORTER, COMPANY, 'FINANCIALS', CONSENTS.live, NOW)).toMatchObject({ consentId: 'k-live' });
    expect(decideAccess(SUPPORTER, COMPANY, 'FINANCIALS', CONSENTS.live, NOW).reason).toMatch(/until 2025-12-31/);
  });

  it('uses the Tokyo calendar date: a consent ending on the UTC date of "now" has already expired in Japan', () => {
    expect(tokyoDateOf(NOW)).toBe(TODAY_TOKYO);
    expect(NOW.toISOString().slice(0, 10)).toBe(YESTERDAY_TOKYO);
    expect(decideAccess(SUPPORTER, COMPANY, 'PROFILE', CONSENTS['expired yesterday (Tokyo)'], NOW).allowed).toBe(false);
    // One minute before midnight in Tokyo it was still live.
    expect(decideAccess(SUPPORTER, COMPANY, 'PROFILE', CONSENTS['expired yesterday (Tokyo)'], new Date('2025-03-31T14:59:00Z')).allowed).toBe(true);
  });

  it('finds a live consent among stale ones', () => {
    const consents = [...CONSENTS.revoked, ...CONSENTS['expired yesterday (Tokyo)'], ...CONSENTS['other organisation'], ...CONSENTS['expires today (Tokyo)']];
    expect(decideAccess(SUPPORTER, COMPANY, 'PROFILE', consents, NOW)).toMatchObject({ allowed: true, consentId: 'k-today' });
  });

  it('does not let a consent of another company open this one', () => {
    expect(decideAccess(SUPPORTER, OTHER_COMPANY, 'PROFILE', CONSENTS['other company'], NOW).allowed).toBe(true);
    expect(decideAccess(SUPPORTER, COMPANY, 'PROFILE', CONSENTS['other company'], NOW).allowed).toBe(false);
  });

  it('matches a sole proprietor (no 法人番号) by internal id only', () => {
    const ownerOfSoleProprietor = ownerViewer('sp', { companyId: 'c3' });
    expect(decideAccess(ownerOfSoleProprietor, SOLE_PROPRIETOR, 'FINANCIALS', [], NOW).allowed).toBe(true);
    expect(decideAccess(OWNER_BY_NUMBER, SOLE_PROPRIETOR, 'FINANCIALS', [], NOW).allowed).toBe(false);
    expect(decideAccess(UNBOUND_OWNER, SOLE_PROPRIETOR, 'FINANCIALS', [], NOW).allowed).toBe(false);
  });

  it('owns a company matched by either claim when the token carries both', () => {
    const both = ownerViewer('both', { companyId: 'c2', corporateNumber: '1180301018771' });
    expect(decideAccess(both, COMPANY, 'FINANCIALS', [], NOW).allowed).toBe(true);
    expect(decideAccess(both, OTHER_COMPANY, 'FINANCIALS', [], NOW).allowed).toBe(true);
  });

  it('explains refusals without revealing other organisations or confidential values', () => {
    const reason = (consentCase: ConsentCase, scope: AccessScope = 'FINANCIALS') => decideAccess(SUPPORTER, COMPANY, scope, CONSENTS[consentCase], NOW).reason;
    expect(reason('none')).toMatch(/there is none \(ask with requestAccess\)/);
    expect(reason('expired yesterday (Tokyo)')).toMatch(/has expired/);
    expect(reason('revoked')).toMatch(/was revoked/);
    expect(reason('other scope only')).toMatch(/do not include FINANCIALS/);
    expect(reason('other organisation')).not.toContain(OTHER_ORG);
    expect(decideAccess(ANONYMOUS, COMPANY, 'PROFILE', [], NOW).reason).toMatch(/sign in/);
    expect(decideAccess(UNBOUND_OWNER, COMPANY, 'PROFILE', [], NOW).reason).toMatch(/not bound to a company/);
  });

  it('treats a consent with an unreadable expiry as not live', () => {
    const broken = [consent({ expiresOn: '31/12/2025' })];
    expect(decideAccess(SUPPORTER, COMPANY, 'PROFILE', broken, NOW)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no valid expiry/) });
  });
});

describe('consent state', () => {
  it.each([
    ['live', consent(), 'LIVE'],
    ['expires today', consent({ expiresOn: TODAY_TOKYO }), 'LIVE'],
    ['expired yesterday', consent({ expiresOn: YESTERDAY_TOKYO }), 'EXPIRED'],
    ['revoked although not expired', consent({ revokedAt: '2025-03-01T00:00:00Z' }), 'REVOKED'],
    ['revoked after expiring', consent({ expiresOn: '2024-01-01', revokedAt: new Date() }), 'REVOKED'],
    ['expiry as a SQL date (UTC midnight)', consent({ expiresOn: new Date('2025-04-01T00:00:00Z') }), 'LIVE'],
    ['expired SQL date', consent({ expiresOn: new Date('2025-03-31T00:00:00Z') }), 'EXPIRED'],
    ['not a date', consent({ expiresOn: 'soon' }), 'INVALID'],
  ] as const)('%s → %s', (_label, grant, state) => {
    expect(consentStateAt(grant, NOW)).toBe(state);
    expect(isConsentLive(grant, NOW)).toBe(state === 'LIVE');
  });

  it('computes the Tokyo date across midnight', () => {
    expect(tokyoDateOf(new Date('2025-03-31T14:59:59.999Z'))).toBe('2025-03-31');
    expect(tokyoDateOf(new Date('2025-03-31T15:00:00Z'))).toBe('2025-04-01');
    expect(tokyoDateOf(new Date('2024-12-31T15:00:00Z'))).toBe('2025-01-01');
    expect(() => tokyoDateOf(new Date('nope'))).toThrow(RangeError);
  });

  it('finds the covering consent only for supporters', () => {
    expect(findCoveringConsent(SUPPORTER, COMPANY, 'PROFILE', CONSENTS.live, NOW)?.id).toBe('k-live');
    expect(findCoveringConsent(ADMIN, COMPANY, 'PROFILE', CONSENTS.live, NOW)).toBeUndefined();
    expect(findCoveringConsent(supporterViewer('s2', OTHER_ORG), COMPANY, 'PROFILE', CONSENTS.live, NOW)).toBeUndefined();
  });
});

describe('accessDeniedError', () => {
  it('is FORBIDDEN for every viewer (SIGN_IN_REQUIRED when anonymous), with the reason as message', () => {
    const anonymous = decideAccess(ANONYMOUS, COMPANY, 'FINANCIALS', [], NOW);
    const anonymousError = accessDeniedError(ANONYMOUS, anonymous);
    expect(anonymousError.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SIGN_IN_REQUIRED' });
    expect(anonymousError.message).toMatch(/sign in/);
    const supporter = decideAccess(SUPPORTER, COMPANY, 'FINANCIALS', CONSENTS.revoked, NOW);
    const error = accessDeniedError(SUPPORTER, supporter);
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_PERMITTED' });
    expect(error.message).toBe(supporter.reason);
  });
});

describe('CONFIDENTIAL_DATA_SCOPES', () => {
  it('maps every confidential Company field named by the contract to a confidential scope', () => {
    for (const field of ['employees', 'facts', 'financials', 'localBenchmark', 'applications']) {
      expect(CONFIDENTIAL_DATA_SCOPES).toHaveProperty(`Company.${field}`);
    }
    for (const scope of Object.values(CONFIDENTIAL_DATA_SCOPES)) expect(ACCESS_SCOPES).toContain(scope);
    expect(Object.values(CONFIDENTIAL_DATA_SCOPES)).not.toContain('PUBLIC');
  });
});

describe('operation permissions', () => {
  const viewers = { anonymous: ANONYMOUS, owner: OWNER_BY_ID, ownerByNumber: OWNER_BY_NUMBER, otherOwner: OTHER_OWNER, unbound: UNBOUND_OWNER, supporter: SUPPORTER, staff: STAFF, admin: ADMIN };
  type Who = keyof typeof viewers;
  const allowedFor = (check: (viewer: Viewer) => boolean) => (Object.keys(viewers) as Who[]).filter((who) => check(viewers[who]));

  it.each([
    ['canDecideApplications', canDecideApplications, ['staff', 'admin']],
    ['canReadEbpm', canReadEbpm, ['staff', 'admin']],
    ['canRequestAccess', canRequestAccess, ['supporter']],
    ['canRegisterSoleProprietor', canRegisterSoleProprietor, ['unbound', 'admin']],
    ['isOwnerOf(c1)', (v: Viewer) => isOwnerOf(v, COMPANY), ['owner', 'ownerByNumber']],
    ['canActAsOwnerOf(c1)', (v: Viewer) => canActAsOwnerOf(v, COMPANY), ['owner', 'ownerByNumber', 'admin']],
    ['canGrantConsent(c1)', (v: Viewer) => canGrantConsent(v, COMPANY), ['owner', 'ownerByNumber', 'admin']],
    ['canRevokeConsent(c1)', (v: Viewer) => canRevokeConsent(v, COMPANY), ['owner', 'ownerByNumber', 'admin']],
    ['canReadAuditLog(c1)', (v: Viewer) => canReadAuditLog(v, COMPANY), ['owner', 'ownerByNumber', 'admin']],
    ['canActAsOwnerOf(c2)', (v: Viewer) => canActAsOwnerOf(v, OTHER_COMPANY), ['otherOwner', 'admin']],
  ] as const)('%s is granted to %j', (_name, check, expected) => {
    expect(allowedFor(check)).toEqual(expected);
  });
});
