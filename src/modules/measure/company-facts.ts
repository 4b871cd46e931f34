/**
 * What the eligibility engine knows about a company: its data items gathered into the rule language's
 * {@link CompanyFacts} (src/modules/measure/criteria.ts), with the derived items computed here.
 *
 * Used by eligibility, recommendations and applications alike, so every module judges a company on the
 * same facts. Reading is batched: calling {@link companyFactsFor} for many companies in one tick costs one
 * query per source table (facts, certifications, support records, and financials when a sales figure is
 * missing), and each company is gathered once per request.
 *
 * Sources, per item:
 * - registry items (`kind`, `prefectureCode`, `isClosed`) from the company row (NTA);
 * - self-declared items (`employees`, `capitalYen`, `industryCode`, `establishedOn`, `netSalesYen`,
 *   `averageTaxableIncomeYen`, `needs`, and every other data item as `ext.<key>`) from the current facts
 *   (source precedence, then recency; see facts/precedence.ts), falling back to the cached row columns and,
 *   for sales, to the latest fiscal year's financial statements;
 * - `smeCategory` and `deemedLarge` from classifySme over those values plus the shareholder and officer
 *   facts (domain.md §5); `yearsInBusiness` from `establishedOn` at the request time;
 * - `certifications` as canonical names (経営力向上計画, 経営革新計画, …) from the certification records, and
 *   `supportReceived` as measure ids (or titles when a record has no measure) from the support records.
 *   These two lists are what the platform knows: an empty list means none is recorded.
 *
 * Missing data stays missing (null), so a rule that needs it is *unknown*; {@link missingDataFor} turns
 * the engine's missing items into the canonical data item keys a user can fill in.
 */
import DataLoader from 'dataloader';
import type { Context } from '../../context.js';
import {
  certificationsLoader, factsLoader, financialsLoader, supportRecordsLoader,
} from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { classifySme, type CorporateKindName, type MajorShareholder, type SmeClassification } from '../company/sme-classification.js';
import { pickCurrent } from '../facts/precedence.js';
import {
  CORPORATE_KINDS, DERIVED_ITEM_INPUTS, EXTENSION_ITEM_LABELS, KNOWN_ITEMS, yearsInBusinessOn,
  type CompanyFacts, type CorporateKind, type ExtensionValue, type KnownItem, type SmeCategory,
} from './criteria.js';

/** The canonical certification names the catalogue's rules use (seeds/measures/README.md). */
export const CANONICAL_CERTIFICATIONS = [
  '経営力向上計画',
  '経営革新計画',
  '事業継続力強化計画',
  '連携事業継続力強化計画',
  '先端設備等導入計画',
  '特定創業支援等事業',
  'パートナーシップ構築宣言',
  'SECURITY ACTION',
  '100億宣言',
] as const;

/** The company columns the gathering reads. */
export type CompanyFactsRow = Pick<
  CompanyRow,
  'id' | 'kind' | 'industryCode' | 'capitalYen' | 'employees' | 'establishedOn' | 'prefectureCode' | 'closeDate'
>;

/** Everything {@link buildCompanyFacts} needs, already read from the database. */
export interface CompanyFactsSources {
  company: Omit<CompanyFactsRow, 'id'>;
  /** current value of every data item, by canonical key */
  currentFacts: ReadonlyMap<string, unknown>;
  /** titles of the certification records (any wording; mapped to canonical names) */
  certificationTitles: readonly string[];
  /** support records: the measure id when known, else the title */
  supportReceived: ReadonlyArray<{ measureId: string | null; title: string }>;
  /** 売上高 of the latest fiscal year with one, used when there is no netSalesYen fact */
  latestNetSalesYen: number | null;
}

/** The facts plus how the derived items came about. */
export interface CompanyFactsProfile {
  facts: CompanyFacts;
  /** the 中小企業基本法 classification and みなし大企業 tests the derived items come from */
  sme: SmeClassification;
  /**
   * For each derived item that is missing (smeCategory, deemedLarge, yearsInBusiness), the canonical data
   * items whose absence left it undecided, e.g. `{ smeCategory: ['employees'] }`.
   */
  missingInputs: Partial<Record<KnownItem, string[]>>;
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}

function asStringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((element): element is string => typeof element === 'string' && element.trim().length > 0).map((s) => s.trim());
}

function asShareholders(value: unknown): MajorShareholder[] | null {
  if (typeof value === 'string') {
    try {
      return asShareholders(JSON.parse(value));
    } catch {
      return null;
    }
  }
  return Array.isArray(value) ? (value as MajorShareholder[]) : null;
}

/** A fact value usable as an extension item (scalars and string lists; objects are not). */
function asExtensionValue(value: unknown): ExtensionValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value) && value.every((element) => typeof element === 'string')) return value as string[];
  return null;
}

/**
 * Maps certification titles to the canonical names the rules use: a title counts as a name when it contains it
 * (width and case folded), and only the most specific name is kept (連携事業継続力強化計画, not also
 * 事業継続力強化計画). Titles that match no canonical name are kept as written.
 */
export function canonicalCertificationNames(titles: readonly string[]): string[] {
  const fold = (text: string): string => text.normalize('NFKC').toUpperCase().replace(/\s+/g, ' ');
  const names = new Set<string>();
  for (const title of titles) {
    const folded = fold(title);
    const matches = CANONICAL_CERTIFICATIONS.filter((name) => folded.includes(fold(name)));
    const specific = matches.filter((name) => !matches.some((other) => other !== name && fold(other).includes(fold(name))));
    if (specific.length === 0) names.add(title.trim());
    for (const name of specific) names.add(name);
  }
  return [...names];
}

/**
 * Builds the engine's facts from what was read (pure). `asOf` is the instant `yearsInBusiness` is counted at.
 */
export function buildCompanyFacts(sources: CompanyFactsSources, asOf: Date): CompanyFactsProfile {
  const { company, currentFacts } = sources;
  const fact = (key: string): unknown => currentFacts.get(key);
  const kind = (CORPORATE_KINDS as readonly string[]).includes(company.kind) ? (company.kind as CorporateKind) : null;
  const industryCode = asString(fact('industryCode')) ?? company.industryCode ?? null;
  const capitalYen = asNumber(fact('capitalYen')) ?? company.capitalYen ?? null;
  const employees = asNumber(fact('employees')) ?? company.employees ?? null;
  const establishedOn = asString(fact('establishedOn'))?.slice(0, 10) ?? company.establishedOn ?? null;
  const averageTaxableIncomeYen = asNumber(fact('averageTaxableIncomeYen'));

  const sme = classifySme({
    kind: kind as CorporateKindName | null,
    industryCode,
    capitalYen,
    employees,
    majorShareholders: asShareholders(fact('majorShareholders')),
    officersTotal: asNumber(fact('officersTotal')),
    officersFromLargeEnterprises: asNumber(fact('officersFromLargeEnterprises')),
    officersFromDeemedLargeEnterprises: asNumber(fact('officersFromDeemedLargeEnterprises')),
    averageTaxableIncomeYen,
  });
  // みなし大企業 is undecided while a shareholder or officer test could not run (and none caught the firm).
  // The taxable-income add-on has its own item (averageTaxableIncomeYen), so its absence does not count here.
  const deemedLargeMissing = sme.deemedLargeMissing.filter((key) => key !== 'averageTaxableIncomeYen');
  const deemedLarge = sme.deemedLarge ? true : deemedLargeMissing.length > 0 ? null : false;
  const yearsInBusiness = establishedOn ? yearsInBusinessOn(establishedOn, asOf) : null;

  const missingInputs: Partial<Record<KnownItem, string[]>> = {};
  if (sme.category === 'UNKNOWN') missingInputs.smeCategory = sme.missing.length > 0 ? [...sme.missing] : [...DERIVED_ITEM_INPUTS.smeCategory!];
  if (deemedLarge === null) missingInputs.deemedLarge = deemedLargeMissing;
  if (yearsInBusiness === null) missingInputs.yearsInBusiness = ['establishedOn'];

  const extensions: Record<string, ExtensionValue> = {};
  for (const [key, value] of currentFacts) {
    if (key in KNOWN_ITEMS) continue;
    const extension = asExtensionValue(value);
    if (extension !== null) extensions[key] = extension;
  }

  const certificationFacts = asStringList(fact('certifications')) ?? [];
  const supportFacts = asStringList(fact('supportReceived')) ?? [];
  const facts: CompanyFacts = {
    smeCategory: sme.category === 'UNKNOWN' ? null : (sme.category as SmeCategory),
    deemedLarge,
    industryCode,
    employees,
    capitalYen,
    prefectureCode: company.prefectureCode ?? asString(fact('prefectureCode')),
    yearsInBusiness,
    kind,
    certifications: canonicalCertificationNames([...sources.certificationTitles, ...certificationFacts]),
    supportReceived: [...new Set([...sources.supportReceived.map((record) => record.measureId ?? record.title), ...supportFacts])],
    averageTaxableIncomeYen,
    netSalesYen: asNumber(fact('netSalesYen')) ?? sources.latestNetSalesYen,
    establishedOn,
    isClosed: company.closeDate !== null || asString(fact('closedOn')) !== null || asString(fact('closeDate')) !== null,
    needs: asStringList(fact('needs')),
    extensions,
  };
  return { facts, sme, missingInputs };
}

/** The request's loader of company profiles, keyed by company id. */
function profileLoader(ctx: Context) {
  return ctx.loader('measure.companyProfile', () => new DataLoader<CompanyFactsRow, CompanyFactsProfile, number>(async (companies) => {
    const [factVersions, certifications, support] = await Promise.all([
      Promise.all(companies.map((company) => factsLoader(ctx).load(company.id))),
      Promise.all(companies.map((company) => certificationsLoader(ctx).load(company.id))),
      Promise.all(companies.map((company) => supportRecordsLoader(ctx).load(company.id))),
    ]);
    const current = factVersions.map((versions) => new Map(pickCurrent(versions).map((version) => [version.key, version.value])));
    // financial statements only for the companies whose sales figure is not a fact
    const latestSales = await Promise.all(companies.map(async (company, index) => {
      if (asNumber(current[index]!.get('netSalesYen')) !== null) return null;
      const years = await financialsLoader(ctx).load(company.id);
      return years.find((year) => year.netSalesYen !== null)?.netSalesYen ?? null;
    }));
    return companies.map((company, index) => buildCompanyFacts({
      company,
      currentFacts: current[index]!,
      certificationTitles: certifications[index]!.map((record) => record.title),
      supportReceived: support[index]!.map((record) => ({ measureId: record.measureId, title: record.title })),
      latestNetSalesYen: latestSales[index]!,
    }, ctx.now));
  }, { cacheKeyFn: (company) => company.id }));
}

/**
 * The rule-language facts of a company, as of the request time (`ctx.now`). Batched and cached per request:
 * call it for many companies at once (e.g. with Promise.all) and the reads are shared.
 *
 * @example
 * const facts = await companyFactsFor(ctx, company);
 * const result = evaluateEligibility(criteriaOf(measure), facts);
 */
export async function companyFactsFor(ctx: Context, company: CompanyFactsRow): Promise<CompanyFacts> {
  return (await profileLoader(ctx).load(company)).facts;
}

/**
 * Like {@link companyFactsFor}, with the SME classification behind the derived items and the data items each
 * missing derived item waits for (for {@link missingDataFor} and for explanations).
 */
export function companyProfileFor(ctx: Context, company: CompanyFactsRow): Promise<CompanyFactsProfile> {
  return profileLoader(ctx).load(company);
}

/**
 * Turns the engine's missing items (e.g. an eligibility result's `missing`) into canonical data item keys a user can
 * fill in, as precisely as the profile allows: `smeCategory` becomes the size items that are actually absent
 * (e.g. `employees`), `deemedLarge` the shareholder/officer items, `ext.x` becomes `x`.
 */
export function missingDataFor(profile: Pick<CompanyFactsProfile, 'missingInputs'>, missing: readonly string[]): string[] {
  const keys = missing.flatMap((item) => {
    if (item.startsWith('ext.')) return [item.slice(4)];
    const derived = profile.missingInputs[item as KnownItem] ?? DERIVED_ITEM_INPUTS[item as KnownItem];
    return derived && derived.length > 0 ? [...derived] : [item];
  });
  return [...new Set(keys)];
}

/** Japanese labels of the canonical data items that derived items wait for. */
const INPUT_LABELS: Readonly<Record<string, string>> = {
  employees: '従業員数',
  capitalYen: '資本金',
  industryCode: '業種（日本標準産業分類）',
  kind: '法人種別',
  establishedOn: '設立（開業）年月日',
  majorShareholders: '主要株主（出資比率・大企業該当の有無）',
  officersTotal: '役員数',
  officersFromLargeEnterprises: '大企業の役員・職員を兼ねる役員数',
  averageTaxableIncomeYen: '過去3年の平均課税所得',
  closedOn: '廃業・閉鎖の日',
};

/** The Japanese label of a canonical data item key (falls back to the key). */
export function dataItemLabel(key: string): string {
  return INPUT_LABELS[key] ?? EXTENSION_ITEM_LABELS[key]?.label ?? (key in KNOWN_ITEMS ? KNOWN_ITEMS[key as KnownItem].label : key);
}
