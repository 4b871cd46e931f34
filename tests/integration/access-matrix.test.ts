import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, getNullableType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { runRecommendationBatch } from '../../src/modules/recommendation/batch.js';
import { CONFIDENTIAL_DATA_SCOPES } from '../../src/shared/auth/policy.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.js';

/**
 * "Who may see what" as a generated matrix: every confidential field (CONFIDENTIAL_DATA_SCOPES in
 * policy.ts, checked below against the emitted schema, the resolvers' guards and the audit log) ×
 * every role × every consent state of the supporter's organisation × every path that reaches the
 * field (top-level, by id, in a connection, nested under an application, nested in a company's
 * applications). The expected outcome comes from {@link oracle}, written from the rules of the issue,
 * not from policy.ts. Visible: the value equals what the owner sees at the same path. Hidden: null
 * with FORBIDDEN at exactly that path (nullable fields and per-company queries), an empty list or
 * connection (non-null lists: lists never show hidden rows), the public part only (smeStatus); and no
 * confidential value of the company appears anywhere in the response.
 */

type Scope = 'PROFILE' | 'FINANCIALS' | 'APPLICATIONS';
const SCOPES: readonly Scope[] = ['PROFILE', 'FINANCIALS', 'APPLICATIONS'];
type Role = 'ANONYMOUS' | 'OWNER' | 'OTHER_OWNER' | 'SUPPORTER' | 'STAFF' | 'ADMIN';
const ROLES: readonly Role[] = ['ANONYMOUS', 'OWNER', 'OTHER_OWNER', 'SUPPORTER', 'STAFF', 'ADMIN'];
/** The supporter organisation's consent state for one company and one scope. */
type ConsentState = 'NONE' | 'REQUESTED' | 'GRANTED' | 'GRANTED_OTHER_SCOPE' | 'EXPIRED' | 'REVOKED' | 'OTHER_ORG_ONLY';
type Outcome = 'visible' | 'FORBIDDEN';

const ORG_A = 'org-matrix-a';
const ORG_B = 'org-matrix-b';
const MEASURE = 'jizokuka-ippan';

/** What exists between one company and the organisations (one company per setup). */
interface Setup {
  label: string;
  kind: 'NONE' | 'REQUESTED' | 'GRANTED' | 'EXPIRED' | 'REVOKED' | 'OTHER_ORG';
  /** scopes of the request or consent */
  scopes: readonly Scope[];
}
const SETUPS: readonly Setup[] = [
  { label: 'none', kind: 'NONE', scopes: [] },
  { label: 'requested', kind: 'REQUESTED', scopes: SCOPES },
  ...SCOPES.map((scope): Setup => ({ label: `granted-${scope}`, kind: 'GRANTED', scopes: [scope] })),
  { label: 'expired', kind: 'EXPIRED', scopes: SCOPES },
  { label: 'revoked', kind: 'REVOKED', scopes: SCOPES },
  { label: 'other-org', kind: 'OTHER_ORG', scopes: SCOPES },
];

/** The consent state of the setup's company for one scope (a single-scope grant is "another scope only" for the others). */
function consentStateOf(setup: Setup, scope: Scope): ConsentState {
  if (setup.kind === 'GRANTED') return setup.scopes.includes(scope) ? 'GRANTED' : 'GRANTED_OTHER_SCOPE';
  return setup.kind === 'OTHER_ORG' ? 'OTHER_ORG_ONLY' : setup.kind;
}

/**
 * The oracle, from the issue's rules: anonymous and the owner of another company see no confidential
 * data; the owner, STAFF and ADMIN see every scope; a SUPPORTER sees a scope only under a live consent
 * of the company to its own organisation that covers that scope (a request, an expired or revoked
 * consent, a consent for another scope or to another organisation give nothing).
 */
function oracle(role: Role, state: ConsentState): Outcome {
  switch (role) {
    case 'OWNER':
    case 'STAFF':
    case 'ADMIN':
      return 'visible';
    case 'ANONYMOUS':
    case 'OTHER_OWNER':
      return 'FORBIDDEN';
    case 'SUPPORTER':
      return state === 'GRANTED' ? 'visible' : 'FORBIDDEN';
  }
}

// ---------------------------------------------------------------------------------------------
// The rows: the confidential fields, how to select each, and where they are reached

type Operation = keyof typeof CONFIDENTIAL_DATA_SCOPES;
/** How a confidential field appears to a viewer who may not see it (derived from its type in the emitted schema). */
type HiddenShape = 'null' | 'emptyList' | 'emptyConnection' | 'publicPartOnly' | 'nullRoot';

/** The selection of each confidential field: the only hand-written part of a row (a field without one fails the first test). */
const SELECTIONS: Record<string, string> = {
  'Company.employees': 'employees',
  'Company.facts': 'facts { key value source sourceRef }',
  'Company.factHistory': 'factHistory { key value source }',
  'Company.smeStatus': 'smeStatus { category deemedLarge reasons missingData }',
  'Company.recommendations': 'recommendations(first: 3) { measure { id } score verdict reasons }',
  'Company.financials': 'financials { fiscalYear netSalesYen operatingProfitYen totalAssetsYen cashYen }',
  'Company.localBenchmark': 'localBenchmark { fiscalYear equityRatio operatingMargin laborProductivityYen }',
  'Company.applications': 'applications(first: 5) { totalCount edges { node { id status } } }',
  'Application.answers': 'answers',
  'Application.history': 'history { from to actor note }',
  'Application.flags': 'flags { code detail }',
  'Query.recommendations': 'recommendations(corporateNumber: $n, first: 3) { measure { id } score verdict reasons }',
  'Query.newRecommendations': 'newRecommendations(corporateNumber: $n) { measure { id } rank score reasons }',
  'Query.eligibility': `eligibility(corporateNumber: $n, measureId: "${MEASURE}") { verdict softScore missingData checks { passed detail } }`,
  'Query.prefill': `prefill(corporateNumber: $n, measureId: "${MEASURE}") { fields { key value source } }`,
  'Query.application': 'application(id: $app) { id status }',
};

/**
 * Figures of the financial statements are FINANCIALS data wherever they appear: the PROFILE lists of facts
 * (items such as netSalesYen, and the versions financials.<fiscal year>) and the prefilled form show them only
 * to a viewer who may read FINANCIALS too. Written here from the financials table's columns, not from the code.
 */
const STATEMENT_FIGURES = new Set([
  'netSalesYen', 'operatingProfitYen', 'ordinaryProfitYen', 'depreciationYen', 'laborCostYen', 'totalAssetsYen',
  'netAssetsYen', 'borrowingsYen', 'cashYen', 'receivablesYen', 'inventoryYen', 'payablesYen',
]);
const isStatementFigure = (key: string) => STATEMENT_FIGURES.has(key) || /^financials\.\d{4}$/.test(key);
/** The PROFILE rows that carry statement figures among their rows. */
const WITH_STATEMENT_FIGURES = new Set<string>(['Company.facts', 'Company.factHistory', 'Query.prefill']);

/**
 * The parts of a field's value by the scope they belong to: [[row scope, value]] for most fields; for a PROFILE
 * list with statement figures, its other rows (PROFILE) and its statement figures (FINANCIALS).
 */
function partsOf(row: { operation: string; scope: Scope }, value: unknown): Array<[Scope, unknown]> {
  if (!WITH_STATEMENT_FIGURES.has(row.operation) || value === null || value === undefined) return [[row.scope, value]];
  const list = (row.operation === 'Query.prefill' ? (value as { fields: Array<{ key: string }> }).fields : value) as Array<{ key: string }>;
  return [[row.scope, list.filter((f) => !isStatementFigure(f.key))], ['FINANCIALS', list.filter((f) => isStatementFigure(f.key))]];
}

/** What a viewer who may read the row's scope but not FINANCIALS sees of the owner's value. */
function withoutStatementFigures(operation: string, value: unknown): unknown {
  if (operation === 'Query.prefill') {
    const prefill = value as { fields: Array<{ key: string; value: unknown; source: unknown }> };
    return { ...prefill, fields: prefill.fields.map((f) => (isStatementFigure(f.key) ? { ...f, value: null, source: null } : f)) };
  }
  return (value as Array<{ key: string }>).filter((f) => !isStatementFigure(f.key));
}

interface Row {
  operation: Operation;
  parent: 'Company' | 'Application' | 'Query';
  field: string;
  scope: Scope;
  selection: string;
  hidden: HiddenShape;
}

const schemaSdl = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
const emitted: GraphQLSchema = buildSchema(schemaSdl);

function schemaField(operation: string): GraphQLField<unknown, unknown> | undefined {
  const [typeName, fieldName] = operation.split('.');
  const type = emitted.getType(typeName!);
  return isObjectType(type) ? type.getFields()[fieldName!] : undefined;
}

function hiddenShapeOf(operation: string): HiddenShape {
  const field = schemaField(operation)!;
  if (!isNonNullType(field.type)) return 'null';
  if (operation.startsWith('Query.')) return 'nullRoot';
  const inner = getNullableType(field.type);
  if (isListType(inner)) return 'emptyList';
  if (getNamedType(inner).name.endsWith('Connection')) return 'emptyConnection';
  return 'publicPartOnly';
}

const ROWS: Row[] = (Object.entries(CONFIDENTIAL_DATA_SCOPES) as Array<[Operation, Scope]>).map(([operation, scope]) => {
  const [parent, field] = operation.split('.') as [Row['parent'], string];
  return { operation, parent, field, scope, selection: SELECTIONS[operation] ?? '', hidden: schemaField(operation) ? hiddenShapeOf(operation) : 'null' };
});

type PathKey = Array<string | number>;

/** A way to reach fields: one request per (role, company, path), the path's fields batched. */
interface PathSpec {
  name: string;
  parent: Row['parent'];
  /** the query, given the batched selection */
  query(selection: string): string;
  /** where the parent object sits in the response (null when it is not there) */
  locate(data: Record<string, unknown> | null, corporateNumber: string): PathKey | null;
  /** the confidential field (and its path) the parent is reached through, if any */
  gate?: { operation: Operation; path(data: Record<string, unknown> | null, corporateNumber: string): PathKey | null };
}

const VARIABLE_TYPES = { n: 'String!', id: 'ID!', name: 'String!', app: 'ID!' } as const;
/** `query(<the variables the body uses>) body` */
function operation(body: string): string {
  const used = Object.entries(VARIABLE_TYPES).filter(([name]) => new RegExp(`\\$${name}\\b`).test(body));
  return `query(${used.map(([name, type]) => `$${name}: ${type}`).join(', ')}) ${body}`;
}
const edgeIndex = (data: Record<string, unknown> | null, corporateNumber: string): number =>
  ((data?.companies as { edges: Array<{ node: { corporateNumber: string } }> } | undefined)?.edges ?? []).findIndex((e) => e.node.corporateNumber === corporateNumber);
const companiesEdge = (data: Record<string, unknown> | null, corporateNumber: string): PathKey | null => {
  const i = edgeIndex(data, corporateNumber);
  return i < 0 ? null : ['companies', 'edges', i, 'node'];
};
const firstApplicationNode = (base: PathKey) => (data: Record<string, unknown> | null): PathKey | null =>
  valueAt(data, [...base, 'edges', 0, 'node']) === undefined ? null : [...base, 'edges', 0, 'node'];

const PATHS: PathSpec[] = [
  { name: 'company(corporateNumber)', parent: 'Company', query: (s) => operation(`{ company(corporateNumber: $n) { ${s} } }`), locate: () => ['company'] },
  { name: 'companyById(id)', parent: 'Company', query: (s) => operation(`{ companyById(id: $id) { ${s} } }`), locate: () => ['companyById'] },
  {
    name: 'companies.edges.node', parent: 'Company',
    query: (s) => operation(`{ companies(filter: { name: $name }, first: 10) { edges { node { corporateNumber ${s} } } } }`),
    locate: companiesEdge,
  },
  {
    name: 'application.company', parent: 'Company',
    query: (s) => operation(`{ application(id: $app) { company { ${s} } } }`),
    locate: (data) => (valueAt(data, ['application', 'company']) ? ['application', 'company'] : null),
    gate: { operation: 'Query.application', path: () => ['application'] },
  },
  {
    name: 'company.applications.edges.node.company', parent: 'Company',
    query: (s) => operation(`{ company(corporateNumber: $n) { applications(first: 5) { totalCount edges { node { id status company { ${s} } } } } } }`),
    locate: (data) => { const node = firstApplicationNode(['company', 'applications'])(data); return node ? [...node, 'company'] : null; },
    gate: { operation: 'Company.applications', path: () => ['company', 'applications'] },
  },
  {
    name: 'application', parent: 'Application',
    query: (s) => operation(`{ application(id: $app) { id ${s} } }`),
    locate: (data) => (valueAt(data, ['application']) ? ['application'] : null),
    gate: { operation: 'Query.application', path: () => ['application'] },
  },
  {
    name: 'company.applications.edges.node', parent: 'Application',
    query: (s) => operation(`{ company(corporateNumber: $n) { applications(first: 5) { totalCount edges { node { id status ${s} } } } } }`),
    locate: firstApplicationNode(['company', 'applications']),
    gate: { operation: 'Company.applications', path: () => ['company', 'applications'] },
  },
  {
    name: 'companies.edges.node.applications.edges.node', parent: 'Application',
    query: (s) => operation(`{ companies(filter: { name: $name }, first: 10) { edges { node { corporateNumber applications(first: 5) { totalCount edges { node { id status ${s} } } } } } } }`),
    locate: (data, cn) => { const edge = companiesEdge(data, cn); return edge ? firstApplicationNode([...edge, 'applications'])(data) : null; },
    gate: { operation: 'Company.applications', path: (data, cn) => { const edge = companiesEdge(data, cn); return edge ? [...edge, 'applications'] : null; } },
  },
  // each per-company query alone: a refused non-null root field nulls the whole data
  ...ROWS.filter((row) => row.parent === 'Query').map((row): PathSpec => ({
    name: row.operation, parent: 'Query', query: () => operation(`{ ${row.selection} }`), locate: () => [],
  })),
];

/** The rows a path selects (a Query path selects its own row only). */
const rowsOf = (path: PathSpec): Row[] => (path.parent === 'Query' ? ROWS.filter((r) => r.operation === path.name) : ROWS.filter((r) => r.parent === path.parent));

function valueAt(data: unknown, path: PathKey): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Confidential values as text

/** ids, data item keys (public names) and provenance (the same for every fact of a source) are not confidential values */
const IGNORED_KEYS = new Set(['id', 'cursor', '__typename', 'key', 'source', 'sourceRef', 'asOf']);

/**
 * The pieces of a value that would show it in a JSON response: strings of 6+ characters as JSON
 * strings (s:), shorter strings and numbers with their key (k:"netSalesYen":12345000), and amounts of
 * 6+ digits on their own (n:), so that a figure shown under another key is found too.
 */
function textTokens(value: unknown, key?: string, out = new Set<string>()): Set<string> {
  if (value === null || value === undefined || typeof value === 'boolean') return out;
  if (Array.isArray(value)) {
    for (const item of value) textTokens(item, undefined, out);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!IGNORED_KEYS.has(k)) textTokens(v, k, out);
  } else if (typeof value === 'string') {
    if ([...value].length >= 6) out.add(`s:${JSON.stringify(value)}`);
    else if (key !== undefined) out.add(`k:${JSON.stringify(key)}:${JSON.stringify(value)}`);
  } else if (typeof value === 'number') {
    if (key !== undefined) out.add(`k:${JSON.stringify(key)}:${value}`);
    if (Number.isInteger(value) && Math.abs(value) >= 100_000) out.add(`n:${value}`);
  }
  return out;
}

function containsToken(text: string, token: string): boolean {
  const body = token.slice(2);
  if (token.startsWith('s:')) return text.includes(body);
  if (token.startsWith('n:')) return new RegExp(`(?<![\\d.])${body}(?![\\d.])`).test(text);
  return body.endsWith('"') ? text.includes(body) : new RegExp(`${body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\d.eE])`).test(text);
}

function responseText(res: GraphQLResponse<unknown>): string {
  return JSON.stringify({ data: res.data, errors: res.errors });
}

function tokyoDate(days: number): string {
  return new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------

const demo = buildDemoCompanies(40, 606).filter((c) => c.corporateNumber && !c.closeDate);
const uniqueNames = demo.filter((c) => demo.filter((d) => d.name.includes(c.name) || c.name.includes(d.name)).length === 1);
interface MatrixCompany { setup: Setup; corporateNumber: string; name: string; id: string; applicationId: string; ownerToken: string }
const picked = uniqueNames.slice(0, SETUPS.length + 1);
const outsider = picked[SETUPS.length]!;

let assertionsTotal = 0;
let cellsChecked = 0;
let requestsSent = 0;
const cellsByPath = new Map<string, number>();

describe('access matrix: every confidential field × role × consent state × path', () => {
  let server: TestServer;
  let tokens: Record<Exclude<Role, 'OWNER'>, string | undefined>;
  let companies: MatrixCompany[];
  /** the owner's response per company label and path name */
  const ownerView = new Map<string, GraphQLResponse<Record<string, unknown>>>();
  /** per company label: confidential text tokens per row, and the public tokens */
  const secretTokens = new Map<string, Map<string, Set<string>>>();
  const publicTokens = new Map<string, Set<string>>();
  const started = Date.now();

  const send = (company: MatrixCompany, path: PathSpec, token: string | undefined) => {
    requestsSent += 1;
    const selection = rowsOf(path).map((r) => r.selection).join(' ');
    return server.request<Record<string, unknown>>(path.query(selection), { n: company.corporateNumber, id: company.id, name: company.name, app: company.applicationId }, { token });
  };
  const tokenOf = (role: Role, company: MatrixCompany) => (role === 'OWNER' ? company.ownerToken : tokens[role]);

  beforeAll(async () => {
    expect(picked).toHaveLength(SETUPS.length + 1);
    server = await startTestServer({
      env: { RATE_LIMIT_PER_MINUTE: '0' },
      prepare: async (db) => {
        await insertDemoCompanies(db, picked);
        for (const [i, c] of picked.entries()) {
          const label = SETUPS[i]?.label ?? 'outsider';
          const [app] = await db.query<{ id: string }>(
            `INSERT INTO applications (company_id, measure_id, status, answers, flags, fiscal_year, start_key, start_input_hash, created_by, submitted_at)
             SELECT id, $2, 'SUBMITTED', $3::jsonb, $4::jsonb, 2026, 'matrix-start', 'matrix-hash', $5, now() FROM companies WHERE corporate_number = $1 RETURNING id::text AS id`,
            [c.corporateNumber, MEASURE, JSON.stringify({ businessPlanSummary: `機密の事業計画・${label}・設備投資${1000 + i}万円` }),
              JSON.stringify([{ code: 'DOUBLE_RECEIPT', detail: `機密の確認事項・${label}` }]), `owner-${label}`],
          );
          await db.query(
            `INSERT INTO application_events (application_id, from_status, to_status, actor, note) VALUES ($1, NULL, 'DRAFT', $2, $3), ($1, 'DRAFT', 'SUBMITTED', $2, $4)`,
            [Number(app!.id), `owner-${label}`, `機密の下書きメモ・${label}`, `機密の提出メモ・${label}`],
          );
        }
      },
    });
    await runRecommendationBatch(server.database);
    tokens = {
      ANONYMOUS: undefined,
      OTHER_OWNER: await server.token({ role: 'OWNER', corporateNumber: outsider.corporateNumber!, sub: 'owner-outsider' }),
      SUPPORTER: await server.token({ role: 'SUPPORTER', organizationId: ORG_A, sub: 'supporter-a' }),
      STAFF: await server.token({ role: 'STAFF', sub: 'staff-matrix' }),
      ADMIN: await server.token({ role: 'ADMIN', sub: 'admin-matrix' }),
    };
    const supporterB = await server.token({ role: 'SUPPORTER', organizationId: ORG_B, sub: 'supporter-b' });

    companies = [];
    for (const [i, setup] of SETUPS.entries()) {
      const c = picked[i]!;
      const [row] = await server.database.query<{ id: string; app: string }>(
        `SELECT c.id::text AS id, a.id::text AS app FROM companies c JOIN applications a ON a.company_id = c.id WHERE c.corporate_number = $1`, [c.corporateNumber]);
      const ownerToken = await server.token({ role: 'OWNER', corporateNumber: c.corporateNumber!, sub: `owner-${setup.label}` });
      companies.push({ setup, corporateNumber: c.corporateNumber!, name: c.name, id: row!.id, applicationId: row!.app, ownerToken });
    }

    // the consent states, through the API where it allows them
    const ok = <T>(res: GraphQLResponse<T>): T => {
      expect(res.errors).toBeUndefined();
      return res.data!;
    };
    const grant = (company: MatrixCompany, organizationId: string, scopes: readonly Scope[]) =>
      server.request<{ grantConsent: { id: string } }>(`mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`,
        { input: { organizationId, scopes, expiresOn: tokyoDate(30) } }, { token: company.ownerToken });
    for (const company of companies) {
      const { kind, scopes } = company.setup;
      if (kind === 'REQUESTED') {
        ok(await server.request(`mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`,
          { input: { companyId: company.id, scopes, purpose: '経営計画の策定支援' } }, { token: tokens.SUPPORTER }));
      } else if (kind === 'GRANTED') {
        ok(await grant(company, ORG_A, scopes));
      } else if (kind === 'REVOKED') {
        const { grantConsent } = ok(await grant(company, ORG_A, scopes));
        ok(await server.request(`mutation($id: ID!) { revokeConsent(id: $id) { id } }`, { id: grantConsent.id }, { token: company.ownerToken }));
      } else if (kind === 'OTHER_ORG') {
        ok(await server.request(`mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`,
          { input: { companyId: company.id, scopes, purpose: '融資審査' } }, { token: supporterB }));
        ok(await grant(company, ORG_B, scopes));
      } else if (kind === 'EXPIRED') {
        // the API refuses a past expiry: a consent that ended yesterday (Tokyo) goes straight into the table
        await server.database.query(
          `INSERT INTO consents (company_id, organization_id, scopes, granted_by, expires_on) VALUES ($1, $2, $3::text[], $4, $5::date)`,
          [Number(company.id), ORG_A, `{${scopes.join(',')}}`, `owner-${company.setup.label}`, tokyoDate(-1)],
        );
      }
    }
    const states = ok(await server.request<{ consents: { edges: Array<{ node: { state: string; company: { id: string } } }> } }>(
      `{ consents(first: 50) { edges { node { state company { id } } } } }`, {}, { token: tokens.SUPPORTER }));
    expect(states.consents.edges.map((e) => `${e.node.company.id}:${e.node.state}`).sort()).toEqual(
      companies.flatMap((c) => (c.setup.kind === 'GRANTED' ? [`${c.id}:LIVE`] : c.setup.kind === 'EXPIRED' ? [`${c.id}:EXPIRED`] : c.setup.kind === 'REVOKED' ? [`${c.id}:REVOKED`] : [])).sort(),
    );

    // the owner's view is the reference for "visible"; its values are the company's secrets
    for (const company of companies) {
      await Promise.all(PATHS.map(async (path) => ownerView.set(`${company.setup.label}|${path.name}`, await send(company, path, company.ownerToken))));
      for (const path of PATHS) {
        const res = ownerView.get(`${company.setup.label}|${path.name}`)!;
        expect(res.errors, `owner / ${company.setup.label} / ${path.name}`).toBeUndefined();
        expect(path.locate(res.data, company.corporateNumber), `owner / ${company.setup.label} / ${path.name}`).not.toBeNull();
      }
      const secrets = new Map<string, Set<string>>();
      for (const row of ROWS) {
        const path = PATHS.find((p) => p.parent === row.parent && (row.parent !== 'Query' || p.name === row.operation))!;
        const res = ownerView.get(`${company.setup.label}|${path.name}`)!;
        const value = valueAt(res.data, [...path.locate(res.data, company.corporateNumber)!, row.field]);
        for (const [scope, part] of partsOf(row, value)) secrets.set(`${row.operation}|${scope}`, textTokens(part, row.field));
      }
      secretTokens.set(company.setup.label, secrets);
      const pub = await server.request(`query($n: String!) {
        company(corporateNumber: $n) { id corporateNumber name nameKana kind address postalCode prefectureCode prefectureName cityName street representativeName capitalYen
          establishedOn assignmentDate industry { code name } smeStatus { category deemedLarge } certifications { title category authority approvedOn } supportReceived { title } }
        measures(first: 100) { edges { node { id title } } } }`, { n: company.corporateNumber });
      publicTokens.set(company.setup.label, textTokens(pub.data));
    }
  }, 120_000);

  afterEach(() => {
    assertionsTotal += expect.getState().assertionCalls;
  });

  afterAll(async () => {
    await server?.close();
    console.info(`access matrix: ${ROWS.length} fields × ${ROLES.length} roles × ${SETUPS.length} companies (7 consent states) over ${PATHS.length} paths: `
      + `${cellsChecked} cells (${[...cellsByPath.entries()].map(([p, n]) => `${p}: ${n}`).join(', ')}), ${requestsSent} requests, ${assertionsTotal} assertions, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('has a row for every field the guards protect (policy map = emitted schema = resolvers\' guards)', () => {
    // every row names a field of the emitted schema and has a selection
    for (const row of ROWS) {
      expect(schemaField(row.operation), `${row.operation} is not in schema/schema.graphql`).toBeDefined();
      expect(row.selection, `${row.operation} has no selection in SELECTIONS: add its matrix row`).not.toBe('');
      expect(row.selection.startsWith(row.field), row.operation).toBe(true);
    }
    // every field the emitted schema marks confidential, and every other per-company query, has a row
    const operations = new Set<string>(ROWS.map((r) => r.operation));
    for (const type of Object.values(emitted.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Mutation') continue;
      for (const field of Object.values(type.getFields())) {
        const name = `${type.name}.${field.name}`;
        const markedConfidential = /\(confidential\b|^confidential \(|\bconfidential: /i.test(field.description ?? '');
        const perCompanyQuery = type.name === 'Query' && field.args.some((a) => a.name === 'corporateNumber') && getNamedType(field.type).name !== 'Company';
        if (markedConfidential || perCompanyQuery) expect(operations, `${name} is guarded but has no matrix row`).toContain(name);
      }
    }
    // every guard call in the resolvers and services names a row, with the same scope
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) sources.push(readFileSync(full, 'utf8'));
      }
    };
    walk(new URL('../../src', import.meta.url).pathname);
    const guarded = sources.flatMap((text) => [...text.matchAll(/\(ctx,\s*[\w.]+,\s*'(PROFILE|FINANCIALS|APPLICATIONS)',\s*'([A-Z]\w*\.\w+)'/g)].map((m) => [m[2]!, m[1]!] as const));
    expect(guarded.length).toBeGreaterThanOrEqual(10);
    for (const [operation, scope] of guarded) {
      if (scope === 'FINANCIALS' && WITH_STATEMENT_FIGURES.has(operation)) continue; // the statement figures among them
      expect(CONFIDENTIAL_DATA_SCOPES, `${operation} is guarded with ${scope} in src/ but has no matrix row`).toHaveProperty([operation], scope);
    }
  });

  describe.each(ROLES)('%s', (role) => {
    it.each(SETUPS.map((setup) => [setup.label, setup] as const))('company whose consents are: %s', async (_label, setup) => {
      const company = companies.find((c) => c.setup === setup)!;
      const token = tokenOf(role, company);
      const outcomeOf = (operation: Operation) => oracle(role, consentStateOf(setup, CONFIDENTIAL_DATA_SCOPES[operation] as Scope));
      const secrets = secretTokens.get(setup.label)!;
      const scopeVisible = (scope: Scope) => oracle(role, consentStateOf(setup, scope)) === 'visible';
      const publicText = publicTokens.get(setup.label)!;
      // the confidential values of every part the viewer may not see, whichever field they sit in
      const hiddenTokens = [...secrets.entries()]
        .filter(([part]) => !scopeVisible(part.split('|')[1] as Scope))
        .flatMap(([part, set]) => [...set].filter((t) => !publicText.has(t)).map((t) => [part, t] as const));

      const responses = await Promise.all(PATHS.map((path) => send(company, path, token)));
      for (const [k, path] of PATHS.entries()) {
        const res = responses[k]!;
        const owner = ownerView.get(`${setup.label}|${path.name}`)!;
        const where = `${role} / ${setup.label} / ${path.name}`;
        expect(res.status, where).toBe(200);
        const expectedErrors: string[] = [];
        const gateHidden = path.gate && outcomeOf(path.gate.operation) === 'FORBIDDEN';
        if (path.gate) {
          const gatePath = path.gate.path(res.data, company.corporateNumber)!;
          expect(gatePath, where).not.toBeNull();
          const gateRow = ROWS.find((r) => r.operation === path.gate!.operation)!;
          if (gateHidden) {
            if (gateRow.hidden === 'null') {
              expect(valueAt(res.data, gatePath), where).toBeNull();
              expectedErrors.push(gatePath.join('.'));
            } else {
              expect(valueAt(res.data, gatePath), where).toEqual({ totalCount: 0, edges: [] });
            }
          }
        }
        if (!gateHidden) {
          const parent = path.locate(res.data, company.corporateNumber);
          if (path.parent !== 'Query') expect(parent, `${where}: the parent object is missing`).not.toBeNull();
          const ownerParent = path.locate(owner.data, company.corporateNumber)!;
          for (const row of rowsOf(path)) {
            const at = [...(parent ?? []), row.field];
            const cell = `${where} / ${row.operation} (${row.scope}, ${consentStateOf(setup, row.scope)})`;
            const value = row.hidden === 'nullRoot' && res.data === null ? null : valueAt(res.data, at);
            const ownerValue = valueAt(owner.data, [...ownerParent, row.field]);
            if (outcomeOf(row.operation) === 'visible') {
              const expected = WITH_STATEMENT_FIGURES.has(row.operation) && !scopeVisible('FINANCIALS') ? withoutStatementFigures(row.operation, ownerValue) : ownerValue;
              expect(value, cell).toEqual(expected);
            } else if (row.hidden === 'null' || row.hidden === 'nullRoot') {
              expect(value ?? null, cell).toBeNull();
              if (row.hidden === 'nullRoot') expect(res.data, cell).toBeNull();
              expectedErrors.push(at.join('.'));
            } else if (row.hidden === 'emptyList') {
              expect(value, cell).toEqual([]);
            } else if (row.hidden === 'emptyConnection') {
              expect(value, cell).toEqual({ totalCount: 0, edges: [] });
            } else {
              // smeStatus: the category is public, the reasons (which quote confidential figures) are not
              const shown = value as { category: string; deemedLarge: boolean; reasons: string[]; missingData: string[] };
              const full = ownerValue as typeof shown;
              expect({ category: shown.category, deemedLarge: shown.deemedLarge, missingData: shown.missingData }, cell).toEqual({ category: full.category, deemedLarge: full.deemedLarge, missingData: [] });
              expect(shown.reasons, cell).toHaveLength(1);
              expect(full.reasons, cell).not.toContain(shown.reasons[0]);
            }
            cellsChecked += 1;
            cellsByPath.set(path.name, (cellsByPath.get(path.name) ?? 0) + 1);
          }
        }
        // FORBIDDEN exactly at the refused paths, nothing else
        const errors = res.errors ?? [];
        expect(errors.map((e) => (e.path ?? []).join('.')).sort(), where).toEqual([...expectedErrors].sort());
        for (const error of errors) {
          expect(error.extensions, where).toMatchObject({ code: 'FORBIDDEN', reason: role === 'ANONYMOUS' ? 'SIGN_IN_REQUIRED' : 'NOT_PERMITTED' });
        }
        // no confidential value of a hidden field anywhere in the response (data, messages, extensions)
        const text = responseText(res);
        const leaked = hiddenTokens.filter(([, t]) => containsToken(text, t));
        expect(leaked, `${where}: hidden values in the response`).toEqual([]);
      }
    });
  });

  it('owner references are not trivially empty, so "visible = what the owner sees" means something', () => {
    for (const company of companies) {
      for (const row of ROWS) {
        const tokensOfRow = secretTokens.get(company.setup.label)!.get(`${row.operation}|${row.scope}`)!;
        const distinct = [...tokensOfRow].filter((t) => !publicTokens.get(company.setup.label)!.has(t));
        expect(distinct.length, `${company.setup.label} / ${row.operation}: the owner sees no confidential value`).toBeGreaterThan(0);
      }
    }
  });

  it('audits each allowed non-owner read under a matrix operation with its scope', async () => {
    const rows = await server.database.query<{ operation: string; scope: string; actor_role: string }>(
      `SELECT DISTINCT operation, scope, actor_role FROM audit_log`);
    for (const r of rows) {
      if (r.scope === 'FINANCIALS' && WITH_STATEMENT_FIGURES.has(r.operation)) continue; // the statement figures among the facts
      expect(CONFIDENTIAL_DATA_SCOPES, `audited operation ${r.operation} has no matrix row`).toHaveProperty([r.operation], r.scope);
    }
    for (const row of ROWS) expect(rows.some((r) => r.operation === row.operation && r.scope === row.scope), `${row.operation} was never audited`).toBe(true);
    expect(rows.some((r) => r.actor_role === 'OWNER')).toBe(false);
    expect(new Set(rows.map((r) => r.actor_role))).toEqual(new Set(['SUPPORTER', 'STAFF', 'ADMIN']));
  });
});
