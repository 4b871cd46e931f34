import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../shared/paths.js';
import { corporateNumberProblem } from '../../company/corporate-number.js';
import {
  GBIZINFO_FIELD_VISIBILITY, parseGbizinfoDocument, periodEndOfCoverPage, type GbizinfoCompanyDocument,
  type GbizinfoParseResult, type MajorShareholder,
} from './gbizinfo-parse.js';

const fixtureDir = join(projectRoot(), 'tests', 'fixtures', 'gbizinfo');
const realDir = join(projectRoot(), '..', 'shared', 'data', 'real', 'gbizinfo');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function parseFixture(name: string): GbizinfoParseResult {
  return parseGbizinfoDocument(readJson(join(fixtureDir, name)), `fixture:${name}`);
}

function onlyDocument(result: GbizinfoParseResult): GbizinfoCompanyDocument {
  expect(result.ok).toBe(true);
  expect(result.documents).toHaveLength(1);
  return result.documents[0]!;
}

function fact(doc: GbizinfoCompanyDocument, key: string): unknown {
  return doc.facts.find((f) => f.key === key)?.value;
}

describe('parseGbizinfoDocument: value quirks (fixture subsidy-quirks.v1.json)', () => {
  const result = parseFixture('subsidy-quirks.v1.json');
  const doc = onlyDocument(result);

  it('turns subsidy amounts given as strings into integer yen, keeps negatives and maps "Null"/"" to null', () => {
    expect(doc.subsidies.map((s) => [s.title, s.amountYen])).toEqual([
      ['カンマ区切りの金額', 1_000_000],
      ['全角数字の金額', 123_456],
      ['返還による負の金額', -50_000],
      ['金額不明', null],
      ['数値型の金額', 2_500_000],
      ['壊れた金額と日付', null],
      ['空の金額', null],
    ]);
  });

  it('reads every date spelling as YYYY-MM-DD and leaves impossible or missing dates null', () => {
    expect(doc.subsidies.map((s) => s.approvedOn)).toEqual([
      '2020-08-25', '2020-08-26', '2020-08-27', '2020-08-28', '2020-08-29', null, null,
    ]);
    expect(doc.procurements.map((p) => p.orderedOn)).toEqual(['2018-04-02', '2018-04-03']);
  });

  it('maps "Null" and "" in text fields to null and keeps real text', () => {
    const [first, second] = doc.subsidies;
    expect(first!.target).toBeNull();
    expect(first!.note).toBeNull();
    expect(second!.target).toBeNull();
    expect(second!.jointSignatures).toEqual(['共同申請株式会社']);
    expect(second!.subsidyResource).toBe('一般会計');
    expect(doc.subsidies[3]!.authority).toBeNull();
    expect(doc.basic.kana).toBeNull();
    expect(doc.basic.nameEn).toBeNull();
  });

  it('reports the unusable fields as warnings instead of failing the record', () => {
    expect(doc.warnings).toEqual([
      'subsidy[5].amount: not an integer: "abc"',
      'subsidy[6].date_of_approval: impossible date: "2021-02-30"',
    ]);
  });

  it('reads procurement amounts given as numbers and as strings with ▲ (negative)', () => {
    expect(doc.procurements.map((p) => p.amountYen)).toEqual([128_974, -3_000]);
    expect(doc.procurements[1]!.note).toBe('減額変更');
  });

  it('normalises basic numbers with full-width digits and commas, postal codes to 7 digits and "-" status to null', () => {
    expect(doc.basic.capitalYen).toBe(635_401_000_000);
    expect(doc.basic.employees).toBe(70_056);
    expect(doc.basic.postalCode).toBe('4718571');
    expect(doc.basic.prefectureCode).toBe('23');
    expect(doc.basic.status).toBeNull();
    expect(doc.asOf).toBe('2021-01-24T15:00:00.000Z');
    expect(doc.categoriesPresent).toEqual(['subsidy', 'procurement']);
  });
});

describe('parseGbizinfoDocument: updateInfo page with bad records (fixture update-page-rejects.v1.json)', () => {
  const result = parseFixture('update-page-rejects.v1.json');

  it('reads the string paging fields as numbers', () => {
    expect(result.page).toEqual({ totalCount: 4, totalPage: 2, pageNumber: 1 });
  });

  it('turns bad corporate numbers into rejects with reasons, without throwing', () => {
    expect(result.ok).toBe(true);
    expect(result.documents.map((d) => d.corporateNumber)).toEqual(['5010001008846', '7010401045660']);
    expect(result.rejects.map((r) => [r.index, r.problem])).toEqual([
      [1, 'CHECK_DIGIT'],
      [2, 'MISSING_CORPORATE_NUMBER'],
      [3, 'LENGTH'],
      [4, 'NOT_AN_OBJECT'],
    ]);
    expect(result.rejects[0]!.reason).toContain('check digit');
    expect(result.rejects[0]!.corporateNumber).toBe('2180301018771');
  });

  it('keeps closure fields of a closed company', () => {
    const closed = result.documents[1]!;
    expect(closed.basic).toMatchObject({ status: '閉鎖', closeDate: '2021-01-27', closeCause: '登記官による閉鎖' });
  });
});

describe('parseGbizinfoDocument: finance (fixture finance-units.v1.json)', () => {
  const result = parseFixture('finance-units.v1.json');
  const [doc, withoutCoverPage] = result.documents;

  it('reads the period end from a 令和 cover page with full-width digits', () => {
    expect(periodEndOfCoverPage('第４８期(自　令和元年４月１日　至　令和２年３月３１日)')).toBe('2020-03-31');
    expect(periodEndOfCoverPage('第20期（自　2019年11月１日　至　2020年10月31日）')).toBe('2020-10-31');
    expect(periodEndOfCoverPage('第20期')).toBeNull();
  });

  it('maps period offsets to fiscal years (year of the period end) and scales units to integer yen', () => {
    expect(doc!.financials).toEqual([
      {
        fiscalYear: 2020, periodEndOn: '2020-03-31', periodOffset: 0,
        netSalesYen: 1_350_000_000, netSalesItem: 'operating_revenue1',
        ordinaryProfitYen: 42_000_000, netIncomeYen: null, capitalStockYen: null, netAssetsYen: null,
        totalAssetsYen: null, employees: 120, accountingStandards: 'Japan GAAP',
      },
      {
        fiscalYear: 2019, periodEndOn: '2019-03-31', periodOffset: 1,
        netSalesYen: 1_200_000_000, netSalesItem: 'net_sales',
        ordinaryProfitYen: -35_000_000, netIncomeYen: null, capitalStockYen: 100_000_000, netAssetsYen: 450_000_000,
        totalAssetsYen: 980_000_000, employees: 118, accountingStandards: 'Japan GAAP',
      },
    ]);
    expect(doc!.warnings).toContain('finance.management_index[1].total_assets_summary_of_business_results_unit_ref: unknown unit "EUR"');
  });

  it('emits the latest net sales and the major shareholders (ratio 0..1, percentages converted) as facts', () => {
    expect(fact(doc!, 'netSalesYen')).toBe(1_350_000_000);
    expect(fact(doc!, 'majorShareholders')).toEqual<MajorShareholder[]>([
      { name: '親会社株式会社', ratio: 0.5123, isLargeEnterprise: null },
      { name: '創業者　太郎', ratio: 0.125, isLargeEnterprise: null },
    ]);
    expect(doc!.warnings).toContain('finance.major_shareholders[2]: skipped, name or ratio missing');
  });

  it('skips management_index rows it cannot place in a fiscal year, with a warning', () => {
    expect(withoutCoverPage!.financials).toEqual([]);
    expect(withoutCoverPage!.warnings[0]).toMatch(/1 rows skipped/);
    expect(fact(withoutCoverPage!, 'majorShareholders')).toBeUndefined();
  });
});

describe('parseGbizinfoDocument: v2 basic info with every category (fixture basic-categories.v2.json)', () => {
  const doc = onlyDocument(parseFixture('basic-categories.v2.json'));

  it('takes asOf from the latest of update_date and meta-data last_update_date (JST)', () => {
    expect(doc.asOf).toBe('2024-02-29T15:00:00.000Z');
  });

  it('reads v2 basic fields, including JSIC industry letters and de-duplicated business items', () => {
    expect(doc.basic).toMatchObject({
      name: 'カテゴリ全部株式会社', kindCode: '301', processCode: '01', foundingYear: 1937,
      establishedOn: '1937-08-28', industries: ['E'], businessItems: ['104', '108'], closeDate: null,
    });
    expect(fact(doc, 'industryCode')).toBe('E');
  });

  it('normalises certifications (with expiry), commendations and establishments', () => {
    expect(doc.certifications).toEqual([
      { title: '指名停止措置', category: null, approvedOn: '2019-05-15', authority: '防衛省', target: '競売入札妨害又は談合', expiresOn: '2019-07-14', enterpriseScale: null },
      { title: '経営革新計画', category: '経営革新', approvedOn: '2022-10-01', authority: '愛知県', target: null, expiresOn: null, enterpriseScale: null },
    ]);
    expect(doc.commendations).toEqual([
      { title: '優秀工事顕彰', category: null, awardedOn: '2019-07-04', authority: '防衛省', target: '施設整備工事', note: null },
    ]);
    expect(doc.establishments).toEqual([{
      name: '本社工場', nameKana: 'ホンシャコウジョウ', location: '愛知県豊田市トヨタ町１番地',
      locationKana: 'アイチケントヨタシトヨタチョウ', insuredNumber: '2301-000000-0', lossDate: null,
    }]);
  });

  it('merges patent rows repeated per classification and reads both key spellings of classifications', () => {
    expect(doc.patents).toHaveLength(2);
    expect(doc.patents[0]).toMatchObject({ type: '商標', applicationNumber: '2018058468', applicationDate: '2018-04-19', title: '見本の里' });
    expect(doc.patents[0]!.classifications.map((c) => c.code)).toEqual(['30', '16']);
    expect(doc.patents[1]).toMatchObject({
      type: '特許', registrationNumber: '6543210', applicationDate: '2016-04-01',
      classifications: [{ code: 'B60K 1/04', kind: 'FI分類', name: '動力装置の配置' }],
    });
  });

  it('keeps workplace values as published and emits workplace facts on canonical keys', () => {
    expect(doc.workplace).toMatchObject({ averageAge: 41.8, femaleWorkersPercent: 34.6, officersTotal: 13, maternityLeaveTaken: 3 });
    expect(fact(doc, 'femaleWorkersProportion')).toBe(0.346);
    expect(fact(doc, 'officersTotal')).toBe(13);
    expect(fact(doc, 'averageAge')).toBe(41.8);
    expect(doc.categoriesPresent.sort()).toEqual(['certification', 'commendation', 'corporation', 'patent', 'workplace']);
  });

  it('only emits facts with values, on the contract keys', () => {
    expect(doc.facts.map((f) => f.key)).toEqual([
      'postalCode', 'address', 'representativeName', 'capitalYen', 'employees', 'establishedOn', 'url',
      'industryCode', 'businessSummary', 'officersTotal', 'femaleWorkersProportion', 'averageAge',
      'averageContinuousServiceYears', 'monthAveragePredeterminedOvertimeHours',
    ]);
  });
});

describe('parseGbizinfoDocument: errors and odd shapes', () => {
  it('returns a clear error for an API error body', () => {
    const result = parseFixture('error-404.v2.json');
    expect(result).toMatchObject({
      ok: false, httpStatus: 404, documents: [],
      errors: [{ item: 'corporate_number', message: '該当するデータがありません' }],
    });
  });

  it('accepts an empty array, a bare hojin-info and hojin-infos: null', () => {
    expect(parseGbizinfoDocument([], 'empty')).toMatchObject({ ok: true, documents: [], rejects: [] });
    const bare = parseGbizinfoDocument({ corporate_number: '4000012090001', name: '経済産業省' }, 'bare');
    expect(bare.documents.map((d) => d.basic.name)).toEqual(['経済産業省']);
    expect(parseGbizinfoDocument({ message: '200 - OK.', errors: null, 'hojin-infos': null }, 'null list'))
      .toMatchObject({ ok: true, documents: [] });
    expect(parseGbizinfoDocument({ id: null, message: '200 - OK.', errors: null }, 'no list'))
      .toMatchObject({ ok: true, httpStatus: 200, documents: [], errors: [] });
  });

  it('rejects JSON that is no gBizINFO response without throwing', () => {
    for (const junk of [null, 42, 'text', { foo: 1 }]) {
      const result = parseGbizinfoDocument(junk, 'junk');
      expect(result.ok).toBe(false);
      expect(result.errors[0]!.message).toMatch(/not a gBizINFO response/);
    }
  });

  it('states a visibility for every basic field it can emit', () => {
    const doc = onlyDocument(parseFixture('basic-categories.v2.json'));
    for (const key of Object.keys(doc.basic)) expect(GBIZINFO_FIELD_VISIBILITY[`basic.${key}`]).toBeDefined();
    expect(GBIZINFO_FIELD_VISIBILITY.subsidies).toBe('public');
    expect(GBIZINFO_FIELD_VISIBILITY.financials).toBe('confidential');
  });
});

/** Independent count of the category records of a raw response. */
function rawCount(json: unknown, key: string): number {
  const infos = (json as { 'hojin-infos'?: Record<string, unknown>[] })['hojin-infos'] ?? [];
  return infos.reduce((n, info) => n + (Array.isArray(info[key]) ? (info[key] as unknown[]).length : 0), 0);
}

describe.skipIf(!existsSync(realDir))('parseGbizinfoDocument on the real gBizINFO responses (../shared/data/real/gbizinfo)', () => {
  const files = existsSync(realDir)
    ? ['v1', 'v2'].flatMap((v) => readdirSync(join(realDir, v)).map((f) => `${v}/${f}`))
    : [];

  it.each(files)('%s parses into one document per hojin-info, every record kept', (file) => {
    const json = readJson(join(realDir, file));
    const result = parseGbizinfoDocument(json, file);
    if (file.includes('error.')) {
      expect(result).toMatchObject({ ok: false, httpStatus: 400, documents: [] });
      return;
    }
    expect(result.ok).toBe(true);
    expect(result.rejects).toEqual([]);
    const infos = (json as { 'hojin-infos': unknown[] })['hojin-infos'];
    expect(result.documents).toHaveLength(infos.length);
    for (const doc of result.documents) {
      expect(corporateNumberProblem(doc.corporateNumber)).toBeNull();
      expect(doc.warnings).toEqual([]);
      expect(doc.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const sum = (key: keyof GbizinfoCompanyDocument): number =>
      result.documents.reduce((n, d) => n + (d[key] as unknown[]).length, 0);
    expect(sum('subsidies')).toBe(rawCount(json, 'subsidy'));
    expect(sum('procurements')).toBe(rawCount(json, 'procurement'));
    expect(sum('certifications')).toBe(rawCount(json, 'certification'));
    expect(sum('commendations')).toBe(rawCount(json, 'commendation'));
  });

  it('reads all 176 subsidy records of 7100005012040 with integer amounts and dates', () => {
    const doc = onlyDocument(parseGbizinfoDocument(readJson(join(realDir, 'v1/subsidy.7100005012040.extracted-from-ts-mock.json')), 'real'));
    expect(doc.corporateNumber).toBe('7100005012040');
    expect(doc.subsidies).toHaveLength(176);
    expect(doc.subsidies.every((s) => Number.isInteger(s.amountYen) && /^\d{4}-\d{2}-\d{2}$/.test(s.approvedOn ?? ''))).toBe(true);
    expect(doc.subsidies[0]).toMatchObject({ amountYen: 1_781_931, approvedOn: '2024-03-29', authority: '農林水産省' });
  });

  it('turns the finance updateInfo page into five fiscal years and major shareholders per company', () => {
    const result = parseGbizinfoDocument(readJson(join(realDir, 'v1/updateInfo-finance.20210101-20210131.json')), 'real');
    expect(result.page).toEqual({ totalCount: 57, totalPage: 1, pageNumber: 1 });
    expect(result.documents).toHaveLength(57);
    const shanon = result.documents.find((d) => d.corporateNumber === '1010401052638')!;
    expect(shanon.financials.map((f) => f.fiscalYear)).toEqual([2020, 2019, 2018, 2017, 2016]);
    expect(shanon.financials[0]).toMatchObject({
      periodEndOn: '2020-10-31', netSalesYen: 1_786_111_000, ordinaryProfitYen: 37_787_000,
      capitalStockYen: 447_849_000, totalAssetsYen: 1_337_912_000, employees: 153,
    });
    // the latest year's capital matches the basic info: period 0 is the latest year
    expect(shanon.financials[0]!.capitalStockYen).toBe(shanon.basic.capitalYen);
    const holders = fact(shanon, 'majorShareholders') as MajorShareholder[];
    expect(holders).toHaveLength(10);
    expect(holders[0]).toEqual({ name: '中村　健一郎', ratio: 0.2267, isLargeEnterprise: null });
    for (const doc of result.documents) {
      expect(doc.financials).toHaveLength(5);
      expect(fact(doc, 'netSalesYen')).toBe(doc.financials.find((f) => f.netSalesYen !== null)?.netSalesYen);
      const ratios = (fact(doc, 'majorShareholders') as MajorShareholder[]).map((s) => s.ratio);
      expect(ratios.every((r) => r > 0 && r <= 1)).toBe(true);
    }
    // 2110001001637 closes its year on 令和２年10月20日
    expect(result.documents.find((d) => d.corporateNumber === '2110001001637')!.financials[0]!.periodEndOn).toBe('2020-10-20');
  });

  it('merges the patent page rows that repeat one application per classification', () => {
    const json = readJson(join(realDir, 'v1/updateInfo-patent.20210801-20210831.page1.json'));
    const result = parseGbizinfoDocument(json, 'real');
    const rows = (json as { 'hojin-infos': { patent: Record<string, unknown>[] }[] })['hojin-infos'].flatMap((i) => i.patent);
    const distinct = new Set(rows.map((p) => JSON.stringify([p.patent_type, p.application_number, p.application_date, p.title])));
    const patents = result.documents.flatMap((d) => d.patents);
    expect(rows).toHaveLength(100);
    expect(patents).toHaveLength(distinct.size);
    expect(patents.reduce((n, p) => n + p.classifications.length, 0)).toBeLessThanOrEqual(109);
  });

  it('reads workplace pages and v2 basic info', () => {
    const workplace = parseGbizinfoDocument(readJson(join(realDir, 'v1/updateInfo-workplace.20210101-20210131.page1.json')), 'real');
    expect(workplace.documents.filter((d) => d.workplace !== null)).toHaveLength(32);
    const hitachi = onlyDocument(parseGbizinfoDocument(readJson(join(realDir, 'v2/basic.7010001008844.2026-07-10.json')), 'real'));
    expect(hitachi.basic).toMatchObject({ name: '株式会社日立製作所', capitalYen: 466_666_000_000, industries: ['E'], kindCode: '301' });
    expect(fact(hitachi, 'industryCode')).toBe('E');
  });
});
