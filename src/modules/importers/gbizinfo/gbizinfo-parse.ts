/**
 * gBizINFO (経済産業省) REST API responses → normalised company documents (pure; no database).
 *
 * Accepts every response shape of API v1 and v2 (domain.md §3): basic info, search results,
 * `updateInfo[/category]` pages (v1 sends totalCount/totalPage/pageNumber as strings), the
 * per-category responses (certification, commendation, corporation, finance, patent, procurement,
 * subsidy, workplace), error bodies (`{"message":"400 - Bad Request.","errors":[]}`), a bare
 * `hojin-infos` array and a bare hojin-info object.
 *
 * Visibility (contract core.graphql: registry facts, published certifications and support received
 * are public; everything a company submitted is confidential):
 * - public: `corporateNumber`, `basic` identity and registry fields (name, kana, nameEn, postalCode,
 *   location, prefectureCode, kindCode, processCode, status, closeDate, closeCause), representativeName,
 *   capitalYen, establishedOn, foundingYear, businessSummary, url, industries, businessItems,
 *   qualificationGrade; `certifications`, `commendations`, `subsidies`, `procurements`, `patents`
 *   (all published by the government as "support received" / 届出・認定 / 表彰 / 調達 / 特許).
 * - confidential: `basic.employees`, `basic.employeesMale/Female`, `financials`, `workplace`,
 *   `establishments`, and every entry of `facts` (facts carry provenance; the contract exposes
 *   them only to the owner, consented supporters and staff), notably majorShareholders.
 * {@link GBIZINFO_FIELD_VISIBILITY} states the same per output field for the apply step.
 */
import {
  corporateNumberProblem, describeCorporateNumberProblem, type CorporateNumberProblem,
} from '../../company/corporate-number.js';
import { prefectureCodeForAddress } from '../../company/prefectures.js';
import { jsicMajorFor } from '../shared/jsic-major.js';
import {
  cleanText, isBlank, isoDateOf, isRecord, parseDate, parseDecimal, parseInstant, parseInteger, toHalfWidth,
  type Normalised,
} from '../shared/normalise-values.js';

/** The categories a hojin-info can carry; a category listed in `categoriesPresent` was in the response (even if empty). */
export type GbizinfoCategory =
  | 'certification' | 'commendation' | 'corporation' | 'finance' | 'patent' | 'procurement' | 'subsidy' | 'workplace';

/** Whether an output field may be shown to anyone or only under the contract's confidential rules. */
export type Visibility = 'public' | 'confidential';

/** Visibility of each output field of {@link GbizinfoCompanyDocument} (`basic.*` listed per field). */
export const GBIZINFO_FIELD_VISIBILITY: Readonly<Record<string, Visibility>> = Object.freeze({
  corporateNumber: 'public',
  'basic.name': 'public',
  'basic.kana': 'public',
  'basic.nameEn': 'public',
  'basic.postalCode': 'public',
  'basic.location': 'public',
  'basic.prefectureCode': 'public',
  'basic.kindCode': 'public',
  'basic.processCode': 'public',
  'basic.status': 'public',
  'basic.closeDate': 'public',
  'basic.closeCause': 'public',
  'basic.representativeName': 'public',
  'basic.representativePosition': 'public',
  'basic.capitalYen': 'public',
  'basic.establishedOn': 'public',
  'basic.foundingYear': 'public',
  'basic.businessSummary': 'public',
  'basic.url': 'public',
  'basic.industries': 'public',
  'basic.businessItems': 'public',
  'basic.qualificationGrade': 'public',
  'basic.activityCount': 'public',
  'basic.employees': 'confidential',
  'basic.employeesMale': 'confidential',
  'basic.employeesFemale': 'confidential',
  certifications: 'public',
  commendations: 'public',
  subsidies: 'public',
  procurements: 'public',
  patents: 'public',
  establishments: 'confidential',
  financials: 'confidential',
  workplace: 'confidential',
  facts: 'confidential',
});

/**
 * Basic info. A key is present only when the response carried the field: absent = "not in this
 * response, leave as is"; null = "the source says it is empty" (null, "Null", "").
 */
export interface GbizinfoBasic {
  name?: string | null;
  kana?: string | null;
  nameEn?: string | null;
  /** 7 digits, no hyphen (as NTA writes it) */
  postalCode?: string | null;
  location?: string | null;
  /** JIS X 0401 code derived from `location` (present when location is) */
  prefectureCode?: string | null;
  representativeName?: string | null;
  representativePosition?: string | null;
  capitalYen?: number | null;
  employees?: number | null;
  employeesMale?: number | null;
  employeesFemale?: number | null;
  foundingYear?: number | null;
  establishedOn?: string | null;
  businessSummary?: string | null;
  url?: string | null;
  /** `industry[]` as sent (v2 sends JSIC major letters such as "E") */
  industries?: string[];
  /** 全省庁統一資格 営業品目: v2 sends codes ("104"), v1 sends names ("情報サービス業") */
  businessItems?: string[];
  qualificationGrade?: string | null;
  closeDate?: string | null;
  closeCause?: string | null;
  /** "閉鎖" for a closed company; gBizINFO's "-" (nothing to report) becomes null */
  status?: string | null;
  /** NTA kind code (101..499) */
  kindCode?: string | null;
  /** NTA process code of the last registry change ("01" …) */
  processCode?: string | null;
  /** search results: number of activity records gBizINFO holds */
  activityCount?: number | null;
}

/** A data item with a canonical key (contract: Fact.key). */
export interface GbizinfoFact {
  key: string;
  value: unknown;
}

/** One entry of the `majorShareholders` fact value. */
export interface MajorShareholder {
  name: string;
  corporateNumber?: string;
  /** share of the issued shares, 0..1 */
  ratio: number;
  /** gBizINFO does not say: always null here */
  isLargeEnterprise: boolean | null;
}

/** Which management_index item filled `netSalesYen` (banks and insurers report 営業収益 etc. instead of 売上高). */
export type RevenueItem =
  | 'net_sales' | 'operating_revenue1' | 'operating_revenue2' | 'gross_operating_revenue' | 'net_premiums_written';

/** One fiscal year of `finance.management_index` (有価証券報告書 主要な経営指標等の推移). */
export interface GbizinfoFinancialYear {
  /** the calendar year in which the fiscal period ends (決算期: 2020年10月期 → 2020) */
  fiscalYear: number;
  /** last day of the period: the cover page's 至 date moved back `periodOffset` years */
  periodEndOn: string;
  /** gBizINFO `period`: 0 is the latest year of the filing, 4 the oldest */
  periodOffset: number;
  netSalesYen: number | null;
  netSalesItem: RevenueItem | null;
  ordinaryProfitYen: number | null;
  netIncomeYen: number | null;
  capitalStockYen: number | null;
  netAssetsYen: number | null;
  totalAssetsYen: number | null;
  employees: number | null;
  accountingStandards: string | null;
}

/** 届出・認定 (also carries 指名停止措置 records, which have an expiry). */
export interface GbizinfoCertification {
  title: string | null;
  category: string | null;
  approvedOn: string | null;
  authority: string | null;
  target: string | null;
  expiresOn: string | null;
  enterpriseScale: string | null;
}

/** 表彰 */
export interface GbizinfoCommendation {
  title: string | null;
  category: string | null;
  awardedOn: string | null;
  authority: string | null;
  target: string | null;
  note: string | null;
}

/** 補助金 (support received). */
export interface GbizinfoSubsidy {
  title: string | null;
  /** integer yen; negative amounts (returns, corrections) are kept */
  amountYen: number | null;
  approvedOn: string | null;
  authority: string | null;
  target: string | null;
  note: string | null;
  /** v1: co-signatories of a joint contract (連名契約) */
  jointSignatures: string[];
  /** v1: 財源 */
  subsidyResource: string | null;
}

/** 調達 (government procurement won). */
export interface GbizinfoProcurement {
  title: string | null;
  amountYen: number | null;
  orderedOn: string | null;
  authority: string | null;
  note: string | null;
  jointSignatures: string[];
}

/** One IPC/FI/Fターム/Nice class of a patent or trademark. */
export interface PatentClassification {
  code: string | null;
  kind: string | null;
  name: string | null;
}

/**
 * 特許・意匠・商標. gBizINFO repeats a record once per classification; records with the same
 * type, numbers, date and title are merged here with their classifications concatenated.
 */
export interface GbizinfoPatent {
  /** 特許 / 意匠 / 商標 */
  type: string | null;
  registrationNumber: string | null;
  applicationNumber: string | null;
  applicationDate: string | null;
  title: string | null;
  url: string | null;
  classifications: PatentClassification[];
}

/** 事業所 (corporation-info). */
export interface GbizinfoEstablishment {
  name: string | null;
  nameKana: string | null;
  location: string | null;
  locationKana: string | null;
  insuredNumber: string | null;
  lossDate: string | null;
}

/** 職場情報 (workplace_info), values as published: percentages stay 0..100 here. */
export interface GbizinfoWorkplace {
  averageAge?: number | null;
  averageContinuousServiceYears?: number | null;
  averageContinuousServiceYearsMale?: number | null;
  averageContinuousServiceYearsFemale?: number | null;
  /** population the service years refer to: 正社員 / その他 … */
  averageContinuousServiceYearsType?: string | null;
  monthAveragePredeterminedOvertimeHours?: number | null;
  femaleWorkersPercent?: number | null;
  femaleWorkersProportionType?: string | null;
  femaleManagers?: number | null;
  managersTotal?: number | null;
  femaleOfficers?: number | null;
  officersTotal?: number | null;
  paternityLeaveEligible?: number | null;
  paternityLeaveTaken?: number | null;
  maternityLeaveEligible?: number | null;
  maternityLeaveTaken?: number | null;
}

/** One company of a response. */
export interface GbizinfoCompanyDocument {
  corporateNumber: string;
  /** when gBizINFO last updated the record: latest of update_date and meta-data last_update_date (UTC ISO); null when absent */
  asOf: string | null;
  basic: GbizinfoBasic;
  facts: GbizinfoFact[];
  financials: GbizinfoFinancialYear[];
  certifications: GbizinfoCertification[];
  commendations: GbizinfoCommendation[];
  subsidies: GbizinfoSubsidy[];
  procurements: GbizinfoProcurement[];
  patents: GbizinfoPatent[];
  establishments: GbizinfoEstablishment[];
  /** null when the response had no workplace_info or an empty one */
  workplace: GbizinfoWorkplace | null;
  /** categories the response carried (an empty list means "none on record", an absent one "not asked") */
  categoriesPresent: GbizinfoCategory[];
  /** fields that were present but unusable (bad amount, impossible date, unknown unit, …) */
  warnings: string[];
}

/** A hojin-info that could not become a document. */
export interface GbizinfoReject {
  /** position in `hojin-infos` */
  index: number;
  /** the raw corporate_number as a string, when there was one */
  corporateNumber: string | null;
  problem: CorporateNumberProblem | 'MISSING_CORPORATE_NUMBER' | 'NOT_AN_OBJECT';
  reason: string;
}

/** An error the API reported (`errors[]`) or a parser-level one (item null). */
export interface GbizinfoError {
  item: string | null;
  message: string;
}

/** Paging of updateInfo responses. */
export interface GbizinfoPage {
  /** number of category records (not companies) in the whole period */
  totalCount: number | null;
  totalPage: number | null;
  pageNumber: number | null;
}

/** Result of {@link parseGbizinfoDocument}. */
export interface GbizinfoParseResult {
  sourceRef: string;
  /** false for an error body or a JSON value that is no gBizINFO response; `errors` says why */
  ok: boolean;
  /** HTTP status read from `message` ("400 - Bad Request." → 400); null when there was none */
  httpStatus: number | null;
  message: string | null;
  errors: GbizinfoError[];
  page: GbizinfoPage | null;
  documents: GbizinfoCompanyDocument[];
  rejects: GbizinfoReject[];
}

type Json = Record<string, unknown>;

/** Keys the hojin-info list may hide under. */
const HOJIN_INFOS_KEYS = ['hojin-infos', 'hojin_infos', 'hojinInfos'];

/**
 * Parses one gBizINFO response body (already JSON-decoded) into normalised company documents.
 * Never throws: unusable input comes back as `ok: false` with `errors`; a record whose
 * 法人番号 is missing or fails the check digit comes back in `rejects` with the reason.
 */
export function parseGbizinfoDocument(json: unknown, sourceRef: string): GbizinfoParseResult {
  const result: GbizinfoParseResult = {
    sourceRef, ok: true, httpStatus: null, message: null, errors: [], page: null, documents: [], rejects: [],
  };
  let infos: unknown[];
  if (Array.isArray(json)) {
    infos = json;
  } else if (isRecord(json) && HOJIN_INFOS_KEYS.some((k) => k in json)) {
    readEnvelope(json, result);
    const list = HOJIN_INFOS_KEYS.map((k) => json[k]).find((v) => v !== undefined);
    if (Array.isArray(list)) {
      infos = list;
    } else if (isBlank(list)) {
      infos = [];
    } else {
      return fail(result, '"hojin-infos" is neither an array nor null');
    }
  } else if (isRecord(json) && 'corporate_number' in json) {
    infos = [json];
  } else if (isRecord(json) && ('message' in json || 'errors' in json)) {
    // An envelope without hojin-infos: an error body, or a success with nothing to report.
    readEnvelope(json, result);
    const failed = result.errors.length > 0 || result.httpStatus === null || result.httpStatus >= 400;
    if (failed) {
      result.ok = false;
      if (result.errors.length === 0) {
        result.errors.push({ item: null, message: result.message ?? 'gBizINFO error response without a message' });
      }
    }
    return result;
  } else {
    return fail(result, `not a gBizINFO response (${describeShape(json)})`);
  }
  if (result.httpStatus !== null && result.httpStatus >= 400) {
    result.ok = false;
    if (result.errors.length === 0) result.errors.push({ item: null, message: result.message ?? `HTTP ${result.httpStatus}` });
    return result;
  }
  infos.forEach((info, index) => {
    const parsed = parseHojinInfo(info, index);
    if ('problem' in parsed) result.rejects.push(parsed);
    else result.documents.push(parsed);
  });
  return result;
}

function fail(result: GbizinfoParseResult, message: string): GbizinfoParseResult {
  result.ok = false;
  result.errors.push({ item: null, message });
  return result;
}

function describeShape(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'array';
  if (isRecord(json)) return `object with keys ${Object.keys(json).slice(0, 8).join(', ') || '(none)'}`;
  return typeof json;
}

function readEnvelope(json: Json, result: GbizinfoParseResult): void {
  const message = cleanText(json.message);
  result.message = message;
  const status = message ? /^(\d{3})\b/.exec(message) : null;
  result.httpStatus = status ? Number(status[1]) : null;
  if (Array.isArray(json.errors)) {
    for (const e of json.errors) {
      if (isRecord(e)) {
        result.errors.push({ item: cleanText(e.item), message: cleanText(e.message) ?? JSON.stringify(e) });
      } else if (!isBlank(e)) {
        result.errors.push({ item: null, message: String(e) });
      }
    }
  }
  if ('totalCount' in json || 'totalPage' in json || 'pageNumber' in json) {
    result.page = {
      totalCount: parseInteger(json.totalCount).value,
      totalPage: parseInteger(json.totalPage).value,
      pageNumber: parseInteger(json.pageNumber).value,
    };
  }
}

/** Collects the problems of one record's fields as warnings. */
class Warnings {
  readonly list: string[] = [];
  take<T>(field: string, normalised: Normalised<T>): T | null {
    if (normalised.problem) this.list.push(`${field}: ${normalised.problem}`);
    return normalised.value;
  }
  add(message: string): void {
    this.list.push(message);
  }
}

function parseHojinInfo(info: unknown, index: number): GbizinfoCompanyDocument | GbizinfoReject {
  if (!isRecord(info)) {
    return { index, corporateNumber: null, problem: 'NOT_AN_OBJECT', reason: `hojin-infos[${index}] is not an object` };
  }
  const rawNumber = cleanText(info.corporate_number);
  if (rawNumber === null) {
    return { index, corporateNumber: null, problem: 'MISSING_CORPORATE_NUMBER', reason: `hojin-infos[${index}] has no corporate_number` };
  }
  const corporateNumber = toHalfWidth(rawNumber).replace(/[\s-]/g, '');
  const problem = corporateNumberProblem(corporateNumber);
  if (problem) {
    return { index, corporateNumber: rawNumber, problem, reason: describeCorporateNumberProblem(corporateNumber, problem) };
  }

  const warnings = new Warnings();
  const basic = parseBasic(info, warnings);
  const categoriesPresent: GbizinfoCategory[] = [];
  const present = (category: GbizinfoCategory, ...keys: string[]): unknown => {
    const key = keys.find((k) => k in info);
    if (key === undefined) return undefined;
    categoriesPresent.push(category);
    return info[key];
  };

  const certifications = listOf(present('certification', 'certification'), 'certification', warnings).map((r, i) => parseCertification(r, `certification[${i}]`, warnings));
  const commendations = listOf(present('commendation', 'commendation'), 'commendation', warnings).map((r, i) => parseCommendation(r, `commendation[${i}]`, warnings));
  const subsidies = listOf(present('subsidy', 'subsidy'), 'subsidy', warnings).map((r, i) => parseSubsidy(r, `subsidy[${i}]`, warnings));
  const procurements = listOf(present('procurement', 'procurement'), 'procurement', warnings).map((r, i) => parseProcurement(r, `procurement[${i}]`, warnings));
  const patents = mergePatents(listOf(present('patent', 'patent'), 'patent', warnings).map((r, i) => parsePatent(r, `patent[${i}]`, warnings)));
  const establishments = listOf(present('corporation', 'corporation-info', 'corporation_info', 'corporation'), 'corporation', warnings)
    .map((r, i) => parseEstablishment(r, `corporation[${i}]`, warnings));
  const financeRaw = present('finance', 'finance');
  const finance = parseFinance(Array.isArray(financeRaw) ? financeRaw[0] : financeRaw, warnings);
  const workplaceRaw = present('workplace', 'workplace_info', 'workplace');
  const workplace = parseWorkplace(Array.isArray(workplaceRaw) ? workplaceRaw[0] : workplaceRaw, warnings);

  const document: GbizinfoCompanyDocument = {
    corporateNumber,
    asOf: latestUpdate(info, warnings),
    basic,
    facts: [],
    financials: finance.financials,
    certifications,
    commendations,
    subsidies,
    procurements,
    patents,
    establishments,
    workplace,
    categoriesPresent,
    warnings: warnings.list,
  };
  document.facts = factsOf(document, finance.majorShareholders);
  return document;
}

function listOf(value: unknown, category: string, warnings: Warnings): Json[] {
  if (value === undefined || isBlank(value)) return [];
  if (!Array.isArray(value)) {
    if (isRecord(value)) return [value];
    warnings.add(`${category}: expected a list, got ${typeof value}`);
    return [];
  }
  return value.filter((item, i) => {
    if (isRecord(item)) return true;
    warnings.add(`${category}[${i}]: not an object`);
    return false;
  }) as Json[];
}

/** Latest of update_date and every meta-data last_update_date (top level and category level), as a UTC instant. */
function latestUpdate(info: Json, warnings: Warnings): string | null {
  const candidates: unknown[] = [info.update_date];
  const collectMeta = (holder: unknown): void => {
    if (!isRecord(holder)) return;
    const meta = holder['meta-data'] ?? holder.meta_data ?? holder.metadata;
    for (const m of Array.isArray(meta) ? meta : [meta]) {
      if (isRecord(m) && 'last_update_date' in m) candidates.push(m.last_update_date);
    }
  };
  collectMeta(info);
  for (const value of Object.values(info)) {
    if (Array.isArray(value)) value.forEach(collectMeta);
    else collectMeta(value);
  }
  let latest: string | null = null;
  for (const candidate of candidates) {
    // gBizINFO stamps JST (…T00:00:00+09:00); a bare date is read as JST midnight.
    const instant = warnings.take('update_date', parseInstant(candidate, '+09:00'));
    if (instant && (latest === null || instant > latest)) latest = instant;
  }
  return latest;
}

function parseBasic(info: Json, warnings: Warnings): GbizinfoBasic {
  const basic: GbizinfoBasic = {};
  const has = (key: string): boolean => key in info;
  const text = (key: string): string | null => cleanText(info[key]);
  const integer = (key: string): number | null => warnings.take(key, parseInteger(info[key]));
  if (has('name')) basic.name = text('name');
  if (has('kana')) basic.kana = text('kana');
  if (has('name_en')) basic.nameEn = text('name_en');
  if (has('postal_code')) {
    const postal = text('postal_code');
    const digits = postal === null ? null : toHalfWidth(postal).replace(/[\s〒-]/g, '');
    if (digits !== null && !/^\d{7}$/.test(digits)) warnings.add(`postal_code: not 7 digits: "${postal}"`);
    basic.postalCode = digits !== null && /^\d{7}$/.test(digits) ? digits : null;
  }
  if (has('location')) {
    basic.location = text('location');
    basic.prefectureCode = basic.location === null ? null : prefectureCodeForAddress(basic.location);
  }
  if (has('representative_name')) basic.representativeName = text('representative_name');
  if (has('representative_position')) basic.representativePosition = text('representative_position');
  if (has('capital_stock')) basic.capitalYen = integer('capital_stock');
  if (has('employee_number')) basic.employees = integer('employee_number');
  if (has('company_size_male')) basic.employeesMale = integer('company_size_male');
  if (has('company_size_female')) basic.employeesFemale = integer('company_size_female');
  if (has('founding_year')) basic.foundingYear = integer('founding_year');
  if (has('date_of_establishment')) basic.establishedOn = warnings.take('date_of_establishment', parseDate(info.date_of_establishment));
  if (has('business_summary')) basic.businessSummary = text('business_summary');
  if (has('company_url')) basic.url = text('company_url');
  if (has('industry')) basic.industries = stringList(info.industry);
  if (has('business_items')) basic.businessItems = [...new Set(stringList(info.business_items))];
  if (has('qualification_grade')) basic.qualificationGrade = text('qualification_grade');
  if (has('close_date')) basic.closeDate = warnings.take('close_date', parseDate(info.close_date));
  if (has('close_cause')) basic.closeCause = text('close_cause');
  if (has('status')) {
    const status = text('status');
    basic.status = status === '-' ? null : status;
  }
  if (has('kind')) basic.kindCode = text('kind');
  if (has('process')) basic.processCode = text('process');
  if (has('number_of_activity')) basic.activityCount = integer('number_of_activity');
  return basic;
}

function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map(cleanText).filter((v): v is string => v !== null);
}

function parseCertification(r: Json, at: string, w: Warnings): GbizinfoCertification {
  return {
    title: cleanText(r.title),
    category: cleanText(r.category),
    approvedOn: w.take(`${at}.date_of_approval`, parseDate(r.date_of_approval)),
    authority: cleanText(r.government_departments),
    target: cleanText(r.target),
    expiresOn: w.take(`${at}.expiration_date`, parseDate(r.expiration_date)),
    enterpriseScale: cleanText(r.enterprise_scale),
  };
}

function parseCommendation(r: Json, at: string, w: Warnings): GbizinfoCommendation {
  return {
    title: cleanText(r.title),
    category: cleanText(r.category),
    awardedOn: w.take(`${at}.date_of_commendation`, parseDate(r.date_of_commendation)),
    authority: cleanText(r.government_departments),
    target: cleanText(r.target),
    note: cleanText(r.note),
  };
}

function parseSubsidy(r: Json, at: string, w: Warnings): GbizinfoSubsidy {
  return {
    title: cleanText(r.title),
    amountYen: w.take(`${at}.amount`, parseInteger(r.amount)),
    approvedOn: w.take(`${at}.date_of_approval`, parseDate(r.date_of_approval)),
    authority: cleanText(r.government_departments),
    target: cleanText(r.target),
    note: cleanText(r.note),
    jointSignatures: r.joint_signatures === undefined || isBlank(r.joint_signatures) ? [] : stringList(r.joint_signatures),
    subsidyResource: cleanText(r.subsidy_resource),
  };
}

function parseProcurement(r: Json, at: string, w: Warnings): GbizinfoProcurement {
  return {
    title: cleanText(r.title),
    amountYen: w.take(`${at}.amount`, parseInteger(r.amount)),
    orderedOn: w.take(`${at}.date_of_order`, parseDate(r.date_of_order)),
    authority: cleanText(r.government_departments),
    note: cleanText(r.note),
    jointSignatures: r.joint_signatures === undefined || isBlank(r.joint_signatures) ? [] : stringList(r.joint_signatures),
  };
}

function parsePatent(r: Json, at: string, w: Warnings): GbizinfoPatent {
  const classifications: PatentClassification[] = [];
  for (const c of Array.isArray(r.classifications) ? r.classifications : []) {
    if (!isRecord(c)) continue;
    // v1 real responses use Japanese keys; the v2 spec uses English ones.
    classifications.push({
      code: cleanText(c['コード値'] ?? c.code_value ?? c.code),
      kind: cleanText(c['コード名'] ?? c.code_name ?? c.type),
      name: cleanText(c['日本語'] ?? c.japanese ?? c.name),
    });
  }
  return {
    type: cleanText(r.patent_type),
    registrationNumber: cleanText(r.registration_number),
    applicationNumber: cleanText(r.application_number),
    applicationDate: w.take(`${at}.application_date`, parseDate(r.application_date)),
    title: cleanText(r.title),
    url: cleanText(r.url),
    classifications,
  };
}

function mergePatents(patents: GbizinfoPatent[]): GbizinfoPatent[] {
  const merged = new Map<string, GbizinfoPatent>();
  for (const p of patents) {
    const key = JSON.stringify([p.type, p.registrationNumber, p.applicationNumber, p.applicationDate, p.title, p.url]);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, { ...p, classifications: [...p.classifications] });
      continue;
    }
    for (const c of p.classifications) {
      if (!existing.classifications.some((e) => e.code === c.code && e.kind === c.kind)) existing.classifications.push(c);
    }
  }
  return [...merged.values()];
}

function parseEstablishment(r: Json, at: string, w: Warnings): GbizinfoEstablishment {
  return {
    name: cleanText(r.corporation_name),
    nameKana: cleanText(r.corporation_name_furigana),
    location: cleanText(r.corporation_location),
    locationKana: cleanText(r.corporation_location_furigana),
    insuredNumber: cleanText(r.insured_number),
    lossDate: w.take(`${at}.loss_date`, parseDate(r.loss_date)),
  };
}

/** Multipliers of the `*_unit_ref` values (XBRL unit ids and Japanese labels). */
const UNIT_MULTIPLIER: Record<string, number> = {
  jpy: 1, 円: 1, yen: 1,
  千円: 1_000, jpythousands: 1_000, jpythousand: 1_000, thousandyen: 1_000,
  百万円: 1_000_000, jpymillions: 1_000_000, jpymillion: 1_000_000, millionyen: 1_000_000,
  億円: 100_000_000,
};

/** A management_index amount scaled by its unit to integer yen. A missing unit is read as yen. */
function yenValue(row: Json, key: string, at: string, w: Warnings): number | null {
  const raw = w.take(`${at}.${key}`, parseDecimal(row[key]));
  if (raw === null) return null;
  const unitText = cleanText(row[`${key}_unit_ref`]);
  const multiplier = unitText === null ? 1 : UNIT_MULTIPLIER[toHalfWidth(unitText).replace(/[\s_-]/g, '').toLowerCase()];
  if (multiplier === undefined) {
    w.add(`${at}.${key}_unit_ref: unknown unit "${unitText}"`);
    return null;
  }
  const yen = Math.round(raw * multiplier);
  if (!Number.isSafeInteger(yen)) {
    w.add(`${at}.${key}: amount too large`);
    return null;
  }
  return yen;
}

const REVENUE_ITEMS: readonly [RevenueItem, string][] = [
  ['net_sales', 'net_sales_summary_of_business_results'],
  ['operating_revenue1', 'operating_revenue1_summary_of_business_results'],
  ['operating_revenue2', 'operating_revenue2_summary_of_business_results'],
  ['gross_operating_revenue', 'gross_operating_revenue_summary_of_business_results'],
  ['net_premiums_written', 'net_premiums_written_summary_of_business_results_ins'],
];

/** The 至 (period end) date of a 有価証券報告書 cover page: 第20期（自　2019年11月１日　至　2020年10月31日）. */
export function periodEndOfCoverPage(coverPage: string): string | null {
  const text = toHalfWidth(coverPage).replace(/\s+/g, '');
  const m = /至((?:令和|平成|昭和)?(?:元|\d{1,4})年\d{1,2}月\d{1,2}日)/.exec(text);
  return m ? parseDate(m[1]).value : null;
}

function minusYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  // A period ending on 29 February ends on the 28th in other years.
  return isoDateOf(y - years, m, d) ?? isoDateOf(y - years, m, d - 1)!;
}

function parseFinance(finance: unknown, w: Warnings): { financials: GbizinfoFinancialYear[]; majorShareholders: MajorShareholder[] | null } {
  if (!isRecord(finance)) return { financials: [], majorShareholders: null };
  const accountingStandards = cleanText(finance.accounting_standards);
  const coverPage = cleanText(finance.fiscal_year_cover_page);
  const latestEnd = coverPage ? periodEndOfCoverPage(coverPage) : null;
  const rows = listOf(finance.management_index, 'finance.management_index', w);
  const financials: GbizinfoFinancialYear[] = [];
  if (rows.length > 0 && latestEnd === null) {
    w.add(`finance.management_index: ${rows.length} rows skipped, the fiscal year cannot be told from fiscal_year_cover_page ${JSON.stringify(coverPage)}`);
  }
  rows.forEach((row, i) => {
    if (latestEnd === null) return;
    const at = `finance.management_index[${i}]`;
    const offset = parseInteger(row.period).value;
    if (offset === null || offset < 0) {
      w.add(`${at}.period: not a period offset: ${JSON.stringify(row.period)}`);
      return;
    }
    let netSalesYen: number | null = null;
    let netSalesItem: RevenueItem | null = null;
    for (const [item, key] of REVENUE_ITEMS) {
      const value = yenValue(row, key, at, w);
      if (value !== null) {
        netSalesYen = value;
        netSalesItem = item;
        break;
      }
    }
    const periodEndOn = minusYears(latestEnd, offset);
    financials.push({
      fiscalYear: Number(periodEndOn.slice(0, 4)),
      periodEndOn,
      periodOffset: offset,
      netSalesYen,
      netSalesItem,
      ordinaryProfitYen: yenValue(row, 'ordinary_income_loss_summary_of_business_results', at, w)
        ?? yenValue(row, 'ordinary_income_summary_of_business_results', at, w),
      netIncomeYen: yenValue(row, 'net_income_loss_summary_of_business_results', at, w),
      capitalStockYen: yenValue(row, 'capital_stock_summary_of_business_results', at, w),
      netAssetsYen: yenValue(row, 'net_assets_summary_of_business_results', at, w),
      totalAssetsYen: yenValue(row, 'total_assets_summary_of_business_results', at, w),
      employees: w.take(`${at}.number_of_employees`, parseInteger(row.number_of_employees)),
      accountingStandards,
    });
  });
  financials.sort((a, b) => b.fiscalYear - a.fiscalYear);

  let majorShareholders: MajorShareholder[] | null = null;
  if ('major_shareholders' in finance) {
    majorShareholders = [];
    listOf(finance.major_shareholders, 'finance.major_shareholders', w).forEach((s, i) => {
      const name = cleanText(s.name_major_shareholders ?? s.name);
      const ratio = shareRatio(s.shareholding_ratio, `finance.major_shareholders[${i}]`, w);
      if (name === null || ratio === null) {
        w.add(`finance.major_shareholders[${i}]: skipped, name or ratio missing`);
        return;
      }
      majorShareholders!.push({ name, ratio, isLargeEnterprise: null });
    });
    majorShareholders.sort((a, b) => b.ratio - a.ratio);
  }
  return { financials, majorShareholders };
}

/** Shareholding ratio as 0..1. gBizINFO sends 0.2267; "22.67%" and 22.67 (a percentage) are read as 0.2267. */
function shareRatio(value: unknown, at: string, w: Warnings): number | null {
  const percent = typeof value === 'string' && /[%％]\s*$/.test(value);
  const parsed = w.take(`${at}.shareholding_ratio`, parseDecimal(typeof value === 'string' ? value.replace(/[%％]\s*$/, '') : value));
  if (parsed === null) return null;
  const ratio = percent || parsed > 1 ? parsed / 100 : parsed;
  if (ratio < 0 || ratio > 1) {
    w.add(`${at}.shareholding_ratio: out of range: ${JSON.stringify(value)}`);
    return null;
  }
  return Math.round(ratio * 1e6) / 1e6;
}

function parseWorkplace(workplace: unknown, w: Warnings): GbizinfoWorkplace | null {
  if (!isRecord(workplace)) return null;
  const base = isRecord(workplace.base_infos) ? workplace.base_infos : {};
  const women = isRecord(workplace.women_activity_infos) ? workplace.women_activity_infos : {};
  const childcare = isRecord(workplace.compatibility_of_childcare_and_work) ? workplace.compatibility_of_childcare_and_work : {};
  const out: GbizinfoWorkplace = {};
  const decimal = (holder: Json, key: string, field: keyof GbizinfoWorkplace): void => {
    if (key in holder) (out as Record<string, unknown>)[field] = w.take(`workplace_info.${key}`, parseDecimal(holder[key]));
  };
  const integer = (holder: Json, key: string, field: keyof GbizinfoWorkplace): void => {
    if (key in holder) (out as Record<string, unknown>)[field] = w.take(`workplace_info.${key}`, parseInteger(holder[key]));
  };
  const text = (holder: Json, key: string, field: keyof GbizinfoWorkplace): void => {
    if (key in holder) (out as Record<string, unknown>)[field] = cleanText(holder[key]);
  };
  decimal(base, 'average_age', 'averageAge');
  decimal(base, 'average_continuous_service_years', 'averageContinuousServiceYears');
  decimal(base, 'average_continuous_service_years_Male', 'averageContinuousServiceYearsMale');
  decimal(base, 'average_continuous_service_years_Female', 'averageContinuousServiceYearsFemale');
  text(base, 'average_continuous_service_years_type', 'averageContinuousServiceYearsType');
  decimal(base, 'month_average_predetermined_overtime_hours', 'monthAveragePredeterminedOvertimeHours');
  decimal(women, 'female_workers_proportion', 'femaleWorkersPercent');
  text(women, 'female_workers_proportion_type', 'femaleWorkersProportionType');
  integer(women, 'female_share_of_manager', 'femaleManagers');
  integer(women, 'gender_total_of_manager', 'managersTotal');
  integer(women, 'female_share_of_officers', 'femaleOfficers');
  integer(women, 'gender_total_of_officers', 'officersTotal');
  integer(childcare, 'number_of_paternity_leave', 'paternityLeaveEligible');
  integer(childcare, 'paternity_leave_acquisition_num', 'paternityLeaveTaken');
  integer(childcare, 'number_of_maternity_leave', 'maternityLeaveEligible');
  integer(childcare, 'maternity_leave_acquisition_num', 'maternityLeaveTaken');
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Canonical data items (contract "Canonical data item keys") with a value in the document.
 * Keys: postalCode, address, representativeName, capitalYen, employees, establishedOn, url,
 * industryCode (only when `industry[]` names exactly one JSIC division), businessSummary,
 * netSalesYen (latest fiscal year with a revenue figure), majorShareholders, officersTotal,
 * femaleWorkersProportion (0..1), averageAge, averageContinuousServiceYears,
 * monthAveragePredeterminedOvertimeHours.
 */
function factsOf(doc: GbizinfoCompanyDocument, majorShareholders: MajorShareholder[] | null): GbizinfoFact[] {
  const facts: GbizinfoFact[] = [];
  const add = (key: string, value: unknown): void => {
    if (value !== null && value !== undefined) facts.push({ key, value });
  };
  const b = doc.basic;
  add('postalCode', b.postalCode);
  add('address', b.location);
  add('representativeName', b.representativeName);
  add('capitalYen', b.capitalYen);
  add('employees', b.employees);
  add('establishedOn', b.establishedOn);
  add('url', b.url);
  if (b.industries) {
    const codes = [...new Set(b.industries.map((i) => industryCodeOf(i)).filter((c): c is string => c !== null))];
    if (codes.length === 1) add('industryCode', codes[0]);
  }
  add('businessSummary', b.businessSummary);
  const latestSales = doc.financials.find((f) => f.netSalesYen !== null);
  add('netSalesYen', latestSales?.netSalesYen);
  if (majorShareholders && majorShareholders.length > 0) add('majorShareholders', majorShareholders);
  const wp = doc.workplace;
  if (wp) {
    add('officersTotal', wp.officersTotal);
    if (typeof wp.femaleWorkersPercent === 'number') add('femaleWorkersProportion', Math.round(wp.femaleWorkersPercent * 100) / 10_000);
    add('averageAge', wp.averageAge);
    add('averageContinuousServiceYears', wp.averageContinuousServiceYears);
    add('monthAveragePredeterminedOvertimeHours', wp.monthAveragePredeterminedOvertimeHours);
  }
  return facts;
}

/** A JSIC code from an `industry[]` entry: a letter (E), letter + digits (E24) or a major division name. */
function industryCodeOf(value: string): string | null {
  const text = toHalfWidth(value).trim().toUpperCase();
  if (/^[A-T](\d{2,4})?$/.test(text)) return text;
  return jsicMajorFor(value)?.code ?? null;
}
