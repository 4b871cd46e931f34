import type { Database } from '../../db/client.js';
import { certifications, companies, facts, financials } from '../../db/schema/index.js';
import { classifySme, type CorporateKindName } from '../company/sme-classification.js';
import { syncCatalogue } from '../measure/measure.service.js';
import { buildDemoCompanies, type DemoCompany } from './demo-data.js';

export const DEMO_COMPANY_COUNT = 300;
export const DEMO_SEED = 2026;

/** Every fact a demo company states, with source DEMO (a clearly labelled fictitious source). */
function demoFacts(c: DemoCompany): Array<[string, unknown]> {
  const latest = c.financials[c.financials.length - 1];
  return [
    ['postalCode', c.postalCode], ['address', `${c.prefectureName}${c.cityName}${c.street}`], ['representativeName', c.representativeName],
    ['capitalYen', c.capitalYen], ['employees', c.employees], ['industryCode', c.industryCode], ['establishedOn', c.establishedOn],
    ['netSalesYen', latest.netSalesYen], ['majorShareholders', c.majorShareholders], ['needs', c.needs],
    ['officersTotal', c.majorShareholders ? 3 : null], ['officersFromLargeEnterprises', c.majorShareholders ? 0 : null],
    ['phone', `0${c.prefectureCode.slice(1)}-${c.cityCode}-${c.postalCode.slice(3)}`],
  ].filter(([, v]) => v !== null && v !== undefined) as Array<[string, unknown]>;
}

/** Inserts generated demo companies with their facts, financials and certifications (one transaction). */
export async function insertDemoCompanies(database: Database, list: DemoCompany[], asOf = new Date('2026-04-01T00:00:00+09:00')): Promise<number> {
  return database.db.transaction(async (tx) => {
    const rows = await tx.insert(companies).values(list.map((c) => {
      const sme = classifySme({
        kind: c.kind as CorporateKindName, industryCode: c.industryCode, capitalYen: c.capitalYen, employees: c.employees,
        majorShareholders: c.majorShareholders, officersTotal: c.majorShareholders ? 3 : null, officersFromLargeEnterprises: c.majorShareholders ? 0 : null,
      });
      return {
        corporateNumber: c.corporateNumber, name: c.name, nameKana: c.nameKana, kindCode: c.kindCode, kind: c.kind,
        prefectureCode: c.prefectureCode, prefectureName: c.prefectureName, cityCode: c.cityCode, cityName: c.cityName,
        street: c.street, postalCode: c.postalCode, industryCode: c.industryCode, capitalYen: c.capitalYen, employees: c.employees,
        establishedOn: c.establishedOn, representativeName: c.representativeName, closeDate: c.closeDate, closeCause: c.closeDate ? '01' : null,
        assignmentDate: c.corporateNumber ? '2015-10-05' : null, smeCategory: sme.category, deemedLarge: sme.deemedLarge,
      };
    })).returning({ id: companies.id });
    const factRows = list.flatMap((c, k) => demoFacts(c).map(([key, value]) => ({ companyId: rows[k].id, key, value, source: 'DEMO', sourceRef: 'seeds/demo', asOf })));
    for (let i = 0; i < factRows.length; i += 1000) await tx.insert(facts).values(factRows.slice(i, i + 1000));
    const finRows = list.flatMap((c, k) => c.financials.map((f) => ({ companyId: rows[k].id, ...f, source: 'DEMO', sourceRef: 'seeds/demo', asOf })));
    for (let i = 0; i < finRows.length; i += 1000) await tx.insert(financials).values(finRows.slice(i, i + 1000));
    const certRows = list.flatMap((c, k) => c.certifications.map((x) => ({ companyId: rows[k].id, ...x, source: 'DEMO', sourceRef: 'seeds/demo' })));
    if (certRows.length) await tx.insert(certifications).values(certRows);
    return rows.length;
  });
}

/** Loads the measure catalogue, then the demo data when the database has no company yet; returns what it loaded, or null. */
export async function seedIfEmpty(database: Database): Promise<{ companies: number; measures: number } | null> {
  await syncCatalogue(database);
  const [{ n }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM companies');
  if (Number(n) > 0) return null;
  const count = await insertDemoCompanies(database, buildDemoCompanies(DEMO_COMPANY_COUNT, DEMO_SEED));
  const [{ m }] = await database.query<{ m: number }>('SELECT count(*)::int AS m FROM measures');
  return { companies: count, measures: Number(m) };
}
