import { Field, InputType, Int } from 'type-graphql';
import { CorporateKind, SmeCategory } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

@InputType({ description: 'Filter of the company list.' })
export class CompanyFilter {
  @Field(() => String, { nullable: true, description: 'partial match on name or kana' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'JIS X 0401 two-digit prefecture code' })
  prefectureCode?: string | null;

  @Field(() => String, { nullable: true, description: 'JSIC code prefix: a major division letter (E) or a middle code (E24)' })
  industryCode?: string | null;

  @Field(() => [CorporateKind], { nullable: true, description: 'any of these kinds' })
  kind?: CorporateKind[] | null;

  @Field(() => [SmeCategory], { nullable: true, description: 'any of these SME categories' })
  smeCategory?: SmeCategory[] | null;

  @Field(() => Boolean, { nullable: true, description: 'include closed companies (default false)' })
  includeClosed?: boolean | null;
}

@InputType({ description: 'A 個人事業主 registering a business without a corporate number.' })
export class RegisterSoleProprietorInput {
  @Field({ description: '屋号 or the owner’s business name' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'フリガナ' })
  nameKana?: string | null;

  @Field(() => String, { nullable: true, description: '郵便番号, 7 digits (a hyphen is accepted)' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'JIS X 0401 two-digit prefecture code' })
  prefectureCode?: string | null;

  @Field(() => String, { nullable: true, description: 'address within the prefecture' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'JSIC code (E, E24, G391)' })
  industryCode?: string | null;

  @Field(() => Int, { nullable: true, description: '常時使用する従業員数' })
  employees?: number | null;

  @Field(() => DateScalar, { nullable: true, description: '開業日' })
  establishedOn?: string | null;
}
