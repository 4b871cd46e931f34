/**
 * N+1 guards: SQL statements per request of the company profile and the company list, over a generated database.
 * Counts, not times: a resolver that reads per row instead of through a DataLoader makes these fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuery, profileQuery } from '../../bench/queries.js';
import { generateDatabase } from '../../src/modules/generator/generator.service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Most statements a profile may cost: company, facts, financials, the applications page (counting in the same
 * statement), and the recommendation inputs (certifications, support received, application history). The
 * applications' measures come from the process's measure catalogue, not from a statement.
 */
const PROFILE_MAX_STATEMENTS = 7;
/** Most statements a page of the list may cost, whatever its size: the page and one batched read per nested relation (no count unless totalCount is asked for). */
const LIST_MAX_STATEMENTS = 4;

interface Row {
  corporate_number: string;
  applications: number;
}

describe('SQL statements per request (generated data)', () => {
  let server: TestServer;
  let companies: Row[];
  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (db) => {
        await generateDatabase(db, { companies: 300, seed: 11, applicationsPerCompany: 3, mode: 'fresh' });
      },
    });
    companies = (await server.database.query<Row>(
      `SELECT c.corporate_number, count(a.id)::int AS applications FROM companies c LEFT JOIN applications a ON a.company_id = c.id
       WHERE c.corporate_number IS NOT NULL AND c.close_date IS NULL GROUP BY c.id ORDER BY c.id`)).map((r) => ({ ...r, applications: Number(r.applications) }));
  });
  afterAll(async () => server?.close());

  it('the profile query (company, financials, applications with measure titles, top-5 recommendations) costs the same few statements for every company', async () => {
    const { query } = profileQuery();
    const pick = (n: number) => companies.find((c) => c.applications === n);
    const sample = [pick(1), pick(2), pick(4) ?? pick(5) ?? pick(6), companies.reduce((a, b) => (b.applications > a.applications ? b : a))].filter((c): c is Row => Boolean(c));
    expect(sample.length).toBeGreaterThanOrEqual(3);
    // the first request of a server also loads process-wide caches (the measure catalogue of the recommendation engine)
    const warm = companies[companies.length - 1];
    await server.request(query, { n: warm.corporate_number }, { token: await server.token({ role: 'OWNER', corporateNumber: warm.corporate_number, sub: 'owner-warm' }) });
    const counts: number[] = [];
    for (const company of sample) {
      const token = await server.token({ role: 'OWNER', corporateNumber: company.corporate_number, sub: `owner-${company.corporate_number}` });
      const res = await server.request<{ company: { applications?: { totalCount: number } } }>(query, { n: company.corporate_number }, { token });
      expect(res.errors).toBeUndefined();
      expect(res.data!.company.applications?.totalCount).toBe(company.applications);
      counts.push(res.statements);
    }
    // a company with 1 application costs what one with the most costs: nothing is read per application
    expect(new Set(counts).size, `statements per profile: ${counts.join(', ')}`).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(PROFILE_MAX_STATEMENTS);
  });

  it('companies(first: N) with industry, smeStatus and application counts costs a constant number of statements in N', async () => {
    const { query } = listQuery();
    const token = await server.token({ role: 'STAFF', sub: 'staff-statements' });
    const counts: number[] = [];
    for (const first of [5, 50, 100]) {
      const res = await server.request<{ companies: { edges: unknown[] } }>(query, { first }, { token });
      expect(res.errors).toBeUndefined();
      expect(res.data!.companies.edges).toHaveLength(first);
      counts.push(res.statements);
    }
    expect(new Set(counts).size, `statements per page of 5, 50, 100: ${counts.join(', ')}`).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(LIST_MAX_STATEMENTS);
  });
});
