import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { dataItem } from '../../src/modules/facts/data-items.js';
import { importGbizinfoFile } from '../../src/modules/importers/gbizinfo/gbizinfo-import.js';
import { importNtaFile } from '../../src/modules/importers/nta/nta-import.js';
import { syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The measured promise of once-only (issue 4): a company known from the NTA and gBizINFO applies to five
 * different measures of the real catalogue in a row. For each application we count the required fields the owner
 * had to type because nothing was known. For canonical data items, a field is typed at most once: from the second
 * application on, the items typed are exactly the required items never seen before. Measure-specific questions
 * (the plan, the amount applied for, …) are counted apart: they belong to one application only.
 */

const CN = '1180301018771';
const MEASURES = ['yorozu', 'jfc-katsuryoku', 'keieiryoku-kojo', 'zei-shokei-ippan', 'security-action'];

/** Valid answers for items whose form type alone does not say what a valid value looks like. */
const SAMPLE: Record<string, unknown> = {
  phone: '0565-28-2121', url: 'https://example.jp/', email: 'info@example.jp', postalCode: '4718571', prefectureCode: '23',
  industryCode: 'E31', corporateNumber: CN, invoiceRegistrationNumber: `T${CN}`, fiscalYearEnd: 3, minimumWageYen: 1100,
  officersTotal: 3, officersFromLargeEnterprises: 0, salesDeclinePercent: 10, chamberGuidanceMonths: 6, employees: 40,
  majorShareholders: JSON.stringify([{ name: '見本 一郎', ratio: 0.8, isLargeEnterprise: false }]),
  repaymentYears: 5, planYears: '3', laborProductivityGrowthPlanPercent: 3, valueAddedGrowthPlanPercent: 3, payrollGrowthPlanPercent: 2,
};

interface FormField { key: string; type: string; required: boolean; options?: string[]; multiple?: boolean }

function answerFor(field: FormField): unknown {
  if (field.key in SAMPLE) {
    const sample = SAMPLE[field.key];
    if (field.type === 'enum' && field.options && !field.options.includes(String(sample))) return field.multiple ? [field.options[0]] : field.options[0];
    return sample;
  }
  switch (field.type) {
    case 'integer': return 1;
    case 'yen': return 1_000_000;
    case 'date': return '2020-04-01';
    case 'boolean': return false;
    case 'enum': return field.multiple ? [field.options![0]] : field.options![0];
    case 'text': return `${field.key}の内容（試験）`;
    default: return `${field.key}（試験）`;
  }
}

function ntaRow(): string {
  const f = ['1', CN, '01', '0', '2024-04-01', '2015-10-05', '登録株式会社', '', '301', '愛知県', '豊田市', 'トヨタ町１番地', '', '23', '211', '4718571',
    '', '', '', '', '', '', '2015-10-05', '1', '', '', '', '', 'トウロクカブシキガイシャ', '0'];
  return f.map((v) => `"${v}"`).join(',');
}

/** temporary folders of prepare (NTA file, rejects), removed after the tests */
const scratchDirs: string[] = [];

async function prepare(db: Database): Promise<void> {
  await syncCatalogue(db);
  const dir = mkdtempSync(join(tmpdir(), 'sdp-once-scenario-'));
  scratchDirs.push(dir);
  writeFileSync(join(dir, 'nta.csv'), `${ntaRow()}\n`);
  await importNtaFile(db, join(dir, 'nta.csv'), { rejectsDir: join(dir, 'rejects') });
  await importGbizinfoFile(db, join(process.cwd(), 'tests', 'fixtures', 'gbizinfo', 'basic-categories.v2.json'));
}

interface Prefilled { key: string; required: boolean; mapped: boolean; value: unknown }

describe('once-only: five applications in a row', () => {
  let server: TestServer;
  let owner: string;
  beforeAll(async () => {
    server = await startTestServer({ prepare });
    owner = await server.token({ role: 'OWNER', corporateNumber: CN, sub: 'owner-scenario' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('asks for each canonical item at most once; from the second application only for items never seen before', async () => {
    // seen: every item some source stated before the first application (NTA registry, gBizINFO) …
    const before = await server.request<{ company: { facts: Array<{ key: string; value: unknown }> } }>(
      `query($n: String!) { company(corporateNumber: $n) { facts { key value } } }`, { n: CN }, { token: owner });
    const seen = new Set(before.data!.company.facts.filter((f) => f.value !== null).map((f) => f.key));
    expect(seen.has('address') && seen.has('capitalYen')).toBe(true);
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, measureId] of MEASURES.entries()) {
      const measure = await server.request<{ measure: { formFields: FormField[] } }>(`query($id: ID!) { measure(id: $id) { formFields { key type required } } }`, { id: measureId });
      expect(measure.errors, measureId).toBeUndefined();
      const options = await server.database.query<{ form_fields: FormField[] }>(`SELECT form_fields FROM measures WHERE id = $1`, [measureId]);
      const form = options[0].form_fields;
      const prefill = await server.request<{ prefill: { coverage: number; requiredCoverage: number; fields: Prefilled[] } }>(
        `query($n: String!, $m: ID!) { prefill(corporateNumber: $n, measureId: $m) { coverage requiredCoverage fields { key required mapped value } } }`,
        { n: CN, m: measureId }, { token: owner });
      expect(prefill.errors, measureId).toBeUndefined();
      const fields = prefill.data!.prefill.fields;
      const requiredMapped = fields.filter((f) => f.required && f.mapped);
      const typedItems = requiredMapped.filter((f) => f.value === null).map((f) => f.key);
      const typedQuestions = fields.filter((f) => f.required && !f.mapped).map((f) => f.key);
      // the promise: an item typed now was never stated by a source nor typed in an earlier application
      expect(typedItems, measureId).toEqual(requiredMapped.map((f) => f.key).filter((k) => !seen.has(k)));

      const started = await server.request<{ startApplication: { id: string } }>(
        `mutation($input: StartApplicationInput!) { startApplication(input: $input) { id } }`,
        { input: { corporateNumber: CN, measureId, idempotencyKey: `scenario-${measureId}` } }, { token: owner });
      expect(started.errors, measureId).toBeUndefined();
      const id = started.data!.startApplication.id;
      const typed = Object.fromEntries(form.filter((f) => f.required && [...typedItems, ...typedQuestions].includes(f.key)).map((f) => [f.key, answerFor(f)]));
      const saved = await server.request(`mutation($input: SaveApplicationInput!) { saveApplication(input: $input) { id } }`, { input: { id, answers: typed } }, { token: owner });
      expect(saved.errors, measureId).toBeUndefined();
      const submitted = await server.request(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { status } }`, { input: { id, idempotencyKey: `submit-${measureId}` } }, { token: owner });
      expect(submitted.errors, measureId).toBeUndefined();
      // … plus every item typed in an application (written back at submission)
      for (const key of typedItems) {
        expect(dataItem(key), key).toBeDefined();
        seen.add(key);
      }
      rows.push({
        application: i + 1, measure: measureId, fields: fields.length, required: fields.filter((f) => f.required).length,
        coverage: Math.round(prefill.data!.prefill.coverage * 100) / 100, requiredCoverage: Math.round(prefill.data!.prefill.requiredCoverage * 100) / 100,
        typedItems: typedItems.length, typedQuestions: typedQuestions.length,
      });
    }
    console.table(rows);
    // the first form asks for what neither the NTA nor gBizINFO publishes; later ones only for new items
    expect(rows[0].typedItems).toBeGreaterThan(0);
    expect(rows.slice(1).reduce((n, r) => n + (r.typedItems as number), 0)).toBeLessThan(rows.slice(1).reduce((n, r) => n + (r.required as number), 0));
  }, 120_000);
});
