import { describe, expect, it } from 'vitest';
import { computeLocalBenchmark, type StatementsForBenchmark } from './local-benchmark.js';

const year = (fiscalYear: number, overrides: Partial<StatementsForBenchmark> = {}): StatementsForBenchmark => ({
  fiscalYear,
  netSalesYen: 120_000_000,
  operatingProfitYen: 6_000_000,
  depreciationYen: 2_000_000,
  totalAssetsYen: 80_000_000,
  netAssetsYen: 20_000_000,
  borrowingsYen: 30_000_000,
  cashYen: 10_000_000,
  receivablesYen: 15_000_000,
  inventoryYen: 8_000_000,
  payablesYen: 11_000_000,
  employees: 12,
  ...overrides,
});

describe('computeLocalBenchmark', () => {
  it('computes the six indicators with the ロカベン formulas', () => {
    const result = computeLocalBenchmark([year(2024, { netSalesYen: 100_000_000 }), year(2025)], 2025)!;
    expect(result.fiscalYear).toBe(2025);
    expect(result.salesGrowthRate).toBeCloseTo(0.2); // 120 / 100 − 1
    expect(result.operatingMargin).toBeCloseTo(0.05); // 6 / 120
    expect(result.laborProductivityYen).toBeCloseTo(500_000); // 6,000,000 / 12
    expect(result.ebitdaDebtRatio).toBeCloseTo(2.5); // (30 − 10) / (6 + 2)
    expect(result.workingCapitalTurnoverMonths).toBeCloseTo(1.2); // (15 + 8 − 11) / (120 / 12)
    expect(result.equityRatio).toBeCloseTo(0.25); // 20 / 80
    expect(result.notes).toEqual([]);
  });

  it('takes the latest year when none is given, and answers null for a year without statements', () => {
    expect(computeLocalBenchmark([year(2023), year(2025), year(2024)])!.fiscalYear).toBe(2025);
    expect(computeLocalBenchmark([year(2025)], 2019)).toBeNull();
    expect(computeLocalBenchmark([])).toBeNull();
  });

  it('explains each indicator it cannot compute', () => {
    const result = computeLocalBenchmark([year(2025, { netSalesYen: 0, employees: 0, operatingProfitYen: -3_000_000, totalAssetsYen: null })])!;
    expect(result).toMatchObject({
      salesGrowthRate: null, operatingMargin: null, laborProductivityYen: null, ebitdaDebtRatio: null, workingCapitalTurnoverMonths: null, equityRatio: null,
    });
    expect(result.notes).toEqual([
      '売上高増加率: 前年度（2024年度）の決算が未登録のため計算できない',
      '営業利益率: 2025年度の売上高が0円のため計算できない',
      '労働生産性: 2025年度の従業員数が0人のため計算できない',
      'EBITDA有利子負債倍率: EBITDA（営業利益＋減価償却費）が-1,000,000円で0以下のため、倍率は意味を持たない',
      '営業運転資本回転期間: 2025年度の売上高が0円のため計算できない',
      '自己資本比率: 2025年度の総資産が未登録のため計算できない',
    ]);
  });

  it('names missing items and a zero previous-year sales figure', () => {
    const result = computeLocalBenchmark([year(2024, { netSalesYen: 0 }), year(2025, { depreciationYen: null, cashYen: null, employees: null })])!;
    expect(result.notes).toEqual([
      '売上高増加率: 前年度（2024年度）の売上高が0円のため計算できない',
      '労働生産性: 2025年度の従業員数が未登録のため計算できない',
      'EBITDA有利子負債倍率: 2025年度の現預金・減価償却費が未登録のため計算できない',
    ]);
    expect(result.operatingMargin).toBeCloseTo(0.05);
    expect(result.equityRatio).toBeCloseTo(0.25);
  });

  it('keeps a negative debt ratio when cash exceeds borrowings (net cash)', () => {
    const result = computeLocalBenchmark([year(2025, { borrowingsYen: 5_000_000, cashYen: 21_000_000 })])!;
    expect(result.ebitdaDebtRatio).toBeCloseTo(-2);
  });
});
