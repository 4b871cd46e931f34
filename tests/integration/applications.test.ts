import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { companies, facts, measureRounds, measures } from '../../src/db/schema/index.js';
import { corporateNumberFromBase } from '../../src/modules/company/corporate-number.js';
import { classifySme, type CorporateKindName, type MajorShareholder } from '../../src/modules/company/sme-classification.js';
import { syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.js';

/**
 * Applications over HTTP: the whole lifecycle with its history, idempotency, refused transitions, required
 * fields, every automatic check, who may decide and read, the once-only write-back, concurrency and N+1.
 *
 * Measures: the real catalogue (syncCatalogue), plus two subsidies inserted here whose windows are placed
 * relative to the test run (one open now, one closed now), so window checks do not depend on the date.
 */

const DAY = 24 * 60 * 60 * 1000;
const startedAt = Date.now();

interface FixtureCompany {
  key: string;
  corporateNumber: string;
  name: string;
  kind: CorporateKindName;
  industryCode: string | null;
  capitalYen: number | null;
  employees: number | null;
  closeDate?: string;
  closeCause?: string;
  successorCorporateNumber?: string;
  majorShareholders?: MajorShareholder[];
}

const number = (n: number) => corporateNumberFromBase(String(700000000000 + n));

const COMPANIES: FixtureCompany[] = [
  { key: 'small', corporateNumber: number(1), name: 'テスト精工株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: 8 },
  { key: 'deemed', corporateNumber: number(2), name: 'テスト子会社株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 50_000_000, employees: 40, majorShareholders: [{ name: '架空重工株式会社', ratio: 0.6, isLargeEnterprise: true }] },
  { key: 'large', corporateNumber: number(3), name: 'テスト大手株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 500_000_000, employees: 900 },
  { key: 'unknown', corporateNumber: number(4), name: 'テスト不明株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: null, capitalYen: null, employees: null },
  { key: 'closed', corporateNumber: number(5), name: 'テスト閉鎖株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: 8, closeDate: '2025-03-31', closeCause: '11', successorCorporateNumber: number(1) },
  { key: 'other', corporateNumber: number(6), name: 'テスト他社株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'I58', capitalYen: 5_000_000, employees: 3 },
  { key: 'busy', corporateNumber: number(7), name: 'テスト多忙株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: 8 },
  { key: 'growing', corporateNumber: number(8), name: 'テスト成長株式会社（架空）', kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: 8 },
];
const company = (key: string) => COMPANIES.find((c) => c.key === key)!;

const SME_CRITERIA = [
  { id: 'test.sme', description: '中小企業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL', 'MEDIUM'] } },
  { id: 'test.not-deemed-large', description: 'みなし大企業に該当しないこと', hard: true, rule: { item: 'deemedLarge', eq: false } },
];
const FORM = [
  { key: 'name', label: '名称', required: true, type: 'string' },
  { key: 'postalCode', label: '郵便番号', required: true, type: 'string' },
  { key: 'representativeName', label: '代表者氏名', required: true, type: 'string' },
  { key: 'capitalYen', label: '資本金', required: true, type: 'yen' },
  { key: 'employees', label: '従業員数', required: true, type: 'integer' },
  { key: 'businessPlanSummary', label: '経営計画の概要', required: true, type: 'text' },
  { key: 'requestedAmountYen', label: '補助金申請額', required: false, type: 'yen' },
];

async function prepare(db: Database): Promise<void> {
  await syncCatalogue(db);
  const asOf = new Date(startedAt - 30 * DAY);
  for (const c of COMPANIES) {
    const sme = classifySme({ kind: c.kind, industryCode: c.industryCode, capitalYen: c.capitalYen, employees: c.employees, majorShareholders: c.majorShareholders ?? null, officersTotal: c.majorShareholders ? 3 : null, officersFromLargeEnterprises: c.majorShareholders ? 0 : null });
    const [row] = await db.db.insert(companies).values({
      corporateNumber: c.corporateNumber, name: c.name, kind: c.kind, kindCode: '301', prefectureCode: '13', prefectureName: '東京都', cityName: '千代田区', street: '千代田1-1',
      postalCode: '1000001', industryCode: c.industryCode, capitalYen: c.capitalYen, employees: c.employees, representativeName: '試験 太郎',
      closeDate: c.closeDate ?? null, closeCause: c.closeCause ?? null, successorCorporateNumber: c.successorCorporateNumber ?? null,
      smeCategory: sme.category, deemedLarge: sme.deemedLarge,
    }).returning({ id: companies.id });
    const stated: Array<[string, unknown]> = [
      ['postalCode', '1000001'], ['representativeName', '試験 太郎'], ['capitalYen', c.capitalYen], ['employees', c.employees], ['industryCode', c.industryCode],
      ['majorShareholders', c.majorShareholders ?? null], ['officersTotal', c.majorShareholders ? 3 : null], ['officersFromLargeEnterprises', c.majorShareholders ? 0 : null],
    ];
    const values = stated.filter(([, v]) => v !== null).map(([key, value]) => ({ companyId: row!.id, key, value, source: 'OWNER', sourceRef: 'test fixture', asOf }));
    await db.db.insert(facts).values(values);
  }
  const testMeasure = (id: string, title: string) => ({
    id, title, kind: 'SUBSIDY', agency: 'テスト庁', summary: '試験用の補助金（架空）', maxAmountYen: 2_000_000, subsidyRate: '2/3', url: 'https://example.invalid/',
    alwaysOpen: false, exclusionMonths: 12, criteria: SME_CRITERIA, formFields: FORM, source: 'TEST', contentHash: id,
  });
  await db.db.insert(measures).values([testMeasure('test-open', '試験補助金（受付中）'), testMeasure('test-closed', '試験補助金（受付期間外）')]);
  await db.db.insert(measureRounds).values([
    { id: 'test-open:r1', measureId: 'test-open', label: '第1回', acceptingFrom: new Date(startedAt - 10 * DAY), acceptingUntil: new Date(startedAt + 10 * DAY), maxAmountYen: 1_500_000 },
    { id: 'test-closed:r1', measureId: 'test-closed', label: '第1回', acceptingFrom: new Date(startedAt - 100 * DAY), acceptingUntil: new Date(startedAt - 60 * DAY) },
    { id: 'test-closed:r2', measureId: 'test-closed', label: '第2回', acceptingFrom: new Date(startedAt + 20 * DAY), acceptingUntil: new Date(startedAt + 60 * DAY) },
  ]);
}

const APPLICATION_FIELDS = `id status answers requestedAmountYen grantedAmountYen submittedAt decidedAt fiscalYear roundId
  company { corporateNumber } measure { id title } history { at from to actor note } flags { code detail }`;

interface ApplicationData {
  id: string;
  status: string;
  answers: Record<string, unknown>;
  requestedAmountYen: number | null;
  grantedAmountYen: number | null;
  submittedAt: string | null;
  decidedAt: string | null;
  fiscalYear: number;
  roundId: string | null;
  company: { corporateNumber: string };
  measure: { id: string; title: string };
  history: Array<{ at: string; from: string | null; to: string; actor: string; note: string | null }>;
  flags: Array<{ code: string; detail: string }>;
}

const START = `mutation($input: StartApplicationInput!) { startApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const SAVE = `mutation($input: SaveApplicationInput!) { saveApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const DECIDE = `mutation($input: DecideApplicationInput!) { decideApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!, $note: String) { withdrawApplication(id: $id, note: $note) { ${APPLICATION_FIELDS} } }`;
const GET = `query($id: ID!) { application(id: $id) { ${APPLICATION_FIELDS} } }`;

function codeOf(res: GraphQLResponse<unknown>): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

describe('applications over HTTP', () => {
  let server: TestServer;
  const owners: Record<string, string> = {};
  let staff: string;
  let admin: string;
  let keyCounter = 0;
  const newKey = () => `key-${++keyCounter}`;

  beforeAll(async () => {
    server = await startTestServer({ prepare });
    for (const c of COMPANIES) owners[c.key] = await server.token({ role: 'OWNER', corporateNumber: c.corporateNumber, sub: `owner-${c.key}` });
    staff = await server.token({ role: 'STAFF', sub: 'staff-1' });
    admin = await server.token({ role: 'ADMIN', sub: 'admin-1' });
  });
  afterAll(async () => server?.close());

  async function start(owner: string, measureId: string, idempotencyKey = newKey(), token = owners[owner]) {
    return server.request<{ startApplication: ApplicationData }>(START, { input: { corporateNumber: company(owner).corporateNumber, measureId, idempotencyKey } }, { token });
  }
  async function save(owner: string, id: string, answers: unknown, token = owners[owner]) {
    return server.request<{ saveApplication: ApplicationData }>(SAVE, { input: { id, answers } }, { token });
  }
  async function submit(owner: string, id: string, idempotencyKey = newKey(), token = owners[owner]) {
    return server.request<{ submitApplication: ApplicationData }>(SUBMIT, { input: { id, idempotencyKey } }, { token });
  }
  async function decide(id: string, status: string, grantedAmountYen?: number, note?: string, token = staff) {
    return server.request<{ decideApplication: ApplicationData }>(DECIDE, { input: { id, status, grantedAmountYen, note } }, { token });
  }
  /** starts, completes and submits an application; returns the submitted application */
  async function submitted(owner: string, measureId: string, extra: Record<string, unknown> = {}): Promise<ApplicationData> {
    const started = await start(owner, measureId);
    expect(started.errors).toBeUndefined();
    const id = started.data!.startApplication.id;
    const saved = await save(owner, id, { businessPlanSummary: '新製品の販路開拓', postalCode: '1000001', ...extra });
    expect(saved.errors).toBeUndefined();
    const res = await submit(owner, id);
    expect(res.errors).toBeUndefined();
    return res.data!.submitApplication;
  }

  it('goes through its whole life: prefilled draft, required fields, save, submit, adoption, with history', async () => {
    const started = await start('small', 'test-open', 'life-1');
    expect(started.errors).toBeUndefined();
    const draft = started.data!.startApplication;
    expect(draft).toMatchObject({ status: 'DRAFT', submittedAt: null, company: { corporateNumber: company('small').corporateNumber }, measure: { id: 'test-open' }, roundId: 'test-open:r1' });
    // once-only: known facts are already in the form
    expect(draft.answers).toMatchObject({ name: company('small').name, representativeName: '試験 太郎', capitalYen: 10_000_000, employees: 8 });
    expect(draft.answers).not.toHaveProperty('businessPlanSummary');
    const unanswered = FORM.filter((f) => f.required && !(f.key in draft.answers)).map((f) => f.key);
    expect(unanswered).toContain('businessPlanSummary');
    expect(draft.history).toEqual([expect.objectContaining({ from: null, to: 'DRAFT', actor: 'owner-small' })]);
    expect(draft.flags).toEqual([]);

    const incomplete = await submit('small', draft.id);
    expect(codeOf(incomplete)).toBe('BAD_USER_INPUT');
    expect(incomplete.errors![0].extensions!.missing).toEqual(unanswered);
    expect(incomplete.errors![0].message).toContain('経営計画の概要 (businessPlanSummary)');
    const stillDraft = await server.request<{ application: ApplicationData }>(GET, { id: draft.id }, { token: owners.small });
    expect(stillDraft.data!.application).toMatchObject({ status: 'DRAFT', history: [expect.objectContaining({ to: 'DRAFT' })] });

    const saved = await save('small', draft.id, { businessPlanSummary: '新製品の販路開拓', employees: 9, requestedAmountYen: 1_200_000, postalCode: '100-0001' });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveApplication.answers).toMatchObject({ businessPlanSummary: '新製品の販路開拓', employees: 9, postalCode: '1000001', capitalYen: 10_000_000 });

    const sent = await submit('small', draft.id, 'submit-life-1');
    expect(sent.errors).toBeUndefined();
    const app = sent.data!.submitApplication;
    expect(app).toMatchObject({ status: 'SUBMITTED', requestedAmountYen: 1_200_000, flags: [], roundId: 'test-open:r1' });
    expect(Date.parse(app.submittedAt!)).toBeGreaterThanOrEqual(startedAt);
    const tokyo = new Date(Date.parse(app.submittedAt!) + 9 * 3600 * 1000);
    expect(app.fiscalYear).toBe(tokyo.getUTCMonth() < 3 ? tokyo.getUTCFullYear() - 1 : tokyo.getUTCFullYear());
    expect(app.history.map((e) => [e.from, e.to, e.actor])).toEqual([[null, 'DRAFT', 'owner-small'], ['DRAFT', 'SUBMITTED', 'owner-small']]);

    const tooMuch = await decide(app.id, 'ADOPTED', 1_500_001);
    expect(codeOf(tooMuch)).toBe('BAD_USER_INPUT');
    expect(tooMuch.errors![0].extensions!.field).toBe('input.grantedAmountYen');

    const adopted = await decide(app.id, 'ADOPTED', 1_000_000, '審査の結果、採択');
    expect(adopted.errors).toBeUndefined();
    expect(adopted.data!.decideApplication).toMatchObject({ status: 'ADOPTED', grantedAmountYen: 1_000_000 });
    expect(adopted.data!.decideApplication.decidedAt).not.toBeNull();
    expect(adopted.data!.decideApplication.history.map((e) => [e.from, e.to, e.actor, e.note])).toEqual([
      [null, 'DRAFT', 'owner-small', expect.any(String)],
      ['DRAFT', 'SUBMITTED', 'owner-small', '提出（自動チェックの該当なし）'],
      ['SUBMITTED', 'ADOPTED', 'staff-1', '審査の結果、採択'],
    ]);

    // the adoption is support received, visible on the company (public, as gBizINFO publishes it)
    const received = await server.request<{ company: { supportReceived: Array<{ title: string; amountYen: number; measure: { id: string } | null }> } }>(
      `query($n: String!) { company(corporateNumber: $n) { supportReceived { title amountYen measure { id } } } }`, { n: company('small').corporateNumber });
    expect(received.errors).toBeUndefined();
    expect(received.data!.company.supportReceived).toContainEqual({ title: '試験補助金（受付中）（第1回）', amountYen: 1_000_000, measure: { id: 'test-open' } });
  });

  it('writes the submitted answers back to the company facts as APPLICATION values (once-only)', async () => {
    const app = (await server.request<{ company: { applications: { edges: Array<{ node: { id: string } }> } } }>(
      `query($n: String!) { company(corporateNumber: $n) { applications(first: 1) { edges { node { id } } } } }`, { n: company('small').corporateNumber }, { token: owners.small })).data!.company.applications.edges[0].node;
    const res = await server.request<{ company: { employees: number; facts: Array<{ key: string; value: unknown; source: string; sourceRef: string | null }> } }>(
      `query($n: String!) { company(corporateNumber: $n) { employees facts { key value source sourceRef } } }`, { n: company('small').corporateNumber }, { token: owners.small });
    expect(res.errors).toBeUndefined();
    const byKey = new Map(res.data!.company.facts.map((f) => [f.key, f]));
    expect(byKey.get('employees')).toMatchObject({ value: 9, source: 'APPLICATION', sourceRef: `application:${app.id}` });
    expect(byKey.get('requestedAmountYen')?.source ?? null).not.toBe('APPLICATION'); // a measure-specific answer stays in the application
    expect(res.data!.company.employees).toBe(9);
    // the next draft is prefilled with the submitted value
    const next = await start('small', 'test-closed');
    expect(next.data!.startApplication.answers).toMatchObject({ employees: 9 });
  });

  it('is idempotent: the same start key returns the same draft, another input with it is a CONFLICT', async () => {
    const first = await start('other', 'test-open', 'idem-1');
    const again = await start('other', 'test-open', 'idem-1');
    expect(again.errors).toBeUndefined();
    expect(again.data!.startApplication.id).toBe(first.data!.startApplication.id);
    expect(again.data!.startApplication.history).toHaveLength(1);
    const different = await start('other', 'test-closed', 'idem-1');
    expect(codeOf(different)).toBe('CONFLICT');
    // the key is per actor: the admin may use the same key for its own start
    const byAdmin = await start('other', 'test-closed', 'idem-1', admin);
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data!.startApplication.id).not.toBe(first.data!.startApplication.id);
    expect(byAdmin.data!.startApplication.history[0].actor).toBe('admin-1');
  });

  it('is idempotent on submit: the same key returns the application unchanged, another key is a CONFLICT', async () => {
    const started = await start('other', 'yorozu');
    const id = started.data!.startApplication.id;
    expect((await save('other', id, { phone: '03-0000-0000', consultationTopic: '販路開拓の相談' })).errors).toBeUndefined();
    const once = await submit('other', id, 'submit-same');
    expect(once.errors).toBeUndefined();
    const twice = await submit('other', id, 'submit-same');
    expect(twice.errors).toBeUndefined();
    expect(twice.data!.submitApplication).toEqual(once.data!.submitApplication);
    expect(twice.data!.submitApplication.history.filter((e) => e.to === 'SUBMITTED')).toHaveLength(1);
    const otherKey = await submit('other', id, 'submit-other');
    expect(codeOf(otherKey)).toBe('CONFLICT');
    expect(otherKey.errors![0].extensions).toMatchObject({ currentStatus: 'SUBMITTED', requestedStatus: 'SUBMITTED' });
  });

  it('refuses transitions the lifecycle does not allow with CONFLICT naming both statuses', async () => {
    const started = await start('other', 'test-open');
    const id = started.data!.startApplication.id;
    const decideDraft = await decide(id, 'ADOPTED');
    expect(codeOf(decideDraft)).toBe('CONFLICT');
    expect(decideDraft.errors![0].extensions).toMatchObject({ currentStatus: 'DRAFT', requestedStatus: 'ADOPTED' });
    const withdrawn = await server.request<{ withdrawApplication: ApplicationData }>(WITHDRAW, { id, note: '計画を見直すため' }, { token: owners.other });
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data!.withdrawApplication.history.map((e) => [e.from, e.to, e.note])).toEqual([[null, 'DRAFT', expect.any(String)], ['DRAFT', 'WITHDRAWN', '計画を見直すため']]);
    const again = await server.request(WITHDRAW, { id }, { token: owners.other });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions).toMatchObject({ currentStatus: 'WITHDRAWN', requestedStatus: 'WITHDRAWN' });
    const submitWithdrawn = await submit('other', id);
    expect(codeOf(submitWithdrawn)).toBe('CONFLICT');
    const saveWithdrawn = await save('other', id, { businessPlanSummary: 'x' });
    expect(codeOf(saveWithdrawn)).toBe('CONFLICT');
    expect(saveWithdrawn.errors![0].extensions).toMatchObject({ currentStatus: 'WITHDRAWN', operation: 'saveApplication' });

    const rejected = await submitted('other', 'test-open');
    expect((await decide(rejected.id, 'REJECTED', undefined, '要件を満たさない')).data!.decideApplication.status).toBe('REJECTED');
    expect(codeOf(await decide(rejected.id, 'ADOPTED'))).toBe('CONFLICT');
    expect(codeOf(await server.request(WITHDRAW, { id: rejected.id }, { token: owners.other }))).toBe('CONFLICT');
    expect(codeOf(await decide(rejected.id, 'WITHDRAWN'))).toBe('BAD_USER_INPUT');
  });

  it('validates answers: a JSON object, form keys only, values of the field type', async () => {
    const id = (await start('other', 'test-open')).data!.startApplication.id;
    const notObject = await save('other', id, ['a']);
    expect(notObject.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answers' });
    const unknownKey = await save('other', id, { favouriteColour: 'blue' });
    expect(unknownKey.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answers.favouriteColour' });
    const badValue = await save('other', id, { employees: 'many' });
    expect(badValue.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answers.employees' });
    const normalised = await save('other', id, { postalCode: '100-0005', employees: null });
    expect(normalised.data!.saveApplication.answers).toMatchObject({ postalCode: '1000005', employees: null });
    const missing = await submit('other', id);
    expect(missing.errors![0].extensions!.missing).toEqual(['employees', 'businessPlanSummary']);
  });

  it('raises DOUBLE_RECEIPT for a measure already received within its exclusion period (live on the draft, stored at submission)', async () => {
    const started = await start('small', 'test-open');
    expect(started.data!.startApplication.flags.map((f) => f.code)).toEqual(['DOUBLE_RECEIPT']);
    const app = await submitted('small', 'test-open');
    const double = app.flags.filter((f) => f.code === 'DOUBLE_RECEIPT');
    expect(double.length).toBeGreaterThanOrEqual(1);
    expect(double[0].detail).toContain('12か月');
  });

  it('raises DEEMED_LARGE naming the test that fired', async () => {
    const app = await submitted('deemed', 'test-open');
    expect(app.flags.map((f) => f.code)).toEqual(['DEEMED_LARGE']);
    expect(app.flags[0].detail).toContain('SINGLE_LARGE_OWNER');
    expect(app.flags[0].detail).toContain('架空重工株式会社');
  });

  it('raises NOT_SME for a large company and copies its SME category for EBPM', async () => {
    const app = await submitted('large', 'test-open');
    expect(app.flags.map((f) => f.code)).toEqual(['NOT_SME']);
    expect(app.flags[0].detail).toContain('大企業');
    const [row] = await server.database.query<{ sme_category: string; prefecture_code: string; industry_code: string }>(
      'SELECT sme_category, prefecture_code, industry_code FROM applications WHERE id = $1', [Number(app.id)]);
    expect(row).toEqual({ sme_category: 'LARGE', prefecture_code: '13', industry_code: 'E24' });
  });

  it('raises SME_UNDETERMINED saying which data is missing', async () => {
    const started = await start('unknown', 'shokei-center');
    const id = started.data!.startApplication.id;
    expect((await save('unknown', id, { phone: '03-0000-0000', consultationTopic: '後継者への承継' })).errors).toBeUndefined();
    const res = await submit('unknown', id);
    expect(res.errors).toBeUndefined();
    const flags = res.data!.submitApplication.flags;
    expect(flags.map((f) => f.code)).toEqual(['SME_UNDETERMINED']);
    expect(flags[0].detail).toContain('industryCode');
  });

  it('raises CLOSED_COMPANY with the date and the successor', async () => {
    const app = await submitted('closed', 'test-open');
    expect(app.flags.map((f) => f.code)).toEqual(['CLOSED_COMPANY']);
    expect(app.flags[0].detail).toContain('2025-03-31');
    expect(app.flags[0].detail).toContain(company('small').corporateNumber);
  });

  it('raises OUTSIDE_WINDOW naming the nearest window', async () => {
    const app = await submitted('other', 'test-closed');
    expect(app.flags.map((f) => f.code)).toEqual(['OUTSIDE_WINDOW']);
    expect(app.flags[0].detail).toContain('第2回');
    expect(app.flags[0].detail).toContain('受付開始前');
    expect(app.roundId).toBe('test-closed:r2');
  });

  it('checks the company again at decision: a company that grew large since submission gets NOT_SME added', async () => {
    const app = await submitted('growing', 'test-open');
    expect(app.flags).toEqual([]);
    const [{ id: companyId }] = await server.database.query<{ id: number }>('SELECT id FROM companies WHERE corporate_number = $1', [company('growing').corporateNumber]);
    const later = new Date(Date.now() + 1000).toISOString();
    await server.database.query(
      `INSERT INTO facts (company_id, key, value, source, source_ref, as_of) VALUES ($1, 'capitalYen', '500000000'::jsonb, 'OWNER', 'test', $2), ($1, 'employees', '900'::jsonb, 'OWNER', 'test', $2)`,
      [companyId, later],
    );
    const decided = await decide(app.id, 'ADOPTED', 500_000);
    expect(decided.errors).toBeUndefined();
    const flags = decided.data!.decideApplication.flags;
    expect(flags.map((f) => f.code)).toEqual(['NOT_SME']);
    expect(flags[0].detail).toContain('決定時の再判定で検出');
  });

  it('lets only STAFF or ADMIN decide', async () => {
    const app = await submitted('busy', 'test-open');
    const byOwner = await decide(app.id, 'ADOPTED', 100, undefined, owners.busy);
    expect(codeOf(byOwner)).toBe('FORBIDDEN');
    const anonymous = await server.request(DECIDE, { input: { id: app.id, status: 'REJECTED' } });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const supporter = await server.token({ role: 'SUPPORTER', sub: 'sup-1', organizationId: 'org-1' });
    expect(codeOf(await decide(app.id, 'REJECTED', undefined, undefined, supporter))).toBe('FORBIDDEN');
    const byAdmin = await decide(app.id, 'REJECTED', undefined, undefined, admin);
    expect(byAdmin.data!.decideApplication.history.at(-1)).toMatchObject({ from: 'SUBMITTED', to: 'REJECTED', actor: 'admin-1' });
  });

  it("hides a company's applications from another company's owner and from anonymous viewers", async () => {
    const app = await submitted('busy', 'test-open');
    const byOther = await server.request<{ application: ApplicationData | null }>(GET, { id: app.id }, { token: owners.other });
    expect(codeOf(byOther)).toBe('FORBIDDEN');
    expect(byOther.data?.application ?? null).toBeNull();
    expect(codeOf(await server.request(GET, { id: app.id }))).toBe('FORBIDDEN');
    const listQuery = `query($n: String!) { company(corporateNumber: $n) { name applications { totalCount edges { node { id answers } } pageInfo { hasNextPage } } } }`;
    const list = await server.request<{ company: { name: string; applications: { totalCount: number; edges: unknown[] } } }>(listQuery, { n: company('busy').corporateNumber }, { token: owners.other });
    expect(list.errors).toBeUndefined();
    expect(list.data!.company.applications).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
    const supporter = await server.token({ role: 'SUPPORTER', sub: 'sup-2', organizationId: 'org-without-consent' });
    const bySupporter = await server.request<{ company: { applications: { totalCount: number } } }>(listQuery, { n: company('busy').corporateNumber }, { token: supporter });
    expect(bySupporter.data!.company.applications.totalCount).toBe(0);
    expect(codeOf(await server.request(GET, { id: app.id }, { token: supporter }))).toBe('FORBIDDEN');
    const own = await server.request<{ company: { applications: { totalCount: number; edges: Array<{ node: { id: string; answers: Record<string, unknown> } }> } } }>(listQuery, { n: company('busy').corporateNumber }, { token: owners.busy });
    expect(own.data!.company.applications.totalCount).toBeGreaterThanOrEqual(2);
    expect(own.data!.company.applications.edges[0].node.id).toBe(app.id); // newest first
    expect(own.data!.company.applications.edges[0].node.answers).toMatchObject({ businessPlanSummary: '新製品の販路開拓' });
    // others may not act on it either
    expect(codeOf(await save('other', app.id, { businessPlanSummary: 'x' }, owners.other))).toBe('FORBIDDEN');
    expect(codeOf(await server.request(WITHDRAW, { id: app.id }, { token: owners.other }))).toBe('FORBIDDEN');
    expect(codeOf(await start('busy', 'test-open', newKey(), owners.other))).toBe('FORBIDDEN');
    // staff read it for their duties
    const byStaff = await server.request<{ application: ApplicationData }>(GET, { id: app.id }, { token: staff });
    expect(byStaff.data!.application.answers).toMatchObject({ businessPlanSummary: '新製品の販路開拓' });
  });

  it('answers NOT_FOUND for an unknown measure or application and null for an unknown id query', async () => {
    expect(codeOf(await start('busy', 'no-such-measure'))).toBe('NOT_FOUND');
    expect(codeOf(await submit('busy', '999999'))).toBe('NOT_FOUND');
    const none = await server.request<{ application: null }>(GET, { id: '999999' }, { token: staff });
    expect(none.errors).toBeUndefined();
    expect(none.data!.application).toBeNull();
    expect(codeOf(await server.request(GET, { id: 'abc' }, { token: staff }))).toBe('BAD_USER_INPUT');
  });

  it('pages through applications newest first with cursors', async () => {
    const query = `query($n: String!, $after: String) { company(corporateNumber: $n) { applications(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 20; i += 1) {
      const res: GraphQLResponse<{ company: { applications: { totalCount: number; edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }> =
        await server.request(query, { n: company('other').corporateNumber, after }, { token: owners.other });
      expect(res.errors).toBeUndefined();
      total = res.data!.company.applications.totalCount;
      seen.push(...res.data!.company.applications.edges.map((e) => e.node.id));
      if (!res.data!.company.applications.pageInfo.hasNextPage) break;
      after = res.data!.company.applications.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(total).toBeGreaterThan(3);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
  });

  it('creates one application for concurrent starts with the same key, and one SUBMITTED event for 100 concurrent submissions', async () => {
    const starts = await Promise.all(Array.from({ length: 20 }, () => start('busy', 'test-open', 'race-start')));
    for (const res of starts) expect(res.errors).toBeUndefined();
    const ids = new Set(starts.map((res) => res.data!.startApplication.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const [{ n }] = await server.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE created_by = 'owner-busy' AND start_key = 'race-start'`);
    expect(Number(n)).toBe(1);
    expect((await save('busy', id, { businessPlanSummary: '同時提出の試験', postalCode: '1000001' })).errors).toBeUndefined();

    const submissions = await Promise.all(Array.from({ length: 100 }, () => submit('busy', id, 'race-submit')));
    for (const res of submissions) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.submitApplication).toMatchObject({ id, status: 'SUBMITTED' });
    }
    const events = await server.database.query<{ to_status: string }>('SELECT to_status FROM application_events WHERE application_id = $1 ORDER BY id', [Number(id)]);
    expect(events.map((e) => e.to_status)).toEqual(['DRAFT', 'SUBMITTED']);
    const writes = await server.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM facts WHERE source_ref = $1`, [`application:${id}`]);
    expect(Number(writes[0].n)).toBeGreaterThan(0);
  });

  it('reads nested applications with a constant number of SQL statements (no N+1)', async () => {
    const query = `query($first: Int) { companies(first: $first) { edges { node { name applications(first: 10) { totalCount edges { node {
      id status answers measure { title } company { name } history { to actor } flags { code } } } } } } } }`;
    const small = await server.request(query, { first: 2 }, { token: staff });
    const large = await server.request(query, { first: 7 }, { token: staff });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.statements).toBe(small.statements);
  });
});
