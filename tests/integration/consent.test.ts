import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { tokyoDateOf } from '../../src/shared/auth/policy.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.js';

const demo = buildDemoCompanies(60, 11);
const open = demo.filter((c) => c.corporateNumber && !c.closeDate);
const [target, other] = open;

const ORG = 'org-shokokai-kanda';
const SECRET_PLAN = '新工場の設備投資計画（機密）';
const OTHER_ORG = 'org-shinkin-bank';

/** A Tokyo calendar date `days` from today. */
function tokyoDate(days: number): string {
  return tokyoDateOf(new Date(Date.now() + days * 86_400_000));
}

const CONFIDENTIAL = `query($n: String!) { company(corporateNumber: $n) { id name employees financials { fiscalYear netSalesYen } facts { key value } } }`;
interface ConfidentialView { company: { id: string; name: string; employees: number | null; financials: Array<{ fiscalYear: number; netSalesYen: number }>; facts: Array<{ key: string; value: unknown }> } }

function codesByPath(res: GraphQLResponse<unknown>): Array<[string | undefined, string | undefined]> {
  return (res.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);
}

describe('consent-based sharing over HTTP', () => {
  let server: TestServer;
  let tokens: Record<'supporter' | 'otherSupporter' | 'owner' | 'otherOwner' | 'staff' | 'admin', string>;
  let companyId: string;

  /** What the supporter of ORG sees of the target company. */
  const supporterView = () => server.request<ConfidentialView>(CONFIDENTIAL, { n: target.corporateNumber }, { token: tokens.supporter });

  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (db) => {
        await insertDemoCompanies(db, demo);
        // one submitted application of the target company, for the nested APPLICATIONS paths
        await db.query(`INSERT INTO measures (id, title, kind, agency, source, content_hash) VALUES ('test-subsidy', 'テスト補助金（架空）', 'SUBSIDY', '中小企業庁', 'TEST', 'test')`);
        await db.query(
          `INSERT INTO applications (company_id, measure_id, status, answers, fiscal_year, start_key, start_input_hash, created_by, submitted_at)
           SELECT id, 'test-subsidy', 'SUBMITTED', $2::jsonb, 2026, 'start-1', 'hash-1', 'owner-target', now() FROM companies WHERE corporate_number = $1`,
          [target.corporateNumber, JSON.stringify({ businessPlanSummary: SECRET_PLAN })],
        );
      },
    });
    tokens = {
      supporter: await server.token({ role: 'SUPPORTER', organizationId: ORG, sub: 'supporter-sato' }),
      otherSupporter: await server.token({ role: 'SUPPORTER', organizationId: OTHER_ORG, sub: 'supporter-suzuki' }),
      owner: await server.token({ role: 'OWNER', corporateNumber: target.corporateNumber!, sub: 'owner-target' }),
      otherOwner: await server.token({ role: 'OWNER', corporateNumber: other.corporateNumber!, sub: 'owner-other' }),
      staff: await server.token({ role: 'STAFF', sub: 'staff-tanaka' }),
      admin: await server.token({ role: 'ADMIN', sub: 'admin-1' }),
    };
    const res = await server.request<{ company: { id: string } }>(`query($n: String!) { company(corporateNumber: $n) { id } }`, { n: target.corporateNumber });
    companyId = res.data!.company.id;
  });
  afterAll(async () => server?.close());

  let requestId: string;
  let profileConsentId: string;
  let financialsConsentId: string;

  it('lets a supporter ask for access; until the owner answers it sees nothing confidential', async () => {
    const res = await server.request<{ requestAccess: { id: string; status: string; organizationId: string; scopes: string[]; purpose: string; company: { name: string } } }>(
      `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id status organizationId scopes purpose company { name } } }`,
      { input: { corporateNumber: target.corporateNumber, scopes: ['FINANCIALS', 'PROFILE', 'FINANCIALS'], purpose: '  事業計画策定の支援のため、従業員数と決算内容を確認したい  ' } },
      { token: tokens.supporter },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.requestAccess).toMatchObject({
      status: 'PENDING', organizationId: ORG, scopes: ['PROFILE', 'FINANCIALS'], purpose: '事業計画策定の支援のため、従業員数と決算内容を確認したい', company: { name: target.name },
    });
    requestId = res.data!.requestAccess.id;

    const view = await supporterView();
    expect(view.data!.company.name).toBe(target.name);
    expect(view.data!.company.employees).toBeNull();
    expect(view.data!.company.financials).toEqual([]);
    expect(view.data!.company.facts).toEqual([]);
    expect(codesByPath(view)).toEqual([['company.employees', 'FORBIDDEN']]);
    expect(view.errors![0].message).toMatch(/there is none|requestAccess/);
  });

  it('refuses a second pending request of the same organisation and malformed requests', async () => {
    const mutation = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
    const again = await server.request(mutation, { input: { companyId, scopes: ['PROFILE'], purpose: 'もう一度' } }, { token: tokens.supporter });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0].message).toContain(`id ${requestId}`);

    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ companyId, scopes: [], purpose: 'x' }, 'BAD_USER_INPUT', 'input.scopes'],
      [{ companyId, scopes: ['PROFILE'], purpose: '   ' }, 'BAD_USER_INPUT', 'input.purpose'],
      [{ companyId, scopes: ['PROFILE'], purpose: '目'.repeat(1001) }, 'BAD_USER_INPUT', 'input.purpose'],
      [{ companyId, corporateNumber: target.corporateNumber, scopes: ['PROFILE'], purpose: 'x' }, 'BAD_USER_INPUT', 'input.companyId'],
      [{ corporateNumber: '1234567890123', scopes: ['PROFILE'], purpose: 'x' }, 'BAD_USER_INPUT', 'input.corporateNumber'],
      [{ companyId: 'abc', scopes: ['PROFILE'], purpose: 'x' }, 'BAD_USER_INPUT', 'input.companyId'],
    ];
    for (const [input, code, field] of cases) {
      const res = await server.request(mutation, { input }, { token: tokens.otherSupporter });
      expect(res.errors?.[0].extensions, JSON.stringify(input).slice(0, 80)).toMatchObject({ code, field });
    }
    const unknown = await server.request(mutation, { input: { corporateNumber: '1180301018771', scopes: ['PROFILE'], purpose: 'x' } }, { token: tokens.otherSupporter });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const badScope = await server.request(mutation, { input: { companyId, scopes: ['PUBLIC'], purpose: 'x' } }, { token: tokens.otherSupporter });
    expect(badScope.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    for (const token of [tokens.owner, tokens.staff, tokens.admin]) {
      const res = await server.request(mutation, { input: { companyId, scopes: ['PROFILE'], purpose: 'x' } }, { token });
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await server.request(mutation, { input: { companyId, scopes: ['PROFILE'], purpose: 'x' } });
    expect(anonymous.errors?.[0]).toMatchObject({ message: 'requestAccess needs a bearer token', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('shows each side the requests it may see', async () => {
    const mine = await server.request<{ accessRequests: { totalCount: number; edges: Array<{ node: { id: string; status: string } }> } }>(
      `{ accessRequests { totalCount edges { node { id status } } } }`, {}, { token: tokens.supporter });
    expect(mine.data!.accessRequests).toEqual({ totalCount: 1, edges: [{ node: { id: requestId, status: 'PENDING' } }] });
    const others = await server.request<{ accessRequests: { totalCount: number } }>(`{ accessRequests { totalCount } }`, {}, { token: tokens.otherSupporter });
    expect(others.data!.accessRequests.totalCount).toBe(0);
    const pendingForOwner = await server.request<{ accessRequests: { edges: Array<{ node: { id: string; purpose: string; requestedBy: string } }> } }>(
      `{ accessRequests(status: "PENDING") { edges { node { id purpose requestedBy } } } }`, {}, { token: tokens.owner });
    expect(pendingForOwner.data!.accessRequests.edges.map((e) => e.node)).toEqual([expect.objectContaining({ id: requestId, requestedBy: 'supporter-sato' })]);
    const onCompany = `query($n: String!) { company(corporateNumber: $n) { accessRequests { id organizationId } } }`;
    const owner = await server.request<{ company: { accessRequests: Array<{ id: string }> } }>(onCompany, { n: target.corporateNumber }, { token: tokens.owner });
    expect(owner.data!.company.accessRequests.map((r) => r.id)).toEqual([requestId]);
    for (const token of [tokens.otherOwner, tokens.otherSupporter, tokens.staff, undefined]) {
      const res = await server.request<{ company: { accessRequests: unknown[] } }>(onCompany, { n: target.corporateNumber }, { token });
      expect(res.data!.company.accessRequests).toEqual([]);
    }
    expect((await server.request(`{ accessRequests { totalCount } }`, {}, { token: tokens.staff })).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_PERMITTED' });
    expect((await server.request(`{ accessRequests { totalCount } }`)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SIGN_IN_REQUIRED' });
    const badStatus = await server.request(`{ accessRequests(status: "OPEN") { totalCount } }`, {}, { token: tokens.supporter });
    expect(badStatus.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
  });

  it('refuses grants by the wrong people and with a bad expiry or scopes beyond the request', async () => {
    const mutation = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`;
    const base = { organizationId: ORG, scopes: ['PROFILE'], expiresOn: tokyoDate(30), accessRequestId: requestId };
    for (const token of [tokens.otherOwner, tokens.supporter, tokens.staff]) {
      const res = await server.request(mutation, { input: base }, { token });
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await server.request(mutation, { input: base })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, expiresOn: tokyoDate(-1) }, 'input.expiresOn'],
      [{ ...base, expiresOn: tokyoDate(3 * 366 + 2) }, 'input.expiresOn'],
      [{ ...base, scopes: ['PROFILE', 'APPLICATIONS'] }, 'input.scopes'],
      [{ ...base, organizationId: OTHER_ORG }, 'input.organizationId'],
      [{ ...base, organizationId: ' ' }, 'input.organizationId'],
      [{ ...base, corporateNumber: other.corporateNumber }, 'input.accessRequestId'],
    ];
    for (const [input, field] of cases) {
      const res = await server.request(mutation, { input }, { token: tokens.owner });
      expect(res.errors?.[0].extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const missing = await server.request(mutation, { input: { ...base, accessRequestId: '999999' } }, { token: tokens.owner });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const adminWithoutCompany = await server.request(mutation, { input: { organizationId: ORG, scopes: ['PROFILE'], expiresOn: tokyoDate(1) } }, { token: tokens.admin });
    expect(adminWithoutCompany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.companyId' });
    const stillPending = await server.request<{ accessRequests: { totalCount: number } }>(`{ accessRequests(status: "PENDING") { totalCount } }`, {}, { token: tokens.supporter });
    expect(stillPending.data!.accessRequests.totalCount).toBe(1);
  });

  it('grants PROFILE only (a subset of the request): employees and facts become visible, financials do not', async () => {
    const res = await server.request<{ grantConsent: { id: string; organizationId: string; scopes: string[]; expiresOn: string; state: string; revokedAt: string | null; grantedBy: string; company: { id: string }; accessRequest: { id: string; status: string } } }>(
      `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id organizationId scopes expiresOn state revokedAt grantedBy company { id } accessRequest { id status } } }`,
      { input: { organizationId: ORG, scopes: ['PROFILE'], expiresOn: tokyoDate(30), accessRequestId: requestId } },
      { token: tokens.owner },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.grantConsent).toMatchObject({
      organizationId: ORG, scopes: ['PROFILE'], expiresOn: tokyoDate(30), state: 'LIVE', revokedAt: null, grantedBy: 'owner-target',
      company: { id: companyId }, accessRequest: { id: requestId, status: 'GRANTED' },
    });
    profileConsentId = res.data!.grantConsent.id;

    const view = await supporterView();
    expect(view.errors).toBeUndefined();
    expect(view.data!.company.employees).toBe(target.employees);
    expect(view.data!.company.facts.map((f) => f.key)).toContain('representativeName');
    expect(view.data!.company.financials).toEqual([]);

    const otherOrg = await server.request<ConfidentialView>(CONFIDENTIAL, { n: target.corporateNumber }, { token: tokens.otherSupporter });
    expect(otherOrg.data!.company.employees).toBeNull();
    expect(otherOrg.data!.company.facts).toEqual([]);
    expect(codesByPath(otherOrg)).toEqual([['company.employees', 'FORBIDDEN']]);

    const answeredAgain = await server.request(`mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`,
      { input: { organizationId: ORG, scopes: ['PROFILE'], expiresOn: tokyoDate(30), accessRequestId: requestId } }, { token: tokens.owner });
    expect(answeredAgain.errors?.[0].extensions?.code).toBe('CONFLICT');
    const request = await server.request<{ accessRequests: { edges: Array<{ node: { status: string; respondedAt: string | null; consent: { id: string } | null } }> } }>(
      `{ accessRequests { edges { node { status respondedAt consent { id } } } } }`, {}, { token: tokens.supporter });
    expect(request.data!.accessRequests.edges[0].node).toMatchObject({ status: 'GRANTED', consent: { id: profileConsentId } });
    expect(request.data!.accessRequests.edges[0].node.respondedAt).not.toBeNull();
  });

  it('guards the same fields through nested paths and lists', async () => {
    const nested = `query($name: String!) {
      companies(filter: { name: $name }, first: 5) { edges { node { corporateNumber employees financials { fiscalYear } facts { key } } } }
      accessRequests { edges { node { company { employees financials { fiscalYear } } } } }
      consents { edges { node { company { employees financials { fiscalYear } } } } }
    }`;
    const res = await server.request<{
      companies: { edges: Array<{ node: { corporateNumber: string; employees: number | null; financials: unknown[]; facts: unknown[] } }> };
      accessRequests: { edges: Array<{ node: { company: { employees: number | null; financials: unknown[] } } }> };
      consents: { edges: Array<{ node: { company: { employees: number | null; financials: unknown[] } } }> };
    }>(nested, { name: target.name }, { token: tokens.supporter });
    const listed = res.data!.companies.edges.find((e) => e.node.corporateNumber === target.corporateNumber)!.node;
    expect(listed.employees).toBe(target.employees);
    expect(listed.financials).toEqual([]);
    expect(res.data!.accessRequests.edges[0].node.company).toEqual({ employees: target.employees, financials: [] });
    expect(res.data!.consents.edges[0].node.company).toEqual({ employees: target.employees, financials: [] });
    for (const edge of res.data!.companies.edges.filter((e) => e.node.corporateNumber !== target.corporateNumber)) {
      expect(edge.node.employees).toBeNull();
      expect(edge.node.facts).toEqual([]);
    }
    expect((res.errors ?? []).every((e) => e.extensions?.code === 'FORBIDDEN' && e.path?.at(-1) === 'employees')).toBe(true);
  });

  it('grants FINANCIALS in a separate consent: financials become visible', async () => {
    const res = await server.request<{ grantConsent: { id: string; accessRequest: null; scopes: string[] } }>(
      `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id scopes accessRequest { id } } }`,
      { input: { organizationId: ORG, scopes: ['FINANCIALS'], expiresOn: tokyoDate(0) } },
      { token: tokens.owner },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.grantConsent).toMatchObject({ scopes: ['FINANCIALS'], accessRequest: null });
    financialsConsentId = res.data!.grantConsent.id;
    const view = await supporterView();
    expect(view.errors).toBeUndefined();
    expect(view.data!.company.financials.map((f) => f.fiscalYear)).toEqual(target.financials.map((f) => f.fiscalYear).sort((a, b) => b - a));
    expect(view.data!.company.financials[0].netSalesYen).toBe(target.financials.at(-1)!.netSalesYen);

    const consents = await server.request<{ consents: { totalCount: number; edges: Array<{ node: { id: string; state: string } }> } }>(
      `{ consents(state: LIVE) { totalCount edges { node { id state } } } }`, {}, { token: tokens.supporter });
    expect(consents.data!.consents.edges.map((e) => e.node.id)).toEqual([financialsConsentId, profileConsentId]);
    const none = await server.request<{ consents: { totalCount: number } }>(`{ consents { totalCount } }`, {}, { token: tokens.otherSupporter });
    expect(none.data!.consents.totalCount).toBe(0);
  });

  it("writes audit entries for a supporter's and staff's reads, not for the owner's own", async () => {
    const auditQuery = `query($n: String!, $first: Int, $after: String) { company(corporateNumber: $n) { auditLog(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id at actorSub actorRole organizationId companyId scope operation consentId } } } } }`;
    type AuditView = { company: { auditLog: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; at: string; actorSub: string; actorRole: string; organizationId: string | null; companyId: string; scope: string; operation: string; consentId: string | null } }> } | null } };
    const before = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 100 }, { token: tokens.owner });
    expect(before.errors).toBeUndefined();
    const entries = before.data!.company.auditLog!.edges.map((e) => e.node);
    expect(entries).toContainEqual(expect.objectContaining({
      actorSub: 'supporter-sato', actorRole: 'SUPPORTER', organizationId: ORG, companyId, scope: 'PROFILE', operation: 'Company.employees', consentId: profileConsentId,
    }));
    expect(entries).toContainEqual(expect.objectContaining({ actorRole: 'SUPPORTER', scope: 'FINANCIALS', operation: 'Company.financials', consentId: financialsConsentId }));
    expect(entries.some((e) => e.actorSub === 'supporter-suzuki')).toBe(false); // refused reads disclose nothing
    expect(entries.some((e) => e.actorSub === 'owner-target')).toBe(false);

    // the owner reads its own data: no entry
    const own = await server.request<ConfidentialView>(CONFIDENTIAL, { n: target.corporateNumber }, { token: tokens.owner });
    expect(own.data!.company.employees).toBe(target.employees);
    const afterOwn = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 1 }, { token: tokens.owner });
    expect(afterOwn.data!.company.auditLog!.totalCount).toBe(before.data!.company.auditLog!.totalCount);

    // staff read: one entry per field and scope read, newest first (facts holding statement figures are a
    // FINANCIALS read too)
    await server.request(CONFIDENTIAL, { n: target.corporateNumber }, { token: tokens.staff });
    const staffEntries = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 4 }, { token: tokens.owner });
    expect(staffEntries.data!.company.auditLog!.edges.map((e) => `${e.node.scope} ${e.node.operation}`).sort()).toEqual([
      'FINANCIALS Company.facts', 'FINANCIALS Company.financials', 'PROFILE Company.employees', 'PROFILE Company.facts',
    ]);
    const afterStaff = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 2 }, { token: tokens.owner });
    const log = afterStaff.data!.company.auditLog!;
    expect(log.totalCount).toBe(before.data!.company.auditLog!.totalCount + 4);
    expect(log.edges).toHaveLength(2);
    expect(log.edges.every((e) => e.node.actorSub === 'staff-tanaka' && e.node.actorRole === 'STAFF' && e.node.organizationId === null)).toBe(true);
    expect(log.pageInfo.hasNextPage).toBe(true);
    const page2 = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 100, after: log.pageInfo.endCursor }, { token: tokens.owner });
    const allIds = [...log.edges, ...page2.data!.company.auditLog!.edges].map((e) => e.node.id);
    expect(new Set(allIds).size).toBe(log.totalCount);
    const times = [...log.edges, ...page2.data!.company.auditLog!.edges].map((e) => Date.parse(e.node.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // nobody else reads the company's log
    for (const token of [tokens.otherOwner, tokens.supporter, tokens.staff, undefined]) {
      const res = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 5 }, { token });
      expect(res.data!.company.auditLog).toBeNull();
      expect(codesByPath(res)).toEqual([['company.auditLog', 'FORBIDDEN']]);
    }
    const asAdmin = await server.request<AuditView>(auditQuery, { n: target.corporateNumber, first: 1 }, { token: tokens.admin });
    expect(asAdmin.data!.company.auditLog!.totalCount).toBe(log.totalCount);
  });

  it('gives ADMIN the whole audit log with filters, and nobody else', async () => {
    const query = `query($filter: AuditLogFilter, $first: Int) { auditLog(filter: $filter, first: $first) { totalCount edges { node { actorRole scope company { corporateNumber } } } } }`;
    type Log = { auditLog: { totalCount: number; edges: Array<{ node: { actorRole: string; scope: string; company: { corporateNumber: string } } }> } };
    const all = await server.request<Log>(query, { first: 100 }, { token: tokens.admin });
    expect(all.errors).toBeUndefined();
    const bySupporter = await server.request<Log>(query, { filter: { corporateNumber: target.corporateNumber, actorRole: 'SUPPORTER', scope: 'FINANCIALS' }, first: 100 }, { token: tokens.admin });
    expect(bySupporter.data!.auditLog.totalCount).toBeGreaterThan(0);
    expect(bySupporter.data!.auditLog.totalCount).toBeLessThan(all.data!.auditLog.totalCount);
    expect(bySupporter.data!.auditLog.edges.every((e) => e.node.actorRole === 'SUPPORTER' && e.node.scope === 'FINANCIALS' && e.node.company.corporateNumber === target.corporateNumber)).toBe(true);
    const future = await server.request<Log>(query, { filter: { from: new Date(Date.now() + 3_600_000).toISOString() } }, { token: tokens.admin });
    expect(future.data!.auditLog.totalCount).toBe(0);
    const reversed = await server.request(query, { filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, { token: tokens.admin });
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    for (const token of [tokens.owner, tokens.supporter, tokens.staff, undefined]) {
      expect((await server.request(query, {}, { token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('keeps the audit log append-only in the database', async () => {
    await expect(server.database.query(`UPDATE audit_log SET actor_sub = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(server.database.query(`DELETE FROM audit_log WHERE company_id = $1`, [Number(companyId)])).rejects.toThrow(/append-only/);
    await expect(server.database.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const [{ n }] = await server.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE actor_sub = 'someone-else'`);
    expect(Number(n)).toBe(0);
  });

  it('ends access at once when the owner revokes; revoking twice is a CONFLICT', async () => {
    const mutation = `mutation($id: ID!) { revokeConsent(id: $id) { id state revokedAt } }`;
    for (const token of [tokens.supporter, tokens.otherOwner, tokens.staff]) {
      expect((await server.request(mutation, { id: profileConsentId }, { token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await server.request(mutation, { id: profileConsentId })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const res = await server.request<{ revokeConsent: { id: string; state: string; revokedAt: string } }>(mutation, { id: profileConsentId }, { token: tokens.owner });
    expect(res.errors).toBeUndefined();
    expect(res.data!.revokeConsent).toMatchObject({ id: profileConsentId, state: 'REVOKED' });
    const afterOne = await supporterView();
    expect(afterOne.data!.company.employees).toBeNull();
    expect(afterOne.data!.company.facts).toEqual([]);
    expect(afterOne.data!.company.financials.length).toBe(target.financials.length);
    expect(afterOne.errors?.[0].message).toMatch(/revoked/);

    const byAdmin = await server.request(mutation, { id: financialsConsentId }, { token: tokens.admin });
    expect(byAdmin.errors).toBeUndefined();
    const afterBoth = await supporterView();
    expect(afterBoth.data!.company).toMatchObject({ employees: null, financials: [], facts: [] });

    const twice = await server.request(mutation, { id: profileConsentId }, { token: tokens.owner });
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await server.request(mutation, { id: '987654' }, { token: tokens.owner })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await server.request(mutation, { id: 'x' }, { token: tokens.owner })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const owned = await server.request<{ company: { consents: Array<{ id: string; state: string }> } }>(
      `query($n: String!) { company(corporateNumber: $n) { consents { id state } } }`, { n: target.corporateNumber }, { token: tokens.owner });
    expect(owned.data!.company.consents).toEqual([{ id: financialsConsentId, state: 'REVOKED' }, { id: profileConsentId, state: 'REVOKED' }]);
  });

  it('gives nothing under an expired consent and everything through its last day', async () => {
    const insert = (org: string, expiresOn: string) => server.database.query(
      `INSERT INTO consents (company_id, organization_id, scopes, granted_by, expires_on) VALUES ($1, $2, ARRAY['PROFILE','FINANCIALS','APPLICATIONS'], 'test', $3::date)`,
      [Number(companyId), org, expiresOn],
    );
    await insert('org-expired', tokyoDate(-1));
    await insert('org-last-day', tokyoDate(0));
    const expired = await server.request<ConfidentialView>(CONFIDENTIAL, { n: target.corporateNumber }, { token: await server.token({ role: 'SUPPORTER', organizationId: 'org-expired' }) });
    expect(expired.data!.company).toMatchObject({ employees: null, financials: [], facts: [] });
    expect(expired.errors?.[0].message).toMatch(/expired/);
    const lastDay = await server.request<ConfidentialView>(CONFIDENTIAL, { n: target.corporateNumber }, { token: await server.token({ role: 'SUPPORTER', organizationId: 'org-last-day' }) });
    expect(lastDay.errors).toBeUndefined();
    expect(lastDay.data!.company.employees).toBe(target.employees);
    const states = await server.request<{ consents: { edges: Array<{ node: { organizationId: string; state: string } }> } }>(`{ consents(state: EXPIRED) { edges { node { organizationId state } } } }`, {}, { token: tokens.owner });
    expect(states.data!.consents.edges.map((e) => e.node)).toEqual([{ organizationId: 'org-expired', state: 'EXPIRED' }]);
  });

  it('lets the owner decline a request; answering it afterwards is a CONFLICT', async () => {
    const asked = await server.request<{ requestAccess: { id: string } }>(`mutation { requestAccess(input: { companyId: "${companyId}", scopes: [APPLICATIONS], purpose: "補助金申請の伴走支援" }) { id } }`, {}, { token: tokens.otherSupporter });
    const id = asked.data!.requestAccess.id;
    expect((await server.request(`mutation($id: ID!) { declineAccessRequest(id: $id) { id } }`, { id }, { token: tokens.otherOwner })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await server.request(`mutation($id: ID!) { declineAccessRequest(id: $id) { id } }`, { id }, { token: tokens.otherSupporter })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const declined = await server.request<{ declineAccessRequest: { status: string; respondedAt: string } }>(`mutation($id: ID!) { declineAccessRequest(id: $id) { status respondedAt } }`, { id }, { token: tokens.owner });
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.declineAccessRequest.status).toBe('DECLINED');
    expect((await server.request(`mutation($id: ID!) { declineAccessRequest(id: $id) { id } }`, { id }, { token: tokens.owner })).errors?.[0].extensions?.code).toBe('CONFLICT');
    const grant = await server.request(`mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`,
      { input: { organizationId: OTHER_ORG, scopes: ['APPLICATIONS'], expiresOn: tokyoDate(10), accessRequestId: id } }, { token: tokens.owner });
    expect(grant.errors?.[0].extensions?.code).toBe('CONFLICT');
    // a declined request no longer blocks a new one
    const again = await server.request<{ requestAccess: { status: string } }>(`mutation { requestAccess(input: { companyId: "${companyId}", scopes: [PROFILE], purpose: "再度のお願い" }) { status } }`, {}, { token: tokens.otherSupporter });
    expect(again.data!.requestAccess.status).toBe('PENDING');
  });

  it('guards applications and their answers through nested paths', async () => {
    const supporter = await server.token({ role: 'SUPPORTER', organizationId: 'org-apps' });
    const [{ id: applicationId }] = await server.database.query<{ id: string }>(`SELECT id::text AS id FROM applications WHERE start_key = 'start-1'`);
    const query = `query($n: String!, $id: ID!) {
      company(corporateNumber: $n) { employees financials { fiscalYear } applications { totalCount edges { node { answers company { financials { fiscalYear } } } } } }
      application(id: $id) { answers company { employees financials { fiscalYear } } }
    }`;
    type View = {
      company: { employees: number | null; financials: unknown[]; applications: { totalCount: number; edges: Array<{ node: { answers: { businessPlanSummary: string }; company: { financials: unknown[] } } }> } };
      application: { answers: { businessPlanSummary: string }; company: { employees: number | null; financials: unknown[] } } | null;
    };
    const before = await server.request<View>(query, { n: target.corporateNumber, id: applicationId }, { token: supporter });
    expect(before.data!.company.applications).toEqual({ totalCount: 0, edges: [] });
    expect(before.data!.application).toBeNull();
    expect(codesByPath(before)).toEqual(expect.arrayContaining([['application', 'FORBIDDEN'], ['company.employees', 'FORBIDDEN']]));
    expect(JSON.stringify(before)).not.toContain(SECRET_PLAN);

    const granted = await server.request(`mutation { grantConsent(input: { organizationId: "org-apps", scopes: [APPLICATIONS], expiresOn: "${tokyoDate(5)}" }) { id } }`, {}, { token: tokens.owner });
    expect(granted.errors).toBeUndefined();
    const after = await server.request<View>(query, { n: target.corporateNumber, id: applicationId }, { token: supporter });
    expect(after.data!.company.applications.totalCount).toBe(1);
    expect(after.data!.company.applications.edges[0].node.answers.businessPlanSummary).toBe(SECRET_PLAN);
    expect(after.data!.company.applications.edges[0].node.company.financials).toEqual([]);
    expect(after.data!.application!.answers.businessPlanSummary).toBe(SECRET_PLAN);
    expect(after.data!.application!.company).toEqual({ employees: null, financials: [] });
    expect(after.data!.company.financials).toEqual([]);
    expect(codesByPath(after).every(([, code]) => code === 'FORBIDDEN')).toBe(true);
    expect(codesByPath(after).map(([path]) => path)).toEqual(expect.arrayContaining(['company.employees', 'application.company.employees']));
  });

  it('reads consents and requests without N+1 queries', async () => {
    const query = `{ consents(first: 50) { edges { node { id state company { name consents { id } accessRequests { id } } accessRequest { id consent { id } } } } }
      accessRequests(first: 50) { edges { node { id company { name } consent { id } } } } }`;
    const res = await server.request(query, {}, { token: tokens.admin });
    expect(res.errors).toBeUndefined();
    expect(res.statements).toBeLessThanOrEqual(12);

    const logs = `query($first: Int) { companies(first: $first) { edges { node { id auditLog(first: 2) { totalCount edges { node { id at } } } } } } }`;
    type Logs = { companies: { edges: Array<{ node: { id: string; auditLog: { totalCount: number; edges: Array<{ node: { id: string } }> } } }> } };
    const few = await server.request<Logs>(logs, { first: 3 }, { token: tokens.admin });
    const many = await server.request<Logs>(logs, { first: 30 }, { token: tokens.admin });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(many.statements).toBe(few.statements);
    const ofTarget = many.data!.companies.edges.find((e) => e.node.id === companyId)!.node.auditLog;
    expect(ofTarget.totalCount).toBeGreaterThan(2);
    expect(ofTarget.edges).toHaveLength(2);
    expect(many.data!.companies.edges.filter((e) => e.node.id !== companyId).every((e) => e.node.auditLog.totalCount === 0)).toBe(true);
  });
});
