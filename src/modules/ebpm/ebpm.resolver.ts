import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { DateTimeScalar } from '../../shared/scalars.js';
import { EbpmDimension } from '../../shared/enums.js';
import type { PublishedCell } from './disclosure-control.js';
import { EbpmFilter } from './ebpm.input.js';
import * as ebpmService from './ebpm.service.js';
import { Ebpm, EbpmCell, OutcomeComparison, ScorecardRateRecord, ScorecardRow } from './ebpm.type.js';
import { OUTCOME_METRICS } from './outcome.js';
import * as scorecardService from './scorecard.service.js';

/** Policy-staff analytics. The role check is on `Query.ebpm`: every field below is reachable only through it. */
@Resolver(() => Ebpm)
export class EbpmResolver {
  @Query(() => Ebpm, { description: 'Policy-staff analytics (STAFF/ADMIN only).' })
  ebpm(@Ctx() ctx: Context): Ebpm {
    return ebpmService.openEbpm(ctx);
  }

  @FieldResolver(() => [EbpmCell], { description: 'counts by the chosen dimensions; cells under the disclosure threshold are suppressed' })
  applicationStats(
    @Ctx() ctx: Context,
    @Arg('groupBy', () => [EbpmDimension], { description: 'dimensions to group by, each at most once (none: the grand total)' }) groupBy: EbpmDimension[],
    @Arg('filter', () => EbpmFilter, { nullable: true, description: 'restricts the cells counted' }) filter: EbpmFilter | null,
  ): Promise<PublishedCell[]> {
    return ebpmService.applicationStats(ctx, groupBy, filter);
  }

  @FieldResolver(() => DateTimeScalar, { description: 'when the figures of applicationStats were computed: at once after a change on small data; at scale at most about a minute behind' })
  applicationStatsAsOf(@Ctx() ctx: Context): Promise<Date> {
    return ebpmService.applicationStatsBuiltAt(ctx);
  }

  @FieldResolver(() => OutcomeComparison, { description: 'adopted vs rejected applicants of one measure: change of a financial metric from the year before to N years after (difference in differences)' })
  outcome(
    @Ctx() ctx: Context,
    @Arg('measureId', () => ID, { description: 'the measure' }) measureId: string,
    @Arg('metric', () => String, { description: `one of ${OUTCOME_METRICS.join(', ')}` }) metric: string,
    @Arg('yearsAfter', () => Int, { nullable: true, description: 'years after the application year, 1..10 (default 2)' }) yearsAfter: number | null,
  ): Promise<OutcomeComparison> {
    return ebpmService.outcome(ctx, measureId, metric, yearsAfter).then((result) => ({
      ...result,
      confidenceLower: result.confidenceInterval?.lower ?? null,
      confidenceUpper: result.confidenceInterval?.upper ?? null,
    }));
  }

  @FieldResolver(() => [ScorecardRow], { description: 'online-usage scorecard of procedures with progress and colour' })
  scorecard(@Ctx() ctx: Context): Promise<ScorecardRow[]> {
    return scorecardService.scorecard(ctx);
  }

  @FieldResolver(() => [ScorecardRateRecord], { description: 'every rate recorded for one scorecard procedure, oldest first (NOT_FOUND for an unknown procedure)' })
  scorecardHistory(@Ctx() ctx: Context, @Arg('procedureId', () => ID, { description: 'ScorecardRow.id' }) procedureId: string): Promise<ScorecardRateRecord[]> {
    return scorecardService.scorecardHistory(ctx, procedureId);
  }

  @Mutation(() => ScorecardRow, { description: 'STAFF/ADMIN: records a new current online-usage rate of a scorecard procedure; earlier rates are kept as history.' })
  recordScorecardRate(
    @Ctx() ctx: Context,
    @Arg('procedureId', () => ID, { description: 'ScorecardRow.id' }) procedureId: string,
    @Arg('rate', () => Float, { description: 'the rate as a fraction from 0 to 1 (0.35 = 35 %)' }) rate: number,
  ): Promise<ScorecardRow> {
    return scorecardService.recordScorecardRate(ctx, procedureId, rate);
  }
}
