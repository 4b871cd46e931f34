import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { EligibilityVerdict } from '../../shared/enums.js';
import { DateTimeScalar } from '../../shared/scalars.js';
import { SupportMeasure } from '../measure/measure.type.js';
import type { MeasureRow } from './catalogue-cache.js';

@ObjectType({ description: 'A support measure recommended to a company by the rule-based engine, with why.' })
export class Recommendation {
  @Field(() => SupportMeasure, { description: 'the recommended measure' })
  measure!: MeasureRow;

  @Field(() => Float, { description: 'sum of the points of the rules that applied (higher is better)' })
  score!: number;

  @Field(() => EligibilityVerdict, { description: 'ELIGIBLE, or UNKNOWN when data to decide a hard criterion is missing (never INELIGIBLE)' })
  verdict!: EligibilityVerdict;

  @Field(() => [String], { description: 'why this measure, one line per matched rule: "[rule-id] 日本語の理由 (+n)"' })
  reasons!: string[];

  @Field(() => [String], { description: 'data items that would make the verdict certain (canonical keys, e.g. employees)' })
  missingData!: string[];

  @Field({ description: 'true when the measure is not open now but its next round opens soon' })
  upcoming!: boolean;

  @Field(() => [String], { description: 'ids of the rules that applied, in reason order (see seeds/recommendation-rules.json)' })
  ruleIds!: string[];
}

@ObjectType({ description: 'A recommendation stored by the push-type batch (sdp recommend --all) for a company.' })
export class PushedRecommendation {
  /** The measure id; the field resolver loads the measure. */
  measureId!: string;

  @Field(() => Float, { description: 'score when last computed' })
  score!: number;

  @Field(() => EligibilityVerdict, { description: 'ELIGIBLE or UNKNOWN when last computed' })
  verdict!: EligibilityVerdict;

  @Field(() => [String], { description: 'reasons when last computed, one line per rule' })
  reasons!: string[];

  @Field(() => [String], { description: 'data items that would make the verdict certain' })
  missingData!: string[];

  @Field({ description: 'the measure was upcoming (next round soon) when computed' })
  upcoming!: boolean;

  @Field(() => [String], { description: 'ids of the rules that applied' })
  ruleIds!: string[];

  @Field(() => Int, { description: 'position in the company\'s stored list (1 = best)' })
  rank!: number;

  @Field(() => DateTimeScalar, { description: 'when the batch first recommended this measure to the company (what makes it new for a push)' })
  firstRecommendedAt!: Date;

  @Field(() => DateTimeScalar, { description: 'when its content (score, reasons, rank) last changed' })
  computedAt!: Date;
}

@ObjectType({ description: 'A push-type batch run.' })
export class RecommendationRun {
  @Field(() => ID, { description: 'run id' })
  id!: number;

  @Field({ description: 'RUNNING, INTERRUPTED (resumes on the next run), ABANDONED or DONE' })
  status!: string;

  @Field({ description: 'FULL (every company) or INCREMENTAL (companies changed since the previous run)' })
  mode!: string;

  @Field(() => DateTimeScalar, { description: 'when the run started' })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when the run finished' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'companies processed' })
  companiesDone!: number;

  @Field(() => Int, { nullable: true, description: 'companies in the run\'s scope' })
  companiesTotal!: number | null;

  @Field(() => Int, { description: 'recommendations new to their company in this run' })
  recommendationsNew!: number;

  @Field(() => Int, { description: 'stored recommendations whose content changed in this run' })
  recommendationsChanged!: number;

  @Field(() => Int, { description: 'stored recommendations that left their company\'s top in this run' })
  recommendationsDropped!: number;
}

@ObjectType({ description: 'How far one measure was pushed by the batch.' })
export class MeasurePushStat {
  /** The measure id; the field resolver loads the measure. */
  measureId!: string;

  @Field(() => Int, { description: 'companies it was ever pushed to' })
  pushedCompanies!: number;

  @Field(() => Int, { description: 'companies it is recommended to now' })
  activeCompanies!: number;

  @Field(() => Int, { description: 'companies it was new to in the last finished run' })
  newInLastRun!: number;
}

@ObjectType({ description: 'Push statistics of the last finished batch run (STAFF/ADMIN).' })
export class RecommendationPushStats {
  @Field(() => RecommendationRun, { nullable: true, description: 'the last finished run; null before the first one' })
  lastRun!: RecommendationRun | null;

  @Field(() => [MeasurePushStat], { description: 'per measure, most pushed first' })
  measures!: MeasurePushStat[];
}
