import { Field, InputType } from 'type-graphql';
import { MeasureKind } from '../../shared/enums.js';
import { DateTimeScalar } from '../../shared/scalars.js';

@InputType({ description: 'Filter of the measure list; conditions combine with AND.' })
export class MeasureFilter {
  @Field(() => String, { nullable: true, description: 'case-insensitive partial match on title or summary' })
  keyword?: string | null;

  @Field(() => [MeasureKind], { nullable: true, description: 'any of these kinds' })
  kind?: MeasureKind[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'only measures accepting applications at this instant (always-open ones, or a round whose window contains it)' })
  openAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'JIS X 0401 code: nationwide measures plus those targeting this prefecture' })
  prefectureCode?: string | null;

  @Field(() => String, { nullable: true, description: 'JSIC code (E, E24, G391): measures for every industry plus those whose industries contain the code or lie within it' })
  industryCode?: string | null;

  @Field(() => [String], { nullable: true, description: 'only measures from these sources (CATALOGUE, JGRANTS)' })
  source?: string[] | null;
}
