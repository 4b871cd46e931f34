import { Field, ID, InputType, Int } from 'type-graphql';
import { YenScalar } from '../../shared/scalars.js';

@InputType({ description: "One fiscal year's financial statements recorded by the company's owner. Fields left out keep their stored value; null clears one." })
export class RecordFinancialsInput {
  @Field(() => String, { nullable: true, description: '法人番号 of the company (or give companyId)' })
  corporateNumber?: string | null;
  @Field(() => ID, { nullable: true, description: 'internal id of the company (sole proprietors)' })
  companyId?: string | null;
  @Field(() => Int, { description: 'fiscal year: the calendar year in which the fiscal period ends (1900 to next year)' })
  fiscalYear!: number;
  @Field(() => YenScalar, { nullable: true, description: '売上高 (not negative)' })
  netSalesYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '営業利益 (may be negative)' })
  operatingProfitYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '経常利益 (may be negative)' })
  ordinaryProfitYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '減価償却費' })
  depreciationYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '人件費' })
  laborCostYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '総資産' })
  totalAssetsYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '純資産 (may be negative: 債務超過)' })
  netAssetsYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '借入金' })
  borrowingsYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '現預金' })
  cashYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '売上債権' })
  receivablesYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '棚卸資産' })
  inventoryYen?: number | null;
  @Field(() => YenScalar, { nullable: true, description: '買入債務' })
  payablesYen?: number | null;
  @Field(() => Int, { nullable: true, description: '従業員数 at the end of the year (0 or more)' })
  employees?: number | null;
}
