import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'Restricts applicationStats to some measures, fiscal years and prefectures. A filtered dimension counts towards Ebpm.maxGroupByDimensions; an empty list keeps nothing.' })
export class EbpmFilter {
  @Field(() => [ID], { nullable: true, description: 'only these measures' })
  measureIds?: string[] | null;

  @Field(() => [Int], { nullable: true, description: 'only these fiscal years (年度 of submission, e.g. 2023)' })
  fiscalYears?: number[] | null;

  @Field(() => [String], { nullable: true, description: 'only these JIS X 0401 prefecture codes (01..47, or UNKNOWN)' })
  prefectureCodes?: string[] | null;
}
