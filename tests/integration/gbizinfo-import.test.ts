import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { importGbizinfoFile, type GbizinfoImportSummary } from '../../src/modules/importers/gbizinfo/gbizinfo-import.js';
import { freshDatabase } from '../helpers/database.js';

const FIXTURES = join(process.cwd(), 'tests', 'fixtures', 'gbizinfo');
const REAL = join(process.cwd(), '..', 'shared', 'data', 'real', 'gbizinfo');
const NOW = new Date('2026-05-01T00:00:00+09:00');


async function counts(db: Database) {
  const [row] = await db.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM companies) AS companies, (SELECT count(*)::int FROM facts) AS facts,
    (SELECT count(*)::int FROM financials) AS financials, (SELECT count(*)::int FROM certifications) AS certifications,
    (SELECT count(*)::int FROM support_records) AS support`);
  return row;
}

const fixture = (name: string) => join(FIXTURES, name);

describe('gBizINFO import (fixtures)', () => {
  let db: Database;
  let rejectsDir: string;
  beforeAll(async () => {
    db = await freshDatabase('sdp_gbiz');
    rejectsDir = mkdtempSync(join(tmpdir(), 'sdp-gbiz-rejects-'));
    // a company the NTA registered: its registry columns must stay as the NTA published them
    await db.query(`INSERT INTO companies (corporate_number, name, kind, kind_code, prefecture_code, prefecture_name, city_name, street, postal_code, nta_update_date)
      VALUES ('7010401045660', '財務フィクスチャ株式会社', 'KABUSHIKI_KAISHA', '301', '13', '東京都', '港区', '港南１丁目７番１号', '1080075', '2024-04-01')`);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    rmSync(rejectsDir, { recursive: true, force: true });
  });

  it('creates an unknown company from basic info and states its items as GBIZINFO facts with file and path', async () => {
    const s = await importGbizinfoFile(db, fixture('basic-categories.v2.json'), { now: NOW, rejectsDir });
    expect(s).toMatchObject({ ok: true, documents: 1, companiesCreated: 1, rejected: 0, certificationsAdded: 2 });
    expect(s.notStored).toEqual({ commendations: 1, procurements: 0, establishments: 1 });
    const [company] = await db.query<Record<string, unknown>>(`SELECT * FROM companies WHERE corporate_number = '1180301018771'`);
    expect(company).toMatchObject({
      name: 'カテゴリ全部株式会社', kind: 'KABUSHIKI_KAISHA', prefecture_code: '23', prefecture_name: '愛知県', street: '豊田市トヨタ町1番地',
      postal_code: '4718571', industry_code: 'E', employees: 250, representative_name: '代表取締役\u3000見本\u3000一郎',
    });
    expect(Number(company.capital_yen)).toBe(300_000_000);
    expect(company.nta_update_date).toBeNull();
    expect(company.sme_category).toBe('MEDIUM'); // 製造業: capital 3億円 ≤ 3億円, 250 employees
    const facts = await db.query<{ key: string; value: unknown; source: string; source_ref: string }>(
      `SELECT key, value, source, source_ref FROM facts WHERE company_id = $1 ORDER BY key`, [company.id]);
    const byKey = Object.fromEntries(facts.map((f) => [f.key, f]));
    expect(byKey.capitalYen).toMatchObject({ value: 300000000, source: 'GBIZINFO', source_ref: 'basic-categories.v2.json#/hojin-infos/0/capital_stock' });
    expect(byKey.establishedOn.value).toBe('1937-08-28');
    expect(byKey.patentsHeld.value).toBe(2); // the trademark repeated per class counts once
    expect(byKey.femaleWorkersProportion.value).toBeCloseTo(0.346);
    const certs = await db.query<{ title: string; source_ref: string }>(`SELECT title, source_ref FROM certifications WHERE company_id = $1 ORDER BY title`, [company.id]);
    expect(certs.map((c) => c.title)).toEqual(['指名停止措置', '経営革新計画']);
    expect(certs[0].source_ref).toMatch(/^basic-categories\.v2\.json#\/hojin-infos\/0\/certification\/\d$/);
  });

  it('keeps subsidies with their quirks as support received, and rerunning a file changes nothing', async () => {
    const first = await importGbizinfoFile(db, fixture('subsidy-quirks.v1.json'), { now: NOW });
    expect(first.ok).toBe(true);
    expect(first.companiesCreated).toBe(0); // same 法人番号 as the previous fixture
    expect(first.supportRecordsAdded).toBe(7);
    const amounts = await db.query<{ title: string; amount_yen: string | null; approved_on: string | null }>(
      `SELECT title, amount_yen, approved_on::text FROM support_records WHERE title IN ('返還による負の金額', '金額不明', '壊れた金額と日付') ORDER BY title`);
    expect(amounts.map((a) => [a.title, a.amount_yen === null ? null : Number(a.amount_yen)])).toEqual([
      ['壊れた金額と日付', null], ['返還による負の金額', -50000], ['金額不明', null],
    ]);
    const before = await counts(db);
    for (const file of ['basic-categories.v2.json', 'subsidy-quirks.v1.json']) {
      const again: GbizinfoImportSummary = await importGbizinfoFile(db, fixture(file), { now: new Date('2026-06-01T00:00:00+09:00') });
      expect(again).toMatchObject({ ok: true, companiesCreated: 0, factsWritten: 0, certificationsAdded: 0, supportRecordsAdded: 0, companiesRecomputed: 0 });
    }
    expect(await counts(db)).toEqual(before);
  });

  it('fills financials from management_index without touching the NTA registry columns or the owner’s years', async () => {
    const [{ id }] = await db.query<{ id: number }>(`SELECT id FROM companies WHERE corporate_number = '7010401045660'`);
    await db.query(`INSERT INTO financials (company_id, fiscal_year, net_sales_yen, source, as_of) VALUES ($1, 2019, 999, 'OWNER', '2020-07-01T00:00:00Z')`, [id]);
    const s = await importGbizinfoFile(db, fixture('finance-units.v1.json'), { now: NOW, rejectsDir });
    expect(s).toMatchObject({ ok: true, financialYears: 2, financialsRowsWritten: 1, financialsOwnerKept: 1 });
    expect(s.warnings.join('\n')).toMatch(/unknown unit "EUR"/);
    const [company] = await db.query<Record<string, unknown>>(`SELECT name, street, postal_code, nta_update_date::text FROM companies WHERE id = $1`, [id]);
    expect(company).toEqual({ name: '財務フィクスチャ株式会社', street: '港南１丁目７番１号', postal_code: '1080075', nta_update_date: '2024-04-01' });
    const rows = await db.query<{ fiscal_year: number; net_sales_yen: string; source: string; employees: number }>(
      `SELECT fiscal_year, net_sales_yen, source, employees FROM financials WHERE company_id = $1 ORDER BY fiscal_year`, [id]);
    expect(rows.map((r) => [r.fiscal_year, Number(r.net_sales_yen), r.source])).toEqual([[2019, 999, 'OWNER'], [2020, 1_350_000_000, 'GBIZINFO']]);
    const versions = await db.query<{ key: string; source: string; value: Record<string, unknown> }>(
      `SELECT key, source, value FROM facts WHERE company_id = $1 AND key LIKE 'financials.%' ORDER BY key`, [id]);
    expect(versions.map((v) => [v.key, v.source])).toEqual([['financials.2019', 'GBIZINFO'], ['financials.2020', 'GBIZINFO']]);
    expect(versions[0].value.netSalesYen).toBe(1_200_000_000);
    const [shareholders] = await db.query<{ value: unknown }>(`SELECT value FROM facts WHERE company_id = $1 AND key = 'majorShareholders'`, [id]);
    expect(shareholders.value).toEqual([
      { name: '親会社株式会社', ratio: 0.5123, isLargeEnterprise: null },
      { name: '創業者\u3000太郎', ratio: 0.125, isLargeEnterprise: null },
    ]);
  });

  it('rejects records without a usable 法人番号 with the reason, and error bodies whole', async () => {
    const page = await importGbizinfoFile(db, fixture('update-page-rejects.v1.json'), { now: NOW, rejectsDir });
    expect(page.ok).toBe(true);
    expect(page.documents).toBe(2);
    expect(page.rejects.map((r) => r.ref)).toEqual([
      'update-page-rejects.v1.json#/hojin-infos/1', 'update-page-rejects.v1.json#/hojin-infos/2',
      'update-page-rejects.v1.json#/hojin-infos/3', 'update-page-rejects.v1.json#/hojin-infos/4',
    ]);
    expect(page.rejects[0].reason).toMatch(/check digit/);
    expect(page.rejectsFile).toBe(join(rejectsDir, 'update-page-rejects.v1.json.rejects.tsv'));
    const [bank] = await db.query<{ name: string; kind: string }>(`SELECT name, kind FROM companies WHERE corporate_number = '5010001008846'`);
    expect(bank).toEqual({ name: 'フィクスチャ銀行', kind: 'OTHER' });

    const error = await importGbizinfoFile(db, fixture('error-404.v2.json'), { now: NOW });
    expect(error.ok).toBe(false);
    expect(error.errors).toEqual(['corporate_number: 該当するデータがありません']);
  });
});

describe.skipIf(!existsSync(REAL))('gBizINFO import (real responses in ../shared/data/real/gbizinfo)', () => {
  let db: Database;
  const files = existsSync(REAL)
    ? ['v1', 'v2'].flatMap((v) => readdirSync(join(REAL, v)).filter((f) => f.endsWith('.json')).map((f) => join(REAL, v, f)))
    : [];
  beforeAll(async () => {
    db = await freshDatabase('sdp_gbiz');
  }, 60_000);
  afterAll(async () => db?.close());

  it('imports every real sample cleanly (only the 400 error body is rejected) and a rerun changes nothing', async () => {
    const first: GbizinfoImportSummary[] = [];
    for (const file of files) first.push(await importGbizinfoFile(db, file, { now: NOW }));
    const failed = first.filter((s) => !s.ok).map((s) => s.file.split('/').pop());
    expect(failed).toEqual(['error.400.bad-request.json']);
    expect(first.reduce((n, s) => n + s.documents, 0)).toBeGreaterThan(300);
    expect(first.reduce((n, s) => n + s.supportRecordsAdded, 0)).toBeGreaterThan(100);
    expect(first.reduce((n, s) => n + s.financialsRowsWritten, 0)).toBeGreaterThan(50);
    const hitachi = await db.query<{ name: string; capital_yen: string; industry_code: string; sme_category: string }>(
      `SELECT name, capital_yen, industry_code, sme_category FROM companies WHERE corporate_number = '7010001008844'`);
    expect(hitachi[0]).toMatchObject({ name: '株式会社日立製作所', industry_code: 'E', sme_category: 'LARGE' });
    const before = await counts(db);
    for (const file of files) {
      const again = await importGbizinfoFile(db, file, { now: new Date('2026-07-01T00:00:00+09:00') });
      expect({ file, facts: again.factsWritten, support: again.supportRecordsAdded, certs: again.certificationsAdded, rows: again.financialsRowsWritten, created: again.companiesCreated })
        .toEqual({ file, facts: 0, support: 0, certs: 0, rows: 0, created: 0 });
    }
    expect(await counts(db)).toEqual(before);
  }, 120_000);
});
