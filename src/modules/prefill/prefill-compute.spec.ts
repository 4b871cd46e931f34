import { describe, expect, it } from 'vitest';
import type { FactVersion } from '../facts/precedence.js';
import { formFieldsOf, knownValues, prefillForm, type FinancialsRowLike, type PrefillCompany } from './prefill-compute.js';

const company: PrefillCompany = {
  id: 7, corporateNumber: '7010001008844', name: 'テスト株式会社', nameKana: 'テスト', postalCode: '1000005', prefectureCode: '13',
  address: '東京都千代田区丸の内1-6-6', industryCode: 'E26', capitalYen: 10_000_000, employees: null, establishedOn: '2001-04-01',
  representativeName: null, ntaUpdateDate: '2024-05-01', updatedAt: new Date('2025-01-01T00:00:00Z'),
};

const fact = (key: string, value: unknown, source: string, asOf: string): FactVersion => ({ key, value, source, sourceRef: `${source}-ref`, asOf: new Date(asOf) });

const statements = (fiscalYear: number, netSalesYen: number | null, source = 'OWNER'): FinancialsRowLike => ({
  fiscalYear, source, sourceRef: null, asOf: new Date(`${fiscalYear}-06-01T00:00:00Z`),
  netSalesYen, operatingProfitYen: 1_000_000, ordinaryProfitYen: null, depreciationYen: null, laborCostYen: null, totalAssetsYen: null,
  netAssetsYen: null, borrowingsYen: null, cashYen: null, receivablesYen: null, inventoryYen: null, payablesYen: null,
});

const form = formFieldsOf([
  { key: 'name', label: '商号又は名称', required: true, type: 'string' },
  { key: 'address', label: '所在地', required: true, type: 'string' },
  { key: 'employees', label: '常時使用する従業員数', required: true, type: 'integer' },
  { key: 'netSalesYen', label: '直近期の売上高', required: true, type: 'yen' },
  { key: 'needs', label: '支援ニーズ', required: false, type: 'enum', options: ['資金繰りを改善したい', '人材育成を行いたい'], multiple: true },
  { key: 'businessPlanSummary', label: '事業計画の概要', required: true, type: 'text' },
  { bogus: true },
]);

describe('formFieldsOf', () => {
  it('reads the measure’s fields and drops malformed entries', () => {
    expect(form.map((f) => f.key)).toEqual(['name', 'address', 'employees', 'netSalesYen', 'needs', 'businessPlanSummary']);
    expect(formFieldsOf([{ key: 'capitalYen' }])).toEqual([{ key: 'capitalYen', label: '資本金又は出資の総額', required: false, type: 'yen' }]);
    expect(formFieldsOf(null)).toEqual([]);
  });
});

describe('prefillForm', () => {
  const now = new Date('2026-05-01T00:00:00+09:00');

  it('fills canonical items with provenance, leaves measure-specific questions empty, and computes coverage', () => {
    const current = [
      fact('name', 'テスト株式会社', 'NTA', '2024-05-01T00:00:00+09:00'),
      fact('employees', 12, 'APPLICATION', '2025-02-01T00:00:00+09:00'),
      fact('needs', ['資金繰りを改善したい', '新たな事業を行いたい'], 'OWNER', '2026-01-01T00:00:00+09:00'),
    ];
    const known = knownValues(company, current, [statements(2025, 80_000_000), statements(2024, 70_000_000)]);
    const result = prefillForm(form, known, now, company);
    const byKey = Object.fromEntries(result.fields.map((f) => [f.key, f]));
    expect(byKey.name).toMatchObject({ value: 'テスト株式会社', source: 'NTA', stale: false, mapped: true });
    expect(byKey.address).toMatchObject({ value: company.address, source: 'PLATFORM', sourceRef: 'company:7' });
    expect(byKey.employees).toMatchObject({ value: 12, source: 'APPLICATION', stale: true }); // stated 2025-02-01, a year is up
    expect(byKey.netSalesYen).toMatchObject({ value: 80_000_000, source: 'OWNER', fiscalYear: 2025, stale: false });
    expect(byKey.needs).toMatchObject({ value: ['資金繰りを改善したい'] }); // only the form's options
    expect(byKey.businessPlanSummary).toMatchObject({ value: null, source: null, mapped: false, stale: false });
    expect(result.coverage).toBeCloseTo(5 / 6);
    expect(result.requiredCoverage).toBeCloseTo(4 / 5);
    expect(result.missingRequired).toEqual(['businessPlanSummary']);
  });

  it('financial items: a later fiscal year wins, whether it comes from statements or from an answer', () => {
    const answer = fact('netSalesYen', 95_000_000, 'APPLICATION', '2026-04-20T00:00:00+09:00'); // describes FY2026
    const newer = prefillForm(form, knownValues(company, [answer], [statements(2025, 80_000_000)]), now, company);
    expect(newer.fields.find((f) => f.key === 'netSalesYen')).toMatchObject({ value: 95_000_000, source: 'APPLICATION', fiscalYear: 2026 });
    const older = fact('netSalesYen', 60_000_000, 'GBIZINFO', '2024-03-01T00:00:00+09:00'); // describes FY2023
    const fromStatements = prefillForm(form, knownValues(company, [older], [statements(2025, 80_000_000)]), now, company);
    expect(fromStatements.fields.find((f) => f.key === 'netSalesYen')).toMatchObject({ value: 80_000_000, fiscalYear: 2025 });
  });

  it('marks financial statements stale once the next fiscal year closed and its filing grace passed', () => {
    const known = knownValues(company, [], [statements(2024, 70_000_000)]);
    const fresh = prefillForm(form, known, new Date('2025-06-30T12:00:00+09:00'), company);
    const stale = prefillForm(form, known, new Date('2025-07-01T00:00:00+09:00'), company);
    expect(fresh.fields.find((f) => f.key === 'netSalesYen')!.stale).toBe(false);
    expect(stale.fields.find((f) => f.key === 'netSalesYen')!.stale).toBe(true);
  });

  it('an empty form is fully covered', () => {
    expect(prefillForm([], new Map(), now, company)).toEqual({ fields: [], coverage: 1, requiredCoverage: 1, missingRequired: [] });
  });
});
