import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedPath } from '../../shared/paths.js';
import {
  DATA_ITEMS, JGRANTS_USE_PURPOSES, REGISTRY_ITEM_KEYS, addMonthsTokyo, dataItem, fiscalYearCloses, isStale,
  lastClosedFiscalYear, staleAfter, validateDataItem,
} from './data-items.js';

/** The keys named in the contract header (core.graphql "Canonical data item keys"). */
const CONTRACT_KEYS = [
  'postalCode', 'address', 'representativeName', 'phone', 'url', 'capitalYen', 'employees', 'industryCode', 'establishedOn',
  'netSalesYen', 'majorShareholders', 'officersTotal', 'officersFromLargeEnterprises', 'averageTaxableIncomeYen', 'needs',
];

const value = (key: string, v: unknown) => validateDataItem(key, v);

describe('data item registry', () => {
  it('has every key of the contract header and the items seed 003 lists, each with a label and a category', () => {
    for (const key of CONTRACT_KEYS) expect(DATA_ITEMS.has(key), key).toBe(true);
    // seed 003 §6: ① 郵便番号・住所・代表者氏名・資本金 ② 業種・事業規模・従業員数 ③ 財務・知的財産・海外展開・研究開発
    expect(dataItem('postalCode')!.category).toBe('ONCE_ONLY');
    expect(dataItem('capitalYen')!.category).toBe('ONCE_ONLY');
    expect(dataItem('industryCode')!.category).toBe('RECOMMENDATION');
    expect(dataItem('employees')!.category).toBe('RECOMMENDATION');
    for (const key of ['netSalesYen', 'patentsHeld', 'exporting', 'rdExpensesYen']) expect(dataItem(key)!.category, key).toBe('EBPM');
    for (const item of DATA_ITEMS.values()) expect(item.label.length, item.key).toBeGreaterThan(1);
  });

  it('keeps the registry items separate: only the NTA states kind, closure and successor', () => {
    expect(REGISTRY_ITEM_KEYS).toEqual(expect.arrayContaining(['name', 'nameKana', 'postalCode', 'address', 'prefectureCode', 'closeDate']));
    expect(dataItem('kind')!.ownerWritable).toBe(false);
    expect(dataItem('closeDate')!.ownerWritable).toBe(false);
    expect(dataItem('postalCode')!.ownerWritable).toBe(true);
  });

  it('knows financials.<fiscal year> as a version item the owner cannot state directly', () => {
    expect(dataItem('financials.2024')).toMatchObject({ key: 'financials.2024', type: 'json', ownerWritable: false });
    expect(dataItem('financials.24')).toBeUndefined();
    expect(dataItem('noSuchItem')).toBeUndefined();
    expect(value('noSuchItem', 1)).toEqual({ ok: false, problem: 'noSuchItem: not a canonical data item key' });
  });
});

describe('the measure catalogue against the registry', () => {
  const catalogue = JSON.parse(readFileSync(seedPath('measures', 'catalogue.json'), 'utf8')) as {
    measures: Array<{ id: string; formFields: Array<{ key: string; type: string; options?: string[] }> }>;
  };
  const fields = catalogue.measures.flatMap((m) => m.formFields.map((f) => ({ measure: m.id, ...f })));

  it('maps every field whose key is a data item to the item’s type and choices', () => {
    const problems: string[] = [];
    for (const f of fields) {
      const item = dataItem(f.key);
      if (!item) continue;
      const formType = item.type === 'json' ? 'text' : item.type;
      if (formType !== f.type) problems.push(`${f.measure}.${f.key}: form type ${f.type}, item type ${item.type}`);
      for (const option of f.options ?? []) {
        if (item.enumValues && !item.enumValues.includes(option)) problems.push(`${f.measure}.${f.key}: option ${option} is not a value of the item`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('maps the company data most forms ask for (only measure-specific questions stay unmapped)', () => {
    const mapped = fields.filter((f) => dataItem(f.key)).length;
    expect(mapped / fields.length).toBeGreaterThan(0.75);
    for (const key of ['name', 'corporateNumber', 'address', 'postalCode', 'representativeName', 'phone', 'capitalYen', 'employees', 'industryCode', 'needs']) {
      expect(fields.some((f) => f.key === key), key).toBe(true);
    }
  });
});

describe('validators', () => {
  it('yen: safe integers only, with the item bounds', () => {
    expect(value('capitalYen', 10_000_000)).toEqual({ ok: true, value: 10_000_000 });
    expect(value('operatingProfitYen', -5_000_000)).toEqual({ ok: true, value: -5_000_000 });
    const fractional = value('capitalYen', 1.5);
    expect(fractional.ok).toBe(false);
    expect(!fractional.ok && fractional.problem).toMatch(/^capitalYen \(資本金又は出資の総額\): must be a whole number/);
    expect(value('capitalYen', 2 ** 60).ok).toBe(false);
    expect(value('capitalYen', -1).ok).toBe(false);
    expect(value('capitalYen', '1000').ok).toBe(false);
  });

  it('integer: employees from 0', () => {
    expect(value('employees', 0)).toEqual({ ok: true, value: 0 });
    expect(value('employees', -3)).toMatchObject({ ok: false, problem: expect.stringContaining('at least 0') });
    expect(value('employees', 2.5).ok).toBe(false);
  });

  it('date: a real calendar date', () => {
    expect(value('establishedOn', '2020-02-29')).toEqual({ ok: true, value: '2020-02-29' });
    expect(value('establishedOn', '2021-02-29').ok).toBe(false);
    expect(value('establishedOn', '2021/01/01').ok).toBe(false);
  });

  it('postalCode: 7 digits, a hyphenated code is normalised', () => {
    expect(value('postalCode', '100-0013')).toEqual({ ok: true, value: '1000013' });
    expect(value('postalCode', '1000013')).toEqual({ ok: true, value: '1000013' });
    expect(value('postalCode', '100013').ok).toBe(false);
  });

  it('industryCode: a JSIC Rev.14 code that exists in seeds/jsic.json, normalised', () => {
    expect(value('industryCode', 'e24')).toEqual({ ok: true, value: 'E24' });
    expect(value('industryCode', 'G391')).toEqual({ ok: true, value: 'G391' });
    expect(value('industryCode', '391')).toEqual({ ok: true, value: 'G391' });
    expect(value('industryCode', 'E39').ok).toBe(false);
    expect(value('industryCode', 'A019')).toMatchObject({ ok: false, problem: expect.stringContaining('no code A019') });
  });

  it('needs: a list of Jグランツ use_purpose values, repeats dropped', () => {
    expect(value('needs', [JGRANTS_USE_PURPOSES[0], JGRANTS_USE_PURPOSES[0], JGRANTS_USE_PURPOSES[6]]))
      .toEqual({ ok: true, value: [JGRANTS_USE_PURPOSES[0], JGRANTS_USE_PURPOSES[6]] });
    expect(value('needs', ['お金がほしい']).ok).toBe(false);
    expect(value('needs', JGRANTS_USE_PURPOSES[0]).ok).toBe(false);
  });

  it('majorShareholders: names, valid 法人番号, ratios 0..1 adding up to at most 1; JSON text accepted', () => {
    const holders = [
      { name: '大手ホールディングス株式会社', corporateNumber: '7010001008844', ratio: 0.6, isLargeEnterprise: true },
      { name: '山田太郎', ratio: 0.4, isLargeEnterprise: false },
    ];
    expect(value('majorShareholders', holders)).toEqual({ ok: true, value: holders });
    expect(value('majorShareholders', JSON.stringify(holders))).toEqual({ ok: true, value: holders });
    expect(value('majorShareholders', [{ name: 'A', ratio: 0.5, isLargeEnterprise: null }])).toEqual({ ok: true, value: [{ name: 'A', ratio: 0.5, isLargeEnterprise: null }] });
    expect(value('majorShareholders', [{ name: 'A', corporateNumber: '7010001008845', ratio: 0.5, isLargeEnterprise: true }]))
      .toMatchObject({ ok: false, problem: expect.stringContaining('check digit') });
    expect(value('majorShareholders', [{ name: 'A', ratio: 1.2, isLargeEnterprise: true }]).ok).toBe(false);
    expect(value('majorShareholders', [{ name: 'A', ratio: 0.7, isLargeEnterprise: true }, { name: 'B', ratio: 0.7, isLargeEnterprise: false }]))
      .toMatchObject({ ok: false, problem: expect.stringContaining('140%') });
    expect(value('majorShareholders', '[not json').ok).toBe(false);
    expect(value('majorShareholders', [{ name: 'A', ratio: 0.1, isLargeEnterprise: true, share: 3 }]).ok).toBe(false);
  });

  it('string items: trimmed, non-blank, phone and url checked', () => {
    expect(value('representativeName', '  山田 太郎 ')).toEqual({ ok: true, value: '山田 太郎' });
    expect(value('representativeName', '   ').ok).toBe(false);
    expect(value('phone', '03-1234-5678')).toEqual({ ok: true, value: '03-1234-5678' });
    expect(value('phone', '123').ok).toBe(false);
    expect(value('url', 'https://example.jp/')).toEqual({ ok: true, value: 'https://example.jp/' });
    expect(value('url', 'javascript:alert(1)').ok).toBe(false);
    expect(value('corporateNumber', '7010001008844')).toEqual({ ok: true, value: '7010001008844' });
  });

  it('boolean and enum items', () => {
    expect(value('blueReturn', true)).toEqual({ ok: true, value: true });
    expect(value('blueReturn', 'yes').ok).toBe(false);
    expect(value('kind', 'KABUSHIKI_KAISHA').ok).toBe(true);
    expect(value('kind', 'LLC').ok).toBe(false);
  });

  it('null clears any item', () => {
    expect(value('url', null)).toEqual({ ok: true, value: null });
  });
});

describe('freshness', () => {
  const at = (iso: string) => new Date(iso);

  it('month arithmetic on the Tokyo calendar clamps the day', () => {
    expect(addMonthsTokyo(at('2025-01-31T00:00:00+09:00'), 1).toISOString()).toBe(at('2025-02-28T00:00:00+09:00').toISOString());
    expect(addMonthsTokyo(at('2024-12-31T23:30:00+09:00'), 12).toISOString()).toBe(at('2025-12-31T23:30:00+09:00').toISOString());
  });

  it('fiscal years close at the end of the period end month (March by default)', () => {
    expect(fiscalYearCloses(2025).toISOString()).toBe(at('2025-04-01T00:00:00+09:00').toISOString());
    expect(fiscalYearCloses(2025, 12).toISOString()).toBe(at('2026-01-01T00:00:00+09:00').toISOString());
    expect(lastClosedFiscalYear(at('2026-03-31T23:59:59+09:00'))).toBe(2025);
    expect(lastClosedFiscalYear(at('2026-04-01T00:00:00+09:00'))).toBe(2026);
    expect(lastClosedFiscalYear(at('2026-04-01T00:00:00+09:00'), 12)).toBe(2025);
  });

  it('netSalesYen of FY N goes stale 3 months after FY N+1 closes', () => {
    const sales = dataItem('netSalesYen')!;
    const fy2024 = { source: 'OWNER', asOf: at('2024-06-01T00:00:00+09:00'), fiscalYear: 2024 };
    expect(staleAfter(sales, fy2024)!.toISOString()).toBe(at('2025-07-01T00:00:00+09:00').toISOString());
    expect(isStale(sales, fy2024, at('2025-06-30T23:59:59+09:00'))).toBe(false);
    expect(isStale(sales, fy2024, at('2025-07-01T00:00:00+09:00'))).toBe(true);
    // December closers: FY2024 ends 2024-12-31, FY2025 closes 2026-01-01, stale from 2026-04-01
    expect(staleAfter(sales, fy2024, { fiscalYearEndMonth: 12 })!.toISOString()).toBe(at('2026-04-01T00:00:00+09:00').toISOString());
    // an answer without a fiscal year describes the last period closed when it was stated (FY2026 on 2026-05-10)
    const answer = { source: 'APPLICATION', asOf: at('2026-05-10T10:00:00+09:00') };
    expect(staleAfter(sales, answer)!.toISOString()).toBe(at('2027-07-01T00:00:00+09:00').toISOString());
  });

  it('employees after a year, contact items after two, registry facts when the NTA changed the registry', () => {
    const asOf = at('2025-04-10T09:00:00+09:00');
    expect(isStale(dataItem('employees')!, { source: 'OWNER', asOf }, at('2026-04-10T08:59:59+09:00'))).toBe(false);
    expect(isStale(dataItem('employees')!, { source: 'OWNER', asOf }, at('2026-04-10T09:00:00+09:00'))).toBe(true);
    expect(isStale(dataItem('phone')!, { source: 'OWNER', asOf }, at('2027-04-09T00:00:00+09:00'))).toBe(false);
    expect(isStale(dataItem('phone')!, { source: 'OWNER', asOf }, at('2027-04-10T09:00:00+09:00'))).toBe(true);
    const address = dataItem('address')!;
    const now = at('2030-01-01T00:00:00+09:00');
    expect(isStale(address, { source: 'NTA', asOf }, now, { ntaUpdateDate: '2029-01-01' })).toBe(false);
    expect(isStale(address, { source: 'APPLICATION', asOf }, now, { ntaUpdateDate: '2025-01-01' })).toBe(false);
    expect(isStale(address, { source: 'APPLICATION', asOf }, now, { ntaUpdateDate: '2026-01-01' })).toBe(true);
    expect(isStale(dataItem('establishedOn')!, { source: 'OWNER', asOf: at('1990-01-01T00:00:00Z') }, now)).toBe(false);
  });
});
