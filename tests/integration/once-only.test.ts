import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { facts, financials, measures } from '../../src/db/schema/index.js';
import { buildDemoCompanies } from '../../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../../src/modules/demo/demo.service.js';
import { lastClosedFiscalYear } from '../../src/modules/facts/data-items.js';
import { importGbizinfoFile } from '../../src/modules/importers/gbizinfo/gbizinfo-import.js';
import { importNtaFile } from '../../src/modules/importers/nta/nta-import.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.js';

/**
 * Once-only over HTTP: a company known from the NTA registry and from gBizINFO; its owner records facts and
 * financials; two measures' forms are prefilled with provenance and staleness; what the first application
 * submitted is reused by the second measure's prefill.
 */

/** The fictitious company of tests/fixtures/gbizinfo (法人番号 with a valid check digit). */
const CN = '1180301018771';
const OTHER_CN = '7010401045660';
const NTA_UPDATE = '2024-04-01';
/** the latest fiscal year closed now (March year end): fresh statements */
const FY = lastClosedFiscalYear(new Date());

function ntaRow(seq: number, n: string, name: string, over: Partial<Record<string, string>> = {}): string {
  const f: Record<string, string> = {
    seq: String(seq), n, process: '01', correct: '0', updateDate: NTA_UPDATE, changeDate: '2015-10-05', name, nameImageId: '',
    kind: '301', pref: '愛知県', city: '豊田市', street: 'トヨタ町１番地', addressImageId: '', prefCode: '23', cityCode: '211', post: '4718571',
    outside: '', outsideImageId: '', closeDate: '', closeCause: '', successor: '', changeCause: '', assignmentDate: '2015-10-05', latest: '1',
    enName: '', enPref: '', enCity: '', enOutside: '', furigana: 'トウロクカブシキガイシャ', hihyoji: '0', ...over,
  };
  return Object.values(f).map((v) => `"${v}"`).join(',');
}

const FORM_A = [
  { key: 'name', label: '商号又は名称', required: true, type: 'string' },
  { key: 'address', label: '本社所在地', required: true, type: 'string' },
  { key: 'postalCode', label: '郵便番号', required: true, type: 'string' },
  { key: 'capitalYen', label: '資本金', required: true, type: 'yen' },
  { key: 'employees', label: '常時使用する従業員数', required: true, type: 'integer' },
  { key: 'phone', label: '電話番号', required: true, type: 'string' },
  { key: 'netSalesYen', label: '直近期の売上高', required: true, type: 'yen' },
  { key: 'lenderName', label: '主な取引金融機関', required: false, type: 'string' },
  { key: 'invoiceRegistrationNumber', label: '適格請求書発行事業者登録番号', required: true, type: 'string' },
  { key: 'businessPlanSummary', label: '事業計画の概要', required: true, type: 'text' },
];
const FORM_B = [
  { key: 'name', label: '商号又は名称', required: true, type: 'string' },
  { key: 'phone', label: '電話番号', required: true, type: 'string' },
  { key: 'invoiceRegistrationNumber', label: '登録番号', required: true, type: 'string' },
  { key: 'needs', label: '支援ニーズ', required: false, type: 'enum', options: ['資金繰りを改善したい', '人材育成を行いたい'], multiple: true },
  { key: 'operatingProfitYen', label: '直近期の営業利益', required: true, type: 'yen' },
  { key: 'consultationTopic', label: '相談したい内容', required: true, type: 'text' },
];

const measureRow = (id: string, title: string, formFields: unknown[]) => ({
  id, title, kind: 'SUBSIDY', agency: 'テスト庁', summary: '試験用の施策（架空）', alwaysOpen: true, criteria: [], formFields, source: 'TEST', contentHash: id,
});

/** temporary folders of prepare (NTA file, rejects), removed after the tests */
const scratchDirs: string[] = [];

async function prepare(db: Database): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sdp-once-only-'));
  scratchDirs.push(dir);
  const nta = join(dir, 'nta_once_only.csv');
  writeFileSync(nta, `${[ntaRow(1, CN, '登録株式会社'), ntaRow(2, OTHER_CN, '他社株式会社', { post: '1080075' })].join('\n')}\n`);
  await importNtaFile(db, nta, { rejectsDir: join(dir, 'rejects') });
  for (const file of ['basic-categories.v2.json', 'subsidy-quirks.v1.json', 'finance-units.v1.json']) {
    await importGbizinfoFile(db, join(process.cwd(), 'tests', 'fixtures', 'gbizinfo', file));
  }
  await insertDemoCompanies(db, buildDemoCompanies(12, 11));
  const [{ id }] = await db.query<{ id: number }>(`SELECT id FROM companies WHERE corporate_number = $1`, [CN]);
  // something stated long ago, and statements of a long-closed year: both stale whatever the day the test runs
  await db.db.insert(facts).values({ companyId: id, key: 'lenderName', value: 'テスト信用金庫', source: 'OWNER', sourceRef: 'test', asOf: new Date('2015-04-01T00:00:00+09:00') });
  await db.db.insert(financials).values({ companyId: id, fiscalYear: 2015, netSalesYen: 500_000_000, operatingProfitYen: 10_000_000, source: 'OWNER', asOf: new Date('2015-06-01T00:00:00+09:00') });
  await db.db.insert(measures).values([measureRow('once-a', '試験補助金A（架空）', FORM_A), measureRow('once-b', '試験相談B（架空）', FORM_B)]);
}

interface FactData { key: string; value: unknown; source: string; sourceRef: string | null; asOf: string }
interface PrefillData {
  coverage: number;
  requiredCoverage: number;
  missingRequired: string[];
  measure: { id: string };
  fields: Array<{ key: string; value: unknown; source: string | null; sourceRef: string | null; asOf: string | null; required: boolean; stale: boolean; mapped: boolean; fiscalYear: number | null }>;
}

const FACTS = `query($n: String!) { company(corporateNumber: $n) { name facts { key value source sourceRef asOf } } }`;
const HISTORY = `query($n: String!, $key: String) { company(corporateNumber: $n) { factHistory(key: $key) { key value source sourceRef asOf } } }`;
const UPDATE = `mutation($input: UpdateCompanyFactsInput!) { updateCompanyFacts(input: $input) { corporateNumber employees smeStatus { category } } }`;
const RECORD = `mutation($input: RecordFinancialsInput!) { recordFinancials(input: $input) { fiscalYear netSalesYen operatingProfitYen employees } }`;
const BENCHMARK = `query($n: String!, $fy: Int) { company(corporateNumber: $n) { localBenchmark(fiscalYear: $fy) {
  fiscalYear salesGrowthRate operatingMargin laborProductivityYen ebitdaDebtRatio workingCapitalTurnoverMonths equityRatio notes } } }`;
const PREFILL = `query($n: String!, $m: ID!) { prefill(corporateNumber: $n, measureId: $m) {
  coverage requiredCoverage missingRequired measure { id } fields { key value source sourceRef asOf required stale mapped fiscalYear } } }`;

const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const field = (p: PrefillData, key: string) => p.fields.find((f) => f.key === key)!;

describe('once-only over HTTP', () => {
  let server: TestServer;
  let owner: string;
  let otherOwner: string;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ prepare });
    owner = await server.token({ role: 'OWNER', corporateNumber: CN, sub: 'owner-once' });
    otherOwner = await server.token({ role: 'OWNER', corporateNumber: OTHER_CN, sub: 'owner-other' });
    admin = await server.token({ role: 'ADMIN', sub: 'admin-once' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });

  async function factsOf(token = owner): Promise<Record<string, FactData>> {
    const res = await server.request<{ company: { facts: FactData[] } }>(FACTS, { n: CN }, { token });
    expect(res.errors).toBeUndefined();
    return Object.fromEntries(res.data!.company.facts.map((f) => [f.key, f]));
  }

  it('shows the NTA registry items as facts (source NTA, file:line, NTA update date) next to gBizINFO’s', async () => {
    const res = await server.request<{ company: { name: string; facts: FactData[] } }>(FACTS, { n: CN }, { token: owner });
    expect(res.errors).toBeUndefined();
    expect(res.data!.company.name).toBe('登録株式会社'); // gBizINFO did not overwrite the registry name
    const byKey = Object.fromEntries(res.data!.company.facts.map((f) => [f.key, f]));
    for (const key of ['name', 'nameKana', 'postalCode', 'address', 'prefectureCode', 'corporateNumber', 'kind']) {
      expect(byKey[key], key).toMatchObject({ source: 'NTA', sourceRef: 'nta_once_only.csv:1', asOf: new Date(`${NTA_UPDATE}T00:00:00+09:00`).toISOString() });
    }
    expect(byKey.name.value).toBe('登録株式会社');
    expect(byKey.address.value).toBe('愛知県豊田市トヨタ町１番地');
    expect(byKey.capitalYen).toMatchObject({ value: 300_000_000, source: 'GBIZINFO', sourceRef: 'basic-categories.v2.json#/hojin-infos/0/capital_stock' });
    expect(byKey.employees).toMatchObject({ value: 250, source: 'GBIZINFO' });
    // registry facts are derived from the companies row, not stored twice
    const [{ n }] = await server.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM facts WHERE source = 'NTA'`);
    expect(n).toBe(0);
    // anonymous viewers see none of it
    const anonymous = await server.request<{ company: { facts: FactData[] } }>(FACTS, { n: CN });
    expect(anonymous.data!.company.facts).toEqual([]);
  });

  it('shows what the gBizINFO import added: support received, certifications, SME status from its figures', async () => {
    const res = await server.request<{ company: { supportReceived: Array<{ title: string; amountYen: number | null }>; certifications: Array<{ title: string }>; smeStatus: { category: string } } }>(
      `query($n: String!) { company(corporateNumber: $n) { supportReceived { title amountYen } certifications { title } smeStatus { category } } }`, { n: CN });
    expect(res.errors).toBeUndefined();
    const company = res.data!.company;
    expect(company.supportReceived).toEqual(expect.arrayContaining([{ title: '返還による負の金額', amountYen: -50000 }, { title: '金額不明', amountYen: null }]));
    expect(company.certifications.map((c) => c.title)).toEqual(expect.arrayContaining(['経営革新計画']));
    expect(company.smeStatus.category).toBe('MEDIUM'); // 製造業, 資本金3億円, 250人
  });

  it('updateCompanyFacts: the owner records items with source OWNER; the cached columns and SME category follow', async () => {
    const res = await server.request<{ updateCompanyFacts: { employees: number; smeStatus: { category: string } } }>(UPDATE, {
      input: { corporateNumber: CN, facts: [{ key: 'employees', value: 12 }, { key: 'phone', value: '0565-28-2121' }, { key: 'postalCode', value: '471-8571' }] },
    }, { token: owner });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCompanyFacts).toEqual({ corporateNumber: CN, employees: 12, smeStatus: { category: 'SMALL' } });
    const current = await factsOf();
    expect(current.employees).toMatchObject({ value: 12, source: 'OWNER', sourceRef: 'updateCompanyFacts' });
    expect(current.phone).toMatchObject({ value: '0565-28-2121', source: 'OWNER' });
    expect(current.postalCode).toMatchObject({ value: '4718571', source: 'NTA' }); // the registry stays authoritative
    const history = await server.request<{ company: { factHistory: FactData[] } }>(HISTORY, { n: CN, key: 'employees' }, { token: owner });
    expect(history.data!.company.factHistory.map((f) => [f.source, f.value])).toEqual([['OWNER', 12], ['GBIZINFO', 250], ['GBIZINFO', 70056]]); // the older gBizINFO state (2021) stays in history
  });

  it('updateCompanyFacts: a bad value or an unknown key is BAD_USER_INPUT naming it, and nothing is written', async () => {
    const bad = await server.request(UPDATE, { input: { corporateNumber: CN, facts: [{ key: 'phone', value: '03-9999-9999' }, { key: 'capitalYen', value: 1.5 }] } }, { token: owner });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('facts[1].value');
    expect(bad.errors![0].message).toMatch(/^capitalYen/);
    expect((await factsOf()).phone.value).toBe('0565-28-2121');

    const unknown = await server.request(UPDATE, { input: { corporateNumber: CN, facts: [{ key: 'favouriteColour', value: 'blue' }] } }, { token: owner });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].extensions!.field).toBe('facts[0].key');
    expect(unknown.errors![0].message).toContain('favouriteColour');

    const industry = await server.request(UPDATE, { input: { corporateNumber: CN, facts: [{ key: 'industryCode', value: 'Z99' }] } }, { token: owner });
    expect(industry.errors![0].message).toMatch(/industryCode/);
    const registry = await server.request(UPDATE, { input: { corporateNumber: CN, facts: [{ key: 'closeDate', value: '2020-01-01' }] } }, { token: owner });
    expect(registry.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'facts[0].key' });
  });

  it('updateCompanyFacts: someone else’s company is FORBIDDEN, no token is UNAUTHENTICATED, ADMIN may', async () => {
    const input = { corporateNumber: CN, facts: [{ key: 'phone', value: '03-0000-0000' }] };
    expect(codeOf(await server.request(UPDATE, { input }, { token: otherOwner }))).toBe('FORBIDDEN');
    expect(codeOf(await server.request(UPDATE, { input }))).toBe('UNAUTHENTICATED');
    const byAdmin = await server.request(UPDATE, { input: { corporateNumber: CN, facts: [{ key: 'url', value: 'https://example.jp/once' }] } }, { token: admin });
    expect(byAdmin.errors).toBeUndefined();
    expect((await factsOf()).phone.value).toBe('0565-28-2121');
  });

  it('recordFinancials keeps every version; localBenchmark computes the six indicators and explains the gaps', async () => {
    const base = { corporateNumber: CN, operatingProfitYen: 6_000_000, depreciationYen: 2_000_000, totalAssetsYen: 80_000_000, netAssetsYen: 20_000_000,
      borrowingsYen: 30_000_000, cashYen: 10_000_000, receivablesYen: 15_000_000, inventoryYen: 8_000_000, payablesYen: 11_000_000, employees: 12 };
    const previous = await server.request(RECORD, { input: { ...base, fiscalYear: FY - 1, netSalesYen: 100_000_000 } }, { token: owner });
    expect(previous.errors).toBeUndefined();
    const first = await server.request(RECORD, { input: { ...base, fiscalYear: FY, netSalesYen: 110_000_000 } }, { token: owner });
    expect(first.errors).toBeUndefined();
    const corrected = await server.request<{ recordFinancials: { netSalesYen: number; operatingProfitYen: number } }>(RECORD, { input: { corporateNumber: CN, fiscalYear: FY, netSalesYen: 120_000_000 } }, { token: owner });
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data!.recordFinancials).toMatchObject({ netSalesYen: 120_000_000, operatingProfitYen: 6_000_000 }); // left-out fields kept

    const versions = await server.request<{ company: { factHistory: FactData[] } }>(HISTORY, { n: CN, key: `financials.${FY}` }, { token: owner });
    expect(versions.data!.company.factHistory.map((f) => (f.value as { netSalesYen: number }).netSalesYen)).toEqual([120_000_000, 110_000_000]);

    const bench = await server.request<{ company: { localBenchmark: Record<string, unknown> } }>(BENCHMARK, { n: CN }, { token: owner });
    expect(bench.errors).toBeUndefined();
    const b = bench.data!.company.localBenchmark as Record<string, number> & { notes: string[] };
    expect(b.fiscalYear).toBe(FY);
    expect(b.salesGrowthRate).toBeCloseTo(0.2);
    expect(b.operatingMargin).toBeCloseTo(0.05);
    expect(b.laborProductivityYen).toBeCloseTo(500_000);
    expect(b.ebitdaDebtRatio).toBeCloseTo(2.5);
    expect(b.workingCapitalTurnoverMonths).toBeCloseTo(1.2);
    expect(b.equityRatio).toBeCloseTo(0.25);
    expect(b.notes).toEqual([]);

    const earlier = await server.request<{ company: { localBenchmark: { notes: string[]; salesGrowthRate: number | null } } }>(BENCHMARK, { n: CN, fy: 2015 }, { token: owner });
    expect(earlier.data!.company.localBenchmark.salesGrowthRate).toBeNull();
    expect(earlier.data!.company.localBenchmark.notes).toEqual(expect.arrayContaining([
      '売上高増加率: 前年度（2014年度）の決算が未登録のため計算できない',
      '労働生産性: 2015年度の従業員数が未登録のため計算できない',
    ]));

    const hidden = await server.request<{ company: { localBenchmark: unknown } }>(BENCHMARK, { n: CN }, { token: otherOwner });
    expect(hidden.data!.company.localBenchmark).toBeNull();
    expect(codeOf(hidden)).toBe('FORBIDDEN');
    const badYear = await server.request(RECORD, { input: { corporateNumber: CN, fiscalYear: 1800, netSalesYen: 1 } }, { token: owner });
    expect(badYear.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fiscalYear' });
    const negative = await server.request(RECORD, { input: { corporateNumber: CN, fiscalYear: FY, cashYen: -1 } }, { token: owner });
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cashYen' });
    expect(codeOf(await server.request(RECORD, { input: { corporateNumber: CN, fiscalYear: FY, netSalesYen: 1 } }, { token: otherOwner }))).toBe('FORBIDDEN');
  });

  it('prefill: every field with value, source, as-of and staleness, and the coverage', async () => {
    const res = await server.request<{ prefill: PrefillData }>(PREFILL, { n: CN, m: 'once-a' }, { token: owner });
    expect(res.errors).toBeUndefined();
    const p = res.data!.prefill;
    expect(p.measure.id).toBe('once-a');
    expect(p.fields.map((f) => f.key)).toEqual(FORM_A.map((f) => f.key));
    expect(field(p, 'name')).toMatchObject({ value: '登録株式会社', source: 'NTA', stale: false });
    expect(field(p, 'address')).toMatchObject({ value: '愛知県豊田市トヨタ町１番地', source: 'NTA', sourceRef: 'nta_once_only.csv:1' });
    expect(field(p, 'capitalYen')).toMatchObject({ value: 300_000_000, source: 'GBIZINFO' });
    expect(field(p, 'employees')).toMatchObject({ value: 12, source: 'OWNER', stale: false });
    expect(field(p, 'phone')).toMatchObject({ value: '0565-28-2121', source: 'OWNER', stale: false });
    expect(field(p, 'netSalesYen')).toMatchObject({ value: 120_000_000, source: 'OWNER', fiscalYear: FY, stale: false });
    expect(field(p, 'lenderName')).toMatchObject({ value: 'テスト信用金庫', stale: true }); // stated in 2015, contact items last 2 years
    expect(field(p, 'invoiceRegistrationNumber')).toMatchObject({ value: null, source: null, stale: false, mapped: true });
    expect(field(p, 'businessPlanSummary')).toMatchObject({ value: null, mapped: false });
    expect(p.coverage).toBeCloseTo(8 / 10);
    expect(p.missingRequired).toEqual(['invoiceRegistrationNumber', 'businessPlanSummary']);

    expect(codeOf(await server.request(PREFILL, { n: CN, m: 'once-a' }, { token: otherOwner }))).toBe('FORBIDDEN');
    expect(codeOf(await server.request(PREFILL, { n: CN, m: 'once-a' }))).toBe('FORBIDDEN');
    expect(codeOf(await server.request(PREFILL, { n: CN, m: 'no-such-measure' }, { token: owner }))).toBe('NOT_FOUND');
    expect(codeOf(await server.request(PREFILL, { n: '2180301018771', m: 'once-a' }, { token: owner }))).toBe('BAD_USER_INPUT');
  });

  it('marks statements of a long-closed year stale', async () => {
    const other = await server.request<{ prefill: PrefillData }>(PREFILL, { n: CN, m: 'once-b' }, { token: owner });
    // operating profit: the latest statements (this year's) win over the 2015 row
    expect(field(other.data!.prefill, 'operatingProfitYen')).toMatchObject({ value: 6_000_000, fiscalYear: FY, stale: false });
    await server.database.query(`DELETE FROM financials WHERE fiscal_year >= $1 - 1 AND company_id = (SELECT id FROM companies WHERE corporate_number = $2)`, [FY, CN]);
    const stale = await server.request<{ prefill: PrefillData }>(PREFILL, { n: CN, m: 'once-b' }, { token: owner });
    expect(field(stale.data!.prefill, 'operatingProfitYen')).toMatchObject({ value: 10_000_000, fiscalYear: 2015, stale: true });
  });

  it('a submitted application writes its answers back, and the next measure’s prefill reuses them', async () => {
    const started = await server.request<{ startApplication: { id: string; answers: Record<string, unknown> } }>(
      `mutation($input: StartApplicationInput!) { startApplication(input: $input) { id answers } }`,
      { input: { corporateNumber: CN, measureId: 'once-a', idempotencyKey: 'once-a-1' } }, { token: owner });
    expect(started.errors).toBeUndefined();
    const app = started.data!.startApplication;
    expect(app.answers).toMatchObject({ name: '登録株式会社', phone: '0565-28-2121', employees: 12 });
    const typed = { invoiceRegistrationNumber: 'T1180301018771', businessPlanSummary: '新製品の販路開拓', phone: '0565-28-9999', netSalesYen: 125_000_000 };
    const saved = await server.request(`mutation($input: SaveApplicationInput!) { saveApplication(input: $input) { id } }`, { input: { id: app.id, answers: typed } }, { token: owner });
    expect(saved.errors).toBeUndefined();
    const submitted = await server.request<{ submitApplication: { status: string; submittedAt: string } }>(
      `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { status submittedAt } }`, { input: { id: app.id, idempotencyKey: 'submit-once-a' } }, { token: owner });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitApplication.status).toBe('SUBMITTED');

    const current = await factsOf();
    expect(current.invoiceRegistrationNumber).toMatchObject({ value: 'T1180301018771', source: 'APPLICATION', sourceRef: `application:${app.id}`, asOf: submitted.data!.submitApplication.submittedAt });
    expect(current.phone).toMatchObject({ value: '0565-28-9999', source: 'APPLICATION' }); // the later answer supersedes the owner's entry
    expect(current.businessPlanSummary).toBeUndefined(); // a question of that measure only
    const phoneHistory = await server.request<{ company: { factHistory: FactData[] } }>(HISTORY, { n: CN, key: 'phone' }, { token: owner });
    expect(phoneHistory.data!.company.factHistory.map((f) => [f.source, f.value])).toEqual([['APPLICATION', '0565-28-9999'], ['OWNER', '0565-28-2121']]);

    const next = await server.request<{ prefill: PrefillData }>(PREFILL, { n: CN, m: 'once-b' }, { token: owner });
    expect(next.errors).toBeUndefined();
    const p = next.data!.prefill;
    expect(field(p, 'invoiceRegistrationNumber')).toMatchObject({ value: 'T1180301018771', source: 'APPLICATION', sourceRef: `application:${app.id}` });
    expect(field(p, 'phone')).toMatchObject({ value: '0565-28-9999', source: 'APPLICATION' });
    expect(p.missingRequired).toEqual(['consultationTopic']);
  });

  it('reads facts of many companies with a constant number of SQL statements (no N+1)', async () => {
    const query = `query($first: Int) { companies(first: $first) { edges { node { facts { key source } } } } }`;
    const few = await server.request(query, { first: 2 }, { token: admin });
    const many = await server.request(query, { first: 12 }, { token: admin });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(many.statements).toBe(few.statements);
  });
});
