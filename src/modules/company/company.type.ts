import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { CorporateKind, SmeCategory } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar, JSONScalar, YenScalar } from '../../shared/scalars.js';
import type { companies } from '../../db/schema/index.js';

export type CompanyRow = typeof companies.$inferSelect;

@ObjectType({ description: '日本標準産業分類 (JSIC Rev.14) industry.' })
export class Industry {
  @Field({ description: 'JSIC code: major letter (E) or letter + middle code (E24) or minor (G391)' })
  code!: string;

  @Field({ description: 'official Japanese name' })
  name!: string;
}

@ObjectType({ description: 'Classification under 中小企業基本法 (with the 政令 rows) and みなし大企業.' })
export class SmeStatus {
  @Field(() => SmeCategory, { description: 'SME category' })
  category!: SmeCategory;

  @Field({ description: 'みなし大企業: an SME by size that large enterprises own or control' })
  deemedLarge!: boolean;

  @Field(() => [String], { description: 'one line per rule applied, e.g. the threshold row used' })
  reasons!: string[];

  @Field(() => [String], { description: 'data items whose absence left the category undecided' })
  missingData!: string[];
}

@ObjectType({ description: 'A 届出・認定 the company holds.' })
export class Certification {
  @Field({ description: 'title of the certification or approved plan' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'category as the source gives it' })
  category!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'date of approval' })
  approvedOn!: string | null;

  @Field(() => String, { nullable: true, description: 'approving authority' })
  authority!: string | null;
}

@ObjectType({ description: 'Support the company received (補助金等の受給実績).' })
export class SupportRecord {
  @Field({ description: 'title of the support' })
  title!: string;

  @Field(() => YenScalar, { nullable: true, description: 'amount in yen (negative amounts are returns, as published)' })
  amountYen!: number | null;

  @Field(() => DateScalar, { nullable: true, description: 'date of the grant decision' })
  approvedOn!: string | null;

  @Field(() => String, { nullable: true, description: 'granting authority' })
  authority!: string | null;

  measureId!: string | null;
}

@ObjectType({ description: 'A data item about a company with its provenance.' })
export class Fact {
  @Field({ description: 'canonical data item key, e.g. postalCode, address, representativeName, capitalYen, employees, industryCode, netSalesYen' })
  key!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'the value' })
  value!: unknown;

  @Field({ description: 'where it came from: NTA, GBIZINFO, JGRANTS, OWNER, APPLICATION, IMPORT...' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'reference within the source (file and line, application id, API document)' })
  sourceRef!: string | null;

  @Field(() => DateTimeScalar, { description: 'when the source stated the value' })
  asOf!: Date;
}

@ObjectType({ description: "One fiscal year's financial statements (amounts in yen)." })
export class FiscalYearFinancials {
  @Field(() => Int, { description: 'fiscal year (年度) the statements close in' })
  fiscalYear!: number;
  @Field(() => YenScalar, { nullable: true, description: '売上高' })
  netSalesYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '営業利益' })
  operatingProfitYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '経常利益' })
  ordinaryProfitYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '減価償却費' })
  depreciationYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '人件費' })
  laborCostYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '総資産' })
  totalAssetsYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '純資産' })
  netAssetsYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '借入金' })
  borrowingsYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '現預金' })
  cashYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '売上債権' })
  receivablesYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '棚卸資産' })
  inventoryYen!: number | null;
  @Field(() => YenScalar, { nullable: true, description: '買入債務' })
  payablesYen!: number | null;
  @Field(() => Int, { nullable: true, description: '従業員数 at the end of the year' })
  employees!: number | null;
}

@ObjectType({ description: 'ローカルベンチマーク: the six financial indicators of one fiscal year.' })
export class LocalBenchmark {
  @Field(() => Int, { description: 'fiscal year' })
  fiscalYear!: number;
  @Field(() => Float, { nullable: true, description: '売上高増加率: 売上高 ÷ 前年度売上高 − 1' })
  salesGrowthRate!: number | null;
  @Field(() => Float, { nullable: true, description: '営業利益率: 営業利益 ÷ 売上高' })
  operatingMargin!: number | null;
  @Field(() => Float, { nullable: true, description: '労働生産性: 営業利益 ÷ 従業員数 (yen per employee)' })
  laborProductivityYen!: number | null;
  @Field(() => Float, { nullable: true, description: 'EBITDA有利子負債倍率: (借入金 − 現預金) ÷ (営業利益 + 減価償却費), times' })
  ebitdaDebtRatio!: number | null;
  @Field(() => Float, { nullable: true, description: '営業運転資本回転期間: (売上債権 + 棚卸資産 − 買入債務) ÷ (売上高 ÷ 12), months' })
  workingCapitalTurnoverMonths!: number | null;
  @Field(() => Float, { nullable: true, description: '自己資本比率: 純資産 ÷ 総資産' })
  equityRatio!: number | null;
  @Field(() => [String], { description: 'indicators that could not be computed and why' })
  notes!: string[];
}

@ObjectType({ description: 'One registry state the NTA published for a company (history kept, never overwritten).' })
export class RegistryChange {
  @Field({ description: '処理区分 code (01 new, 11 name, 12 address, 13 overseas address, 21 closed, 22 restored, 71 merged, 72, 81, 99)' })
  process!: string;
  @Field({ description: 'Japanese label of the process code' })
  processLabel!: string;
  @Field({ description: '訂正区分: true when this row corrects an earlier one' })
  correct!: boolean;
  @Field({ description: 'true for the latest state (最新情報), false for history rows (過去情報)' })
  latest!: boolean;
  @Field(() => DateScalar, { nullable: true, description: '更新年月日' })
  updateDate!: string | null;
  @Field(() => DateScalar, { nullable: true, description: '変更年月日' })
  changeDate!: string | null;
  @Field({ description: 'name at that state' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'address at that state' })
  address!: string | null;
  @Field(() => String, { nullable: true, description: '変更事由の詳細' })
  changeCause!: string | null;
  @Field({ description: 'source of the row (NTA)' })
  source!: string;
  @Field(() => String, { nullable: true, description: 'file and line it came from' })
  sourceRef!: string | null;
}

@ObjectType({ description: 'A business: a corporation keyed by 法人番号, or a sole proprietor with an internal id only.' })
export class Company {
  @Field(() => ID, { description: 'internal id (every business has one, sole proprietors included)' })
  id!: number;

  @Field(() => String, { nullable: true, description: '法人番号; null for sole proprietors' })
  corporateNumber!: string | null;

  @Field({ description: '商号又は名称' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'フリガナ' })
  nameKana!: string | null;

  @Field(() => String, { nullable: true, description: 'English name (NTA)' })
  nameEn!: string | null;

  @Field(() => CorporateKind, { description: '法人種別, or SOLE_PROPRIETOR' })
  kind!: CorporateKind;

  @Field(() => String, { nullable: true, description: '郵便番号 (7 digits, no hyphen)' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'JIS X 0401 two-digit code' })
  prefectureCode!: string | null;

  @Field(() => String, { nullable: true, description: '都道府県名' })
  prefectureName!: string | null;

  @Field(() => String, { nullable: true, description: '市区町村コード (3 digits; with the prefecture code, the 地方公共団体コード without its check digit)' })
  cityCode!: string | null;

  @Field(() => String, { nullable: true, description: '市区町村名' })
  cityName!: string | null;

  @Field(() => String, { nullable: true, description: '丁目番地等' })
  street!: string | null;

  @Field(() => String, { nullable: true, description: '国外所在地' })
  addressOutside!: string | null;

  @Field(() => DateScalar, { nullable: true, description: '法人番号指定年月日' })
  assignmentDate!: string | null;

  @Field(() => String, { nullable: true, description: '閉鎖等の事由 code (01 清算の結了等, 11 合併による解散等, 21 登記官による閉鎖, 31 その他の清算の結了等)' })
  closeCause!: string | null;

  @Field(() => String, { nullable: true, description: '承継先法人番号' })
  successorCorporateNumber!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'NTA 更新年月日 of the current registry state' })
  ntaUpdateDate!: string | null;

  @Field(() => String, { nullable: true, description: '代表者氏名 (as published)' })
  representativeName!: string | null;

  @Field(() => YenScalar, { nullable: true, description: '資本金 (yen)' })
  capitalYen!: number | null;

  @Field(() => DateScalar, { nullable: true, description: '設立年月日' })
  establishedOn!: string | null;
}
