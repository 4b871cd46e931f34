import { getIntrospectionQuery } from 'graphql';
import { SignJWT, base64url, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKey } from '../../src/shared/auth/tokens.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The hardened edge over HTTP: who sees what when not allowed, masked internal errors, query limits,
 * body and transport abuse, refused tokens, rate limits. /healthz must stay green throughout.
 */

const demo = buildDemoCompanies(40, 23);
const target = demo.find((c) => c.corporateNumber && !c.closeDate)!;

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> } | null;
}

/** /healthz of the server under test: probed while and after every hostile request sent with {@link raw}. */
let healthz: string | undefined;
let healthProbes = 0;
let hostileRequests = 0;

async function probeHealth(url: string): Promise<void> {
  const res = await fetch(url);
  expect(res.status, 'GET /healthz during the hostile requests').toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
  healthProbes += 1;
}

async function raw(url: string, init: RequestInit): Promise<RawResponse> {
  if (healthz !== undefined) hostileRequests += 1;
  const during = healthz === undefined ? undefined : probeHealth(healthz);
  const res = await fetch(url, init);
  const text = await res.text();
  let json: RawResponse['json'] = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: the assertions say so */
  }
  if (healthz !== undefined) {
    await during;
    await probeHealth(healthz);
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('the hardened HTTP edge', () => {
  let server: TestServer;
  let graphql: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    raw(graphql, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    server = await startTestServer({ prepare: async (db) => void (await insertDemoCompanies(db, demo)) });
    graphql = `${server.url}graphql`;
    healthz = `${server.url}healthz`;
    healthProbes = 0;
    hostileRequests = 0;
  });
  afterAll(async () => {
    healthz = undefined;
    // every raw request of this block was followed by two probes (one while it ran, one after it)
    expect(hostileRequests).toBeGreaterThan(30);
    expect(healthProbes).toBe(2 * hostileRequests);
    await server?.close();
  });
  afterEach(async () => {
    const health = await fetch(`${server.url}healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  describe('confidential data', () => {
    const query = `query($n: String!) { company(corporateNumber: $n) { name employees financials { fiscalYear netSalesYen cashYen } facts { key value } localBenchmark { equityRatio } } }`;

    it('gives anonymous viewers null with FORBIDDEN (reason SIGN_IN_REQUIRED) and empty lists, status 200', async () => {
      const res = await post({ query: `query($n: String!) { company(corporateNumber: $n) { name employees financials { fiscalYear } facts { key } } }`, variables: { n: target.corporateNumber } });
      expect(res.status).toBe(200);
      expect(res.json!.data).toEqual({ company: { name: target.name, employees: null, financials: [], facts: [] } });
      expect(res.json!.errors).toHaveLength(1);
      expect(res.json!.errors![0]).toMatchObject({ path: ['company', 'employees'], extensions: { code: 'FORBIDDEN', reason: 'SIGN_IN_REQUIRED' } });
      expect(res.json!.errors![0].message).toMatch(/sign in/);
    });

    it('never puts a confidential value into an error, whoever asks', async () => {
      const admin = await server.token({ role: 'ADMIN', sub: 'edge-admin' });
      const seen = await server.request<{ company: { financials: Array<Record<string, number>>; facts: Array<{ key: string; value: unknown }> } }>(query, { n: target.corporateNumber }, { token: admin });
      const secrets = [
        ...seen.data!.company.financials.flatMap((f) => [f.netSalesYen, f.cashYen]).map(String),
        ...seen.data!.company.facts.filter((f) => typeof f.value === 'string' && f.key !== 'address' && f.key !== 'postalCode').map((f) => String(f.value)),
      ].filter((s) => s.length >= 5);
      expect(secrets.length).toBeGreaterThan(3);
      const others = [
        undefined,
        await server.token({ role: 'SUPPORTER', organizationId: 'org-x' }),
        await server.token({ role: 'OWNER', corporateNumber: demo.find((c) => c.corporateNumber && c.corporateNumber !== target.corporateNumber)!.corporateNumber! }),
        await server.token({ role: 'OWNER', sub: 'unbound' }),
      ];
      for (const token of others) {
        const res = await server.request(query, { n: target.corporateNumber }, { token });
        expect(res.errors?.length).toBeGreaterThan(0);
        const body = JSON.stringify(res);
        for (const secret of secrets) expect(body).not.toContain(secret);
      }
    });
  });

  describe('timing', () => {
    it("reports the server's own time for a request in a Server-Timing header (app;dur=<ms>)", async () => {
      const res = await post({ query: '{ viewer { role } }' });
      expect(res.status).toBe(200);
      const match = /^app;dur=(\d+\.\d{2})$/.exec(res.headers.get('server-timing') ?? '');
      expect(match, `server-timing: ${res.headers.get('server-timing')}`).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThan(0);
    });
  });

  describe('caching', () => {
    it('lets no cache keep an answer (Cache-Control: no-store), whether it succeeded, failed validation or was refused', async () => {
      const answered = await post({ query: '{ viewer { role } }' });
      const invalid = await post({ query: '{ noSuchField }' });
      const hidden = await post({ query: `query($n: String!) { company(corporateNumber: $n) { name employees } }`, variables: { n: target.corporateNumber } });
      expect([answered.status, invalid.status, hidden.status]).toEqual([200, 400, 200]);
      expect(hidden.json!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      for (const res of [answered, invalid, hidden]) expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('unexpected errors', () => {
    it('masks a database failure as INTERNAL_SERVER_ERROR with the request id, no SQL and no stack, and logs it', async () => {
      const logged: string[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
      await server.database.query('ALTER TABLE certifications RENAME TO certifications_moved');
      try {
        const res = await post({ query: `query($n: String!) { company(corporateNumber: $n) { name certifications { title } } }`, variables: { n: target.corporateNumber } }, { 'x-request-id': 'edge-test-0001' });
        expect(res.headers.get('x-request-id')).toBe('edge-test-0001');
        expect(res.json!.errors).toEqual([{
          message: 'Internal server error', locations: expect.any(Array), path: ['company', 'certifications'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'edge-test-0001' },
        }]);
        expect(res.text).not.toMatch(/select|relation|certifications_moved|stack|\.ts:|node_modules/i);
        const line = logged.find((l) => l.includes('edge-test-0001'));
        expect(line).toMatch(/path company\.certifications\): .*relation "certifications" does not exist \(code 42P01\)/);
        expect(line).toContain('query: select');
        expect(line).not.toMatch(/params: \d/);
      } finally {
        await server.database.query('ALTER TABLE certifications_moved RENAME TO certifications');
        spy.mockRestore();
      }
    });

    it('refuses to answer (500, no data) when the audit entry of a confidential read cannot be written', async () => {
      const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
      await server.database.query(`CREATE FUNCTION edge_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit storage unavailable'; END; $$`);
      await server.database.query(`CREATE TRIGGER edge_test_refuse BEFORE INSERT ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION edge_test_refuse()`);
      try {
        const staff = await server.token({ role: 'STAFF', sub: 'edge-staff' });
        const res = await raw(graphql, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${staff}` },
          body: JSON.stringify({ query: `query($n: String!) { company(corporateNumber: $n) { employees } }`, variables: { n: target.corporateNumber } }),
        });
        expect(res.status).toBe(500);
        expect(res.json!.data).toBeUndefined();
        expect(res.json!.errors![0].extensions!.code).toBe('INTERNAL_SERVER_ERROR');
        expect(res.text).not.toContain(`"employees":${target.employees}`);
        expect(res.text).not.toMatch(/audit storage unavailable/);
      } finally {
        await server.database.query('DROP TRIGGER edge_test_refuse ON audit_log');
        await server.database.query('DROP FUNCTION edge_test_refuse()');
        spy.mockRestore();
      }
    });
  });

  describe('query limits', () => {
    const code = (res: RawResponse) => res.json?.errors?.[0]?.extensions?.code;

    it('allows introspection, including the full query GraphiQL sends', async () => {
      const res = await post({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }) });
      expect(res.status).toBe(200);
      expect(res.json!.errors).toBeUndefined();
      expect((res.json!.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(50);
    });

    it('refuses a query deeper than the limit', async () => {
      let selection = 'name';
      for (let i = 0; i < 7; i += 1) selection = `consents { company { ${selection} } }`;
      const res = await post({ query: `{ company(corporateNumber: "${target.corporateNumber}") { ${selection} } }` });
      expect(res.status).toBe(400);
      expect(code(res)).toBe('QUERY_TOO_COMPLEX');
      expect(res.json!.errors![0].message).toMatch(/depth 16 exceeds the limit of 12/);
      expect(res.json!.data).toBeUndefined();
    });

    it('refuses an alias bomb', async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: viewer { role }`).join(' ');
      const res = await post({ query: `{ ${aliases} }` });
      expect([res.status, code(res)]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      expect(res.json!.errors![0].message).toMatch(/31 aliases/);
    });

    it('refuses a costly query (list sizes multiply)', async () => {
      const res = await post({ query: `{ companies(first: 100) { edges { node { auditLog(first: 100) { totalCount edges { node { id operation } } } } } } }` });
      expect([res.status, code(res)]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      expect(res.json!.errors![0].message).toMatch(/cost \d+ exceeds the limit of 5000/);
    });

    it("costs the same document by its variables' page sizes and @include conditions, each time", async () => {
      const query = `query($first: Int, $n: Int, $deep: Boolean!) { companies(first: $first) { edges { node { id auditLog(first: $n) @include(if: $deep) { edges { node { id } } } } } } }`;
      const cheap = { first: 100, n: 100, deep: false };
      for (const variables of [cheap, { ...cheap, deep: true }, cheap, { ...cheap, first: 1, deep: true }, { ...cheap, deep: true }]) {
        const res = await post({ query, variables });
        const costly = variables.deep && variables.first === 100;
        if (costly) expect([res.status, code(res)], JSON.stringify(variables)).toEqual([400, 'QUERY_TOO_COMPLEX']);
        else expect([res.status, code(res)], JSON.stringify(variables)).not.toEqual([400, 'QUERY_TOO_COMPLEX']);
      }
      // a variable of the wrong type is still refused after the document's cost was remembered
      const wrong = await post({ query, variables: { ...cheap, first: 'many' } });
      expect([wrong.status, code(wrong)]).toEqual([400, 'BAD_USER_INPUT']);
    });

    it('refuses a fragment bomb quickly, before it is expanded', async () => {
      const levels = 30;
      const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
      const started = Date.now();
      const res = await post({ query: `{ ...F0 }\n${fragments}\nfragment F${levels} on Query { viewer { role } }` });
      expect(Date.now() - started).toBeLessThan(3000);
      expect([res.status, code(res)]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      expect(res.json!.errors![0].message).toMatch(/selects \d+ fields once its fragments are expanded/);
    });

    it('refuses cyclic fragments at validation', async () => {
      const res = await post({ query: `{ ...A } fragment A on Query { viewer { role } ...B } fragment B on Query { ...A }` });
      expect([res.status, code(res)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
      expect(res.json!.errors![0].message).toMatch(/Cannot spread fragment "A" within itself/);
    });

    it('refuses a document of more tokens than the parser accepts', async () => {
      const res = await post({ query: `{ ${Array.from({ length: 2000 }, (_, i) => `f${i}: __typename`).join(' ')} }` });
      expect([res.status, code(res)]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      expect(res.json!.errors![0].message).toMatch(/more than 5000 tokens/);
    });

    it('refuses huge first and after values with clean errors', async () => {
      const tooMany = await post({ query: `{ companies(first: 101) { totalCount } }` });
      expect(tooMany.json!.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const costly = await post({ query: `{ companies(first: 1000000) { edges { node { id } } } }` });
      expect(code(costly)).toBe('QUERY_TOO_COMPLEX');
      const notAnInt = await post({ query: `query($first: Int) { companies(first: $first) { totalCount } }`, variables: { first: 1e12 } });
      expect([notAnInt.status, code(notAnInt)]).toEqual([400, 'BAD_USER_INPUT']);
      const longCursor = await post({ query: `query($after: String) { companies(after: $after) { totalCount } }`, variables: { after: 'A'.repeat(200_000) } });
      expect(longCursor.json!.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  describe('transport', () => {
    it('refuses a 10 MB body with 413 and a JSON error', async () => {
      const res = await post({ query: '{ viewer { role } }', variables: { padding: 'x'.repeat(10 * 1024 * 1024) } });
      expect(res.status).toBe(413);
      expect(res.json!.errors![0].extensions).toEqual({ code: 'BAD_REQUEST' });
    });

    it('refuses malformed JSON with 400 without echoing it', async () => {
      const res = await post('{"query": "{ viewer { role } }", secret-token-here');
      expect(res.status).toBe(400);
      expect(res.json!.errors![0]).toEqual({ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } });
      expect(res.text).not.toContain('secret-token-here');
    });

    it('refuses wrong content types: text/plain as a possible CSRF, others as a bad request', async () => {
      const plain = await raw(graphql, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
      expect(plain.status).toBe(400);
      expect(plain.text).toMatch(/Cross-Site Request Forgery/);
      const form = await raw(graphql, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B%20viewer%20%7B%20role%20%7D%20%7D' });
      expect(form.status).toBe(400);
      const xml = await raw(graphql, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<query/>' });
      expect(xml.status).toBe(400);
      expect(xml.json?.data ?? null).toBeNull();
    });

    it('does not run batched requests (Apollo 5 default)', async () => {
      const res = await post([{ query: '{ viewer { role } }' }, { query: '{ viewer { role } }' }]);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/batching/i);
    });

    it('runs a GET query only with a CSRF-preventing header, and never a mutation', async () => {
      const get = (query: string, headers: Record<string, string> = {}) => raw(`${graphql}?query=${encodeURIComponent(query)}`, { method: 'GET', headers });
      const blocked = await get('{ viewer { role } }');
      expect(blocked.status).toBe(400);
      expect(blocked.text).toMatch(/Cross-Site Request Forgery/);
      const allowed = await get('{ viewer { role } }', { 'apollo-require-preflight': 'true' });
      expect(allowed.status).toBe(200);
      expect(allowed.json!.data).toEqual({ viewer: { role: null } });
      const mutation = await get(`mutation { revokeConsent(id: "1") { id } }`, { 'apollo-require-preflight': 'true' });
      expect(mutation.status).toBe(405);
      expect(mutation.text).toMatch(/GET requests only support query operations/);
      const html = await raw(graphql, { method: 'GET', headers: { accept: 'text/html' } });
      expect(html.text).not.toMatch(/<script[^>]+https?:\/\//); // no CDN landing page
    });

    it('echoes a well-formed request id and replaces a malformed one', async () => {
      const echoed = await post({ query: '{ viewer { role } }' }, { 'x-request-id': 'client-req-42abc' });
      expect(echoed.headers.get('x-request-id')).toBe('client-req-42abc');
      const replaced = await post({ query: '{ viewer { role } }' }, { 'x-request-id': 'bad id\u00e9' });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('refused tokens: 401 UNAUTHENTICATED before any GraphQL work', () => {
    const claims = { role: 'ADMIN', sub: 'forger' };
    let key: Awaited<ReturnType<typeof loadOrCreateLocalKey>>;
    beforeAll(async () => {
      key = await loadOrCreateLocalKey(server.config.dataDir);
    });
    const signed = (build: (jwt: SignJWT) => SignJWT, signingKey: CryptoKey = key.privateKey) =>
      build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setIssuedAt()).sign(signingKey);

    const cases: Array<[string, () => Promise<string>, string]> = [
      ['expired', () => signed((jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 3600)), 'TOKEN_EXPIRED'],
      ['not yet valid', () => signed((jwt) => jwt.setNotBefore(Math.floor(Date.now() / 1000) + 3600).setExpirationTime('2h')), 'TOKEN_NOT_YET_VALID'],
      ['signed with another key', async () => signed((jwt) => jwt.setExpirationTime('1h'), (await generateKeyPair('ES256')).privateKey), 'BAD_SIGNATURE'],
      ['for another audience', () => signed((jwt) => jwt.setAudience('another-api').setExpirationTime('1h')), 'WRONG_AUDIENCE'],
      ['unsigned (alg none)', async () => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ ...claims, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 9_999_999_999 }))}.`, 'ALGORITHM_NOT_ALLOWED'],
      ['HMAC-signed', () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(32))), 'ALGORITHM_NOT_ALLOWED'],
      ['garbage', async () => 'not.a.jwt', 'MALFORMED_TOKEN'],
    ];

    it.each(cases)('refuses a token %s', async (_label, make, reason) => {
      const token = await make();
      const res = await post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(res.json).toEqual({ errors: [{ message: expect.stringMatching(/^Invalid bearer token: /), extensions: { code: 'UNAUTHENTICATED', reason } }] });
      expect(res.text).not.toContain('Context creation failed');
      for (const part of token.split('.').filter((p) => p.length > 10)) expect(res.text).not.toContain(part);
    });

    it('refuses an Authorization header that is not a bearer token', async () => {
      const res = await post({ query: '{ viewer { role } }' }, { authorization: 'Basic dXNlcjpwYXNz' });
      expect(res.status).toBe(401);
      expect(res.json!.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'MALFORMED_HEADER' });
    });

    it('accepts a valid token', async () => {
      const res = await post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${await server.token({ role: 'STAFF', sub: 'ok' })}` });
      expect(res.status).toBe(200);
      expect(res.json!.data).toEqual({ viewer: { role: 'STAFF' } });
    });
  });
});

describe('rate limiting per subject and per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    healthz = `${server.url}healthz`; // not rate limited: probed after every request, limited or not
  });
  afterAll(async () => {
    healthz = undefined;
    await server?.close();
  });

  const ask = (token?: string) =>
    raw(`${server.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });

  it('answers 429 RATE_LIMITED with Retry-After once a client is over its rate, per subject, then per address', async () => {
    const anonymous = [await ask(), await ask(), await ask(), await ask()];
    expect(anonymous.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const limited = anonymous[3];
    expect(limited.json!.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // a signed-in subject has its own bucket
    const staff = await server.token({ role: 'STAFF', sub: 'busy-staff' });
    expect([(await ask(staff)).status, (await ask(staff)).status, (await ask(staff)).status, (await ask(staff)).status]).toEqual([200, 200, 200, 429]);

    // but one address gets at most 5 × the rate, whatever the tokens (forged ones included)
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await ask(await server.token({ role: 'STAFF', sub: `s${i}` }))).status);
    expect(statuses).toContain(429);
    expect((await ask('forged.token.value')).status).toBe(429);
    expect((await fetch(`${server.url}healthz`)).status).toBe(200);
  });
});
