import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const demo = buildDemoCompanies(120, 7);
const someCorporation = demo.find((c) => c.corporateNumber && !c.closeDate) as (typeof demo)[number];

describe('company registry over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ prepare: async (db) => void (await insertDemoCompanies(db, demo)) });
  });
  afterAll(async () => server?.close());

  it('serves health, readiness and an offline GraphiQL page', async () => {
    expect(await (await fetch(`${server.url}healthz`)).json()).toEqual({ status: 'ok' });
    expect(((await (await fetch(`${server.url}readyz`)).json()) as { status: string }).status).toBe('ready');
    const page = await (await fetch(server.url)).text();
    expect(page).toContain('/assets/graphiql.min.js');
    expect(page).not.toMatch(/https?:\/\/(unpkg|cdn|jsdelivr)/);
    for (const asset of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js']) {
      const res = await fetch(`${server.url}assets/${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length, asset).toBeGreaterThan(1000);
    }
  });

  it('finds a company by 法人番号 with its registry fields', async () => {
    const res = await server.request<{ company: Record<string, unknown> }>(
      `query($n: String!) { company(corporateNumber: $n) { id corporateNumber name kind prefectureCode address postalCode industry { code name } smeStatus { category } } }`,
      { n: someCorporation.corporateNumber },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.company).toMatchObject({
      corporateNumber: someCorporation.corporateNumber,
      name: someCorporation.name,
      kind: someCorporation.kind,
      prefectureCode: someCorporation.prefectureCode,
      postalCode: someCorporation.postalCode,
      industry: { code: someCorporation.industryCode },
    });
  });

  it('answers null for an unknown but valid number', async () => {
    const res = await server.request(`{ company(corporateNumber: "1180301018771") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ company: null });
  });

  it.each([
    ['118030101877', /13 digits/],
    ['11803010187a1', /digits only/],
    ['2180301018771', /check digit/],
  ])('rejects the malformed number %s with BAD_USER_INPUT naming the problem', async (n, message) => {
    const res = await server.request(`query($n: String!) { company(corporateNumber: $n) { id } }`, { n });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('corporateNumber');
    expect(res.errors?.[0].message).toMatch(message);
  });

  it('pages through companies with stable cursors and a total count', async () => {
    const open = demo.filter((c) => !c.closeDate).length;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Awaited<ReturnType<typeof server.request<{ companies: { totalCount: number; edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>>> =
        await server.request(`query($after: String) { companies(first: 25, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(res.errors).toBeUndefined();
      expect(res.data!.companies.totalCount).toBe(open);
      seen.push(...res.data!.companies.edges.map((e) => e.node.id));
      if (!res.data!.companies.pageInfo.hasNextPage) break;
      after = res.data!.companies.pageInfo.endCursor;
    }
    expect(seen.length).toBe(open);
    expect(new Set(seen).size).toBe(open);
    const withClosed = await server.request<{ companies: { totalCount: number } }>(`{ companies(filter: { includeClosed: true }) { totalCount } }`);
    expect(withClosed.data!.companies.totalCount).toBe(demo.length);
  });

  it('filters by name or kana, prefecture, industry prefix and kind', async () => {
    const target = someCorporation;
    const byName = await server.request<{ companies: { edges: Array<{ node: { name: string } }> } }>(
      `query($f: CompanyFilter) { companies(filter: $f, first: 100) { edges { node { name } } } }`, { f: { name: target.name.slice(0, 4) } });
    expect(byName.data!.companies.edges.map((e) => e.node.name)).toContain(target.name);
    const byKana = await server.request<{ companies: { edges: Array<{ node: { name: string } }> } }>(
      `query($f: CompanyFilter) { companies(filter: $f, first: 100) { edges { node { name } } } }`, { f: { name: target.nameKana.slice(0, 4) } });
    expect(byKana.data!.companies.edges.map((e) => e.node.name)).toContain(target.name);
    const major = target.industryCode[0];
    const filtered = await server.request<{ companies: { totalCount: number; edges: Array<{ node: { prefectureCode: string; industry: { code: string }; kind: string } }> } }>(
      `query($f: CompanyFilter) { companies(filter: $f, first: 100) { totalCount edges { node { prefectureCode kind industry { code } } } } }`,
      { f: { prefectureCode: target.prefectureCode, industryCode: major, kind: [target.kind] } },
    );
    const expected = demo.filter((c) => !c.closeDate && c.prefectureCode === target.prefectureCode && c.industryCode.startsWith(major) && c.kind === target.kind).length;
    expect(filtered.data!.companies.totalCount).toBe(expected);
    for (const e of filtered.data!.companies.edges) {
      expect(e.node.prefectureCode).toBe(target.prefectureCode);
      expect(e.node.industry.code.startsWith(major)).toBe(true);
    }
    const bad = await server.request(`{ companies(filter: { prefectureCode: "99" }) { totalCount } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.prefectureCode' });
    const badCursor = await server.request(`{ companies(after: "nope") { totalCount } }`);
    expect(badCursor.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('costs a constant number of SQL statements whatever the page size (no N+1)', async () => {
    const query = `query($first: Int) { companies(first: $first) { totalCount edges { node {
      id name address industry { code name } smeStatus { category deemedLarge reasons }
      certifications { title approvedOn } supportReceived { title amountYen } financials { fiscalYear netSalesYen }
      employees facts { key value source } registryHistory { process } } } } }`;
    const admin = await server.token({ role: 'ADMIN', sub: 'admin-1' });
    const small = await server.request(query, { first: 5 }, { token: admin });
    const large = await server.request(query, { first: 50 }, { token: admin });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(12);
  });

  it('hides confidential fields from anonymous viewers and shows them to the owner', async () => {
    const q = `query($n: String!) { company(corporateNumber: $n) { name employees financials { fiscalYear } facts { key } } }`;
    const anonymous = await server.request<{ company: { name: string; employees: number | null; financials: unknown[]; facts: unknown[] } }>(q, { n: someCorporation.corporateNumber });
    expect(anonymous.data!.company.name).toBe(someCorporation.name);
    expect(anonymous.data!.company.employees).toBeNull();
    expect(anonymous.data!.company.financials).toEqual([]);
    expect(anonymous.data!.company.facts).toEqual([]);
    expect(anonymous.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toContainEqual(['company.employees', 'FORBIDDEN']);
    expect(JSON.stringify(anonymous.errors)).not.toContain(String(someCorporation.employees) + '人');
    const owner = await server.token({ role: 'OWNER', corporateNumber: someCorporation.corporateNumber! });
    const own = await server.request<{ company: { employees: number; financials: unknown[]; facts: Array<{ key: string }> } }>(q, { n: someCorporation.corporateNumber }, { token: owner });
    expect(own.errors).toBeUndefined();
    expect(own.data!.company.employees).toBe(someCorporation.employees);
    expect(own.data!.company.financials).toHaveLength(3);
    expect(own.data!.company.facts.map((f) => f.key)).toContain('capitalYen');
  });

  it('lets an unbound owner register a sole proprietorship and binds the token to it', async () => {
    const token = await server.token({ role: 'OWNER', sub: 'kojin-1' });
    const res = await server.request<{ registerSoleProprietor: { id: string; corporateNumber: string | null; kind: string; name: string; smeStatus: { category: string } } }>(
      `mutation($input: RegisterSoleProprietorInput!) { registerSoleProprietor(input: $input) { id corporateNumber kind name smeStatus { category } } }`,
      { input: { name: 'やまびこ珈琲（デモ）', prefectureCode: '31', postalCode: '680-0001', industryCode: 'M76', employees: 2, establishedOn: '2021-04-01' } },
      { token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.registerSoleProprietor).toMatchObject({ corporateNumber: null, kind: 'SOLE_PROPRIETOR', smeStatus: { category: 'SMALL' } });
    const viewer = await server.request<{ viewer: { role: string; companyId: string } }>(`{ viewer { role companyId } }`, {}, { token });
    expect(viewer.data!.viewer).toEqual({ role: 'OWNER', companyId: res.data!.registerSoleProprietor.id });
    const again = await server.request(`mutation { registerSoleProprietor(input: { name: "二つ目" }) { id } }`, {}, { token });
    expect(again.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.request(`mutation { registerSoleProprietor(input: { name: "x" }) { id } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await server.request(`mutation { registerSoleProprietor(input: { name: "x", postalCode: "12" }) { id } }`, {}, { token: await server.token({ role: 'ADMIN', sub: 'a' }) });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.postalCode' });
  });

  it('refuses bad tokens with UNAUTHENTICATED and stays up', async () => {
    const expired = await server.token({ role: 'STAFF', sub: 's' }, '-1h');
    const res = await server.request(`{ viewer { role } }`, {}, { token: expired });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const garbage = await server.request(`{ viewer { role } }`, {}, { token: 'abc.def.ghi' });
    expect(garbage.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const ok = await server.request<{ viewer: { role: string | null } }>(`{ viewer { role } }`);
    expect(ok.data!.viewer.role).toBeNull();
  });
});
