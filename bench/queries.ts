/**
 * The GraphQL operations the benchmarks and the statement-count guards send, built from the committed schema
 * (schema/schema.graphql) so that they use whatever of the wanted fields exist, and say which are missing.
 *
 * - profile: a company by 法人番号 with its fiscal years of financials, its applications with their measures'
 *   titles, and its top-5 recommendations;
 * - core profile: the same without recommendations (the shape a generic peer such as PostGraphile, or plain SQL,
 *   can serve: recommendations are computed by this platform's engine, not stored rows);
 * - list: `companies(first: N)` with nested industry, smeStatus and the number of applications.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { projectRoot } from '../src/shared/paths.js';

/** The committed schema. */
export function committedSchema(): GraphQLSchema {
  return buildSchema(readFileSync(join(projectRoot(), 'schema', 'schema.graphql'), 'utf8'));
}

export interface BuiltQuery {
  query: string;
  /** wanted fields the schema does not have (the query leaves them out) */
  missing: string[];
}

/** Selection builder: keeps the fields of `type` that exist, notes the others as missing. */
function select(type: GraphQLObjectType | undefined, path: string, wanted: Record<string, string | true | ((sub: GraphQLObjectType, path: string) => string | null)>, missing: string[]): string {
  if (!type) {
    missing.push(path);
    return '';
  }
  const fields = type.getFields();
  const parts: string[] = [];
  for (const [name, spec] of Object.entries(wanted)) {
    const field = fields[name];
    if (!field) {
      missing.push(`${path}.${name}`);
      continue;
    }
    if (spec === true) parts.push(name);
    else if (typeof spec === 'string') parts.push(`${name}${spec}`);
    else {
      const named = getNamedType(field.type);
      const body = isObjectType(named) ? spec(named, `${path}.${name}`) : null;
      if (body) parts.push(body);
      else missing.push(`${path}.${name}`);
    }
  }
  return parts.join(' ');
}

const objectType = (schema: GraphQLSchema, name: string) => {
  const type = schema.getType(name);
  return isObjectType(type) ? type : undefined;
};

function companySelection(schema: GraphQLSchema, withRecommendations: boolean, missing: string[]): string {
  const measureTitle = (t: GraphQLObjectType, p: string) => `measure { ${select(t, p, { id: true, title: true }, missing)} }`;
  return select(objectType(schema, 'Company'), 'Company', {
    id: true, corporateNumber: true, name: true, kind: true, prefectureCode: true, address: true, capitalYen: true, employees: true,
    industry: (t, p) => `industry { ${select(t, p, { code: true, name: true }, missing)} }`,
    smeStatus: (t, p) => `smeStatus { ${select(t, p, { category: true, deemedLarge: true }, missing)} }`,
    financials: (t, p) => `financials { ${select(t, p, { fiscalYear: true, netSalesYen: true, operatingProfitYen: true, laborCostYen: true, employees: true }, missing)} }`,
    applications: (t, p) => {
      const node = (n: GraphQLObjectType, np: string) => `node { ${select(n, np, {
        id: true, status: true, fiscalYear: true, submittedAt: true, decidedAt: true, grantedAmountYen: true,
        measure: (m, mp) => measureTitle(m, mp),
      }, missing)} }`;
      const edges = (e: GraphQLObjectType, ep: string) => `edges { ${select(e, ep, { node }, missing)} }`;
      return `applications(first: 50) { ${select(t, p, { totalCount: true, edges }, missing)} }`;
    },
    ...(withRecommendations
      ? { recommendations: (t: GraphQLObjectType, p: string) => `recommendations(first: 5) { ${select(t, p, { score: true, verdict: true, measure: (m, mp) => measureTitle(m, mp) }, missing)} }` }
      : {}),
  }, missing);
}

/** The company profile query (variables: `n`, the 法人番号). */
export function profileQuery(schema: GraphQLSchema = committedSchema(), options: { recommendations?: boolean } = {}): BuiltQuery {
  const missing: string[] = [];
  const body = companySelection(schema, options.recommendations ?? true, missing);
  return { query: `query Profile($n: String!) { company(corporateNumber: $n) { ${body} } }`, missing };
}

/**
 * The list query (variables: `first`). `totalCount` of the connection is left out unless asked for: it counts every
 * matching company (a scan of the registry at national scale), which the benchmark times on its own.
 */
export function listQuery(schema: GraphQLSchema = committedSchema(), options: { totalCount?: boolean } = {}): BuiltQuery {
  const missing: string[] = [];
  const node = select(objectType(schema, 'Company'), 'Company', {
    id: true, name: true, prefectureCode: true,
    industry: (t, p) => `industry { ${select(t, p, { code: true, name: true }, missing)} }`,
    smeStatus: (t, p) => `smeStatus { ${select(t, p, { category: true, deemedLarge: true }, missing)} }`,
    applications: (t, p) => `applications(first: 1) { ${select(t, p, { totalCount: true }, missing)} }`,
  }, missing);
  return { query: `query List($first: Int) { companies(first: $first) { ${options.totalCount ? 'totalCount ' : ''}edges { node { ${node} } } } }`, missing };
}
