/**
 * EBPM outcome comparison: difference in differences (DiD) between the adopted (treated) and the
 * rejected (control) applicants of one measure.
 *
 * For each applicant with both values, change = metric(N years after the application's fiscal
 * year) − metric(the fiscal year before it). The estimate is
 * `difference = mean(change | adopted) − mean(change | rejected)`, with a Welch standard error and
 * confidence interval. Assumptions and limits (parallel trends, selection by score, survivorship,
 * small groups) are in docs/ebpm-method.md.
 */

import { DEFAULT_DISCLOSURE_THRESHOLD } from './disclosure-control.js';

/** The metrics `Ebpm.outcome(metric:)` accepts. */
export const OUTCOME_METRICS = [
  'netSalesYen',
  'operatingProfitYen',
  'ordinaryProfitYen',
  'employees',
  'valueAddedYen',
  'laborProductivityYen',
  'valueAddedPerEmployeeYen',
] as const;

export type OutcomeMetric = (typeof OUTCOME_METRICS)[number];

/** Years after the application year measured when `yearsAfter` is not given. */
export const DEFAULT_YEARS_AFTER = 2;

/** The longest follow-up accepted. */
export const MAX_YEARS_AFTER = 10;

/** The financial items the metrics are computed from (one fiscal year; yen, except employees). */
export interface OutcomeFinancials {
  readonly netSalesYen?: number | null;
  readonly operatingProfitYen?: number | null;
  readonly ordinaryProfitYen?: number | null;
  readonly laborCostYen?: number | null;
  readonly depreciationYen?: number | null;
  readonly employees?: number | null;
}

/** True when `value` names a supported metric. */
export function isOutcomeMetric(value: string): value is OutcomeMetric {
  return (OUTCOME_METRICS as readonly string[]).includes(value);
}

function present(value: number | null | undefined): value is number {
  if (value === null || value === undefined) return false;
  if (!Number.isFinite(value)) throw new RangeError(`financial values must be finite numbers, got ${value}`);
  return true;
}

/** 付加価値額 = 営業利益 + 人件費 + 減価償却費 (経営革新計画 definition); null when an item is missing. */
export function valueAddedYen(financials: OutcomeFinancials): number | null {
  const { operatingProfitYen, laborCostYen, depreciationYen } = financials;
  if (!present(operatingProfitYen) || !present(laborCostYen) || !present(depreciationYen)) return null;
  return operatingProfitYen + laborCostYen + depreciationYen;
}

/**
 * The value of one metric in one fiscal year, or null when it cannot be computed.
 *
 * - `laborProductivityYen`: the ローカルベンチマーク 労働生産性 = 営業利益 ÷ 従業員数 (in yen, where the
 *   ロカベン sheet shows 千円).
 * - `valueAddedPerEmployeeYen`: 付加価値額 ÷ 従業員数 = (営業利益 + 人件費 + 減価償却費) ÷ 従業員数, the
 *   productivity of 経営力向上計画 / 経営革新計画.
 * - `valueAddedYen`: 営業利益 + 人件費 + 減価償却費.
 *
 * Per-employee metrics are null when employees is missing or 0 (a business with no employees has
 * no per-employee figure; using 1 would mix owners with staff).
 */
export function metricValue(financials: OutcomeFinancials | null | undefined, metric: OutcomeMetric): number | null {
  if (!financials) return null;
  switch (metric) {
    case 'netSalesYen':
    case 'operatingProfitYen':
    case 'ordinaryProfitYen':
    case 'employees': {
      const value = financials[metric];
      return present(value) ? value : null;
    }
    case 'valueAddedYen':
      return valueAddedYen(financials);
    case 'laborProductivityYen': {
      const { operatingProfitYen, employees } = financials;
      return present(operatingProfitYen) && present(employees) && employees > 0 ? operatingProfitYen / employees : null;
    }
    case 'valueAddedPerEmployeeYen': {
      const valueAdded = valueAddedYen(financials);
      const { employees } = financials;
      return valueAdded !== null && present(employees) && employees > 0 ? valueAdded / employees : null;
    }
  }
}

/** One applicant's metric before and after; null or undefined when unknown. */
export interface DidObservation {
  /** true: adopted (treated); false: rejected (control) */
  readonly treated: boolean;
  readonly baseline: number | null | undefined;
  readonly after: number | null | undefined;
}

export interface DidOptions {
  /** A group with fewer applicants (with both values) than this suppresses the result. Integer ≥ 1; default 10. */
  readonly threshold?: number;
  /** Level of the confidence interval, 0 < level < 1; default 0.95. */
  readonly confidenceLevel?: number;
}

/** The DiD estimate. Counts are always given; every other number is null when `suppressed`. */
export interface DidEstimate {
  /** adopted applicants with both values */
  readonly treatedCount: number;
  /** rejected applicants with both values */
  readonly controlCount: number;
  /** adopted applicants left out for a missing value (closures, late or no filings) */
  readonly treatedMissing: number;
  readonly controlMissing: number;
  readonly treatedMeanChange: number | null;
  readonly controlMeanChange: number | null;
  /** treatedMeanChange − controlMeanChange */
  readonly difference: number | null;
  /** Welch: √(s²_treated/n_treated + s²_control/n_control); null with a group of one */
  readonly standardError: number | null;
  /** Welch–Satterthwaite degrees of freedom; null when the standard error is 0 or unknown */
  readonly degreesOfFreedom: number | null;
  readonly confidenceLevel: number;
  readonly confidenceInterval: { readonly lower: number; readonly upper: number } | null;
  /** true when a group is under the threshold */
  readonly suppressed: boolean;
}

interface GroupStatistics {
  count: number;
  missing: number;
  mean: number;
  /** sample variance (n − 1); NaN with fewer than 2 */
  variance: number;
}

function groupStatistics(changes: readonly number[], missing: number): GroupStatistics {
  const count = changes.length;
  let sum = 0;
  for (const change of changes) sum += change;
  const mean = count > 0 ? sum / count : Number.NaN;
  // Two passes: yen changes are large, a one-pass Σx² loses precision.
  let squares = 0;
  for (const change of changes) squares += (change - mean) ** 2;
  return { count, missing, mean, variance: count > 1 ? squares / (count - 1) : Number.NaN };
}

function validateDidOptions(options: DidOptions): { threshold: number; confidenceLevel: number } {
  const threshold = options.threshold ?? DEFAULT_DISCLOSURE_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be an integer ≥ 1, got ${threshold}`);
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new RangeError(`confidenceLevel must be between 0 and 1, got ${confidenceLevel}`);
  return { threshold, confidenceLevel };
}

/**
 * Difference in differences of `after − baseline` between treated and control observations.
 * Observations missing either value are counted in `…Missing` and left out.
 * @throws RangeError on a non-finite value or bad options.
 */
export function estimateDifferenceInDifferences(observations: Iterable<DidObservation>, options: DidOptions = {}): DidEstimate {
  const { threshold, confidenceLevel } = validateDidOptions(options);
  const changes = { treated: [] as number[], control: [] as number[] };
  const missing = { treated: 0, control: 0 };
  for (const observation of observations) {
    const group = observation.treated ? 'treated' : 'control';
    if (present(observation.baseline) && present(observation.after)) changes[group].push(observation.after - observation.baseline);
    else missing[group]++;
  }
  const treated = groupStatistics(changes.treated, missing.treated);
  const control = groupStatistics(changes.control, missing.control);
  const counts = {
    treatedCount: treated.count,
    controlCount: control.count,
    treatedMissing: treated.missing,
    controlMissing: control.missing,
    confidenceLevel,
  };
  if (treated.count < threshold || control.count < threshold) {
    return {
      ...counts,
      treatedMeanChange: null,
      controlMeanChange: null,
      difference: null,
      standardError: null,
      degreesOfFreedom: null,
      confidenceInterval: null,
      suppressed: true,
    };
  }
  const difference = treated.mean - control.mean;
  const welch = welchInterval(treated, control, difference, confidenceLevel);
  return {
    ...counts,
    treatedMeanChange: treated.mean,
    controlMeanChange: control.mean,
    difference,
    ...welch,
    suppressed: false,
  };
}

function welchInterval(
  treated: GroupStatistics,
  control: GroupStatistics,
  difference: number,
  confidenceLevel: number,
): Pick<DidEstimate, 'standardError' | 'degreesOfFreedom' | 'confidenceInterval'> {
  if (treated.count < 2 || control.count < 2) return { standardError: null, degreesOfFreedom: null, confidenceInterval: null };
  const a = treated.variance / treated.count;
  const b = control.variance / control.count;
  const standardError = Math.sqrt(a + b);
  if (standardError === 0) return { standardError, degreesOfFreedom: null, confidenceInterval: { lower: difference, upper: difference } };
  const degreesOfFreedom = (a + b) ** 2 / (a ** 2 / (treated.count - 1) + b ** 2 / (control.count - 1));
  const margin = studentTQuantile((1 + confidenceLevel) / 2, degreesOfFreedom) * standardError;
  return { standardError, degreesOfFreedom, confidenceInterval: { lower: difference - margin, upper: difference + margin } };
}

/** One applicant of the measure, with the financial statements known for the company. */
export interface OutcomeApplicant {
  /** true when ADOPTED, false when REJECTED (leave other statuses out) */
  readonly adopted: boolean;
  /** fiscal year of the application (年度, e.g. 2022) */
  readonly applicationFiscalYear: number;
  readonly financials: readonly (OutcomeFinancials & { readonly fiscalYear: number })[];
}

export interface OutcomeOptions extends DidOptions {
  /** Follow-up in years after the application's fiscal year, 1..10; default 2. */
  readonly yearsAfter?: number;
}

/** The result of {@link compareApplicantOutcomes}: the contract's `OutcomeComparison` plus the extras. */
export interface OutcomeComparisonResult extends DidEstimate {
  readonly metric: OutcomeMetric;
  readonly yearsAfter: number;
}

/**
 * The fiscal years compared for an application: the year before it (baseline) and `yearsAfter`
 * years after it (outcome). An application in FY2022 with yearsAfter 2 compares FY2021 with FY2024.
 */
export function outcomeFiscalYears(applicationFiscalYear: number, yearsAfter: number): { baselineYear: number; outcomeYear: number } {
  return { baselineYear: applicationFiscalYear - 1, outcomeYear: applicationFiscalYear + yearsAfter };
}

/**
 * Difference in differences of one metric between the adopted and the rejected applicants of one
 * measure. Pass one applicant per company (e.g. its first decided application to the measure);
 * applicants without the baseline or the outcome year's figures are counted as missing.
 * @throws RangeError on an unknown metric, a bad `yearsAfter`, duplicated fiscal years or bad options.
 */
export function compareApplicantOutcomes(
  applicants: Iterable<OutcomeApplicant>,
  metric: string,
  options: OutcomeOptions = {},
): OutcomeComparisonResult {
  if (!isOutcomeMetric(metric)) throw new RangeError(`unknown metric "${metric}"; use one of ${OUTCOME_METRICS.join(', ')}`);
  const yearsAfter = options.yearsAfter ?? DEFAULT_YEARS_AFTER;
  if (!Number.isInteger(yearsAfter) || yearsAfter < 1 || yearsAfter > MAX_YEARS_AFTER) {
    throw new RangeError(`yearsAfter must be an integer from 1 to ${MAX_YEARS_AFTER}, got ${yearsAfter}`);
  }
  const observations: DidObservation[] = [];
  for (const applicant of applicants) {
    const byYear = new Map<number, OutcomeFinancials>();
    for (const statement of applicant.financials) {
      if (byYear.has(statement.fiscalYear)) throw new RangeError(`fiscal year ${statement.fiscalYear} appears twice for one applicant`);
      byYear.set(statement.fiscalYear, statement);
    }
    const { baselineYear, outcomeYear } = outcomeFiscalYears(applicant.applicationFiscalYear, yearsAfter);
    observations.push({
      treated: applicant.adopted,
      baseline: metricValue(byYear.get(baselineYear), metric),
      after: metricValue(byYear.get(outcomeYear), metric),
    });
  }
  return { metric, yearsAfter, ...estimateDifferenceInDifferences(observations, options) };
}

// ---------------------------------------------------------------------------------------------
// Student's t distribution (for the Welch interval)

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * Beyond this many degrees of freedom the log-gamma terms cancel badly; t(10⁷) differs from the
 * normal distribution by less than 3·10⁻⁷ in its quantiles, so larger df (Infinity included) use it.
 */
const MAX_EXACT_DEGREES_OF_FREEDOM = 1e7;

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole; Infinity allowed). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  const nu = Math.min(df, MAX_EXACT_DEGREES_OF_FREEDOM);
  const tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1, df > 0), by bisection. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be between 0 and 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, df) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
