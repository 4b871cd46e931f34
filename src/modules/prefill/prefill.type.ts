import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../../shared/scalars.js';
import { SupportMeasure, type MeasureRow } from '../measure/measure.type.js';

@ObjectType({ description: 'One form field with the value once-only fills in, and where that value comes from.' })
export class PrefilledField {
  @Field({ description: 'canonical data item key when the field maps to one, else a measure-specific key' })
  key!: string;
  @Field({ description: 'label of the field on this form' })
  label!: string;
  @Field({ description: 'the form requires an answer' })
  required!: boolean;
  @Field({ description: 'string | integer | yen | date | boolean | text | enum' })
  type!: string;
  @Field({ description: 'the key is a canonical data item (false: a question of this measure only, never prefilled)' })
  mapped!: boolean;
  @Field(() => JSONScalar, { nullable: true, description: 'the known value; null when nothing is known' })
  value!: unknown;
  @Field(() => String, { nullable: true, description: 'where it came from: NTA, GBIZINFO, OWNER, APPLICATION, PLATFORM (the company record), …' })
  source!: string | null;
  @Field(() => String, { nullable: true, description: 'reference within the source (file and line, application:<id>, …)' })
  sourceRef!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when the source stated the value' })
  asOf!: Date | null;
  @Field(() => Int, { nullable: true, description: 'financial items: the fiscal year the value describes' })
  fiscalYear!: number | null;
  @Field({ description: "true when the value is older than its item's freshness rule allows (e.g. financials older than the last closed fiscal year, employees stated over a year ago)" })
  stale!: boolean;
}

@ObjectType({ description: "Once-only: a measure's application form filled from what is already known about the company." })
export class Prefill {
  @Field(() => SupportMeasure, { description: 'the measure whose form this is' })
  measure!: MeasureRow;
  @Field(() => ID, { description: 'id of the measure' })
  measureId!: string;
  @Field(() => [PrefilledField], { description: "every field of the measure's form, in form order" })
  fields!: PrefilledField[];
  @Field(() => Float, { description: "share of the form's fields that have a value, 0..1" })
  coverage!: number;
  @Field(() => Float, { description: 'share of the required fields that have a value, 0..1 (1 when none is required)' })
  requiredCoverage!: number;
  @Field(() => [String], { description: 'keys of required fields nothing is known for: what the owner still has to type' })
  missingRequired!: string[];
}
