import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { DateTimeScalar } from '../../shared/scalars.js';
import { Company, type CompanyRow } from '../company/company.type.js';
import { guardList } from '../consent/access.service.js';
import { measureByIdLoader } from '../measure/measure.service.js';
import { SupportMeasure } from '../measure/measure.type.js';
import type { MeasureRow } from './catalogue-cache.js';
import * as service from './recommendation.service.js';
import { MeasurePushStat, PushedRecommendation, Recommendation, RecommendationPushStats } from './recommendation.type.js';

async function measureOf(ctx: Context, measureId: string): Promise<MeasureRow> {
  const measure = await measureByIdLoader(ctx).load(measureId);
  if (!measure) throw new Error(`stored recommendation points at the missing measure ${measureId}`);
  return measure;
}

@Resolver(() => Recommendation)
export class RecommendationResolver {
  @Query(() => [Recommendation], { description: 'Rule-based recommendations for one company, best first, each with its reasons (confidential: PROFILE).' })
  recommendations(
    @Ctx() ctx: Context,
    @Arg('corporateNumber', () => String, { description: '法人番号 (13 digits)' }) corporateNumber: string,
    @Arg('first', () => Int, { nullable: true, description: 'at most this many, 0..100 (default 10)' }) first: number | null,
  ) {
    return service.recommendationsFor(ctx, corporateNumber, first);
  }

  @Query(() => [PushedRecommendation], { description: 'Recommendations the push-type batch stored for a company and first recommended since an instant (all current ones when omitted), best first (confidential: PROFILE).' })
  newRecommendations(
    @Ctx() ctx: Context,
    @Arg('corporateNumber', () => String, { description: '法人番号 (13 digits)' }) corporateNumber: string,
    @Arg('since', () => DateTimeScalar, { nullable: true, description: 'only those first recommended at or after this instant' }) since: Date | null,
  ) {
    return service.newRecommendationsFor(ctx, corporateNumber, since);
  }

  @Query(() => RecommendationPushStats, { description: 'STAFF/ADMIN: per measure, how many companies the batch pushed it to and how many were new in the last run.' })
  recommendationPushStats(@Ctx() ctx: Context) {
    return service.recommendationPushStats(ctx);
  }
}

@Resolver(() => PushedRecommendation)
export class PushedRecommendationResolver {
  @FieldResolver(() => SupportMeasure, { description: 'the recommended measure' })
  measure(@Ctx() ctx: Context, @Root() row: PushedRecommendation) {
    return measureOf(ctx, row.measureId);
  }
}

@Resolver(() => MeasurePushStat)
export class MeasurePushStatResolver {
  @FieldResolver(() => SupportMeasure, { description: 'the measure' })
  measure(@Ctx() ctx: Context, @Root() row: MeasurePushStat) {
    return measureOf(ctx, row.measureId);
  }
}

@Resolver(() => Company)
export class CompanyRecommendationsResolver {
  @FieldResolver(() => [Recommendation], { description: 'rule-based recommendations for the company, best first (confidential: PROFILE; empty when hidden)' })
  recommendations(
    @Ctx() ctx: Context,
    @Root() company: CompanyRow,
    @Arg('first', () => Int, { nullable: true, description: 'at most this many, 0..100 (default 10)' }) first: number | null,
  ) {
    return guardList(ctx, company, 'PROFILE', 'Company.recommendations', () => service.recommendationsOfCompanyLimited(ctx, company, first));
  }
}
