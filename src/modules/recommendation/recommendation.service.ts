/**
 * Recommendations through the API: on demand for one company (evaluated in memory against the cached catalogue),
 * and the stored results of the push-type batch (new recommendations of a company, push statistics for staff).
 */
import { desc, eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { recommendationRuns } from '../../db/schema/index.js';
import { canReadEbpm } from '../../shared/auth/policy.js';
import { badInput, forbidden, notFound } from '../../shared/errors.js';
import { findByCorporateNumber, parseCorporateNumber } from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { assertCanRead } from '../consent/access.service.js';
import { companyFactsFor } from '../measure/company-facts.js';
import { cachedAdoptionStats, loadedCatalogue, type MeasureRow } from './catalogue-cache.js';
import { companyHistoryFor } from './company-history.js';
import { recommend, type EngineRecommendation } from './engine.js';

/** Default and largest `first` of recommendations. */
export const DEFAULT_RECOMMENDATIONS = 10;
export const MAX_RECOMMENDATIONS = 100;

/** One recommendation with its measure row (GraphQL Recommendation). */
export interface RecommendationResult extends EngineRecommendation {
  measure: MeasureRow;
}

function limitOf(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_RECOMMENDATIONS;
  if (!Number.isInteger(first) || first < 0 || first > MAX_RECOMMENDATIONS) throw badInput(`first must be between 0 and ${MAX_RECOMMENDATIONS}, got ${first}`, 'first');
  return first;
}

async function readableCompany(ctx: Context, corporateNumber: string, operation: string): Promise<CompanyRow> {
  const number = parseCorporateNumber(corporateNumber);
  const company = await findByCorporateNumber(ctx, number);
  if (!company) throw notFound(`no company with 法人番号 ${number}`);
  await assertCanRead(ctx, company, 'PROFILE', operation);
  return company;
}

/**
 * The company's recommendations at the request time, best first, computed in memory: the company's facts and
 * history through the request's loaders, the catalogue from the process cache. Access is checked by the caller.
 */
export async function recommendationsOfCompany(ctx: Context, company: CompanyRow, limit: number): Promise<RecommendationResult[]> {
  const [loaded, facts, history, adoption] = await Promise.all([
    loadedCatalogue(ctx.database),
    companyFactsFor(ctx, company),
    companyHistoryFor(ctx, company.id),
    cachedAdoptionStats(ctx.database),
  ]);
  const result = recommend(loaded.prepared, { facts, ...history }, { now: ctx.now, limit, adoption });
  return result.map((recommendation) => ({ ...recommendation, measure: loaded.rows.get(recommendation.measureId)! }));
}

/** Company.recommendations: like {@link recommendationsOfCompany}, validating `first` (access is checked by the caller). */
export function recommendationsOfCompanyLimited(ctx: Context, company: CompanyRow, first: number | null | undefined): Promise<RecommendationResult[]> {
  return recommendationsOfCompany(ctx, company, limitOf(first));
}

/**
 * Query.recommendations: rule-based recommendations for one company, best first, each with its reasons. The
 * company's data is confidential (PROFILE). BAD_USER_INPUT for a malformed 法人番号 or `first`; NOT_FOUND for an
 * unknown company.
 */
export async function recommendationsFor(ctx: Context, corporateNumber: string, first: number | null | undefined): Promise<RecommendationResult[]> {
  const limit = limitOf(first);
  const company = await readableCompany(ctx, corporateNumber, 'Query.recommendations');
  return recommendationsOfCompany(ctx, company, limit);
}

/** A stored (pushed) recommendation with its reason lines (GraphQL PushedRecommendation). */
export interface StoredRecommendationRow {
  measureId: string;
  score: number;
  verdict: string;
  reasons: string[];
  missingData: string[];
  upcoming: boolean;
  ruleIds: string[];
  rank: number;
  firstRecommendedAt: Date;
  computedAt: Date;
}

/**
 * Query.newRecommendations: the company's stored recommendations first recommended at or after `since` (all that
 * are recommended now when `since` is omitted), best first, with their reason lines. Confidential (PROFILE).
 */
export async function newRecommendationsFor(ctx: Context, corporateNumber: string, since: Date | null | undefined): Promise<StoredRecommendationRow[]> {
  if (since !== null && since !== undefined && (!(since instanceof Date) || Number.isNaN(since.getTime()))) throw badInput('since must be a date-time', 'since');
  const company = await readableCompany(ctx, corporateNumber, 'Query.newRecommendations');
  const rows = await ctx.database.query<Record<string, unknown>>(
    `SELECT s.measure_id, s.score, s.verdict, s.missing_data, s.upcoming, s.rule_ids, s.rank, s.first_recommended_at, s.computed_at,
            ARRAY(SELECT l.line FROM unnest(s.reason_ids) WITH ORDINALITY AS u(id, n) JOIN recommendation_reason_lines l ON l.id = u.id ORDER BY u.n) AS reasons
       FROM stored_recommendations s
      WHERE s.company_id = $1 AND s.dropped_at IS NULL AND ($2::timestamptz IS NULL OR s.first_recommended_at >= $2::timestamptz)
      ORDER BY s.rank, s.measure_id`,
    [company.id, since ? since.toISOString() : null],
  );
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? (JSON.parse(value) as string[]) : []);
  return rows.map((row) => ({
    measureId: String(row.measure_id),
    score: Number(row.score),
    verdict: String(row.verdict),
    reasons: list(row.reasons),
    missingData: list(row.missing_data),
    upcoming: Boolean(row.upcoming),
    ruleIds: list(row.rule_ids),
    rank: Number(row.rank),
    firstRecommendedAt: new Date(row.first_recommended_at as string | Date),
    computedAt: new Date(row.computed_at as string | Date),
  }));
}

/** A batch run row. */
export type RecommendationRunRow = typeof recommendationRuns.$inferSelect;

/** Push statistics of one measure (from the last finished run). */
export interface PushStatRow {
  measureId: string;
  pushedCompanies: number;
  activeCompanies: number;
  newInLastRun: number;
}

/** The statistics a finished run records, per measure. */
export type RunStats = Record<string, { pushed: number; active: number; new: number }>;

/**
 * Query.recommendationPushStats (STAFF/ADMIN): per measure, how many companies it was pushed to, how many hold it
 * now and how many were new in the last finished run; most pushed first.
 */
export async function recommendationPushStats(ctx: Context): Promise<{ lastRun: RecommendationRunRow | null; measures: PushStatRow[] }> {
  if (!canReadEbpm(ctx.viewer)) throw forbidden('recommendation push statistics are for STAFF and ADMIN');
  const [lastRun] = await ctx.db.select().from(recommendationRuns).where(eq(recommendationRuns.status, 'DONE'))
    .orderBy(desc(recommendationRuns.id)).limit(1);
  if (!lastRun) return { lastRun: null, measures: [] };
  const stats = (lastRun.stats ?? {}) as RunStats;
  const measures = Object.entries(stats)
    .map(([measureId, counts]) => ({ measureId, pushedCompanies: counts.pushed, activeCompanies: counts.active, newInLastRun: counts.new }))
    .sort((a, b) => b.pushedCompanies - a.pushedCompanies || (a.measureId < b.measureId ? -1 : 1));
  return { lastRun, measures };
}
