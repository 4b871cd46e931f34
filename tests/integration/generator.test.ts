import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { loadCatalogue } from '../../src/modules/measure/catalogue.js';
import { createGeneratorModel } from '../../src/modules/generator/generator-model.js';
import { generateDatabase, GenerateRefused, generatedWorld } from '../../src/modules/generator/generator.service.js';
import { freshDatabase } from '../helpers/database.js';


/** Everything the generator wrote, without load timestamps, in a stable order. */
async function dump(db: Database) {
  return {
    companies: await db.query(`SELECT id, corporate_number, name, kind, prefecture_code, industry_code, capital_yen, employees, sme_category, deemed_large, close_date::text FROM companies ORDER BY id`),
    financials: await db.query(`SELECT company_id, fiscal_year, net_sales_yen, operating_profit_yen FROM financials ORDER BY company_id, fiscal_year`),
    facts: await db.query(`SELECT company_id, key, value FROM facts ORDER BY company_id, key`),
    applications: await db.query(`SELECT id, company_id, measure_id, round_id, status, fiscal_year, granted_amount_yen, submitted_at, decided_at FROM applications ORDER BY id`),
    events: await db.query(`SELECT application_id, at, from_status, to_status FROM application_events ORDER BY application_id, at, to_status`),
    support: await db.query(`SELECT company_id, measure_id, application_id, amount_yen, approved_on::text FROM support_records ORDER BY application_id`),
    consents: await db.query(`SELECT company_id, organization_id, scopes, expires_on::text FROM consents ORDER BY company_id`),
  };
}

const count = async (db: Database, table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n);
const options = { companies: 400, seed: 3, applicationsPerCompany: 3, chunkSize: 150 } as const;

describe('sdp generate into a database', () => {
  let a: Database;
  let b: Database;
  beforeAll(async () => {
    [a, b] = await Promise.all([freshDatabase('sdp_gen'), freshDatabase('sdp_gen')]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('writes the generated world: every company with its financials, facts, applications, events, support records and consents', async () => {
    const summary = await generateDatabase(a, { ...options, mode: 'fresh' });
    expect(summary.outcome).toBe('generated');
    const model = createGeneratorModel({ seed: 3, applicationsPerCompany: 3 }, loadCatalogue());
    const world = Array.from({ length: 400 }, (_, i) => model.company(i));
    expect(await count(a, 'companies')).toBe(400);
    expect(await count(a, 'financials')).toBe(world.reduce((n, c) => n + c.financials.length, 0));
    expect(await count(a, 'applications')).toBe(world.reduce((n, c) => n + c.applications.length, 0));
    expect(await count(a, 'application_events')).toBe(world.reduce((n, c) => n + c.applications.reduce((m, x) => m + x.events.length, 0), 0));
    expect(await count(a, 'support_records')).toBe(world.reduce((n, c) => n + c.applications.filter((x) => x.status === 'ADOPTED').length, 0));
    expect(summary.rows.companies).toBe(400);
    const [first] = await a.query<{ corporate_number: string | null; name: string; sme_category: string }>('SELECT corporate_number, name, sme_category FROM companies ORDER BY id LIMIT 1');
    expect(first).toEqual({ corporate_number: world[0].corporateNumber, name: world[0].name, sme_category: world[0].smeCategory });
    const orphans = await a.query(`SELECT a.measure_id FROM applications a LEFT JOIN measures m ON m.id = a.measure_id WHERE m.id IS NULL`);
    expect(orphans).toEqual([]);
    expect((await generatedWorld(a)).runs).toMatchObject([{ seed: 3, companies: 400, firstIndex: 0 }]);
  });

  it('refuses to mix worlds: the same run again changes nothing, another one needs --append or --reset', async () => {
    expect((await generateDatabase(a, { ...options, mode: 'fresh' })).outcome).toBe('unchanged');
    await expect(generateDatabase(a, { ...options, seed: 4, mode: 'fresh' })).rejects.toThrow(GenerateRefused);
    await expect(generateDatabase(a, { ...options, seed: 4, mode: 'fresh' })).rejects.toThrow(/--append .* --reset/);
    const appended = await generateDatabase(a, { ...options, companies: 100, seed: 4, mode: 'append' });
    expect(appended.firstIndex).toBe(400);
    expect(await count(a, 'companies')).toBe(500);
    const [{ n }] = await a.query<{ n: number }>('SELECT count(DISTINCT corporate_number)::int AS n FROM companies WHERE corporate_number IS NOT NULL');
    expect(Number(n)).toBe(await count(a, 'companies WHERE corporate_number IS NOT NULL'));
  });

  it('resumes an interrupted run after its last committed chunk and ends exactly as an uninterrupted run', async () => {
    const reference = await generateDatabase(b, { ...options, mode: 'reset' });
    const expected = await dump(b);
    // interrupt the next run after its first chunk
    await expect(generateDatabase(b, {
      ...options, mode: 'reset', onProgress: (p) => {
        if (p.companiesDone >= 150) throw new Error('interrupted');
      },
    })).rejects.toThrow('interrupted');
    expect(await count(b, 'companies')).toBe(150);
    await expect(generateDatabase(b, { ...options, seed: 9, mode: 'fresh' })).rejects.toThrow(/interrupted run .* rerun it with the same options/);
    const resumed = await generateDatabase(b, { ...options, mode: 'fresh' });
    expect(resumed).toMatchObject({ outcome: 'resumed', resumedFrom: 150 });
    expect(resumed.rows).toEqual(reference.rows);
    const after = await dump(b);
    // ids differ between runs (identities are never reused); everything else is the same world
    const withoutIds = (d: typeof expected) => {
      const companyIds = new Map(d.companies.map((c, k) => [c.id, k]));
      const applicationIds = new Map(d.applications.map((x, k) => [x.id, k]));
      const company = (id: unknown) => companyIds.get(id);
      const application = (id: unknown) => applicationIds.get(id);
      return {
        companies: d.companies.map(({ id: _id, ...rest }) => rest),
        financials: d.financials.map((f) => ({ ...f, company_id: company(f.company_id) })),
        facts: d.facts.map((f) => ({ ...f, company_id: company(f.company_id) })),
        applications: d.applications.map(({ id: _id, ...x }) => ({ ...x, company_id: company(x.company_id) })),
        events: d.events.map((e) => ({ ...e, application_id: application(e.application_id) })),
        support: d.support.map((s) => ({ ...s, company_id: company(s.company_id), application_id: application(s.application_id) })),
        consents: d.consents.map((c) => ({ ...c, company_id: company(c.company_id) })),
      };
    };
    expect(withoutIds(after)).toEqual(withoutIds(expected));
    expect((await generatedWorld(b)).unfinished).toBeNull();
  });
});
