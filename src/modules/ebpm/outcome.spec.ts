import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_YEARS_AFTER,
  OUTCOME_METRICS,
  compareApplicantOutcomes,
  estimateDifferenceInDifferences,
  isOutcomeMetric,
  metricValue,
  outcomeFiscalYears,
  studentTCdf,
  studentTQuantile,
  valueAddedYen,
  type DidObservation,
  type OutcomeApplicant,
} from './outcome.js';

/** mulberry32: a small seeded generator, so the synthetic populations are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  // Box–Muller
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

interface Population {
  observations: DidObservation[];
  /** mean of `after` (treated) − mean of `after` (control): the naive post-only comparison */
  naiveAfterGap: number;
}

/**
 * A synthetic population of one measure's applicants. Adoption is selected on the level (adopted
 * firms are bigger, as when a score favours them), every firm shares a common trend, and adoption
 * adds `effect` to the change. Some firms close and have no later figures.
 */
function syntheticPopulation(options: { seed: number; treated: number; control: number; effect: number; closureRate?: number }): Population {
  const random = seededRandom(options.seed);
  const observations: DidObservation[] = [];
  const after = { treated: [] as number[], control: [] as number[] };
  const draw = (treated: boolean) => {
    const baseline = (treated ? 160e6 : 100e6) + normal(random) * 30e6;
    const change = 4e6 + normal(random) * 12e6 + (treated ? options.effect : 0);
    const closed = random() < (options.closureRate ?? 0);
    observations.push({ treated, baseline, after: closed ? null : baseline + change });
    if (!closed) after[treated ? 'treated' : 'control'].push(baseline + change);
  };
  for (let i = 0; i < options.treated; i++) draw(true);
  for (let i = 0; i < options.control; i++) draw(false);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { observations, naiveAfterGap: mean(after.treated) - mean(after.control) };
}

describe('metrics', () => {
  const statement = {
    netSalesYen: 300_000_000,
    operatingProfitYen: 12_000_000,
    ordinaryProfitYen: 11_000_000,
    laborCostYen: 60_000_000,
    depreciationYen: 9_000_000,
    employees: 12,
  };

  it('computes 付加価値額 and both productivity definitions', () => {
    expect(valueAddedYen(statement)).toBe(81_000_000);
    expect(metricValue(statement, 'valueAddedYen')).toBe(81_000_000);
    // ローカルベンチマーク: 営業利益 ÷ 従業員数
    expect(metricValue(statement, 'laborProductivityYen')).toBe(1_000_000);
    // 付加価値 definition: (営業利益 + 人件費 + 減価償却費) ÷ 従業員数
    expect(metricValue(statement, 'valueAddedPerEmployeeYen')).toBe(6_750_000);
    expect(metricValue(statement, 'netSalesYen')).toBe(300_000_000);
    expect(metricValue(statement, 'operatingProfitYen')).toBe(12_000_000);
    expect(metricValue(statement, 'ordinaryProfitYen')).toBe(11_000_000);
    expect(metricValue(statement, 'employees')).toBe(12);
  });

  it('returns null when an item is missing or there are no employees', () => {
    expect(metricValue({ ...statement, laborCostYen: null }, 'valueAddedYen')).toBeNull();
    expect(metricValue({ ...statement, depreciationYen: undefined }, 'valueAddedPerEmployeeYen')).toBeNull();
    expect(metricValue({ ...statement, employees: 0 }, 'laborProductivityYen')).toBeNull();
    expect(metricValue({ ...statement, employees: 0 }, 'valueAddedPerEmployeeYen')).toBeNull();
    expect(metricValue({ ...statement, employees: 0 }, 'employees')).toBe(0);
    expect(metricValue(undefined, 'netSalesYen')).toBeNull();
    expect(() => metricValue({ netSalesYen: Number.NaN }, 'netSalesYen')).toThrow(RangeError);
  });

  it('knows its metric names', () => {
    expect(OUTCOME_METRICS).toContain('laborProductivityYen');
    expect(OUTCOME_METRICS).toContain('valueAddedPerEmployeeYen');
    expect(isOutcomeMetric('valueAddedYen')).toBe(true);
    expect(isOutcomeMetric('profit')).toBe(false);
  });
});

describe("Student's t", () => {
  // Reference values from scipy.stats.t.ppf / t.cdf.
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 108 / 26, 2.736356918133949],
    [0.975, 10, 2.228138851986274],
    [0.975, 30, 2.0422724563012378],
    [0.995, 30, 2.7499956535672254],
    [0.975, 1000, 1.9623390808264083],
    [0.975, 1e6, 1.959966356814107],
  ])('quantile(%f, df=%f) = %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 8);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-expected, 8);
  });

  it('has the right cdf and the normal limit', () => {
    expect(studentTCdf(-1.5, 10)).toBeCloseTo(0.08225366322272007, 10);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 6);
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
  });
});

describe('difference in differences', () => {
  it('computes means, the Welch standard error and interval by hand', () => {
    const observations: DidObservation[] = [
      ...[1, 2, 3, 4].map((change) => ({ treated: true, baseline: 100, after: 100 + change })),
      ...[0, 0, 1, 1].map((change) => ({ treated: false, baseline: 50, after: 50 + change })),
    ];
    const estimate = estimateDifferenceInDifferences(observations, { threshold: 4 });
    expect(estimate).toMatchObject({ treatedCount: 4, controlCount: 4, treatedMeanChange: 2.5, controlMeanChange: 0.5, difference: 2, suppressed: false });
    // s² = 5/3 and 1/3: SE = √(5/12 + 1/12) = √0.5; df = 0.25 / ((5/12)²/3 + (1/12)²/3) = 108/26.
    expect(estimate.standardError).toBeCloseTo(Math.SQRT1_2, 12);
    expect(estimate.degreesOfFreedom).toBeCloseTo(108 / 26, 12);
    const margin = 2.736356918133949 * Math.SQRT1_2;
    expect(estimate.confidenceInterval!.lower).toBeCloseTo(2 - margin, 8);
    expect(estimate.confidenceInterval!.upper).toBeCloseTo(2 + margin, 8);
    expect(estimate.confidenceLevel).toBe(0.95);
  });

  it('gives a degenerate interval when every change is the same within each group', () => {
    const observations = [...Array(20).keys()].map((i) => ({ treated: i < 10, baseline: 0, after: i < 10 ? 5 : 2 }));
    const estimate = estimateDifferenceInDifferences(observations);
    expect(estimate).toMatchObject({ difference: 3, standardError: 0, degreesOfFreedom: null, confidenceInterval: { lower: 3, upper: 3 } });
  });

  it('recovers an injected effect despite selection on the level and closures', () => {
    const effect = 9e6;
    const { observations, naiveAfterGap } = syntheticPopulation({ seed: 42, treated: 600, control: 900, effect, closureRate: 0.08 });
    const estimate = estimateDifferenceInDifferences(observations);
    expect(estimate.suppressed).toBe(false);
    expect(estimate.treatedCount + estimate.treatedMissing).toBe(600);
    expect(estimate.controlCount + estimate.controlMissing).toBe(900);
    expect(estimate.treatedMissing).toBeGreaterThan(20);
    expect(Math.abs(estimate.difference! - effect)).toBeLessThan(2e6);
    expect(Math.abs(estimate.difference! - effect)).toBeLessThan(4 * estimate.standardError!);
    expect(estimate.confidenceInterval!.lower).toBeLessThan(effect);
    expect(estimate.confidenceInterval!.upper).toBeGreaterThan(effect);
    // The common trend (+4M) shows in both groups' mean change.
    expect(estimate.controlMeanChange!).toBeGreaterThan(2e6);
    expect(estimate.controlMeanChange!).toBeLessThan(6e6);
    // Comparing only the later levels would add the 60M selection gap.
    expect(naiveAfterGap - effect).toBeGreaterThan(40e6);
  });

  it('stays within four standard errors of the injected effect for any seed and effect', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -20, max: 20 }), (seed, effectMillions) => {
        const effect = effectMillions * 1e6;
        const { observations } = syntheticPopulation({ seed, treated: 200, control: 300, effect, closureRate: 0.1 });
        const estimate = estimateDifferenceInDifferences(observations);
        expect(Math.abs(estimate.difference! - effect)).toBeLessThan(4 * estimate.standardError!);
      }),
      { numRuns: 60 },
    );
  });

  it('shifts by a constant added to the treated changes and ignores one added to everyone', () => {
    const change = fc.double({ min: -1e9, max: 1e9, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 10, maxLength: 40 }),
        fc.array(change, { minLength: 10, maxLength: 40 }),
        fc.double({ min: -1e8, max: 1e8, noNaN: true }),
        (treated, control, shift) => {
          const build = (treatedShift: number, commonShift: number) => [
            ...treated.map((c) => ({ treated: true, baseline: 0, after: c + treatedShift + commonShift })),
            ...control.map((c) => ({ treated: false, baseline: 0, after: c + commonShift })),
          ];
          const base = estimateDifferenceInDifferences(build(0, 0)).difference!;
          expect(estimateDifferenceInDifferences(build(shift, 0)).difference!).toBeCloseTo(base + shift, -1);
          expect(estimateDifferenceInDifferences(build(0, shift)).difference!).toBeCloseTo(base, -1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('suppresses when a group with both values is under the threshold, keeping the counts', () => {
    const group = (treated: boolean, complete: number, missing = 0): DidObservation[] => [
      ...[...Array(complete).keys()].map((i) => ({ treated, baseline: 10, after: 10 + i })),
      ...[...Array(missing).keys()].map(() => ({ treated, baseline: 10, after: null })),
    ];
    const nineTreated = estimateDifferenceInDifferences([...group(true, 9), ...group(false, 50)]);
    expect(nineTreated).toMatchObject({
      treatedCount: 9,
      controlCount: 50,
      suppressed: true,
      treatedMeanChange: null,
      controlMeanChange: null,
      difference: null,
      standardError: null,
      degreesOfFreedom: null,
      confidenceInterval: null,
    });
    // Twelve adopted applicants, but three closed: only nine count.
    expect(estimateDifferenceInDifferences([...group(true, 9, 3), ...group(false, 10)])).toMatchObject({ treatedMissing: 3, suppressed: true });
    expect(estimateDifferenceInDifferences([...group(true, 10), ...group(false, 9)]).suppressed).toBe(true);
    expect(estimateDifferenceInDifferences([...group(true, 10), ...group(false, 10)])).toMatchObject({ suppressed: false, difference: 0 });
    expect(estimateDifferenceInDifferences([...group(true, 3), ...group(false, 3)], { threshold: 3 }).suppressed).toBe(false);
    expect(estimateDifferenceInDifferences([])).toMatchObject({ treatedCount: 0, controlCount: 0, suppressed: true });
    expect(() => estimateDifferenceInDifferences([], { threshold: 0 })).toThrow(RangeError);
    expect(() => estimateDifferenceInDifferences([], { confidenceLevel: 1 })).toThrow(RangeError);
  });
});

describe('compareApplicantOutcomes', () => {
  const applicant = (adopted: boolean, applicationFiscalYear: number, sales: Record<number, number>, employees = 5): OutcomeApplicant => ({
    adopted,
    applicationFiscalYear,
    financials: Object.entries(sales).map(([fiscalYear, netSalesYen]) => ({
      fiscalYear: Number(fiscalYear),
      netSalesYen,
      operatingProfitYen: netSalesYen / 10,
      laborCostYen: netSalesYen / 5,
      depreciationYen: netSalesYen / 20,
      employees,
    })),
  });

  it('compares the year before the application with N years after it', () => {
    expect(outcomeFiscalYears(2022, 2)).toEqual({ baselineYear: 2021, outcomeYear: 2024 });
    expect(DEFAULT_YEARS_AFTER).toBe(2);
    const applicants = [
      // adopted in FY2022: FY2021 → FY2024 grows by 30; FY2023 is a distractor
      ...[...Array(10).keys()].map(() => applicant(true, 2022, { 2021: 100, 2023: 1000, 2024: 130 })),
      // rejected in FY2021: FY2020 → FY2023 grows by 10
      ...[...Array(10).keys()].map(() => applicant(false, 2021, { 2020: 100, 2023: 110 })),
      // no outcome-year figures (closed): missing
      applicant(false, 2021, { 2020: 100 }),
    ];
    const result = compareApplicantOutcomes(applicants, 'netSalesYen');
    expect(result).toMatchObject({
      metric: 'netSalesYen',
      yearsAfter: 2,
      treatedCount: 10,
      controlCount: 10,
      controlMissing: 1,
      treatedMeanChange: 30,
      controlMeanChange: 10,
      difference: 20,
      suppressed: false,
    });
    const oneYear = compareApplicantOutcomes(applicants, 'netSalesYen', { yearsAfter: 1 });
    expect(oneYear).toMatchObject({ treatedCount: 10, controlCount: 0, suppressed: true });
    expect(compareApplicantOutcomes(applicants, 'valueAddedYen').difference).toBeCloseTo(20 * 0.35, 10);
    expect(compareApplicantOutcomes(applicants, 'valueAddedPerEmployeeYen').difference).toBeCloseTo((20 * 0.35) / 5, 10);
    expect(compareApplicantOutcomes(applicants, 'laborProductivityYen').difference).toBeCloseTo(20 / 10 / 5, 10);
  });

  it('rejects an unknown metric, a bad follow-up and duplicated fiscal years', () => {
    expect(() => compareApplicantOutcomes([], 'profit')).toThrow(/unknown metric "profit"/);
    expect(() => compareApplicantOutcomes([], 'netSalesYen', { yearsAfter: 0 })).toThrow(/yearsAfter/);
    expect(() => compareApplicantOutcomes([], 'netSalesYen', { yearsAfter: 1.5 })).toThrow(/yearsAfter/);
    const duplicated: OutcomeApplicant = { adopted: true, applicationFiscalYear: 2022, financials: [{ fiscalYear: 2021 }, { fiscalYear: 2021 }] };
    expect(() => compareApplicantOutcomes([duplicated], 'netSalesYen')).toThrow(/twice/);
  });
});
