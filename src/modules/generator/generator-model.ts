/**
 * The generated world, one company at a time (pure: no I/O).
 *
 * Company `index` of seed `seed` is built from its own random stream, so any company can be generated alone,
 * in any chunk, again after an interruption, and always comes out the same. The distributions are the demo
 * data's (src/modules/demo/demo-data.ts: industries, sizes, kinds, capital, employees, financials, needs,
 * certifications), extended with all 47 prefectures, more varied names, applications calibrated to the
 * published adoption rates, decisions, support received, injected treatment effects and consents.
 *
 * Everything is fictitious: names end in （生成）, and 法人番号 use registry-office codes 9000–9899 (companies)
 * and 9900 (their parent companies), which no registry office has (real numbers use 00–50 and 70; the demo data
 * uses 9999), with valid check digits.
 */
import { corporateNumberFromBase } from '../company/corporate-number.js';
import { prefectureByCode } from '../company/prefectures.js';
import { classifySme, type CorporateKindName, type SmeCategoryName } from '../company/sme-classification.js';
import {
  buildFinancials, capitalFor, certificationsFor, classCodeOf, employeesFor, FAMILY, GIVEN, INDUSTRIES, isCommerceOrService, KIND_NAMES,
  KIND_SUFFIXES, KIND_WEIGHTS, needsFor, PLACES, randomDate, SIZE_WEIGHTS, STEMS, type DemoCompany, type DemoFinancials, type SizeBand,
} from '../demo/demo-data.js';
import { createStreams, type Random } from '../demo/random.js';
import type { MeasureCatalogue, MeasureDefinition, MeasureRound } from '../measure/catalogue.js';
import { evaluateRule, ruleItems, type CompanyFacts, type ItemName, type Rule } from '../measure/criteria.js';
import { INJECTED_EFFECTS, PREFECTURE_FIRMS, resolveCalibrations, type InjectedEffect, type ResolvedCalibration } from './calibration.js';

/** The instant the generated world stands at: the start of FY2026; every generated date is before it. */
export const WORLD_NOW = new Date('2026-04-01T00:00:00+09:00');
/** The fiscal years every company has financial statements for (applicants also have earlier ones). */
export const BASE_FISCAL_YEARS = [2023, 2024, 2025] as const;
/** Marks generated names as fictitious. */
export const GENERATED_NAME_MARK = '（生成）';
/** Registry-office codes of generated companies: 9000 + ⌊index / 1 000 000⌋. */
export const FIRST_OFFICE_CODE = 9000;
/** The highest number of companies one seed can have (offices 9000–9899). */
export const MAX_GENERATED_COMPANIES = 900 * 1_000_000;
/** Source of generated facts and financials (ranks with third-party data, below NTA and the company's own word). */
export const GENERATED_SOURCE = 'GENERATED';

/** Knobs of a generated world. */
export interface GeneratorParams {
  seed: number;
  /** mean number of applications per company (Poisson; capped by the measures a company may apply to) */
  applicationsPerCompany: number;
}

export interface GeneratedEvent {
  at: Date;
  fromStatus: string | null;
  toStatus: string;
  actor: string;
  note: string | null;
}

export interface GeneratedApplication {
  measureId: string;
  roundId: string | null;
  status: 'DRAFT' | 'SUBMITTED' | 'ADOPTED' | 'REJECTED' | 'WITHDRAWN';
  fiscalYear: number;
  requestedAmountYen: number;
  grantedAmountYen: number | null;
  createdAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  updatedAt: Date;
  events: GeneratedEvent[];
  /** the support record an adoption writes (support received) */
  support: { title: string; amountYen: number; approvedOn: string; authority: string } | null;
}

export interface GeneratedConsent {
  organizationId: string;
  scopes: string[];
  grantedAt: Date;
  expiresOn: string;
  revokedAt: Date | null;
}

export interface MajorShareholder {
  name: string;
  corporateNumber?: string;
  ratio: number;
  isLargeEnterprise: boolean;
}

/** One generated business with everything the platform stores about it. */
export interface GeneratedCompany {
  index: number;
  corporateNumber: string | null;
  name: string;
  nameKana: string;
  kindCode: string | null;
  kind: string;
  prefectureCode: string;
  prefectureName: string;
  cityCode: string;
  cityName: string;
  street: string;
  postalCode: string;
  assignmentDate: string | null;
  closeDate: string | null;
  closeCause: string | null;
  industryCode: string;
  capitalYen: number | null;
  employees: number;
  establishedOn: string;
  representativeName: string;
  size: SizeBand;
  smeCategory: SmeCategoryName;
  deemedLarge: boolean;
  majorShareholders: MajorShareholder[] | null;
  officersTotal: number | null;
  officersFromLargeEnterprises: number | null;
  needs: string[];
  certifications: DemoCompany['certifications'];
  /** oldest first */
  financials: DemoFinancials[];
  applications: GeneratedApplication[];
  consent: GeneratedConsent | null;
}

/** Extra name prefixes (with kana) so that a million names are not a few thousand. */
const NAME_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['', ''], ['北', 'キタ'], ['南', 'ミナミ'], ['東', 'ヒガシ'], ['西', 'ニシ'], ['中央', 'チュウオウ'], ['新', 'シン'], ['大', 'ダイ'],
  ['第一', 'ダイイチ'], ['丸', 'マル'], ['三和', 'サンワ'], ['共栄', 'キョウエイ'], ['協和', 'キョウワ'], ['富士', 'フジ'], ['昭和', 'ショウワ'],
  ['平成', 'ヘイセイ'], ['令和', 'レイワ'], ['光', 'ヒカリ'], ['山', 'ヤマ'], ['川', 'カワ'],
];

/** Fictitious parent companies (large enterprises) of the みなし大企業 among generated firms. */
export const GENERATED_HOLDINGS = STEMS.slice(0, 12).map(([stem], h) => ({
  name: `${stem}ホールディングス株式会社${GENERATED_NAME_MARK}`,
  corporateNumber: corporateNumberFromBase(`990001${String(h + 1).padStart(6, '0')}`),
}));

/** Share of SME corporations held ≥ 50 % by a large enterprise (みなし大企業). */
const DEEMED_LARGE_SHARE = 0.02;
/** Share of corporations whose registration has been closed (a date in FY2021–FY2025). */
const CLOSED_SHARE = 0.02;
/** Share of corporations that granted a support organisation access to their data. */
const CONSENT_SHARE = 0.02;

/** The 法人番号 of generated company `index` (office 9000 + ⌊index / 10⁶⌋, the kind's class code, serial index mod 10⁶). */
export function generatedCorporateNumber(index: number, kindCode: string): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_GENERATED_COMPANIES) throw new RangeError(`company index out of range: ${index}`);
  const office = FIRST_OFFICE_CODE + Math.floor(index / 1_000_000);
  return corporateNumberFromBase(`${office}${classCodeOf(kindCode)}${String(index % 1_000_000).padStart(6, '0')}`);
}

/** An instant in Japan time. */
const jst = (year: number, month: number, day: number, hour = 0, minute = 0) => new Date(Date.UTC(year, month - 1, day, hour - 9, minute));
const DAY = 86_400_000;
/** ISO date (YYYY-MM-DD) of an instant in Japan time. */
export const jstDate = (at: Date) => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
/** The fiscal year (年度, April–March, Japan time) of an instant. */
export function fiscalYearOf(at: Date): number {
  const local = new Date(at.getTime() + 9 * 3_600_000);
  return local.getUTCMonth() >= 3 ? local.getUTCFullYear() : local.getUTCFullYear() - 1;
}

interface ApplyableMeasure extends ResolvedCalibration {
  title: string;
  agency: string;
  maxAmountYen: number | null;
  hardRules: Rule[];
  /** the items the hard rules read (the key of the eligibility memo) */
  hardItems: ItemName[];
  /** eligibility by the values of `hardItems` */
  ineligibleMemo: Map<string, boolean>;
  rounds: ReadonlyArray<MeasureRound & { from: number; until: number; fiscalYear: number }>;
}

/** Completed years from an ISO date to an instant, as yearsInBusinessOn counts them (without re-validating our own dates). */
function yearsBefore(isoDate: string, at: Date): number {
  const [year, month, day] = [Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)), Number(isoDate.slice(8, 10))];
  const beforeAnniversary = at.getUTCMonth() + 1 < month || (at.getUTCMonth() + 1 === month && at.getUTCDate() < day);
  return Math.max(0, at.getUTCFullYear() - year - (beforeAnniversary ? 1 : 0));
}

/** Poisson draw (Knuth; fine for the small means used here). */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k += 1;
    p *= random.next();
  }
  return k;
}

/**
 * The generator of one world (seed + knobs) over a measure catalogue. `company(index)` is pure (tens of µs); the SME
 * classification and the eligibility checks are memoised because their inputs repeat. `options.effects` replaces the
 * injected treatment effects (tests compare a world with and without them).
 */
export function createGeneratorModel(params: GeneratorParams, catalogue: MeasureCatalogue, options: { effects?: readonly InjectedEffect[] } = {}) {
  const byId = new Map(catalogue.measures.map((m) => [m.id, m]));
  const measures: ApplyableMeasure[] = resolveCalibrations()
    .filter((c) => byId.has(c.measureId))
    .map((c) => {
      const m = byId.get(c.measureId) as MeasureDefinition;
      return {
        ...c, title: m.title, agency: m.agency, maxAmountYen: m.maxAmountYen,
        hardRules: m.criteria.filter((criterion) => criterion.hard).map((criterion) => criterion.rule),
        hardItems: [...new Set(m.criteria.filter((criterion) => criterion.hard).flatMap((criterion) => ruleItems(criterion.rule)))],
        ineligibleMemo: new Map<string, boolean>(),
        rounds: m.rounds.map((r) => ({ ...r, from: Date.parse(r.acceptingFrom), until: Date.parse(r.acceptingUntil), fiscalYear: fiscalYearOf(new Date(r.acceptingFrom)) })),
      };
    });
  const effects = new Map((options.effects ?? INJECTED_EFFECTS).map((e) => [e.measureId, e]));
  const prefectureNames = new Map(PREFECTURE_FIRMS.map(([code]) => [code, prefectureByCode(code)?.name ?? code]));
  const placesByPrefecture = new Map<string, Array<readonly [readonly [string, string, string, string, string], number]>>();
  for (const place of PLACES) {
    const list = placesByPrefecture.get(place[0][0]) ?? [];
    list.push(place);
    placesByPrefecture.set(place[0][0], list);
  }
  const prefectureWeights = PREFECTURE_FIRMS.map((row) => [row, row[1]] as const);
  const smeMemo = new Map<string, { category: SmeCategoryName; deemedLarge: boolean }>();
  const streams = createStreams(params.seed);
  const worldNow = WORLD_NOW.getTime();

  function classify(kind: string, industryCode: string, capitalYen: number | null, employees: number, shareholders: MajorShareholder[] | null, officersFromLarge: number | null) {
    const key = `${kind === 'SOLE_PROPRIETOR' ? 'S' : 'C'}|${industryCode}|${capitalYen}|${employees}|${shareholders?.[0]?.isLargeEnterprise ? shareholders[0].ratio : 0}|${officersFromLarge}`;
    let hit = smeMemo.get(key);
    if (!hit) {
      const result = classifySme({
        kind: kind as CorporateKindName, industryCode, capitalYen, employees, majorShareholders: shareholders,
        officersTotal: shareholders ? 3 : null, officersFromLargeEnterprises: officersFromLarge,
      });
      hit = { category: result.category, deemedLarge: result.deemedLarge };
      smeMemo.set(key, hit);
    }
    return hit;
  }

  function place(random: Random) {
    const [code, , cityCode, cityName, postalPrefix] = random.weighted(prefectureWeights);
    const demoPlaces = placesByPrefecture.get(code);
    if (demoPlaces) {
      const [, , demoCityCode, demoCityName, demoPostal] = random.weighted(demoPlaces);
      return { prefectureCode: code, prefectureName: prefectureNames.get(code)!, cityCode: demoCityCode, cityName: demoCityName, postalPrefix: demoPostal };
    }
    return { prefectureCode: code, prefectureName: prefectureNames.get(code)!, cityCode, cityName, postalPrefix };
  }

  /** True when a hard criterion is false (unknown items do not exclude); memoised on the items the criteria read. */
  function isIneligible(measure: ApplyableMeasure, facts: CompanyFacts): boolean {
    let key = '';
    for (const item of measure.hardItems) {
      const value = item.startsWith('ext.') ? facts.extensions?.[item.slice(4)] : facts[item as keyof CompanyFacts];
      key += `${Array.isArray(value) ? value.join('|') : String(value)}\u0000`;
    }
    let verdict = measure.ineligibleMemo.get(key);
    if (verdict === undefined) {
      verdict = measure.hardRules.some((rule) => evaluateRule(rule, facts).value === false);
      if (measure.ineligibleMemo.size < 200_000) measure.ineligibleMemo.set(key, verdict);
    }
    return verdict;
  }

  /** When in fiscal year `fy` an application to `measure` is submitted, and in which round. */
  function submissionTime(random: Random, measure: ApplyableMeasure, fy: number): { at: number; round: ApplyableMeasure['rounds'][number] | null } {
    const rounds = measure.rounds.filter((r) => r.fiscalYear === fy && r.from < worldNow);
    if (rounds.length) {
      const round = random.pick(rounds);
      const until = Math.min(round.until, worldNow - DAY);
      return { at: round.from + Math.floor(random.next() * Math.max(until - round.from, DAY)), round };
    }
    const from = jst(fy, 4, 1, 9).getTime();
    const until = Math.min(jst(fy + 1, 3, 31, 18).getTime(), worldNow - DAY);
    return { at: from + Math.floor(random.next() * (until - from)), round: null };
  }

  function applications(random: Random, c: { index: number; establishedYear: number; closeAt: number | null; facts: CompanyFacts; prefectureCode: string; industryCode: string; smeCategory: string }): GeneratedApplication[] {
    const wanted = poisson(random, params.applicationsPerCompany);
    if (wanted === 0) return [];
    const candidates = measures.filter((m) => m.fiscalYears.some((fy) => fy >= c.establishedYear));
    const out: GeneratedApplication[] = [];
    const actor = `owner:generated:${c.index}`;
    for (let attempt = 0; out.length < wanted && candidates.length && attempt < wanted * 3; attempt++) {
      const measure = random.weighted(candidates.map((m) => [m, m.volume] as const));
      candidates.splice(candidates.indexOf(measure), 1);
      if (isIneligible(measure, c.facts)) continue;
      const fy = random.pick(measure.fiscalYears.filter((y) => y >= c.establishedYear));
      const { at, round } = submissionTime(random, measure, fy);
      if (c.closeAt !== null && at >= c.closeAt) continue;
      const createdAt = at - random.int(1, 30) * DAY;
      const requested = Math.round(((measure.maxAmountYen ?? 5_000_000) * (0.3 + 0.7 * random.next())) / 1000) * 1000;
      const events: GeneratedEvent[] = [{ at: new Date(createdAt), fromStatus: null, toStatus: 'DRAFT', actor, note: null }];
      const application: GeneratedApplication = {
        measureId: measure.measureId, roundId: round?.id ?? null, status: 'DRAFT', fiscalYear: fy, requestedAmountYen: requested,
        grantedAmountYen: null, createdAt: new Date(createdAt), submittedAt: null, decidedAt: null, updatedAt: new Date(at), events, support: null,
      };
      out.push(application);
      if (fy === 2025 && random.chance(0.03)) continue;
      events.push({ at: new Date(at), fromStatus: 'DRAFT', toStatus: 'SUBMITTED', actor, note: null });
      application.status = 'SUBMITTED';
      application.submittedAt = new Date(at);
      if (random.chance(0.02)) {
        const withdrawnAt = at + random.int(3, 40) * DAY;
        if (withdrawnAt < worldNow) {
          application.status = 'WITHDRAWN';
          application.updatedAt = new Date(withdrawnAt);
          events.push({ at: new Date(withdrawnAt), fromStatus: 'SUBMITTED', toStatus: 'WITHDRAWN', actor, note: null });
        }
      } else {
        const decidedAt = Math.max(at, round?.until ?? at) + random.int(40, 100) * DAY;
        const adopted = random.chance(measure.adoptionRate);
        if (decidedAt < worldNow) {
          application.status = adopted ? 'ADOPTED' : 'REJECTED';
          application.decidedAt = new Date(decidedAt);
          application.updatedAt = new Date(decidedAt);
          events.push({ at: new Date(decidedAt), fromStatus: 'SUBMITTED', toStatus: application.status, actor: 'staff:generated', note: adopted ? '採択' : '不採択' });
          if (adopted) {
            const granted = Math.round((requested * (0.85 + 0.15 * random.next())) / 1000) * 1000;
            application.grantedAmountYen = granted;
            application.support = { title: measure.title, amountYen: granted, approvedOn: jstDate(new Date(decidedAt)), authority: measure.agency };
          }
        }
      }
    }
    return out;
  }

  /** Raises the financials of adopted applicants of measures with an injected effect (see INJECTED_EFFECTS). */
  function injectEffects(financials: DemoFinancials[], list: GeneratedApplication[]) {
    const counterfactualSales = new Map(financials.map((f) => [f.fiscalYear, f.netSalesYen]));
    for (const application of list) {
      if (application.status !== 'ADOPTED') continue;
      const effect = effects.get(application.measureId);
      if (!effect) continue;
      const baseline = counterfactualSales.get(application.fiscalYear - 1);
      if (baseline === undefined) continue;
      for (const f of financials) {
        const k = f.fiscalYear - application.fiscalYear;
        if (k < 1) continue;
        const delta = Math.round(effect.byYearsAfter[Math.min(k, effect.byYearsAfter.length) - 1] * baseline);
        if (effect.metric === 'netSalesYen') f.netSalesYen += delta;
        else {
          f.operatingProfitYen += delta;
          f.ordinaryProfitYen += Math.round(delta * 0.95);
        }
      }
    }
  }

  /** Builds company `index` of the world. */
  function company(index: number): GeneratedCompany {
    const random = streams.at(index);
    const where = place(random);
    const [industryCode, word, wordKana] = random.weighted(INDUSTRIES);
    const [stem, stemKana] = random.pick(STEMS);
    const [prefix, prefixKana] = random.pick(NAME_PREFIXES);
    const soleProprietor = random.chance(0.1);
    const size = random.weighted(SIZE_WEIGHTS);
    const commerce = isCommerceOrService(industryCode);
    const employees = soleProprietor ? random.int(0, 4) : employeesFor(random, size, commerce);
    const kindCode = soleProprietor ? null : random.weighted(KIND_WEIGHTS);
    const kind = soleProprietor ? 'SOLE_PROPRIETOR' : KIND_NAMES[kindCode!];
    const name = soleProprietor ? `${prefix}${stem}${word}${GENERATED_NAME_MARK}` : `${prefix}${stem}${word}${KIND_SUFFIXES[kindCode!][0]}${GENERATED_NAME_MARK}`;
    const nameKana = `${prefixKana}${stemKana}${wordKana}`;
    const capitalYen = soleProprietor ? null : capitalFor(random, size);
    const establishedOn = randomDate(random, 1960, 2024);
    const salesPerEmployee = random.logNormal(18_000_000, 0.5);
    const deemed = !soleProprietor && size !== 'LARGE' && random.chance(DEEMED_LARGE_SHARE);
    const owner = `${random.pick(FAMILY)}${random.pick(GIVEN)}`;
    let majorShareholders: MajorShareholder[] | null = null;
    if (!soleProprietor) {
      if (deemed) {
        const parent = random.pick(GENERATED_HOLDINGS);
        const ratio = random.pick([0.5, 0.6, 0.7, 0.8, 1]);
        majorShareholders = [{ name: parent.name, corporateNumber: parent.corporateNumber, ratio, isLargeEnterprise: true }];
        if (ratio < 1) majorShareholders.push({ name: owner, ratio: Math.round((1 - ratio) * 100) / 100, isLargeEnterprise: false });
      } else {
        const ratio = random.pick([0.51, 0.6, 0.7, 0.8, 1]);
        majorShareholders = [{ name: owner, ratio, isLargeEnterprise: false }];
        if (ratio < 1) majorShareholders.push({ name: `${random.pick(FAMILY)}${random.pick(GIVEN)}`, ratio: Math.round((1 - ratio) * 100) / 100, isLargeEnterprise: false });
      }
    }
    const officersFromLarge = soleProprietor ? null : 0;
    const sme = classify(kind, industryCode, capitalYen, employees, majorShareholders, officersFromLarge);
    const certifications = certificationsFor(random);
    const needs = needsFor(random);
    const closed = !soleProprietor && random.chance(CLOSED_SHARE);
    const closeAt = closed ? jst(2021, 4, 1).getTime() + Math.floor(random.next() * (worldNow - DAY - jst(2021, 4, 1).getTime())) : null;
    const establishedYear = Number(establishedOn.slice(0, 4));
    const facts: CompanyFacts = {
      smeCategory: sme.category, deemedLarge: sme.deemedLarge, industryCode, employees, capitalYen, prefectureCode: where.prefectureCode,
      yearsInBusiness: yearsBefore(establishedOn, WORLD_NOW), kind: kind as CompanyFacts['kind'], certifications: certifications.map((c) => c.title),
      supportReceived: [], establishedOn, isClosed: false, needs,
    };
    const apps = applications(random, { index, establishedYear, closeAt, facts, prefectureCode: where.prefectureCode, industryCode, smeCategory: sme.category });
    const firstYear = Math.min(BASE_FISCAL_YEARS[0], ...apps.filter((a) => a.submittedAt).map((a) => a.fiscalYear - 1));
    const closeFiscalYear = closeAt === null ? Infinity : fiscalYearOf(new Date(closeAt));
    const years: number[] = [];
    for (let fy = firstYear; fy <= BASE_FISCAL_YEARS[BASE_FISCAL_YEARS.length - 1]; fy++) years.push(fy);
    const financials = buildFinancials(random, employees, salesPerEmployee, years).filter((f) => f.fiscalYear < closeFiscalYear);
    injectEffects(financials, apps);
    let consent: GeneratedConsent | null = null;
    if (!soleProprietor && !closed && random.chance(CONSENT_SHARE)) {
      const grantedAt = jst(2025, 4, 1).getTime() + Math.floor(random.next() * 360) * DAY + random.int(9, 17) * 3_600_000;
      const revoked = random.chance(0.1);
      consent = {
        organizationId: `org-shokokai-${where.prefectureCode}`,
        scopes: random.chance(0.5) ? ['PROFILE', 'FINANCIALS', 'APPLICATIONS'] : ['PROFILE', 'FINANCIALS'],
        grantedAt: new Date(grantedAt),
        expiresOn: jstDate(new Date(grantedAt + 365 * DAY)),
        revokedAt: revoked ? new Date(Math.min(grantedAt + random.int(30, 200) * DAY, worldNow - DAY)) : null,
      };
    }
    const corporateNumber = soleProprietor ? null : generatedCorporateNumber(index, kindCode!);
    return {
      index, corporateNumber, name, nameKana, kindCode, kind,
      prefectureCode: where.prefectureCode, prefectureName: where.prefectureName, cityCode: where.cityCode, cityName: where.cityName,
      street: `${random.int(1, 5)}-${random.int(1, 30)}-${random.int(1, 20)}`,
      postalCode: `${where.postalPrefix}${String(random.int(0, 9999)).padStart(4, '0')}`,
      assignmentDate: corporateNumber ? '2015-10-05' : null,
      closeDate: closeAt === null ? null : jstDate(new Date(closeAt)),
      closeCause: closeAt === null ? null : '01',
      industryCode, capitalYen, employees, establishedOn,
      representativeName: `${random.pick(FAMILY)} ${random.pick(GIVEN)}`,
      size, smeCategory: sme.category, deemedLarge: sme.deemedLarge, majorShareholders,
      officersTotal: soleProprietor ? null : 3, officersFromLargeEnterprises: officersFromLarge,
      needs, certifications, financials, applications: apps, consent,
    };
  }

  return { params, measures, company };
}

export type GeneratorModel = ReturnType<typeof createGeneratorModel>;
