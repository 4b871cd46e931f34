import { describe, expect, it } from 'vitest';
import { JSIC_ENTRIES, jsicEntry } from './jsic.js';
import {
  SME_ACT_ROWS,
  SME_ACT_TABLE,
  classifySme,
  formatYen,
  smeRowFor,
  type MajorShareholder,
  type SmeActRowId,
  type SmeClassificationInput,
} from './sme-classification.js';

const OKU = 100_000_000;
const MAN = 10_000;

describe('SME_ACT_ROWS (seeds/sme-act-categories.json)', () => {
  it.each<[SmeActRowId, number, number, number]>([
    ['MANUFACTURING_OTHER', 3 * OKU, 300, 20],
    ['WHOLESALE', 1 * OKU, 100, 5],
    ['SERVICE', 5000 * MAN, 100, 5],
    ['RETAIL', 5000 * MAN, 50, 5],
    ['RUBBER_PRODUCTS', 3 * OKU, 900, 20],
    ['SOFTWARE_INFO_PROCESSING', 3 * OKU, 300, 5],
    ['RYOKAN', 5000 * MAN, 200, 20],
  ])('%s: capital ≤ %d yen or employees ≤ %d; 小規模 ≤ %d', (id, capital, employees, small) => {
    expect(SME_ACT_ROWS[id]).toMatchObject({
      id,
      kind: 'THRESHOLDS',
      capitalMaxYen: capital,
      employeesMax: employees,
      smallEnterpriseEmployeesMax: small,
    });
  });

  it('has the two rows without thresholds, a version and notes', () => {
    expect(SME_ACT_ROWS.NOT_APPLICABLE.kind).toBe('NOT_APPLICABLE');
    expect(SME_ACT_ROWS.UNCLASSIFIABLE.kind).toBe('UNDETERMINED');
    expect(SME_ACT_TABLE.version).toMatch(/\S/);
    expect(SME_ACT_TABLE.jsicRevision).toBe(14);
    expect(SME_ACT_TABLE.notes.some((note) => note.includes('情報通信業'))).toBe(true);
  });

  it('only names codes that exist in JSIC Rev.14', () => {
    for (const rule of SME_ACT_TABLE.industries) expect(jsicEntry(rule.code), rule.code).not.toBeNull();
  });

  it('gives every JSIC Rev.14 code at least one row', () => {
    for (const entry of JSIC_ENTRIES) expect(smeRowFor(entry.code)!.options.length, entry.code).toBeGreaterThan(0);
  });
});

describe('smeRowFor', () => {
  it.each<[string, SmeActRowId, number]>([
    ['A01', 'MANUFACTURING_OTHER', 20],
    ['D06', 'MANUFACTURING_OTHER', 20],
    ['E24', 'MANUFACTURING_OTHER', 20],
    ['H44', 'MANUFACTURING_OTHER', 20],
    ['E19', 'RUBBER_PRODUCTS', 20],
    ['E1921', 'RUBBER_PRODUCTS', 20],
    ['E1911', 'MANUFACTURING_OTHER', 20],
    ['E1931', 'MANUFACTURING_OTHER', 20],
    ['G37', 'MANUFACTURING_OTHER', 20],
    ['G40', 'MANUFACTURING_OTHER', 20],
    ['G413', 'MANUFACTURING_OTHER', 20],
    ['G414', 'MANUFACTURING_OTHER', 20],
    ['G38', 'SERVICE', 5],
    ['G411', 'SERVICE', 5],
    ['G416', 'SERVICE', 5],
    ['G391', 'SOFTWARE_INFO_PROCESSING', 5],
    ['G392', 'SOFTWARE_INFO_PROCESSING', 5],
    ['G3921', 'SOFTWARE_INFO_PROCESSING', 5],
    ['G3922', 'SERVICE', 5],
    ['I50', 'WHOLESALE', 5],
    ['I55', 'WHOLESALE', 5],
    ['I56', 'RETAIL', 5],
    ['I61', 'RETAIL', 5],
    ['J62', 'MANUFACTURING_OTHER', 20],
    ['K68', 'MANUFACTURING_OTHER', 20],
    ['K693', 'SERVICE', 5],
    ['K70', 'SERVICE', 5],
    ['L72', 'SERVICE', 5],
    ['M75', 'SERVICE', 20],
    ['M751', 'RYOKAN', 20],
    ['M76', 'RETAIL', 5],
    ['M77', 'RETAIL', 5],
    ['N78', 'SERVICE', 5],
    ['N791', 'MANUFACTURING_OTHER', 20],
    ['N80', 'SERVICE', 20],
    ['O82', 'SERVICE', 5],
    ['P83', 'SERVICE', 5],
    ['Q87', 'SERVICE', 5],
    ['R92', 'SERVICE', 5],
    ['S97', 'NOT_APPLICABLE', Number.NaN],
    ['T99', 'UNCLASSIFIABLE', Number.NaN],
  ])('%s → %s (小規模 %d)', (code, row, small) => {
    const match = smeRowFor(code)!;
    expect(match.row?.id).toBe(row);
    if (!Number.isNaN(small)) expect(match.smallEnterpriseEmployeesMax).toBe(small);
  });

  it('uses the longest matching prefix and accepts other spellings of the code', () => {
    expect(smeRowFor('e2411')).toMatchObject({ code: 'E2411', matchedCode: 'E', inJsic: true });
    expect(smeRowFor('1911')).toMatchObject({ code: 'E1911', matchedCode: 'E1911' });
    expect(smeRowFor('G3911')).toMatchObject({ matchedCode: 'G391' });
    expect(smeRowFor('not a code')).toBeNull();
  });

  it('lists every row a coarse code may stand for', () => {
    const rowsOf = (code: string) => smeRowFor(code)!.options.map((option) => option.row.id).sort();
    expect(rowsOf('E')).toEqual(['MANUFACTURING_OTHER', 'RUBBER_PRODUCTS']);
    expect(rowsOf('E19')).toEqual(['MANUFACTURING_OTHER', 'RUBBER_PRODUCTS']);
    expect(rowsOf('E24')).toEqual(['MANUFACTURING_OTHER']);
    expect(rowsOf('I')).toEqual(['RETAIL', 'WHOLESALE']);
    expect(smeRowFor('I')!.row).toBeNull();
    expect(rowsOf('G39')).toEqual(['SERVICE', 'SOFTWARE_INFO_PROCESSING']);
    expect(rowsOf('G392')).toEqual(['SERVICE', 'SOFTWARE_INFO_PROCESSING']);
    expect(rowsOf('G391')).toEqual(['SOFTWARE_INFO_PROCESSING']);
    expect(rowsOf('M')).toEqual(['RETAIL', 'RYOKAN', 'SERVICE']);
    expect(rowsOf('E1919')).toEqual(['MANUFACTURING_OTHER', 'RUBBER_PRODUCTS']);
    expect(rowsOf('M752')).toEqual(['RYOKAN', 'SERVICE']);
  });

  it('keeps the 小規模 limit of each part of a coarse code', () => {
    const limits = smeRowFor('N')!.options.map((o) => `${o.row.id}/${o.smallEnterpriseEmployeesMax}`).sort();
    expect(limits).toEqual(['MANUFACTURING_OTHER/20', 'SERVICE/20', 'SERVICE/5']);
  });
});

/** A company with the given industry, capital and employees and nothing else. */
function company(industryCode: string | null, capitalYen: number | null, employees: number | null, extra: Partial<SmeClassificationInput> = {}) {
  return classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode, capitalYen, employees, ...extra });
}

interface RowCase {
  label: string;
  code: string;
  row: SmeActRowId;
  capital: number;
  employees: number;
  small: number;
}

const ROW_CASES: RowCase[] = [
  { label: '製造業その他', code: 'E24', row: 'MANUFACTURING_OTHER', capital: 3 * OKU, employees: 300, small: 20 },
  { label: '建設業', code: 'D07', row: 'MANUFACTURING_OTHER', capital: 3 * OKU, employees: 300, small: 20 },
  { label: '卸売業', code: 'I52', row: 'WHOLESALE', capital: 1 * OKU, employees: 100, small: 5 },
  { label: 'サービス業', code: 'L74', row: 'SERVICE', capital: 5000 * MAN, employees: 100, small: 5 },
  { label: '小売業', code: 'I58', row: 'RETAIL', capital: 5000 * MAN, employees: 50, small: 5 },
  { label: '小売業 (飲食店)', code: 'M76', row: 'RETAIL', capital: 5000 * MAN, employees: 50, small: 5 },
  { label: 'ゴム製品製造業〔政令〕', code: 'E1921', row: 'RUBBER_PRODUCTS', capital: 3 * OKU, employees: 900, small: 20 },
  { label: 'ソフトウェア業〔政令〕', code: 'G391', row: 'SOFTWARE_INFO_PROCESSING', capital: 3 * OKU, employees: 300, small: 5 },
  { label: '情報処理サービス業〔政令〕', code: 'G3921', row: 'SOFTWARE_INFO_PROCESSING', capital: 3 * OKU, employees: 300, small: 5 },
  { label: '旅館業〔政令〕', code: 'M751', row: 'RYOKAN', capital: 5000 * MAN, employees: 200, small: 20 },
  { label: '宿泊業 (小規模20人)', code: 'M759', row: 'SERVICE', capital: 5000 * MAN, employees: 100, small: 20 },
  { label: '娯楽業 (小規模20人)', code: 'N804', row: 'SERVICE', capital: 5000 * MAN, employees: 100, small: 20 },
  { label: '旅行業 (製造業その他)', code: 'N791', row: 'MANUFACTURING_OTHER', capital: 3 * OKU, employees: 300, small: 20 },
];

describe.each(ROW_CASES)('thresholds: $label ($code)', ({ code, row, capital, employees, small }) => {
  it('capital one below, at and one above the limit (employees over their limit)', () => {
    const over = employees + 1;
    expect(company(code, capital - 1, over)).toMatchObject({ category: 'MEDIUM', row, isSme: true, missing: [] });
    expect(company(code, capital, over)).toMatchObject({ category: 'MEDIUM', row, isSme: true });
    expect(company(code, capital + 1, over)).toMatchObject({ category: 'LARGE', row, isSme: false, deemedLarge: false });
  });

  it('employees one below, at and one above the limit (capital over its limit)', () => {
    const over = capital + 1;
    expect(company(code, over, employees - 1)).toMatchObject({ category: 'MEDIUM', row });
    expect(company(code, over, employees)).toMatchObject({ category: 'MEDIUM', row });
    expect(company(code, over, employees + 1)).toMatchObject({ category: 'LARGE', row });
  });

  it('小規模 one below, at and one above the limit', () => {
    expect(company(code, capital + 1, small - 1).category).toBe('SMALL');
    expect(company(code, capital + 1, small).category).toBe('SMALL');
    expect(company(code, capital + 1, small + 1).category).toBe('MEDIUM');
  });

  it('sole proprietors: employees only, at and one above the limit, capital ignored', () => {
    const sole = (n: number) => classifySme({ kind: 'SOLE_PROPRIETOR', industryCode: code, capitalYen: 0, employees: n });
    expect(sole(employees)).toMatchObject({ category: 'MEDIUM', row });
    expect(sole(employees + 1)).toMatchObject({ category: 'LARGE', row });
    expect(sole(small).category).toBe('SMALL');
    expect(sole(small + 1).category).toBe('MEDIUM');
  });
});

describe('reasons', () => {
  it('states the row, each test and the 小規模 test', () => {
    const result = company('E24', 1 * OKU, 12);
    expect(result.category).toBe('SMALL');
    expect(result.reasons).toEqual(
      expect.arrayContaining([
        '業種区分: 製造業その他 (E24) — 資本金3億円以下 または 従業員300人以下',
        '資本金1億円 ≤ 3億円: 中小企業者',
        '従業員12人 ≤ 300人: 中小企業者',
        '従業員12人 ≤ 20人: 小規模企業者',
      ]),
    );
  });

  it('explains a large enterprise', () => {
    const result = company('I58', 5001 * MAN, 51);
    expect(result.reasons).toEqual(
      expect.arrayContaining([
        '業種区分: 小売業 (I58) — 資本金5,000万円以下 または 従業員50人以下',
        '資本金5,001万円 > 5,000万円: 資本金基準を満たさない',
        '従業員51人 > 50人: 従業員基準を満たさない',
        '資本金基準・従業員基準のどちらも満たさない: 大企業',
      ]),
    );
  });
});

describe('sole proprietors', () => {
  it('ignore a huge capital and say so', () => {
    const result = classifySme({ kind: 'SOLE_PROPRIETOR', industryCode: 'I58', capitalYen: 10 * OKU, employees: 3 });
    expect(result.category).toBe('SMALL');
    expect(result.reasons).toContain('個人事業主のため資本金は判定に使わない');
  });

  it('are undecided without employees, and capital is not asked for', () => {
    const result = classifySme({ kind: 'SOLE_PROPRIETOR', industryCode: 'E24', employees: null });
    expect(result).toMatchObject({ category: 'UNKNOWN', isSme: null, missing: ['employees'] });
  });

  it('only run the taxable-income add-on of みなし大企業', () => {
    const result = classifySme({ kind: 'SOLE_PROPRIETOR', industryCode: 'E24', employees: 3, averageTaxableIncomeYen: 16 * OKU });
    expect(result).toMatchObject({ category: 'SMALL', deemedLarge: true, deemedLargeTests: ['AVERAGE_TAXABLE_INCOME'], deemedLargeMissing: [] });
  });
});

describe('public bodies and entities outside the Act', () => {
  it.each(['NATIONAL_AGENCY', 'LOCAL_GOVERNMENT', 'OTHER_REGISTERED', 'OTHER'] as const)('%s → NOT_APPLICABLE', (kind) => {
    const result = classifySme({ kind, industryCode: 'R92', capitalYen: 0, employees: 3 });
    expect(result).toMatchObject({ category: 'NOT_APPLICABLE', deemedLarge: false, isSme: false, missing: [] });
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it('industry S 公務 → NOT_APPLICABLE even for a company', () => {
    expect(company('S', 1000 * MAN, 3)).toMatchObject({ category: 'NOT_APPLICABLE', row: 'NOT_APPLICABLE' });
    expect(company('S98', null, null)).toMatchObject({ category: 'NOT_APPLICABLE', missing: [] });
  });

  it('an unknown kind is sized like a company, with a reason', () => {
    const result = classifySme({ kind: null, industryCode: 'E24', capitalYen: 1 * OKU, employees: 400 });
    expect(result.category).toBe('MEDIUM');
    expect(result.reasons[0]).toBe('法人種別が不明: 会社として判定');
  });

  it('foreign companies are sized like companies', () => {
    const result = classifySme({ kind: 'FOREIGN_COMPANY', industryCode: 'E24', capitalYen: 10 * OKU, employees: 100 });
    expect(result.category).toBe('MEDIUM');
    expect(result.reasons[0]).toContain('外国会社');
  });
});

describe('missing and coarse data', () => {
  it('employees unknown, capital within the limit: an SME whose 小規模 status is unknown', () => {
    const result = company('E24', 1 * OKU, null);
    expect(result).toMatchObject({ category: 'UNKNOWN', isSme: true, missing: ['employees'], row: 'MANUFACTURING_OTHER' });
    expect(result.reasons).toContain('従業員数が不明のため小規模か判定できない');
  });

  it('employees unknown, capital over the limit: undecided', () => {
    expect(company('E24', 3 * OKU + 1, null)).toMatchObject({ category: 'UNKNOWN', isSme: null, missing: ['employees'] });
  });

  it('capital unknown: decided when employees settle it, asked for otherwise', () => {
    expect(company('E24', null, 300)).toMatchObject({ category: 'MEDIUM', missing: [] });
    expect(company('E24', null, 20)).toMatchObject({ category: 'SMALL', missing: [] });
    expect(company('E24', null, 301)).toMatchObject({ category: 'UNKNOWN', isSme: null, missing: ['capitalYen'] });
    expect(company('E24', null, null)).toMatchObject({ category: 'UNKNOWN', missing: ['capitalYen', 'employees'] });
  });

  it('industry unknown: decided only when every row agrees', () => {
    expect(company(null, 1000 * MAN, 5)).toMatchObject({ category: 'SMALL', row: null, missing: [] });
    expect(company(null, 10 * OKU, 901)).toMatchObject({ category: 'LARGE', missing: [] });
    const undecided = company(null, 1000 * MAN, 6);
    expect(undecided).toMatchObject({ category: 'UNKNOWN', isSme: true, missing: ['industryCode'] });
    expect(undecided.reasons[0]).toBe('業種(industryCode)が不明: すべての業種区分で判定');
    expect(company('', 1 * OKU, 500)).toMatchObject({ category: 'UNKNOWN', isSme: null, missing: ['industryCode'] });
  });

  it('treats T 分類不能 and malformed codes as an unknown industry', () => {
    expect(company('T', 10 * OKU, 1000)).toMatchObject({ category: 'LARGE' });
    expect(company('T99', 1000 * MAN, 50)).toMatchObject({ category: 'MEDIUM', missing: [] });
    expect(company('T99', 1000 * MAN, 10)).toMatchObject({ category: 'UNKNOWN', isSme: true, missing: ['industryCode'] });
    const malformed = company('Z9', 1000 * MAN, 2);
    expect(malformed.category).toBe('SMALL');
    expect(malformed.reasons[0]).toContain('形式でない');
  });

  it('a coarse code decides when its rows agree and asks for a finer code when they do not', () => {
    expect(company('E', 5 * OKU, 300)).toMatchObject({ category: 'MEDIUM', possibleRows: ['MANUFACTURING_OTHER', 'RUBBER_PRODUCTS'], row: null });
    const rubberBand = company('E', 5 * OKU, 500);
    expect(rubberBand).toMatchObject({ category: 'UNKNOWN', isSme: null, missing: ['industryCode'] });
    expect(rubberBand.reasons[0]).toBe('業種コード E は複数の業種区分にまたがる: 製造業その他, ゴム製品製造業〔政令〕');
    expect(company('E1921', 5 * OKU, 500).category).toBe('MEDIUM');
    expect(company('E1911', 5 * OKU, 500).category).toBe('LARGE');
    expect(company('E1919', 5 * OKU, 500)).toMatchObject({ category: 'UNKNOWN', missing: ['industryCode'] });
    expect(company('I', 2 * OKU, 80)).toMatchObject({ category: 'UNKNOWN', missing: ['industryCode'] });
    expect(company('I', 2 * OKU, 5).category).toBe('SMALL');
  });

  it('情報処理・提供サービス業: 情報処理 is the 政令 row, 情報提供 is サービス業', () => {
    expect(company('G3921', 2 * OKU, 150).category).toBe('MEDIUM');
    expect(company('G3922', 2 * OKU, 150).category).toBe('LARGE');
    expect(company('G392', 2 * OKU, 150)).toMatchObject({ category: 'UNKNOWN', missing: ['industryCode'] });
    expect(company('G392', 2 * OKU, 90).category).toBe('MEDIUM');
  });

  it('ignores invalid numbers and reports them missing', () => {
    const result = company('E24', -1, Number.NaN);
    expect(result).toMatchObject({ category: 'UNKNOWN', missing: ['capitalYen', 'employees'] });
    expect(result.reasons.some((line) => line.startsWith('資本金の値が不正'))).toBe(true);
    expect(result.reasons.some((line) => line.startsWith('従業員数の値が不正'))).toBe(true);
  });
});

describe('みなし大企業', () => {
  /** A 製造業 SME (MEDIUM) with the given ownership and officers. */
  function sme(extra: Partial<SmeClassificationInput>) {
    return company('E24', 1 * OKU, 50, extra);
  }
  const large = (name: string, ratio: number, corporateNumber?: string): MajorShareholder => ({ name, ratio, isLargeEnterprise: true, corporateNumber });
  const small = (name: string, ratio: number): MajorShareholder => ({ name, ratio, isLargeEnterprise: false });

  it('(1) one large enterprise holding 1/2 or more', () => {
    const atHalf = sme({ majorShareholders: [large('親会社', 0.5), small('創業者', 0.5)] });
    expect(atHalf).toMatchObject({ category: 'MEDIUM', deemedLarge: true, deemedLargeTests: ['SINGLE_LARGE_OWNER'] });
    expect(atHalf.reasons).toContain('みなし大企業(1): 大企業「親会社」の保有 50% ≥ 1/2');
    expect(sme({ majorShareholders: [large('親会社', 0.4999), small('創業者', 0.5001)] }).deemedLarge).toBe(false);
  });

  it('(1) adds up the holdings of one holder listed twice', () => {
    const split = sme({ majorShareholders: [large('親会社', 0.3, '1234567890123'), large('親会社（信託口）', 0.2, '1234567890123')] });
    expect(split.deemedLargeTests).toContain('SINGLE_LARGE_OWNER');
  });

  it('(2) large enterprises together holding 2/3 or more', () => {
    const atTwoThirds = sme({ majorShareholders: [large('A社', 1 / 3), large('B社', 1 / 3), small('創業者', 1 / 3)] });
    expect(atTwoThirds).toMatchObject({ deemedLarge: true, deemedLargeTests: ['LARGE_OWNERS_TOTAL'] });
    expect(sme({ majorShareholders: [large('A社', 0.33), large('B社', 0.3366), small('創業者', 0.3334)] }).deemedLarge).toBe(false);
  });

  it('(3) officers serving a large enterprise are 1/2 or more of all officers', () => {
    expect(sme({ officersTotal: 4, officersFromLargeEnterprises: 2 })).toMatchObject({ deemedLarge: true, deemedLargeTests: ['OFFICERS_FROM_LARGE'] });
    expect(sme({ officersTotal: 4, officersFromLargeEnterprises: 1 }).deemedLarge).toBe(false);
    expect(sme({ officersTotal: 3, officersFromLargeEnterprises: 1 }).deemedLarge).toBe(false);
    expect(sme({ officersTotal: 3, officersFromLargeEnterprises: 2 }).deemedLarge).toBe(true);
  });

  it('(4) wholly owned by SMEs caught by tests 1–3', () => {
    const parent = (ratio: number): MajorShareholder => ({ name: 'みなし大企業の親', ratio, isLargeEnterprise: false, isDeemedLargeEnterprise: true });
    expect(sme({ majorShareholders: [parent(1)] })).toMatchObject({ deemedLarge: true, deemedLargeTests: ['WHOLLY_OWNED_BY_DEEMED_LARGE'] });
    expect(sme({ majorShareholders: [parent(0.99), small('創業者', 0.01)] }).deemedLarge).toBe(false);
  });

  it('(5) every officer serves an SME caught by tests 1–3', () => {
    expect(sme({ officersTotal: 3, officersFromLargeEnterprises: 0, officersFromDeemedLargeEnterprises: 3 })).toMatchObject({
      deemedLarge: true,
      deemedLargeTests: ['ALL_OFFICERS_FROM_DEEMED_LARGE'],
    });
    expect(sme({ officersTotal: 3, officersFromLargeEnterprises: 0, officersFromDeemedLargeEnterprises: 2 }).deemedLarge).toBe(false);
  });

  it('average taxable income over 15億円 sets deemedLarge; exactly 15億円 does not', () => {
    const over = sme({ averageTaxableIncomeYen: 15 * OKU + 1 });
    expect(over).toMatchObject({ category: 'MEDIUM', deemedLarge: true, deemedLargeTests: ['AVERAGE_TAXABLE_INCOME'] });
    expect(over.reasons).toContain('みなし大企業(課税所得): 直近3年の課税所得の年平均 15億1円 > 15億円');
    expect(sme({ averageTaxableIncomeYen: 15 * OKU }).deemedLarge).toBe(false);
  });

  it('keeps the size category of a deemed-large SME', () => {
    expect(company('E24', 1000 * MAN, 3, { majorShareholders: [large('親会社', 1)] })).toMatchObject({ category: 'SMALL', deemedLarge: true });
  });

  it('is never set for a large enterprise or an entity outside the Act', () => {
    expect(company('E24', 10 * OKU, 1000, { majorShareholders: [large('親会社', 1)] })).toMatchObject({ category: 'LARGE', deemedLarge: false });
    expect(classifySme({ kind: 'LOCAL_GOVERNMENT', averageTaxableIncomeYen: 100 * OKU }).deemedLarge).toBe(false);
  });

  it('lists the data it lacked, and says nothing is met only when something was tested', () => {
    const bare = sme({});
    expect(bare.deemedLargeMissing).toEqual(['majorShareholders', 'officersTotal', 'averageTaxableIncomeYen']);
    expect(bare.reasons).not.toContain('みなし大企業: 判定できた基準には該当なし');
    const clean = sme({ majorShareholders: [small('創業者', 1)], officersTotal: 2, officersFromLargeEnterprises: 0, averageTaxableIncomeYen: 0 });
    expect(clean).toMatchObject({ deemedLarge: false, deemedLargeTests: [], deemedLargeMissing: [] });
    expect(clean.reasons).toContain('みなし大企業: 判定できた基準には該当なし');
  });

  it('refuses shareholder data above 100% or with ratios outside 0..1', () => {
    const overfull = sme({ majorShareholders: [large('A社', 0.6), small('B', 0.6)] });
    expect(overfull).toMatchObject({ deemedLarge: false, deemedLargeMissing: expect.arrayContaining(['majorShareholders']) });
    const percent = sme({ majorShareholders: [large('A社', 60)] });
    expect(percent.deemedLarge).toBe(false);
    expect(percent.reasons.some((line) => line.includes('0〜1 の範囲にない 1 件'))).toBe(true);
  });

  it('is evaluated while the size is undecided (an SME or not, it is not eligible as an SME)', () => {
    expect(company(null, null, null, { majorShareholders: [large('親会社', 0.8)] })).toMatchObject({ category: 'UNKNOWN', deemedLarge: true });
  });
});

describe('formatYen', () => {
  it.each([
    [0, '0円'],
    [9_999, '9,999円'],
    [50_000_000, '5,000万円'],
    [300_000_000, '3億円'],
    [300_000_001, '3億1円'],
    [123_456_789, '1億2,345万6,789円'],
    [1_500_000_000, '15億円'],
    [-20_000, '−2万円'],
  ])('%d → %s', (amount, text) => {
    expect(formatYen(amount)).toBe(text);
  });
});
