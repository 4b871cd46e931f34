import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEbpmCsv, parseEbpmExportOptions } from '../../src/cli/export-ebpm.js';
import type { Database } from '../../src/db/client.js';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { fiscalYearOf } from '../../src/modules/application/lifecycle.js';
import { classifySme, type CorporateKindName } from '../../src/modules/company/sme-classification.js';
import { seedScorecard } from '../../src/modules/ebpm/scorecard.service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// ---------------------------------------------------------------------------------------------
// A synthetic population, generated here with known numbers

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20260401);
const normal = (mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const DIMENSIONS = ['MEASURE', 'FISCAL_YEAR', 'PREFECTURE', 'INDUSTRY', 'SME_CATEGORY', 'STATUS'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const MAX_DIMENSIONS = 3;
const THRESHOLD = 10;

const STATS_MEASURES = ['EBPM-A', 'EBPM-B', 'EBPM-C'];
const DID_MEASURE = 'EBPM-DID';
const SMALL_MEASURE = 'EBPM-SMALL';
const LIVE_MEASURE = 'EBPM-LIVE';
const COUNTED = new Set(['SUBMITTED', 'ADOPTED', 'REJECTED', 'WITHDRAWN']);

interface AppRow {
  company: number; // index into the synthetic companies
  measure: string;
  fiscalYear: number;
  prefecture: string | null;
  industry: string | null;
  sme: string | null;
  status: string;
  submitted: boolean;
}

/** Counted by the rules the rollup documents: SUBMITTED, ADOPTED, REJECTED, WITHDRAWN after submission. */
const isCounted = (row: AppRow) => COUNTED.has(row.status) && (row.status !== 'WITHDRAWN' || row.submitted);
const keysOf = (row: AppRow): string[] => [
  row.measure,
  String(row.fiscalYear),
  row.prefecture ?? 'UNKNOWN',
  row.industry && /^[A-T]/.test(row.industry) ? row.industry[0]! : 'UNKNOWN',
  row.sme ?? 'UNKNOWN',
  row.status,
];

const applicationRows: AppRow[] = [];
const STATS_COMPANIES = 200;

/** Picks one of `values` with the given weights. */
function pick<T>(values: readonly T[], weights: readonly number[]): T {
  let r = random() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < values.length; i++) if ((r -= weights[i]!) < 0) return values[i]!;
  return values[values.length - 1]!;
}
// Skewed like real programmes: a few large measures, prefectures and industries, many small cells
// in the 2- and 3-dimension tables.
const STATS_APPLICATIONS = 1500;
for (let i = 0; i < STATS_APPLICATIONS; i++) {
  applicationRows.push({
    company: i % STATS_COMPANIES,
    measure: pick(STATS_MEASURES, [6, 3, 1]),
    fiscalYear: pick([2021, 2022, 2023, 2024], [2, 3, 3, 2]),
    prefecture: pick(['13', '27', '23', '14', '01', '40', '26', '34', '04', '47'], [30, 14, 12, 10, 8, 8, 6, 5, 4, 3]),
    industry: pick(['E29', 'G39', 'D06', 'I58', 'L74', 'P85'], [30, 12, 20, 20, 10, 8]),
    sme: pick(['SMALL', 'MEDIUM', 'UNKNOWN'], [60, 35, 5]),
    status: pick(['SUBMITTED', 'ADOPTED', 'REJECTED', 'WITHDRAWN'], [10, 45, 40, 5]),
    submitted: true,
  });
}
// Not applications: DRAFTs and drafts withdrawn before submission.
for (let i = 0; i < 15; i++) {
  applicationRows.push({ company: i, measure: 'EBPM-A', fiscalYear: 2023, prefecture: '13', industry: 'E29', sme: 'SMALL', status: i < 10 ? 'DRAFT' : 'WITHDRAWN', submitted: false });
}
// An unknown prefecture and industry are grouped as UNKNOWN.
for (let i = 0; i < 12; i++) {
  applicationRows.push({ company: i, measure: 'EBPM-B', fiscalYear: 2023, prefecture: null, industry: null, sme: null, status: 'SUBMITTED', submitted: true });
}
// The live measure: 12 submitted applications with the keys the owner's application will get (this
// fiscal year, the owner company's prefecture, industry and SME category), then one more over HTTP.
const owner = buildDemoCompanies(3, 77).find((company) => company.corporateNumber && !company.closeDate)!;
const ownerSme = classifySme({
  kind: owner.kind as CorporateKindName, industryCode: owner.industryCode, capitalYen: owner.capitalYen, employees: owner.employees,
  majorShareholders: owner.majorShareholders, officersTotal: owner.majorShareholders ? 3 : null, officersFromLargeEnterprises: owner.majorShareholders ? 0 : null,
}).category;
for (let i = 0; i < 12; i++) {
  applicationRows.push({
    company: i, measure: LIVE_MEASURE, fiscalYear: fiscalYearOf(new Date()), prefecture: owner.prefectureCode, industry: owner.industryCode,
    sme: ownerSme, status: 'SUBMITTED', submitted: true,
  });
}

// Outcome population: one company per applicant, applications in FY2021, financials FY2020 and FY2023.
const INJECTED_EFFECT_YEN = 12_000_000;
const TREND_YEN = 3_000_000;
const NOISE_SD_YEN = 4_000_000;
const TREATED_LEVEL_GAP_YEN = 50_000_000;
const DID_PER_GROUP = 60;
const MISSING = { treated: 5, control: 3 };
interface DidCompany {
  adopted: boolean;
  baseline: number;
  after: number | null;
}
const didCompanies: DidCompany[] = [];
for (const adopted of [true, false]) {
  for (let i = 0; i < DID_PER_GROUP; i++) {
    const baseline = Math.round(normal(adopted ? 150_000_000 + TREATED_LEVEL_GAP_YEN : 150_000_000, 30_000_000));
    const change = normal(TREND_YEN + (adopted ? INJECTED_EFFECT_YEN : 0), NOISE_SD_YEN);
    const closed = i < (adopted ? MISSING.treated : MISSING.control);
    didCompanies.push({ adopted, baseline, after: closed ? null : Math.round(baseline + change) });
  }
}
const DID_COMPANY_OFFSET = STATS_COMPANIES;
didCompanies.forEach((company, i) => {
  applicationRows.push({
    company: DID_COMPANY_OFFSET + i, measure: DID_MEASURE, fiscalYear: 2021, prefecture: '27', industry: 'E29', sme: 'SMALL',
    status: company.adopted ? 'ADOPTED' : 'REJECTED', submitted: true,
  });
});
// A measure with too few adopted applicants: its outcome is suppressed.
const SMALL_COMPANY_OFFSET = DID_COMPANY_OFFSET + didCompanies.length;
for (let i = 0; i < 25; i++) {
  applicationRows.push({ company: SMALL_COMPANY_OFFSET + i, measure: SMALL_MEASURE, fiscalYear: 2021, prefecture: '13', industry: 'G39', sme: 'MEDIUM', status: i < 5 ? 'ADOPTED' : 'REJECTED', submitted: true });
}
const SYNTHETIC_COMPANIES = SMALL_COMPANY_OFFSET + 25;

/** The difference in differences computed straight from the generated numbers. */
function expectedDid(): { treated: number; control: number; difference: number } {
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const changes = (adopted: boolean) => didCompanies.filter((c) => c.adopted === adopted && c.after !== null).map((c) => c.after! - c.baseline);
  const treated = mean(changes(true));
  const control = mean(changes(false));
  return { treated, control, difference: treated - control };
}

async function loadPopulation(db: Database): Promise<void> {
  await seedScorecard(db);
  await db.query(
    `INSERT INTO measures (id, title, kind, agency, source, content_hash, always_open)
     SELECT id, 'EBPM test measure ' || id, 'SUBSIDY', 'テスト庁', 'TEST', md5(id), id = $2 FROM unnest($1::text[]) AS id`,
    [`{${[...STATS_MEASURES, DID_MEASURE, SMALL_MEASURE, LIVE_MEASURE].join(',')}}`, LIVE_MEASURE],
  );
  const ids = await db.query<{ id: string | number }>(
    `INSERT INTO companies (name, kind) SELECT 'EBPM 試験 ' || g, 'SOLE_PROPRIETOR' FROM generate_series(1, $1::int) g RETURNING id`,
    [SYNTHETIC_COMPANIES],
  );
  const companyIds = ids.map((row) => Number(row.id)).sort((a, b) => a - b);
  const records = applicationRows.map((row, i) => ({
    company_id: companyIds[row.company], measure_id: row.measure, status: row.status, fiscal_year: row.fiscalYear,
    prefecture_code: row.prefecture, industry_code: row.industry, sme_category: row.sme, start_key: `ebpm-test-${i}`,
    submitted: row.submitted,
  }));
  await db.query(
    `INSERT INTO applications (company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category,
                               start_key, start_input_hash, created_by, submitted_at)
     SELECT company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category, start_key, 'test', 'ebpm-test',
            CASE WHEN submitted THEN now() END
     FROM json_to_recordset($1::json) AS x(company_id bigint, measure_id text, status text, fiscal_year smallint, prefecture_code text,
                                           industry_code text, sme_category text, start_key text, submitted boolean)`,
    [JSON.stringify(records)],
  );
  const financials = didCompanies.flatMap((company, i) => [
    { company_id: companyIds[DID_COMPANY_OFFSET + i], fiscal_year: 2020, net_sales_yen: company.baseline },
    ...(company.after === null ? [] : [{ company_id: companyIds[DID_COMPANY_OFFSET + i], fiscal_year: 2023, net_sales_yen: company.after }]),
  ]);
  await db.query(
    `INSERT INTO financials (company_id, fiscal_year, net_sales_yen, source)
     SELECT company_id, fiscal_year, net_sales_yen, 'TEST' FROM json_to_recordset($1::json) AS x(company_id bigint, fiscal_year smallint, net_sales_yen bigint)`,
    [JSON.stringify(financials)],
  );
}

// ---------------------------------------------------------------------------------------------
// The attacker: every table the API answers, solved by single-unknown elimination

interface Cell {
  keys: string[];
  applications: number | null;
  adopted: number | null;
  adoptionRate: number | null;
  suppressed: boolean;
}
interface Numbers {
  applications: number;
  adopted: number;
}

/** Dimension subsets in canonical order, as bit masks over DIMENSIONS. */
function masksUpTo(size: number): number[] {
  const masks: number[] = [];
  for (let mask = 0; mask < 1 << DIMENSIONS.length; mask++) if (bitCount(mask) <= size) masks.push(mask);
  return masks;
}
function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m; m &= m - 1) count++;
  return count;
}
const dimensionsOf = (mask: number): Dimension[] => DIMENSIONS.filter((_, d) => (mask & (1 << d)) !== 0);

/** Filters used by the attacker: each restricts one dimension. */
const ATTACK_FILTERS: Array<{ name: string; dimension: Dimension; values: string[]; filter: Record<string, unknown> }> = [
  { name: 'measures A+B', dimension: 'MEASURE', values: ['EBPM-A', 'EBPM-B'], filter: { measureIds: ['EBPM-A', 'EBPM-B'] } },
  { name: 'FY2023', dimension: 'FISCAL_YEAR', values: ['2023'], filter: { fiscalYears: [2023] } },
  { name: 'prefectures 13+27', dimension: 'PREFECTURE', values: ['13', '27'], filter: { prefectureCodes: ['13', '27'] } },
];

interface Answer {
  groupBy: Dimension[];
  filter: (typeof ATTACK_FILTERS)[number] | null;
  cells: Cell[];
}

/** Id of an unfiltered lattice cell: mask + keys in canonical dimension order. */
const latticeId = (mask: number, keys: readonly string[]) => `L${mask}:${JSON.stringify(keys)}`;

/**
 * Solves every equation the answers imply: a coarser unfiltered cell is the sum of the finer cells
 * that add into it (every pair of tables, not only 1-D lines); a filtered cell is the sum of the
 * cells of the table grouped by groupBy plus the filtered dimension whose keys pass the filter; a
 * coarser filtered cell is the sum of finer filtered cells. Absent cells are known zeros.
 * Returns every suppressed value it recovered.
 */
function attack(answers: Answer[]): Map<string, Numbers> {
  const known = new Map<string, Numbers>();
  const unknown = new Set<string>();
  const idOf = (answer: Answer, keys: readonly string[]): string => {
    const mask = answer.groupBy.reduce((m, d) => m | (1 << DIMENSIONS.indexOf(d)), 0);
    const canonical = dimensionsOf(mask).map((d) => keys[answer.groupBy.indexOf(d)]!);
    return answer.filter ? `F${answer.filter.name}|${mask}:${JSON.stringify(canonical)}` : latticeId(mask, canonical);
  };
  const byTable = new Map<string, { mask: number; filter: Answer['filter']; cells: Array<{ id: string; keys: Map<Dimension, string> }> }>();
  for (const answer of answers) {
    const mask = answer.groupBy.reduce((m, d) => m | (1 << DIMENSIONS.indexOf(d)), 0);
    const table = { mask, filter: answer.filter, cells: [] as Array<{ id: string; keys: Map<Dimension, string> }> };
    for (const cell of answer.cells) {
      const id = idOf(answer, cell.keys);
      if (cell.suppressed) unknown.add(id);
      else known.set(id, { applications: cell.applications!, adopted: cell.adopted! });
      table.cells.push({ id, keys: new Map(answer.groupBy.map((d, i) => [d, cell.keys[i]!])) });
    }
    byTable.set(`${answer.filter?.name ?? ''}|${mask}`, table);
  }
  const equations: Array<{ margin: string; terms: string[] }> = [];
  const marginIdOf = (filterName: string | undefined, mask: number, keys: Map<Dimension, string>) => {
    const canonical = dimensionsOf(mask).map((d) => keys.get(d)!);
    return filterName ? `F${filterName}|${mask}:${JSON.stringify(canonical)}` : latticeId(mask, canonical);
  };
  const tables = [...byTable.values()];
  for (const fine of tables) {
    for (const coarse of tables) {
      if (coarse === fine || (coarse.mask & fine.mask) !== coarse.mask) continue;
      let filterName: string | undefined;
      if (fine.filter === null && coarse.filter === null) filterName = undefined;
      else if (fine.filter !== null && coarse.filter !== null && fine.filter.name === coarse.filter.name) filterName = fine.filter.name;
      else if (fine.filter === null && coarse.filter !== null && (fine.mask & (1 << DIMENSIONS.indexOf(coarse.filter.dimension))) !== 0) filterName = coarse.filter.name;
      else continue;
      const terms = new Map<string, string[]>();
      for (const cell of fine.cells) {
        if (fine.filter === null && coarse.filter !== null && !coarse.filter.values.includes(cell.keys.get(coarse.filter.dimension)!)) continue;
        const margin = marginIdOf(filterName, coarse.mask, cell.keys);
        terms.set(margin, [...(terms.get(margin) ?? []), cell.id]);
      }
      for (const [margin, list] of terms) {
        if (!known.has(margin) && !unknown.has(margin)) throw new Error(`answers are inconsistent: no cell ${margin}`);
        equations.push({ margin, terms: list });
      }
    }
  }
  const recovered = new Map<string, Numbers>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const { margin, terms } of equations) {
      const open = [margin, ...terms].filter((id) => !known.has(id));
      if (open.length !== 1) continue;
      const target = open[0]!;
      const sum = (ids: string[], field: keyof Numbers) => ids.reduce((s, id) => s + (known.get(id)?.[field] ?? 0), 0);
      const others = terms.filter((id) => id !== target);
      const value: Numbers =
        target === margin
          ? { applications: sum(terms, 'applications'), adopted: sum(terms, 'adopted') }
          : { applications: known.get(margin)!.applications - sum(others, 'applications'), adopted: known.get(margin)!.adopted - sum(others, 'adopted') };
      known.set(target, value);
      recovered.set(target, value);
      progress = true;
    }
  }
  return recovered;
}

/** The true table of a mask, from the generated rows (independent of the code under test). */
function truthOf(mask: number, rows: readonly AppRow[]): Map<string, Numbers> {
  const positions = dimensionsOf(mask).map((d) => DIMENSIONS.indexOf(d));
  const truth = new Map<string, Numbers>();
  for (const row of rows.filter(isCounted)) {
    const keys = keysOf(row);
    const id = latticeId(mask, positions.map((p) => keys[p]!));
    const entry = truth.get(id) ?? { applications: 0, adopted: 0 };
    entry.applications += 1;
    entry.adopted += row.status === 'ADOPTED' ? 1 : 0;
    truth.set(id, entry);
  }
  return truth;
}

const CELL_FIELDS = 'keys applications adopted adoptionRate suppressed';

// ---------------------------------------------------------------------------------------------

describe('EBPM over HTTP', () => {
  let server: TestServer;
  let staff: string;

  beforeAll(async () => {
    server = await startTestServer({
      prepare: async (db) => {
        await insertDemoCompanies(db, [owner]);
        await loadPopulation(db);
      },
    });
    staff = await server.token({ role: 'STAFF', sub: 'staff-ebpm' });
  });
  afterAll(async () => server?.close());

  const stats = async (groupBy: string[], filter?: Record<string, unknown>, token = staff) =>
    server.request<{ ebpm: { applicationStats: Cell[] } }>(
      `query($g: [EbpmDimension!]!, $f: EbpmFilter) { ebpm { applicationStats(groupBy: $g, filter: $f) { ${CELL_FIELDS} } } }`,
      { g: groupBy, f: filter ?? null },
      { token },
    );

  it('refuses every role but STAFF and ADMIN with FORBIDDEN on the ebpm field, so nothing below leaks', async () => {
    const query = `{ ebpm { disclosureThreshold applicationStats(groupBy: [MEASURE]) { keys applications } scorecard { id } } }`;
    const tokens = {
      OWNER: await server.token({ role: 'OWNER', corporateNumber: owner.corporateNumber! }),
      SUPPORTER: await server.token({ role: 'SUPPORTER', organizationId: 'org-ebpm' }),
      anonymous: undefined,
    };
    for (const [who, token] of Object.entries(tokens)) {
      const res = await server.request(query, {}, { token });
      expect(res.data, who).toBeNull();
      expect(res.errors?.map((e) => e.extensions?.code), who).toEqual(['FORBIDDEN']);
      expect(res.errors?.[0]?.path, who).toEqual(['ebpm']);
    }
    const admin = await server.request<{ ebpm: { disclosureThreshold: number } }>(query, {}, { token: await server.token({ role: 'ADMIN' }) });
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.ebpm.disclosureThreshold).toBe(THRESHOLD);
  });

  it('serves the aggregates: counted statuses only, adoption rate = adopted ÷ applications, small cells suppressed', async () => {
    const res = await stats(['MEASURE', 'STATUS']);
    expect(res.errors).toBeUndefined();
    const truth = truthOf(0b100001, applicationRows);
    const cells = res.data!.ebpm.applicationStats;
    expect(cells.length).toBe(truth.size);
    for (const cell of cells) {
      const real = truth.get(latticeId(0b100001, cell.keys))!;
      expect(real, JSON.stringify(cell.keys)).toBeDefined();
      if (real.applications < THRESHOLD) expect(cell).toMatchObject({ suppressed: true, applications: null, adopted: null, adoptionRate: null });
      if (!cell.suppressed) {
        expect(cell).toMatchObject(real);
        expect(cell.adoptionRate).toBeCloseTo(real.adopted / real.applications, 12);
      }
    }
    expect(cells.map((c) => c.keys[1])).not.toContain('DRAFT');
    // 5 adopted and 20 rejected applications of the small measure: the ADOPTED cell is primary.
    expect(cells.find((c) => c.keys[0] === SMALL_MEASURE && c.keys[1] === 'ADOPTED')).toMatchObject({ suppressed: true, applications: null });
    // drafts withdrawn before submission are not applications: 12 LIVE + the rest
    const total = await stats([]);
    expect(total.data!.ebpm.applicationStats).toEqual([
      { keys: [], applications: applicationRows.filter(isCounted).length, adopted: applicationRows.filter((r) => r.status === 'ADOPTED').length,
        adoptionRate: expect.any(Number), suppressed: false },
    ]);
    // applications without a prefecture or industry are grouped as UNKNOWN
    const byPrefecture = await stats(['PREFECTURE']);
    expect(byPrefecture.data!.ebpm.applicationStats.map((c) => c.keys[0])).toContain('UNKNOWN');
  });

  it('lets no suppressed value be recovered from any combination of the answers', async () => {
    const answers: Answer[] = [];
    const questions: Array<{ groupBy: Dimension[]; filter: (typeof ATTACK_FILTERS)[number] | null }> = masksUpTo(MAX_DIMENSIONS).map((mask) => ({ groupBy: dimensionsOf(mask), filter: null }));
    for (const filter of ATTACK_FILTERS) {
      for (const mask of masksUpTo(MAX_DIMENSIONS - 1)) {
        if ((mask & (1 << DIMENSIONS.indexOf(filter.dimension))) === 0) questions.push({ groupBy: dimensionsOf(mask), filter });
      }
    }
    for (let i = 0; i < questions.length; i += 20) {
      const chunk = questions.slice(i, i + 20);
      const query = `query { ebpm { ${chunk
        .map((q, k) => `t${k}: applicationStats(groupBy: [${q.groupBy.join(', ')}]${q.filter ? `, filter: ${JSON.stringify(q.filter.filter).replace(/"(\w+)":/g, '$1:')}` : ''}) { ${CELL_FIELDS} }`)
        .join(' ')} } }`;
      const res = await server.request<{ ebpm: Record<string, Cell[]> }>(query, {}, { token: staff });
      expect(res.errors).toBeUndefined();
      chunk.forEach((q, k) => answers.push({ ...q, cells: res.data!.ebpm[`t${k}`]! }));
    }

    let hidden = 0;
    let primary = 0;
    for (const answer of answers.filter((a) => a.filter === null)) {
      const mask = answer.groupBy.reduce((m, d) => m | (1 << DIMENSIONS.indexOf(d)), 0);
      const truth = truthOf(mask, applicationRows);
      expect(answer.cells.length, answer.groupBy.join('×')).toBe(truth.size);
      for (const cell of answer.cells) {
        const real = truth.get(latticeId(mask, cell.keys))!;
        if (real.applications < THRESHOLD) {
          expect(cell.suppressed).toBe(true);
          primary++;
        }
        if (cell.suppressed) hidden++;
        else expect({ applications: cell.applications, adopted: cell.adopted }).toEqual(real);
      }
    }
    console.log(`[ebpm test] ${answers.length} answers, ${primary} primary-sensitive cells, ${hidden} hidden`);
    expect(primary).toBeGreaterThan(50); // the population does exercise suppression
    expect(hidden).toBeGreaterThan(primary); // and complementary suppression

    // Sums of hidden cells may be known (two complements in one line add up to what the line lacks);
    // a single hidden cell of any table must never be.
    const recovered = attack(answers);
    const recoveredCells = [...recovered.keys()].filter((id) => id.startsWith('L'));
    expect(recoveredCells).toEqual([]);
  });

  it('has an attacker that does find a lone hidden cell (so the check above can fail)', async () => {
    const res = await stats(['MEASURE']);
    const cells = res.data!.ebpm.applicationStats;
    expect(cells.every((c) => !c.suppressed)).toBe(true);
    const victim = cells.find((c) => c.keys[0] === 'EBPM-B')!;
    const total = (await stats([])).data!.ebpm.applicationStats;
    const leaky: Answer[] = [
      { groupBy: [], filter: null, cells: total },
      { groupBy: ['MEASURE'], filter: null, cells: cells.map((c) => (c === victim ? { ...c, applications: null, adopted: null, adoptionRate: null, suppressed: true } : c)) },
    ];
    expect(attack(leaky).get(latticeId(1, ['EBPM-B']))).toEqual({ applications: victim.applications, adopted: victim.adopted });
  });

  it('rejects malformed questions with BAD_USER_INPUT naming the field', async () => {
    const cases: Array<[string[], Record<string, unknown> | undefined, string, RegExp]> = [
      [['MEASURE', 'MEASURE'], undefined, 'groupBy', /repeats MEASURE/],
      [['MEASURE', 'STATUS', 'PREFECTURE', 'INDUSTRY'], undefined, 'groupBy', /at most 3/],
      [['STATUS', 'INDUSTRY'], { measureIds: ['EBPM-A'], fiscalYears: [2023] }, 'filter', /groupBy and filter together may combine at most 3/],
      [['STATUS'], { prefectureCodes: ['48'] }, 'filter.prefectureCodes', /JIS X 0401/],
      [['STATUS'], { fiscalYears: [23] }, 'filter.fiscalYears', /years from/],
    ];
    for (const [groupBy, filter, field, message] of cases) {
      const res = await stats(groupBy, filter);
      expect(res.errors?.[0]?.extensions?.code, field).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.field, field).toBe(field);
      expect(res.errors?.[0]?.message).toMatch(message);
    }
  });

  it('answers repeated queries from the cached cube and includes an application submitted a moment ago', async () => {
    const liveCount = async () => {
      const res = await server.request<{ ebpm: { applicationStats: Cell[]; applicationStatsAsOf: string } }>(
        `{ ebpm { applicationStatsAsOf applicationStats(groupBy: [MEASURE, STATUS], filter: { measureIds: ["${LIVE_MEASURE}"] }) { ${CELL_FIELDS} } } }`,
        {},
        { token: staff },
      );
      expect(res.errors).toBeUndefined();
      return { cells: res.data!.ebpm.applicationStats, asOf: res.data!.ebpm.applicationStatsAsOf, statements: res.statements };
    };
    const before = await liveCount();
    expect(before.cells).toEqual([{ keys: [LIVE_MEASURE, 'SUBMITTED'], applications: 12, adopted: 0, adoptionRate: 0, suppressed: false }]);
    const again = await liveCount();
    expect(again.asOf).toBe(before.asOf);
    expect(again.statements).toBe(1); // only the data-version check

    // The company's owner starts and submits one more application through the API.
    const ownerToken = await server.token({ role: 'OWNER', corporateNumber: owner.corporateNumber! });
    const started = await server.request<{ startApplication: { id: string } }>(
      `mutation($i: StartApplicationInput!) { startApplication(input: $i) { id } }`,
      { i: { corporateNumber: owner.corporateNumber, measureId: LIVE_MEASURE, idempotencyKey: 'ebpm-live-1' } },
      { token: ownerToken },
    );
    expect(started.errors).toBeUndefined();
    const draft = await liveCount();
    expect(draft.cells[0]!.applications).toBe(12); // a DRAFT is not an application
    expect(draft.asOf).toBe(before.asOf); // and does not invalidate the cube
    const submitted = await server.request(
      `mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id status } }`,
      { i: { id: started.data!.startApplication.id, idempotencyKey: 'ebpm-live-submit' } },
      { token: ownerToken },
    );
    expect(submitted.errors).toBeUndefined();
    const after = await liveCount();
    expect(after.cells).toEqual([{ keys: [LIVE_MEASURE, 'SUBMITTED'], applications: 13, adopted: 0, adoptionRate: 0, suppressed: false }]);
    expect(after.asOf > before.asOf).toBe(true);

    // STAFF adopts it: one cell fewer SUBMITTED, a new ADOPTED cell of 1 (primary) with its complement.
    const decided = await server.request(
      `mutation($i: DecideApplicationInput!) { decideApplication(input: $i) { status } }`,
      { i: { id: started.data!.startApplication.id, status: 'ADOPTED' } },
      { token: staff },
    );
    expect(decided.errors).toBeUndefined();
    const adopted = await liveCount();
    expect(adopted.cells.map((c) => [c.keys[1], c.suppressed])).toEqual([['ADOPTED', true], ['SUBMITTED', true]]);
    const byMeasure = await stats(['MEASURE'], { measureIds: [LIVE_MEASURE] });
    expect(byMeasure.data!.ebpm.applicationStats).toEqual([{ keys: [LIVE_MEASURE], applications: 13, adopted: 1, adoptionRate: 1 / 13, suppressed: false }]);
  });

  it('recovers the injected effect of a measure from adopted vs rejected applicants (difference in differences)', async () => {
    const res = await server.request<{ ebpm: { outcome: Record<string, number | boolean | null> } }>(
      `query($m: ID!) { ebpm { outcome(measureId: $m, metric: "netSalesYen", yearsAfter: 2) {
        metric yearsAfter treatedCount controlCount treatedMissing controlMissing treatedMeanChange controlMeanChange difference
        standardError confidenceLower confidenceUpper suppressed } } }`,
      { m: DID_MEASURE },
      { token: staff },
    );
    expect(res.errors).toBeUndefined();
    const result = res.data!.ebpm.outcome;
    const expected = expectedDid();
    expect(result).toMatchObject({
      metric: 'netSalesYen', yearsAfter: 2, suppressed: false,
      treatedCount: DID_PER_GROUP - MISSING.treated, controlCount: DID_PER_GROUP - MISSING.control,
      treatedMissing: MISSING.treated, controlMissing: MISSING.control,
    });
    expect(result.treatedMeanChange).toBeCloseTo(expected.treated, 3);
    expect(result.controlMeanChange).toBeCloseTo(expected.control, 3);
    expect(result.difference).toBeCloseTo(expected.difference, 3);
    // Tolerance: ±2.5 M yen, over three standard errors (noise sd 4 M yen, 55 and 57 applicants), while
    // the 50 M yen level gap between the groups does not bias the estimate.
    expect(Math.abs((result.difference as number) - INJECTED_EFFECT_YEN)).toBeLessThan(2_500_000);
    expect(result.confidenceLower as number).toBeLessThan(INJECTED_EFFECT_YEN);
    expect(result.confidenceUpper as number).toBeGreaterThan(INJECTED_EFFECT_YEN);
  });

  it('suppresses outcomes of small groups and validates the metric, the follow-up and the measure', async () => {
    const outcome = (measureId: string, metric: string, yearsAfter?: number) =>
      server.request<{ ebpm: { outcome: Record<string, unknown> } }>(
        `query($m: ID!, $x: String!, $y: Int) { ebpm { outcome(measureId: $m, metric: $x, yearsAfter: $y) { treatedCount controlCount difference treatedMeanChange suppressed } } }`,
        { m: measureId, x: metric, y: yearsAfter ?? null },
        { token: staff },
      );
    const small = await outcome(SMALL_MEASURE, 'netSalesYen');
    expect(small.data!.ebpm.outcome).toMatchObject({ suppressed: true, difference: null, treatedMeanChange: null });
    const noFollowUp = await outcome(DID_MEASURE, 'netSalesYen', 1); // nobody filed FY2022
    expect(noFollowUp.data!.ebpm.outcome).toMatchObject({ treatedCount: 0, controlCount: 0, suppressed: true, difference: null });

    const badMetric = await outcome(DID_MEASURE, 'profit');
    expect(badMetric.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metric' });
    expect(badMetric.errors?.[0]?.message).toMatch(/netSalesYen.*laborProductivityYen/);
    const badYears = await outcome(DID_MEASURE, 'netSalesYen', 11);
    expect(badYears.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'yearsAfter' });
    const unknown = await outcome('NO-SUCH-MEASURE', 'netSalesYen');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('shows the scorecard with progress and colour, and keeps the history of recorded rates', async () => {
    const card = await server.request<{ ebpm: { scorecard: Array<{ id: string; procedure: string; currentRate: number; targetRate: number; progress: number | null; color: string }> } }>(
      `{ ebpm { scorecard { id ministry program procedure annualCount baselineRate currentRate targetRate deadline progress color } } }`,
      {},
      { token: staff },
    );
    expect(card.errors).toBeUndefined();
    const rows = card.data!.ebpm.scorecard;
    expect(rows).toHaveLength(7);
    for (const row of rows) expect(row).toMatchObject({ currentRate: 0, targetRate: 0.2, progress: 0, color: 'RED' });
    const target = rows[2]!;

    const record = (rate: number, token = staff) =>
      server.request<{ recordScorecardRate: { id: string; currentRate: number; progress: number; color: string } }>(
        `mutation($p: ID!, $r: Float!) { recordScorecardRate(procedureId: $p, rate: $r) { id currentRate progress color } }`,
        { p: target.id, r: rate },
        { token },
      );
    expect((await record(0.15)).data!.recordScorecardRate).toEqual({ id: target.id, currentRate: 0.15, progress: 0.75, color: 'GREEN' });
    expect((await record(0.2)).data!.recordScorecardRate).toMatchObject({ progress: 1, color: 'BLUE' });
    expect((await record(1.5)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rate' });
    const ownerToken = await server.token({ role: 'OWNER', corporateNumber: owner.corporateNumber! });
    expect((await record(0.3, ownerToken)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const history = await server.request<{ ebpm: { scorecardHistory: Array<{ rate: number; recordedBy: string; color: string }> } }>(
      `query($p: ID!) { ebpm { scorecardHistory(procedureId: $p) { rate recordedAt recordedBy progress color } } }`,
      { p: target.id },
      { token: staff },
    );
    expect(history.data!.ebpm.scorecardHistory.map((h) => [h.rate, h.recordedBy, h.color])).toEqual([
      [0, 'seed:scorecard-meti-smrj-fy2019.json', 'RED'],
      [0.15, 'staff-ebpm', 'GREEN'],
      [0.2, 'staff-ebpm', 'BLUE'],
    ]);
    const after = await server.request<{ ebpm: { scorecard: Array<{ id: string; currentRate: number; color: string }> } }>(`{ ebpm { scorecard { id currentRate color } } }`, {}, { token: staff });
    expect(after.data!.ebpm.scorecard.find((r) => r.id === target.id)).toMatchObject({ currentRate: 0.2, color: 'BLUE' });
    expect(after.data!.ebpm.scorecard.filter((r) => r.color === 'RED')).toHaveLength(6);

    await seedScorecard(server.database); // idempotent: a restart neither duplicates nor resets
    const again = await server.request<{ ebpm: { scorecardHistory: unknown[] } }>(`query($p: ID!) { ebpm { scorecardHistory(procedureId: $p) { rate } } }`, { p: target.id }, { token: staff });
    expect(again.data!.ebpm.scorecardHistory).toHaveLength(3);
    const missing = await server.request(`{ ebpm { scorecardHistory(procedureId: "sc-nope") { rate } } }`, {}, { token: staff });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('exports the same suppressed table as CSV (sdp export ebpm)', async () => {
    const request = parseEbpmExportOptions({ groupBy: ['prefecture,sme_category'], measure: ['EBPM-A', 'EBPM-B'] });
    const csv = await exportEbpmCsv(server.database, server.config, request);
    const api = await stats(['PREFECTURE', 'SME_CATEGORY'], { measureIds: ['EBPM-A', 'EBPM-B'] });
    const cells = api.data!.ebpm.applicationStats;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('prefecture,sme_category,applications,adopted,adoption_rate,suppressed');
    expect(lines.slice(1)).toEqual(
      cells.map((c) => [...c.keys, c.applications ?? '', c.adopted ?? '', c.adoptionRate ?? '', c.suppressed].join(',')),
    );
    expect(cells.some((c) => c.suppressed)).toBe(true);
    expect(lines.some((line) => line.endsWith(',,,,true'))).toBe(true);
  });
});
