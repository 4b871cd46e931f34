import { Field, ID, InputType } from 'type-graphql';
import { JSONScalar } from '../../shared/scalars.js';

@InputType({ description: 'One data item stated by the owner: a canonical key and its value (null clears the item).' })
export class FactInput {
  @Field({ description: 'canonical data item key, e.g. postalCode, employees, industryCode, majorShareholders, needs' })
  key!: string;

  @Field(() => JSONScalar, { nullable: true, description: "the value, validated against the item's type (yen: integer; date: YYYY-MM-DD; …); null clears it" })
  value?: unknown;
}

@InputType({ description: 'Data items the owner records or corrects about a company (source OWNER).' })
export class UpdateCompanyFactsInput {
  @Field(() => String, { nullable: true, description: '法人番号 of the company (or give companyId)' })
  corporateNumber?: string | null;

  @Field(() => ID, { nullable: true, description: 'internal id of the company (sole proprietors)' })
  companyId?: string | null;

  @Field(() => [FactInput], { description: 'the items, each key at most once; all are written or none' })
  facts!: FactInput[];
}
