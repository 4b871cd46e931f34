import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { CompanyListDocument, CompanyProfileDocument, RegisterSoleProprietorDocument } from '../generated/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const demo = buildDemoCompanies(30, 11);

describe('operations typed by GraphQL Code Generator (tests/operations)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ prepare: async (db) => void (await insertDemoCompanies(db, demo)) });
  });
  afterAll(async () => server?.close());

  it('CompanyProfile: the owner sees the profile with financials', async () => {
    const target = demo.find((c) => c.corporateNumber)!;
    const token = await server.token({ role: 'OWNER', corporateNumber: target.corporateNumber! });
    const res = await server.run(CompanyProfileDocument, { corporateNumber: target.corporateNumber! }, { token });
    expect(res.errors).toBeUndefined();
    const company = res.data!.company!;
    expect(company.name).toBe(target.name);
    expect(company.financials.map((f) => f.fiscalYear)).toEqual([2025, 2024, 2023]);
    expect(company.employees).toBe(target.employees);
  });

  it('CompanyList: cursors continue where the last page ended', async () => {
    const first = await server.run(CompanyListDocument, { filter: { includeClosed: true }, first: 10, after: null });
    const second = await server.run(CompanyListDocument, { filter: { includeClosed: true }, first: 10, after: first.data!.companies.pageInfo.endCursor });
    const ids = [...first.data!.companies.edges, ...second.data!.companies.edges].map((e) => Number(e.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(20);
  });

  it('RegisterSoleProprietor: ADMIN registers a business without a number', async () => {
    const token = await server.token({ role: 'ADMIN', sub: 'admin' });
    const res = await server.run(RegisterSoleProprietorDocument, {
      input: { name: 'こもれび工房（デモ）', prefectureCode: '13', industryCode: 'E32', employees: 0 },
    }, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.registerSoleProprietor).toMatchObject({ corporateNumber: null, kind: 'SOLE_PROPRIETOR' });
  });
});
