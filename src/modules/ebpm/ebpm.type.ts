import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ScorecardColor } from '../../shared/enums.js';
import { DateTimeScalar } from '../../shared/scalars.js';

/**
 * The policy-staff analytics root. Only `Query.ebpm` creates one, after checking the viewer
 * (STAFF/ADMIN), so none of its fields can be reached by anyone else.
 */
@ObjectType({ description: 'Policy-staff analytics (STAFF/ADMIN only): application statistics with disclosure control, outcomes of adopted vs rejected applicants, and the procedures scorecard.' })
export class Ebpm {
  @Field(() => Int, { description: 'cells with 1 to disclosureThreshold − 1 applications are suppressed (with complementary cells)' })
  disclosureThreshold!: number;

  @Field(() => Int, { description: 'the most dimensions applicationStats may combine: groupBy plus the dimensions its filter restricts' })
  maxGroupByDimensions!: number;
}

@ObjectType({ description: 'One cell of an applicationStats table. Counted applications: SUBMITTED, ADOPTED, REJECTED, and WITHDRAWN after submission (never DRAFTs).' })
export class EbpmCell {
  @Field(() => [String], { description: 'one value per groupBy dimension, in order (measure id, fiscal year, JIS prefecture code, JSIC major letter, SME category, status; UNKNOWN when not recorded)' })
  keys!: string[];

  @Field(() => Int, { nullable: true, description: 'counted applications; null when suppressed' })
  applications!: number | null;

  @Field(() => Int, { nullable: true, description: 'ADOPTED applications; null when suppressed' })
  adopted!: number | null;

  @Field(() => Float, { nullable: true, description: 'adopted ÷ applications (decided or not); null when suppressed or when there are no applications' })
  adoptionRate!: number | null;

  @Field({ description: 'true when the cell is under the disclosure threshold or hidden to protect such a cell; its numbers are then null' })
  suppressed!: boolean;
}

@ObjectType({ description: 'Adopted (treated) vs rejected (control) applicants of one measure: mean change of a financial metric from the fiscal year before the application to N years after, and the difference in differences (docs/ebpm-method.md).' })
export class OutcomeComparison {
  @Field({ description: 'the metric compared (see Ebpm.outcome for the list)' })
  metric!: string;

  @Field(() => Int, { description: 'years after the application year that were compared with the year before it' })
  yearsAfter!: number;

  @Field(() => Int, { description: 'adopted applicants with both values' })
  treatedCount!: number;

  @Field(() => Int, { description: 'rejected applicants with both values' })
  controlCount!: number;

  @Field(() => Int, { description: 'adopted applicants left out for a missing value (closures, late or no filings): report next to the estimate' })
  treatedMissing!: number;

  @Field(() => Int, { description: 'rejected applicants left out for a missing value' })
  controlMissing!: number;

  @Field(() => Float, { nullable: true, description: 'mean change among adopted applicants; null when suppressed' })
  treatedMeanChange!: number | null;

  @Field(() => Float, { nullable: true, description: 'mean change among rejected applicants; null when suppressed' })
  controlMeanChange!: number | null;

  @Field(() => Float, { nullable: true, description: 'treatedMeanChange − controlMeanChange (difference in differences); null when suppressed' })
  difference!: number | null;

  @Field(() => Float, { nullable: true, description: "Welch standard error of the difference; null when suppressed" })
  standardError!: number | null;

  @Field(() => Float, { nullable: true, description: 'lower end of the 95 % Welch interval of the difference; null when suppressed' })
  confidenceLower!: number | null;

  @Field(() => Float, { nullable: true, description: 'upper end of the 95 % Welch interval of the difference; null when suppressed' })
  confidenceUpper!: number | null;

  @Field({ description: 'true when a group is under the disclosure threshold; numbers are then null' })
  suppressed!: boolean;
}

@ObjectType({ description: 'A procedure of the online-usage scorecard (オンライン利用率) with its progress and colour.' })
export class ScorecardRow {
  @Field(() => ID, { description: 'stable id of the procedure (for recordScorecardRate and scorecardHistory)' })
  id!: string;

  @Field({ description: '府省庁' })
  ministry!: string;

  @Field({ description: '事業 (programme)' })
  program!: string;

  @Field({ description: '手続 (procedure)' })
  procedure!: string;

  @Field(() => Int, { nullable: true, description: '年間手続件数 in the baseline year' })
  annualCount!: number | null;

  @Field(() => Float, { description: 'online-usage rate of the baseline year (FY2019), as a fraction' })
  baselineRate!: number;

  @Field(() => Float, { description: 'the latest recorded online-usage rate, as a fraction' })
  currentRate!: number;

  @Field(() => DateTimeScalar, { description: 'when the current rate was recorded' })
  currentRateRecordedAt!: Date;

  @Field(() => Float, { description: 'target online-usage rate, as a fraction' })
  targetRate!: number;

  @Field(() => String, { nullable: true, description: '達成期限 as published, e.g. 令和5年度中' })
  deadline!: string | null;

  @Field(() => Float, { nullable: true, description: '(current - baseline) / (target - baseline); null when target equals baseline' })
  progress!: number | null;

  @Field(() => ScorecardColor, { description: 'BLUE ≥ 100 %, GREEN 70–<100 %, YELLOW 40–<70 %, ORANGE 10–<40 %, RED < 10 % (target = baseline: BLUE when reached, else RED)' })
  color!: ScorecardColor;
}

@ObjectType({ description: 'One recorded online-usage rate of a scorecard procedure (history is kept; the latest is current).' })
export class ScorecardRateRecord {
  @Field(() => Float, { description: 'the rate, as a fraction' })
  rate!: number;

  @Field(() => DateTimeScalar, { description: 'when it was recorded' })
  recordedAt!: Date;

  @Field({ description: 'who recorded it (token subject, or seed:… for the published figure)' })
  recordedBy!: string;

  @Field(() => Float, { nullable: true, description: 'progress this rate meant: (rate - baseline) / (target - baseline); null when target equals baseline' })
  progress!: number | null;

  @Field(() => ScorecardColor, { description: 'colour band this rate meant' })
  color!: ScorecardColor;
}
