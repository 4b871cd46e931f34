import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { measureRounds, measures } from '../../db/schema/index.js';
import { EligibilityVerdict, MeasureKind } from '../../shared/enums.js';
import { DateTimeScalar, JSONScalar, YenScalar } from '../../shared/scalars.js';

/** A stored measure (catalogue or Jグランツ). */
export type MeasureRow = typeof measures.$inferSelect;
/** A stored application round of a measure. */
export type MeasureRoundRow = typeof measureRounds.$inferSelect;

/** Where a round stands at the request time. */
export enum RoundStatus { OPEN = 'OPEN', UPCOMING = 'UPCOMING', CLOSED = 'CLOSED' }

registerEnumType(RoundStatus, {
  name: 'RoundStatus',
  description: 'Where an application round stands at the request time.',
  valuesConfig: {
    OPEN: { description: 'accepting applications now' },
    UPCOMING: { description: 'opens later' },
    CLOSED: { description: 'ended (or has no dates)' },
  },
});

@ObjectType({ description: 'A support measure (支援施策): subsidy, loan, mutual aid, tax measure, certification, consulting, training, fund or guarantee. Public catalogue data.' })
export class SupportMeasure {
  @Field(() => ID, { description: 'stable id: a catalogue slug (jizokuka-ippan) or jgrants-<Jグランツ id>' })
  id!: string;

  @Field({ description: 'official name' })
  title!: string;

  @Field(() => MeasureKind, { description: 'kind of support' })
  kind!: MeasureKind;

  @Field({ description: '実施機関' })
  agency!: string;

  @Field(() => String, { nullable: true, description: 'what the measure does, in a few sentences (Japanese)' })
  summary!: string | null;

  @Field(() => String, { nullable: true, description: 'official page' })
  url!: string | null;

  @Field(() => [String], { description: 'prefecture codes (JIS X 0401); empty means nationwide' })
  targetPrefectures!: string[];

  @Field(() => [String], { description: 'Jグランツ use_purpose values the measure serves (matched against a company\'s needs)' })
  usePurposes!: string[];

  @Field(() => Int, { nullable: true, description: 'months during which a past recipient may not receive it again (二重受給・再申請の制限), when the guidelines set one' })
  exclusionMonths!: number | null;

  @Field({ description: 'where the measure comes from: CATALOGUE (seeds/measures/catalogue.json) or JGRANTS (Jグランツ, デジタル庁)' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'reference within the source: the catalogue entry, or the Jグランツ record (detail|list:management number)' })
  sourceRef!: string | null;

  @Field(() => String, { nullable: true, description: 'Jグランツ subsidy id, for measures imported from Jグランツ' })
  jgrantsId!: string | null;

  @Field(() => DateTimeScalar, { description: 'when the stored content last changed' })
  updatedAt!: Date;
}

@ObjectType({ description: 'An application round (公募回) or validity window of a measure; values that vary by round live here.' })
export class MeasureRound {
  @Field(() => ID, { description: 'stable id: <measure id>:<round id>' })
  id!: string;

  @Field({ description: 'e.g. 第17回, 令和8年度, or the target areas of a regional window' })
  label!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'start of the window (inclusive); null when open-ended' })
  acceptingFrom!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'end of the window (inclusive); null when open-ended' })
  acceptingUntil!: Date | null;

  @Field(() => YenScalar, { nullable: true, description: 'cap of this round, when it differs from the measure\'s' })
  maxAmountYen!: number | null;

  @Field(() => String, { nullable: true, description: 'rate of this round, when it differs from the measure\'s' })
  subsidyRate!: string | null;

  @Field(() => [String], { nullable: true, description: 'prefecture codes this window is for, when windows differ by area; null means the measure\'s' })
  targetPrefectures!: string[] | null;

  @Field(() => RoundStatus, { description: 'OPEN, UPCOMING or CLOSED at the request time' })
  status!: RoundStatus;
}

@ObjectType('Criterion', { description: 'An eligibility (hard) or fit (soft) rule of a measure, held as data in the rule language.' })
export class CriterionType {
  @Field({ description: 'stable id of the rule' })
  id!: string;

  @Field({ description: 'human-readable statement, Japanese' })
  description!: string;

  @Field({ description: 'hard criteria exclude; soft ones only change the score' })
  hard!: boolean;

  @Field(() => Float, { nullable: true, description: 'weight of a soft criterion in the fit score (default 1); null for hard criteria' })
  weight!: number | null;

  @Field(() => JSONScalar, { description: 'the rule itself: comparisons over data items combined with all/any/not (see seeds/measures/README.md)' })
  rule!: unknown;
}

@ObjectType({ description: 'A field of a measure\'s application form.' })
export class FormField {
  @Field({ description: 'canonical data item key when the field maps to one, else a measure-specific key' })
  key!: string;

  @Field({ description: 'label shown to the applicant (Japanese)' })
  label!: string;

  @Field({ description: 'whether submission needs a value' })
  required!: boolean;

  @Field({ description: 'string | integer | yen | date | boolean | text | enum' })
  type!: string;

  @Field(() => [String], { nullable: true, description: 'choices of an enum field' })
  options!: string[] | null;

  @Field({ description: 'an enum field that takes several choices (a JSON array)' })
  multiple!: boolean;
}

@ObjectType({ description: 'One eligibility check: a criterion judged against a company\'s data.' })
export class EligibilityCheck {
  @Field(() => CriterionType, { description: 'the criterion' })
  criterion!: CriterionType;

  @Field(() => Boolean, { nullable: true, description: 'null when the data to decide is missing' })
  passed!: boolean | null;

  @Field({ description: 'Japanese explanation with the values used, e.g. "製造業: 資本金3億円以下 — 資本金1億円"' })
  detail!: string;

  @Field(() => [String], { description: 'canonical data item keys that would decide this check (empty when decided)' })
  missingData!: string[];
}

@ObjectType({ description: 'Every eligibility check of one measure against one company, with the verdict.' })
export class Eligibility {
  @Field(() => SupportMeasure, { description: 'the measure' })
  measure!: SupportMeasure;

  @Field(() => EligibilityVerdict, { description: 'INELIGIBLE if a hard criterion fails, UNKNOWN if one cannot be decided, else ELIGIBLE' })
  verdict!: EligibilityVerdict;

  @Field(() => [EligibilityCheck], { description: 'one check per criterion, in the measure\'s order (hard and soft)' })
  checks!: EligibilityCheck[];

  @Field(() => [String], { description: 'canonical data item keys that would make an UNKNOWN verdict certain' })
  missingData!: string[];

  @Field(() => Float, { description: 'fit among the soft criteria, 0..1 (weights of the passed ones over all)' })
  softScore!: number;

  @Field(() => DateTimeScalar, { description: 'the instant the company\'s data was judged at' })
  evaluatedAt!: Date;
}
