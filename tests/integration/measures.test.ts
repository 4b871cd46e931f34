import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { companies, facts, supportRecords } from '../../src/db/schema/index.js';
import { corporateNumberFromBase } from '../../src/modules/company/corporate-number.js';
import { importJgrantsFiles } from '../../src/modules/importers/jgrants/jgrants-import.js';
import { isMeasureOpen, loadCatalogue, type MeasureDefinition } from '../../src/modules/measure/catalogue.js';
import { projectRoot } from '../../src/shared/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const catalogue = loadCatalogue();
const catalogueIds = (keep: (m: MeasureDefinition) => boolean): string[] => catalogue.measures.filter(keep).map((m) => m.id).sort();

const SMALL_SHOP = corporateNumberFromBase('700000000101');
const LARGE_MAKER = corporateNumberFromBase('700000000102');
const NO_EMPLOYEES = corporateNumberFromBase('700000000103');
const UNKNOWN_COMPANY = corporateNumberFromBase('700000000199');

/** measures in the Jグランツ fixtures: 3 of the 6 list items (3 are rejected), 2 keyed details, 1 detail */
const JGRANTS_FIXTURE_MEASURES = 6;

const independent = { majorShareholders: [{ name: '代表者', ratio: 1, isLargeEnterprise: false }], officersTotal: 1, officersFromLargeEnterprises: 0 };

/** Inserts three demo-like companies with their facts (source OWNER) and one support record. */
async function insertCompanies(database: Database): Promise<void> {
  const base = { kind: 'KABUSHIKI_KAISHA', kindCode: '301', prefectureCode: '13', prefectureName: '東京都', cityName: '新宿区', establishedOn: '2012-04-01' };
  const rows = await database.db.insert(companies).values([
    { ...base, corporateNumber: SMALL_SHOP, name: '株式会社さくら商店', industryCode: 'I58', capitalYen: 5_000_000, employees: 3 },
    { ...base, corporateNumber: LARGE_MAKER, name: '大手重工業株式会社', industryCode: 'E24', capitalYen: 10_000_000_000, employees: 1500 },
    { ...base, corporateNumber: NO_EMPLOYEES, name: '株式会社みどり堂', industryCode: 'I60', capitalYen: 3_000_000, employees: null },
  ]).returning({ id: companies.id, corporateNumber: companies.corporateNumber });
  const asOf = new Date('2026-04-01T00:00:00+09:00');
  const complete = { ...independent, averageTaxableIncomeYen: 4_000_000, ownedByLargeCapitalParent: false, needs: ['販路拡大・海外展開をしたい'] };
  const factRows = rows.flatMap((row) => Object.entries(row.corporateNumber === LARGE_MAKER ? { averageTaxableIncomeYen: 9_000_000_000 } : complete)
    .map(([key, value]) => ({ companyId: row.id, key, value, source: 'OWNER', sourceRef: 'test', asOf })));
  await database.db.insert(facts).values(factRows);
  await database.db.insert(supportRecords).values({
    companyId: rows[0]!.id, title: '小規模事業者持続化補助金', amountYen: 500_000, approvedOn: '2024-03-01', measureId: 'jizokuka-ippan', source: 'GBIZINFO',
  });
}

interface MeasureNode {
  id: string;
  title: string;
  kind: string;
  summary: string | null;
  targetPrefectures: string[];
  industries: Array<{ code: string; name: string }>;
}
interface MeasuresPage {
  measures: { totalCount: number; edges: Array<{ cursor: string; node: MeasureNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('support measures over HTTP', () => {
  let server: TestServer;
  let staff: string;

  /** Every id matching a filter, through all pages (catalogue measures only unless the filter says otherwise). */
  async function idsFor(filter: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Awaited<ReturnType<typeof server.request<MeasuresPage>>> = await server.request<MeasuresPage>(
        `query($f: MeasureFilter, $after: String) { measures(filter: $f, first: 100, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { f: { source: ['CATALOGUE'], ...filter }, after },
      );
      expect(res.errors).toBeUndefined();
      ids.push(...res.data!.measures.edges.map((e) => e.node.id));
      if (!res.data!.measures.pageInfo.hasNextPage) break;
      after = res.data!.measures.pageInfo.endCursor;
    }
    return ids;
  }

  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (database) => {
        await insertCompanies(database);
        const fixtures = join(projectRoot(), 'tests', 'fixtures', 'jgrants');
        await importJgrantsFiles(database, ['envelope-list.json', 'detail-v2-keyed.json', 'detail-v1-malicious.json'].map((f) => join(fixtures, f)));
      },
    });
    staff = await server.token({ role: 'STAFF', sub: 'staff-1' });
  }, 120_000);
  afterAll(async () => server?.close());

  it('serves the whole catalogue, loaded at start, with every contract field', async () => {
    const res = await server.request<{ measure: Record<string, unknown> }>(`{ measure(id: "jizokuka-ippan") {
      id title kind agency summary maxAmountYen subsidyRate acceptingFrom acceptingUntil isOpen targetPrefectures url
      industries { code name } criteria { id description hard } formFields { key label required type }
      rounds { id label acceptingFrom acceptingUntil status } usePurposes exclusionMonths source sourceRef detailHtml } }`);
    expect(res.errors).toBeUndefined();
    const measure = res.data!.measure;
    const definition = catalogue.measures.find((m) => m.id === 'jizokuka-ippan')!;
    expect(measure).toMatchObject({
      id: 'jizokuka-ippan', title: definition.title, kind: 'SUBSIDY', agency: definition.agency, targetPrefectures: [], industries: [],
      url: definition.url, source: 'CATALOGUE', exclusionMonths: 12, isOpen: isMeasureOpen(definition, new Date()),
    });
    expect((measure.criteria as Array<{ id: string }>).map((c) => c.id)).toEqual(definition.criteria.map((c) => c.id));
    expect((measure.formFields as Array<{ key: string }>).map((f) => f.key)).toEqual(definition.formFields.map((f) => f.key));
    expect((measure.rounds as Array<{ id: string }>).map((r) => r.id)).toEqual(definition.rounds.map((r) => `jizokuka-ippan:${r.id}`));
    expect(measure.detailHtml).toContain('<li>');
    expect(await idsFor({})).toEqual(catalogueIds(() => true));
  });

  it('answers null for an unknown measure', async () => {
    const res = await server.request(`{ measure(id: "no-such-measure") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ measure: null });
  });

  it('filters by keyword over title and summary, case-insensitively', async () => {
    const jizokuka = await idsFor({ keyword: '持続化' });
    expect(jizokuka).toContain('jizokuka-ippan');
    expect(jizokuka).toEqual(catalogueIds((m) => m.title.includes('持続化') || m.summary.includes('持続化')));
    const it = await idsFor({ keyword: 'it導入' });
    expect(it).toEqual(expect.arrayContaining(['it-donyu-tsujo', 'it-donyu-invoice']));
    expect(it).toEqual(catalogueIds((m) => /it導入/i.test(m.title) || /it導入/i.test(m.summary)));
    expect(await idsFor({ keyword: '存在しない施策名ぴよ' })).toEqual([]);
    const wildcard = await idsFor({ keyword: '%' });
    expect(wildcard).toEqual(catalogueIds((m) => m.title.includes('%') || m.summary.includes('%')));
  });

  it('filters by kind', async () => {
    expect(await idsFor({ kind: ['LOAN'] })).toEqual(catalogueIds((m) => m.kind === 'LOAN'));
    expect(await idsFor({ kind: ['TAX', 'FUND'] })).toEqual(catalogueIds((m) => m.kind === 'TAX' || m.kind === 'FUND'));
  });

  it('filters by the instant applications are accepted: 事業再構築 round 13 was open on 2025-02-01, not now', async () => {
    const then = new Date('2025-02-01T00:00:00+09:00');
    const openThen = await idsFor({ openAt: then.toISOString() });
    expect(openThen).toContain('jigyo-saikochiku');
    expect(openThen).toEqual(catalogueIds((m) => isMeasureOpen(m, then)));
    const now = new Date();
    const openNow = await idsFor({ openAt: now.toISOString() });
    expect(openNow).not.toContain('jigyo-saikochiku');
    expect(openNow).toEqual(catalogueIds((m) => isMeasureOpen(m, now)));
    expect(openNow).toEqual(expect.arrayContaining(['shokibo-kyosai', 'safety-kyosai']));
  });

  it('filters by prefecture: nationwide measures plus those targeting it', async () => {
    const niigata = await idsFor({ prefectureCode: '15' });
    expect(niigata).toContain('jizokuka-saigai');
    expect(niigata).toEqual(catalogueIds((m) => m.targetPrefectures.length === 0 || m.targetPrefectures.includes('15')));
    const tokyo = await idsFor({ prefectureCode: '13' });
    expect(tokyo).not.toContain('jizokuka-saigai');
    expect(tokyo).toEqual(catalogueIds((m) => m.targetPrefectures.length === 0));
  });

  it('filters by industry: every-industry measures plus those whose industries prefix-match the code', async () => {
    const farm = await idsFor({ industryCode: 'A01' });
    expect(farm).toContain('jfc-norin-safetynet');
    const matches = (code: string) => (m: MeasureDefinition) => m.industries.length === 0 || m.industries.some((i) => code.startsWith(i) || i.startsWith(code));
    expect(farm).toEqual(catalogueIds(matches('A01')));
    expect(await idsFor({ industryCode: 'A' })).toEqual(catalogueIds(matches('A')));
    const maker = await idsFor({ industryCode: 'E24' });
    expect(maker).not.toContain('jfc-norin-safetynet');
    expect(maker).toEqual(catalogueIds(matches('E24')));
  });

  it('combines filters and rejects malformed ones with BAD_USER_INPUT naming the field', async () => {
    expect(await idsFor({ kind: ['SUBSIDY'], prefectureCode: '15', keyword: '災害' })).toEqual(['jizokuka-saigai']);
    for (const [filter, field] of [
      [{ prefectureCode: '99' }, 'filter.prefectureCode'],
      [{ industryCode: 'E2' }, 'filter.industryCode'],
      [{ keyword: '  ' }, 'filter.keyword'],
      [{ source: ['NOPE'] }, 'filter.source'],
    ] as const) {
      const res = await server.request(`query($f: MeasureFilter) { measures(filter: $f) { totalCount } }`, { f: filter });
      expect(res.errors?.[0]?.extensions, JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const badCursor = await server.request(`{ measures(after: "nope") { totalCount } }`);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages in a stable order with a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: Awaited<ReturnType<typeof server.request<MeasuresPage>>> = await server.request<MeasuresPage>(
        `query($after: String) { measures(first: 7, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(res.errors).toBeUndefined();
      expect(res.data!.measures.totalCount).toBe(catalogue.measures.length + JGRANTS_FIXTURE_MEASURES);
      expect(res.data!.measures.edges.length).toBeLessThanOrEqual(7);
      seen.push(...res.data!.measures.edges.map((e) => e.node.id));
      pages += 1;
      if (!res.data!.measures.pageInfo.hasNextPage) break;
      after = res.data!.measures.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil((catalogue.measures.length + JGRANTS_FIXTURE_MEASURES) / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
  });

  it('tells whether a measure is open at an instant and shows the last round of a finished measure', async () => {
    const res = await server.request<{ measure: Record<string, unknown> }>(`{ measure(id: "jigyo-saikochiku") {
      now: isOpen then: isOpen(at: "2025-02-01T00:00:00+09:00") before: isOpen(at: "2025-01-09T23:59:59+09:00")
      acceptingFrom acceptingUntil currentRound { label status } rounds { label status } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.measure).toMatchObject({
      now: false, then: true, before: false,
      acceptingFrom: '2025-01-09T15:00:00.000Z', acceptingUntil: '2025-03-26T09:00:00.000Z',
      currentRound: { label: '第13回', status: 'CLOSED' },
    });
    expect((res.data!.measure.rounds as Array<{ status: string }>).every((r) => r.status === 'CLOSED')).toBe(true);
    const always = await server.request<{ measure: { isOpen: boolean; acceptingFrom: string | null; rounds: unknown[] } }>(
      `{ measure(id: "shokibo-kyosai") { isOpen(at: "1999-01-01T00:00:00Z") acceptingFrom rounds { id } } }`);
    expect(always.data!.measure).toEqual({ isOpen: true, acceptingFrom: null, rounds: [] });
  });

  it('serves imported Jグランツ measures with sanitised HTML, JSIC industries and regional windows', async () => {
    const res = await server.request<{ measure: Record<string, unknown> }>(`{ measure(id: "jgrants-a0W5h00000AbCdEFGH") {
      kind source jgrantsId detailHtml industries { code name } criteria { id hard } maxAmountYen } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.measure).toMatchObject({ kind: 'SUBSIDY', source: 'JGRANTS', jgrantsId: 'a0W5h00000AbCdEFGH', maxAmountYen: 1_000_000 });
    expect(res.data!.measure.detailHtml).not.toMatch(/<script|onerror|javascript:/i);
    expect((res.data!.measure.industries as Array<{ code: string; name: string }>).map((i) => i.code)).toEqual(['E', 'G', 'I', 'M']);
    expect((res.data!.measure.industries as Array<{ name: string }>)[0]!.name).toBe('製造業');
    const regional = await server.request<{ measure: { rounds: Array<{ label: string; targetPrefectures: string[] | null }> } }>(
      `{ measure(id: "jgrants-a0W5h00000AbCdK001") { rounds { label targetPrefectures } } }`);
    expect(regional.data!.measure.rounds).toEqual([{ label: '北海道', targetPrefectures: ['01'] }, { label: '青森県/岩手県/宮城県', targetPrefectures: ['02', '03', '04'] }]);
    const imported = await idsFor({ source: ['JGRANTS'] });
    expect(imported).toHaveLength(JGRANTS_FIXTURE_MEASURES);
  });

  it('costs a constant number of SQL statements whatever the page size (no N+1)', async () => {
    // list + count + one batched rounds query, for 5 measures as for 50
    const roundsAndIndustries = `query($first: Int) { measures(first: $first) { totalCount edges { node {
      id title maxAmountYen subsidyRate acceptingFrom acceptingUntil isOpen later: isOpen(at: "2030-01-01T00:00:00Z")
      industries { code name } criteria { id hard } formFields { key } rounds { label status maxAmountYen } currentRound { label } detailHtml } } } }`;
    const few = await server.request(roundsAndIndustries, { first: 5 });
    const many = await server.request(roundsAndIndustries, { first: 50 });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(few.statements).toBe(3);
    expect(many.statements).toBe(3);
    // unlocked measures come from one more batched query (none when the page already holds them)
    const withUnlocks = roundsAndIndustries.replace('detailHtml', 'detailHtml unlocks { id title }');
    for (const first of [5, 50, 100]) {
      const res = await server.request(withUnlocks, { first });
      expect(res.errors).toBeUndefined();
      expect(res.statements, `first: ${first}`).toBeLessThanOrEqual(4);
    }
  });

  it('links support received to its measure', async () => {
    const res = await server.request<{ company: { supportReceived: Array<{ title: string; measure: { id: string; kind: string } | null }> } }>(
      `query($n: String!) { company(corporateNumber: $n) { supportReceived { title measure { id kind } } } }`, { n: SMALL_SHOP });
    expect(res.errors).toBeUndefined();
    expect(res.data!.company.supportReceived).toEqual([{ title: '小規模事業者持続化補助金', measure: { id: 'jizokuka-ippan', kind: 'SUBSIDY' } }]);
  });

  describe('eligibility', () => {
    const query = `query($n: String!, $m: ID!) { eligibility(corporateNumber: $n, measureId: $m) {
      measure { id } verdict missingData softScore checks { criterion { id description hard } passed detail missingData } } }`;
    interface EligibilityData {
      eligibility: {
        measure: { id: string };
        verdict: string;
        missingData: string[];
        softScore: number;
        checks: Array<{ criterion: { id: string; description: string; hard: boolean }; passed: boolean | null; detail: string; missingData: string[] }>;
      };
    }

    it('finds a 小規模 shop ELIGIBLE for 持続化補助金, every check passed and explained (its owner asks)', async () => {
      const owner = await server.token({ role: 'OWNER', corporateNumber: SMALL_SHOP, sub: 'owner-sakura' });
      const res = await server.request<EligibilityData>(query, { n: SMALL_SHOP, m: 'jizokuka-ippan' }, { token: owner });
      expect(res.errors).toBeUndefined();
      const result = res.data!.eligibility;
      expect(result.measure.id).toBe('jizokuka-ippan');
      expect(result.verdict).toBe('ELIGIBLE');
      expect(result.missingData).toEqual([]);
      expect(result.checks.map((c) => c.criterion.id)).toEqual(catalogue.measures.find((m) => m.id === 'jizokuka-ippan')!.criteria.map((c) => c.id));
      for (const check of result.checks) expect(check.passed, check.criterion.id).toBe(true);
      const small = result.checks.find((c) => c.criterion.id === 'jizokuka.small-enterprise')!;
      expect(small.detail).toContain('小規模企業者');
      expect(result.softScore).toBe(1);
    });

    it('finds a large maker INELIGIBLE, naming the failing check', async () => {
      const res = await server.request<EligibilityData>(query, { n: LARGE_MAKER, m: 'jizokuka-ippan' }, { token: staff });
      expect(res.errors).toBeUndefined();
      expect(res.data!.eligibility.verdict).toBe('INELIGIBLE');
      const failing = res.data!.eligibility.checks.filter((c) => c.passed === false);
      expect(failing.map((c) => c.criterion.id)).toEqual(expect.arrayContaining(['jizokuka.small-enterprise', 'jizokuka.taxable-income']));
      const size = failing.find((c) => c.criterion.id === 'jizokuka.small-enterprise')!;
      expect(size.detail).toMatch(/中小企業区分: 大企業のため要件を満たしません$/);
      expect(failing.find((c) => c.criterion.id === 'jizokuka.taxable-income')!.detail).toContain('90億円');
    });

    it('answers UNKNOWN when employees are missing, naming the missing item', async () => {
      const res = await server.request<EligibilityData>(query, { n: NO_EMPLOYEES, m: 'jizokuka-ippan' }, { token: staff });
      expect(res.errors).toBeUndefined();
      const result = res.data!.eligibility;
      expect(result.verdict).toBe('UNKNOWN');
      expect(result.missingData).toEqual(['employees']);
      const size = result.checks.find((c) => c.criterion.id === 'jizokuka.small-enterprise')!;
      expect(size.passed).toBeNull();
      expect(size.missingData).toEqual(['employees']);
      expect(size.detail).toContain('従業員数');
      expect(result.checks.filter((c) => c.passed === null)).toHaveLength(1);
    });

    it('is confidential: FORBIDDEN for anonymous viewers and other owners', async () => {
      const anonymous = await server.request<EligibilityData>(query, { n: SMALL_SHOP, m: 'jizokuka-ippan' });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(anonymous.data).toBeNull();
      const otherOwner = await server.token({ role: 'OWNER', corporateNumber: LARGE_MAKER, sub: 'owner-large' });
      const other = await server.request<EligibilityData>(query, { n: SMALL_SHOP, m: 'jizokuka-ippan' }, { token: otherOwner });
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('rejects a malformed 法人番号 and answers NOT_FOUND for an unknown company or measure', async () => {
      const malformed = await server.request(query, { n: '123', m: 'jizokuka-ippan' }, { token: staff });
      expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'corporateNumber' });
      const unknownCompany = await server.request(query, { n: UNKNOWN_COMPANY, m: 'jizokuka-ippan' }, { token: staff });
      expect(unknownCompany.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const unknownMeasure = await server.request(query, { n: SMALL_SHOP, m: 'no-such-measure' }, { token: staff });
      expect(unknownMeasure.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('judges Jグランツ measures by their generated criteria', async () => {
      const res = await server.request<EligibilityData>(query, { n: SMALL_SHOP, m: 'jgrants-a0W5h00000AbCdEFGH' }, { token: staff });
      expect(res.errors).toBeUndefined();
      // 東京都 is in 関東・甲信越地方, but retail (I58) is among the listed industries and 3 employees ≤ 300
      expect(res.data!.eligibility.verdict).toBe('ELIGIBLE');
      const large = await server.request<EligibilityData>(query, { n: LARGE_MAKER, m: 'jgrants-a0W5h00000AbCdEFGH' }, { token: staff });
      expect(large.data!.eligibility.verdict).toBe('INELIGIBLE');
      expect(large.data!.eligibility.checks.find((c) => c.criterion.id === 'jgrants.employees')!.detail).toContain('従業員数1,500人');
    });
  });
});
