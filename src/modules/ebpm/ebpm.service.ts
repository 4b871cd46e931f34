/**
 * EBPM for policy staff: application statistics with disclosure control and outcomes of adopted vs
 * rejected applicants. The scorecard lives in scorecard.service.ts. Method and limits:
 * docs/ebpm-method.md; storage and freshness: docs/adr/0007-ebpm-application-rollup.md.
 */

import type { Config } from '../../config.js';
import type { Context } from '../../context.js';
import type { Database } from '../../db/client.js';
import { canReadEbpm } from '../../shared/auth/policy.js';
import { EbpmDimension } from '../../shared/enums.js';
import { badInput, forbidden, notFound } from '../../shared/errors.js';
import {
  applicationCubeCache, EBPM_DIMENSIONS, EBPM_MAX_GROUP_BY_DIMENSIONS, UNKNOWN_KEY, type ApplicationCubeOptions, type CubeSnapshot,
} from './application-cube.js';
import type { CubeFilter, PublishedCell } from './disclosure-control.js';
import type { EbpmFilter } from './ebpm.input.js';
import type { Ebpm } from './ebpm.type.js';
import {
  compareApplicantOutcomes,
  DEFAULT_YEARS_AFTER,
  isOutcomeMetric,
  MAX_YEARS_AFTER,
  OUTCOME_METRICS,
  outcomeFiscalYears,
  type OutcomeApplicant,
  type OutcomeComparisonResult,
} from './outcome.js';
import { seedScorecard } from './scorecard.service.js';

/** The disclosure threshold in force (the configured one, at least 1). */
export function disclosureThresholdOf(config: Pick<Config, 'disclosureThreshold'>): number {
  return Math.max(1, config.disclosureThreshold);
}

/** The cube options of a server or CLI run. */
export function cubeOptionsOf(config: Pick<Config, 'disclosureThreshold'>): ApplicationCubeOptions {
  return { threshold: disclosureThresholdOf(config), maxGroupByDimensions: EBPM_MAX_GROUP_BY_DIMENSIONS };
}

/**
 * The `Query.ebpm` root: STAFF and ADMIN only, everyone else (anonymous included) gets FORBIDDEN.
 * Every EBPM field hangs below this one, so nothing of it is reachable without passing here.
 */
export function openEbpm(ctx: Context): Ebpm {
  if (!canReadEbpm(ctx.viewer)) throw forbidden('EBPM analytics are for policy staff: a STAFF or ADMIN token is needed');
  return { disclosureThreshold: disclosureThresholdOf(ctx.config), maxGroupByDimensions: EBPM_MAX_GROUP_BY_DIMENSIONS };
}

// ---------------------------------------------------------------------------------------------
// applicationStats

const PREFECTURE_CODE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;
const MIN_FISCAL_YEAR = 1989;
const MAX_FISCAL_YEAR = 2200;

/** A validated applicationStats question. */
export interface StatsQuestion {
  readonly groupBy: readonly EbpmDimension[];
  readonly filter: CubeFilter<EbpmDimension>;
}

/**
 * Validates `groupBy` and `filter` and turns the filter into the cube's form. BAD_USER_INPUT names
 * the field: a repeated dimension or too many in `groupBy`; malformed filter values; or `groupBy`
 * plus the filtered dimensions combining more than `maxDimensions`.
 */
export function parseStatsQuestion(
  groupBy: readonly EbpmDimension[],
  filter: EbpmFilter | null | undefined,
  maxDimensions: number = EBPM_MAX_GROUP_BY_DIMENSIONS,
): StatsQuestion {
  for (const dimension of groupBy) {
    if (!EBPM_DIMENSIONS.includes(dimension)) throw badInput(`unknown dimension ${String(dimension)}; use ${EBPM_DIMENSIONS.join(', ')}`, 'groupBy');
  }
  const repeated = groupBy.filter((dimension, i) => groupBy.indexOf(dimension) !== i);
  if (repeated.length) throw badInput(`groupBy repeats ${[...new Set(repeated)].join(', ')}: name each dimension once`, 'groupBy');
  if (groupBy.length > maxDimensions) {
    throw badInput(`groupBy may combine at most ${maxDimensions} dimensions, got ${groupBy.length} (${groupBy.join(', ')})`, 'groupBy');
  }
  const cubeFilter: CubeFilter<EbpmDimension> = {};
  if (filter?.measureIds) {
    const ids = filter.measureIds.map((id) => id.trim());
    if (ids.some((id) => id === '')) throw badInput('measureIds must not contain a blank id', 'filter.measureIds');
    cubeFilter[EbpmDimension.MEASURE] = [...new Set(ids)];
  }
  if (filter?.fiscalYears) {
    const bad = filter.fiscalYears.find((year) => !Number.isInteger(year) || year < MIN_FISCAL_YEAR || year > MAX_FISCAL_YEAR);
    if (bad !== undefined) throw badInput(`fiscalYears must be years from ${MIN_FISCAL_YEAR} to ${MAX_FISCAL_YEAR}, got ${bad}`, 'filter.fiscalYears');
    cubeFilter[EbpmDimension.FISCAL_YEAR] = [...new Set(filter.fiscalYears.map(String))];
  }
  if (filter?.prefectureCodes) {
    const bad = filter.prefectureCodes.find((code) => !PREFECTURE_CODE.test(code) && code !== UNKNOWN_KEY);
    if (bad !== undefined) throw badInput(`prefectureCodes must be JIS X 0401 codes 01..47 (or ${UNKNOWN_KEY}), got "${bad}"`, 'filter.prefectureCodes');
    cubeFilter[EbpmDimension.PREFECTURE] = [...new Set(filter.prefectureCodes)];
  }
  const combined = new Set<EbpmDimension>([...groupBy, ...(Object.keys(cubeFilter) as EbpmDimension[])]);
  if (combined.size > maxDimensions) {
    throw badInput(
      `groupBy and filter together may combine at most ${maxDimensions} dimensions, got ${combined.size} (${[...combined].join(', ')}): ` +
        'group by fewer dimensions or filter on a dimension you group by',
      'filter',
    );
  }
  return { groupBy, filter: cubeFilter };
}

/** Answers a validated question from a built cube; RangeError of the cube becomes BAD_USER_INPUT. */
async function answerFrom(snapshot: CubeSnapshot, question: StatsQuestion): Promise<PublishedCell[]> {
  try {
    return await snapshot.handle.publishedTable(question.groupBy, question.filter);
  } catch (error) {
    if (error instanceof RangeError) throw badInput(error.message, 'groupBy');
    throw error;
  }
}

/**
 * The suppressed `groupBy` table restricted by `filter`, as the API and the CSV export serve it,
 * answered from the cached protected cube of `database` (rebuilt when applications changed).
 */
export async function publishedApplicationStats(
  database: Database,
  options: ApplicationCubeOptions,
  groupBy: readonly EbpmDimension[],
  filter: EbpmFilter | null | undefined,
): Promise<PublishedCell[]> {
  const cache = applicationCubeCache(database, options);
  const question = parseStatsQuestion(groupBy, filter, cache.maxDimensions);
  return answerFrom(await cache.snapshot(), question);
}

/** The request's cube: its version is checked once per request, however many tables the request asks for. */
function requestSnapshot(ctx: Context): Promise<CubeSnapshot> {
  return ctx.memo('ebpm.cubeSnapshot', () => applicationCubeCache(ctx.database, cubeOptionsOf(ctx.config)).snapshot());
}

/** `Ebpm.applicationStats`. */
export async function applicationStats(ctx: Context, groupBy: readonly EbpmDimension[], filter: EbpmFilter | null | undefined): Promise<PublishedCell[]> {
  const question = parseStatsQuestion(groupBy, filter, EBPM_MAX_GROUP_BY_DIMENSIONS);
  return answerFrom(await requestSnapshot(ctx), question);
}

/** When the cube answering applicationStats in this request was built (at scale it may lag by up to a minute). */
export async function applicationStatsBuiltAt(ctx: Context): Promise<Date> {
  return (await requestSnapshot(ctx)).builtAt;
}

// ---------------------------------------------------------------------------------------------
// outcome

interface OutcomeRow {
  company_id: string | number;
  application_year: number;
  status: string;
  fiscal_year: number | null;
  net_sales_yen: string | number | null;
  operating_profit_yen: string | number | null;
  ordinary_profit_yen: string | number | null;
  labor_cost_yen: string | number | null;
  depreciation_yen: string | number | null;
  employees: number | null;
}

const toNumber = (value: string | number | null): number | null => (value === null ? null : Number(value));

/**
 * `Ebpm.outcome`: difference in differences of `metric` between the adopted and the rejected
 * applicants of one measure, from the fiscal year before each application to `yearsAfter` years
 * after it. Each company counts once, with its first decided application to the measure (by
 * fiscal year, then submission); only the two years compared are read.
 * BAD_USER_INPUT for an unknown metric (listing the allowed ones) or a bad yearsAfter; NOT_FOUND
 * for an unknown measure.
 */
export async function outcome(ctx: Context, measureId: string, metric: string, yearsAfter: number | null | undefined): Promise<OutcomeComparisonResult> {
  if (!isOutcomeMetric(metric)) throw badInput(`unknown metric "${metric}"; use one of ${OUTCOME_METRICS.join(', ')}`, 'metric');
  const years = yearsAfter ?? DEFAULT_YEARS_AFTER;
  if (!Number.isInteger(years) || years < 1 || years > MAX_YEARS_AFTER) {
    throw badInput(`yearsAfter must be an integer from 1 to ${MAX_YEARS_AFTER}, got ${years}`, 'yearsAfter');
  }
  const measures = await ctx.database.query<{ id: string }>('SELECT id FROM measures WHERE id = $1', [measureId]);
  if (!measures.length) throw notFound(`no measure with id ${measureId}`);
  const { baselineYear: baselineOffset, outcomeYear: outcomeOffset } = outcomeFiscalYears(0, years);
  const rows = await ctx.database.query<OutcomeRow>(
    `WITH first_decided AS (
       SELECT DISTINCT ON (company_id) company_id, fiscal_year, status
       FROM applications
       WHERE measure_id = $1 AND status IN ('ADOPTED', 'REJECTED')
       ORDER BY company_id, fiscal_year, submitted_at NULLS LAST, id
     )
     SELECT a.company_id, a.fiscal_year AS application_year, a.status, f.fiscal_year,
            f.net_sales_yen, f.operating_profit_yen, f.ordinary_profit_yen, f.labor_cost_yen, f.depreciation_yen, f.employees
     FROM first_decided a
     LEFT JOIN financials f
       ON f.company_id = a.company_id AND f.fiscal_year IN (a.fiscal_year + $2, a.fiscal_year + $3)
     ORDER BY a.company_id, f.fiscal_year`,
    [measureId, baselineOffset, outcomeOffset],
  );
  const applicants = new Map<string, OutcomeApplicant & { financials: OutcomeApplicant['financials'][number][] }>();
  for (const row of rows) {
    const key = String(row.company_id);
    let applicant = applicants.get(key);
    if (!applicant) {
      applicant = { adopted: row.status === 'ADOPTED', applicationFiscalYear: Number(row.application_year), financials: [] };
      applicants.set(key, applicant);
    }
    if (row.fiscal_year === null) continue;
    applicant.financials.push({
      fiscalYear: Number(row.fiscal_year),
      netSalesYen: toNumber(row.net_sales_yen),
      operatingProfitYen: toNumber(row.operating_profit_yen),
      ordinaryProfitYen: toNumber(row.ordinary_profit_yen),
      laborCostYen: toNumber(row.labor_cost_yen),
      depreciationYen: toNumber(row.depreciation_yen),
      employees: row.employees,
    });
  }
  return compareApplicantOutcomes(applicants.values(), metric, { yearsAfter: years, threshold: disclosureThresholdOf(ctx.config) });
}

// ---------------------------------------------------------------------------------------------
// start-up

/**
 * Prepares EBPM when a server starts: loads the scorecard seed (idempotent) and starts building
 * the application cube in the background, so the first staff query does not wait for it.
 */
export async function prepareEbpm(database: Database, config: Pick<Config, 'disclosureThreshold'>): Promise<void> {
  await seedScorecard(database);
  applicationCubeCache(database, cubeOptionsOf(config))
    .rebuild()
    .catch((error: unknown) => console.error('[sdp] EBPM cube warm-up failed (it is retried on the first query):', error));
}
