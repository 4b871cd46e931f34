/**
 * The recommendation engine: pure, deterministic, no I/O.
 *
 * Inputs: a company's facts (the rule language's CompanyFacts), its history (support received, applications),
 * the catalogue (measures with criteria, rounds, usePurposes, unlocks, exclusionMonths), the rules
 * (seeds/recommendation-rules.json), optional adoption statistics of similar companies, and `now`.
 * Output: the recommendable measures, best first, each with its score, verdict, reasons (one Japanese line per
 * rule that raised or lowered it, prefixed by the rule id) and the data items that would decide an UNKNOWN verdict.
 *
 * The catalogue and rules are prepared once ({@link prepareCatalogue}: criteria compiled to closures, round
 * instants parsed, unlock relations indexed); evaluating one company then allocates little, and reason texts are
 * only rendered for the measures that are returned.
 */
import {
  evaluateRule, itemLabel, missingDataKeys, PREFECTURE_NAMES,
  type CompanyFacts, type Criterion, type EligibilityVerdict, type ItemName, type Rule, type SmeCategory,
} from '../measure/criteria.js';
import { jsicEntry } from '../company/jsic.js';
import { compileRule, FALSE, TRUE, UNKNOWN, type CompiledRule, type Truth3 } from './compiled-criteria.js';
import {
  canonicalJson, hashOf, reasonLine, renderTemplate,
  type ApplicationStatusValue, type ExcludeKind, type RecommendationRules, type ScoreKind, type ScoreRule,
} from './rules.js';

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** An application round; a missing bound is open-ended. Bounds are inclusive. */
export interface EngineRound {
  readonly id: string;
  readonly label: string;
  readonly acceptingFrom: string | Date | null;
  readonly acceptingUntil: string | Date | null;
}

/** What the engine reads of a measure (the catalogue's MeasureDefinition satisfies it). */
export interface EngineMeasure {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  readonly targetPrefectures: readonly string[];
  readonly industries: readonly string[];
  readonly exclusionMonths: number | null;
  readonly usePurposes: readonly string[];
  readonly unlocks: readonly string[];
  readonly alwaysOpen: boolean;
  readonly rounds: readonly EngineRound[];
  readonly criteria: readonly Criterion[];
}

/** Support a company received (support_records); `on` null when the date is not known. */
export interface ReceivedSupport {
  readonly measureId: string;
  readonly on: string | Date | null;
}

/** An application of the company; `at` is its latest dated step (decision, submission or creation). */
export interface ApplicationRecord {
  readonly measureId: string;
  readonly status: ApplicationStatusValue;
  readonly at: string | Date;
}

/** Everything the engine knows about one company. */
export interface EngineCompany {
  readonly facts: CompanyFacts;
  readonly received: readonly ReceivedSupport[];
  readonly applications: readonly ApplicationRecord[];
}

/** Decided applications of companies in one segment (measure × JSIC major division × SME category). */
export interface AdoptionCount {
  readonly decided: number;
  readonly adopted: number;
}

/** Adoption counts keyed by {@link adoptionKey}. */
export type AdoptionStats = ReadonlyMap<string, AdoptionCount>;

/** The segment key of adoption statistics: measure, JSIC major division letter, SME category. */
export function adoptionKey(measureId: string, industryMajor: string, smeCategory: string): string {
  return `${measureId}|${adoptionSegment(industryMajor, smeCategory)}`;
}

/** The segment part of an adoption key: companies of one JSIC major division and SME category. */
function adoptionSegment(industryMajor: string, smeCategory: string): string {
  return `${industryMajor}|${smeCategory}`;
}

const adoptionIndexes = new WeakMap<AdoptionStats, Map<string, Map<string, AdoptionCount>>>();

/**
 * The counts of one segment ({@link adoptionSegment}) by measure id, from an index built once per statistics object
 * (split from the keys' last two parts): the per-measure lookup then needs no key string.
 */
function adoptionOfSegment(stats: AdoptionStats, segment: string): ReadonlyMap<string, AdoptionCount> | null {
  let index = adoptionIndexes.get(stats);
  if (!index) {
    index = new Map();
    for (const [key, counts] of stats) {
      const cut = key.lastIndexOf('|', key.lastIndexOf('|') - 1);
      const measureId = key.slice(0, cut);
      const rest = key.slice(cut + 1);
      let bySegment = index.get(rest);
      if (!bySegment) index.set(rest, (bySegment = new Map()));
      bySegment.set(measureId, counts);
    }
    adoptionIndexes.set(stats, index);
  }
  return index.get(segment) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export type RecommendedVerdict = Exclude<EligibilityVerdict, 'INELIGIBLE'>;

export interface EngineRecommendation {
  readonly measureId: string;
  /** Sum of the points of every rule that applied, rounded to 0.01. */
  readonly score: number;
  readonly verdict: RecommendedVerdict;
  /** Not open now; the next round starts within the horizon. */
  readonly upcoming: boolean;
  /** One line per rule application: "[rule-id] 日本語 (+n)". */
  readonly reasons: string[];
  /** Ids of the rules that applied, in reason order, without repeats. */
  readonly ruleIds: string[];
  /** Canonical data item keys that would decide an UNKNOWN verdict (empty for ELIGIBLE). */
  readonly missingData: string[];
}

/** Why one measure is or is not recommended to a company (for tests and explanations). */
export type MeasureOutcome =
  | { readonly excluded: true; readonly ruleId: string; readonly kind: ExcludeKind }
  | { readonly excluded: false; readonly recommendation: EngineRecommendation };

// ---------------------------------------------------------------------------------------------
// Preparation
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

interface PreparedRound {
  readonly id: string;
  readonly label: string;
  readonly from: number;
  readonly until: number;
}

interface PreparedMeasure {
  readonly index: number;
  readonly measure: EngineMeasure;
  /** Indexes of the hard criteria's rules in the catalogue's interned rule table. */
  readonly hard: readonly number[];
  readonly hardCriteria: readonly Criterion[];
  readonly soft: ReadonlyArray<{ readonly criterion: Criterion; readonly rule: number }>;
  readonly rounds: readonly PreparedRound[];
  readonly usePurposes: ReadonlySet<string>;
  readonly prefectures: ReadonlySet<string>;
  /** SME categories the hard criteria restrict the measure to (null: no restriction found). */
  readonly targetSizes: ReadonlySet<string> | null;
  /** The certification name a company holds once this measure is obtained (certificationNames). */
  readonly certificationName: string | null;
  /** Certifications (by name) whose measure lists this one in `unlocks`. */
  readonly unlockedBy: readonly string[];
  /** Titles of the measures this one unlocks, in catalogue order. */
  readonly unlocksTitles: readonly string[];
  readonly exclusionMonths: number;
  /** Hash of the measure's definition (catalogue content). */
  readonly hash: string;
}

/** A catalogue and rules ready for evaluation; build once, reuse for every company. */
export interface PreparedCatalogue {
  readonly rules: RecommendationRules;
  readonly measures: readonly PreparedMeasure[];
  readonly byId: ReadonlyMap<string, PreparedMeasure>;
  /** Hash of every measure definition and the rules: equal hashes give equal results for equal inputs. */
  readonly hash: string;
  readonly scoreRules: Readonly<Partial<Record<ScoreKind, ScoreRule>>>;
  readonly excludeIds: Readonly<Record<ExcludeKind, string>>;
  readonly excludingStatuses: ReadonlySet<string>;
  /**
   * Every distinct rule of every criterion, compiled once: the same requirement (中小企業者であること, みなし大企業
   * でないこと …) is shared by many measures, so a company evaluates each distinct rule at most once.
   */
  readonly compiledRules: readonly CompiledRule[];
  /** Per-company memo of rule results (valid while `stamp[i] === generation`). */
  readonly memo: { readonly value: Uint8Array; readonly stamp: Uint32Array; generation: number };
  /** Window states of every measure, valid for instants in [from, until): no state (nor day count) changes inside. */
  windows: { from: number; until: number; states: readonly WindowState[] } | null;
  /** Rendered reason lines by rule, points and template values: most lines repeat across companies. */
  readonly lines: Map<string, string>;
}

function instant(value: string | Date | null, fallback: number): number {
  if (value === null) return fallback;
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(time)) throw new Error(`invalid instant ${String(value)}`);
  return time;
}

/** SME categories named by `smeCategory in/eq` leaves that every hard criterion requires (top level or in a top-level `all`). */
function targetSizesOf(hard: readonly Criterion[]): Set<string> | null {
  let sizes: Set<string> | null = null;
  const visit = (rule: Rule): void => {
    if ('all' in rule) {
      rule.all.forEach(visit);
      return;
    }
    if (!('item' in rule) || rule.item !== 'smeCategory') return;
    const named = 'in' in rule ? rule.in.map(String) : 'eq' in rule ? [String(rule.eq)] : null;
    if (!named) return;
    sizes = sizes === null ? new Set(named) : new Set(named.filter((size) => sizes!.has(size)));
  };
  for (const criterion of hard) visit(criterion.rule);
  return sizes;
}

/**
 * Prepares a catalogue for evaluation: compiles every criterion, parses round instants, indexes which
 * certification unlocks which measure. Measures are kept in catalogue order; results are ordered by score.
 */
export function prepareCatalogue(measures: readonly EngineMeasure[], rules: RecommendationRules): PreparedCatalogue {
  const certificationNames = rules.settings.certificationNames;
  const titleOf = new Map(measures.map((measure) => [measure.id, measure.title]));
  const unlockedBy = new Map<string, string[]>();
  for (const measure of measures) {
    const name = certificationNames[measure.id];
    if (!name) continue;
    for (const target of measure.unlocks) {
      const list = unlockedBy.get(target) ?? [];
      if (!list.includes(name)) list.push(name);
      unlockedBy.set(target, list);
    }
  }
  const ruleIndex = new Map<string, number>();
  const compiledRules: CompiledRule[] = [];
  const intern = (rule: Rule): number => {
    const key = canonicalJson(rule);
    let index = ruleIndex.get(key);
    if (index === undefined) {
      index = compiledRules.length;
      compiledRules.push(compileRule(rule));
      ruleIndex.set(key, index);
    }
    return index;
  };
  const prepared = measures.map((measure, index): PreparedMeasure => {
    const hardCriteria = measure.criteria.filter((criterion) => criterion.hard);
    const rounds = measure.rounds
      .map((round) => ({ id: round.id, label: round.label, from: instant(round.acceptingFrom, -Infinity), until: instant(round.acceptingUntil, Infinity) }))
      .sort((a, b) => a.from - b.from);
    return {
      index,
      measure,
      // region and industry requirements first: they exclude most often and cost least
      hard: hardCriteria.map((criterion) => ({ rule: intern(criterion.rule), first: /"item":"(prefectureCode|industryCode)"/.test(canonicalJson(criterion.rule)) }))
        .sort((a, b) => Number(b.first) - Number(a.first)).map((entry) => entry.rule),
      hardCriteria,
      soft: measure.criteria.filter((criterion) => !criterion.hard).map((criterion) => ({ criterion, rule: intern(criterion.rule) })),
      rounds,
      usePurposes: new Set(measure.usePurposes),
      prefectures: new Set(measure.targetPrefectures),
      targetSizes: targetSizesOf(hardCriteria),
      certificationName: certificationNames[measure.id] ?? null,
      unlockedBy: unlockedBy.get(measure.id) ?? [],
      unlocksTitles: measure.unlocks.map((id) => titleOf.get(id)).filter((title): title is string => title !== undefined),
      exclusionMonths: measure.exclusionMonths ?? rules.settings.defaultExclusionMonths,
      hash: hashOf(measure),
    };
  });
  const scoreRules: Partial<Record<ScoreKind, ScoreRule>> = {};
  const excludeIds = {} as Record<ExcludeKind, string>;
  let excludingStatuses: readonly string[] = [];
  for (const rule of rules.rules) {
    if ('effect' in rule) {
      excludeIds[rule.kind] = rule.id;
      if (rule.kind === 'appliedWithinExclusion') excludingStatuses = rule.statuses ?? [];
    } else scoreRules[rule.kind] = rule;
  }
  return {
    rules,
    measures: prepared,
    byId: new Map(prepared.map((measure) => [measure.measure.id, measure])),
    hash: hashOf({ rules: rules.hash, measures: prepared.map((measure) => measure.hash) }),
    scoreRules,
    excludeIds,
    excludingStatuses: new Set(excludingStatuses),
    compiledRules,
    memo: { value: new Uint8Array(compiledRules.length), stamp: new Uint32Array(compiledRules.length), generation: 0 },
    windows: null,
    lines: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

/** Where a measure's application window stands at an instant. */
export type WindowState =
  | { readonly status: 'always' }
  | { readonly status: 'open'; readonly round: PreparedRound; readonly daysLeft: number }
  | { readonly status: 'upcoming'; readonly round: PreparedRound; readonly daysUntil: number }
  | { readonly status: 'closed' };

/**
 * The window state of a prepared measure at `now`, with the semantics of measure-rounds.ts: bounds inclusive, a
 * missing bound open-ended, a round without any bound never open; among overlapping open rounds the one closing
 * last counts. A round starting within the rules' horizon makes the measure upcoming; later ones do not count.
 */
export function windowStateOf(measure: PreparedMeasure, now: number, horizonDays: number): WindowState {
  if (measure.measure.alwaysOpen) return { status: 'always' };
  let open: PreparedRound | null = null;
  let next: PreparedRound | null = null;
  for (const round of measure.rounds) {
    if (round.from === -Infinity && round.until === Infinity) continue;
    if (round.from <= now && now <= round.until) {
      if (open === null || round.until > open.until) open = round;
    } else if (round.from > now && (next === null || round.from < next.from)) next = round;
  }
  if (open) return { status: 'open', round: open, daysLeft: Math.max(0, Math.ceil((open.until - now) / DAY_MS)) };
  if (next) {
    const daysUntil = Math.ceil((next.from - now) / DAY_MS);
    if (daysUntil <= horizonDays) return { status: 'upcoming', round: next, daysUntil };
  }
  return { status: 'closed' };
}

/** "2026年12月11日" in Japan time. */
export function formatJapaneseDate(time: number): string {
  const date = new Date(time + JST_OFFSET_MS);
  return `${date.getUTCFullYear()}年${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
}

function deadlineBucket(rule: ScoreRule | undefined, daysLeft: number): number | null {
  if (!rule?.buckets) return null;
  const index = rule.buckets.findIndex((bucket) => daysLeft <= bucket.withinDays);
  return index < 0 ? null : index;
}

/**
 * A string that changes exactly when a measure's time-dependent scoring changes (window status, round,
 * deadline bucket); with the measure's hash it tells the batch which measures changed since its last run.
 */
export function measureTimeState(prepared: PreparedCatalogue, measure: PreparedMeasure, now: Date): string {
  const state = windowStateOf(measure, now.getTime(), prepared.rules.settings.upcomingHorizonDays);
  switch (state.status) {
    case 'open':
      return `open:${state.round.id}:${deadlineBucket(prepared.scoreRules.deadline, state.daysLeft) ?? '-'}`;
    case 'upcoming':
      return `upcoming:${state.round.id}`;
    default:
      return state.status;
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** Time of a date or ISO string; a bare date (YYYY-MM-DD) is midnight in Japan. */
function timeOf(value: string | Date): number {
  if (typeof value !== 'string') return value.getTime();
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00+09:00`) : Date.parse(value);
}

/** The instant `months` calendar months after `time` (day clamped to the month's end). */
export function addMonths(time: number, months: number): number {
  if (!Number.isFinite(time)) return time;
  const date = new Date(time + JST_OFFSET_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
  return shifted - JST_OFFSET_MS;
}

/** Per-company indexes built once per evaluation. */
interface CompanyView {
  readonly facts: CompanyFacts;
  readonly needs: readonly string[];
  readonly certifications: ReadonlySet<string>;
  /** measure id → latest receipt time (Infinity when a receipt has no date) */
  readonly receivedAt: ReadonlyMap<string, number>;
  /** measure id → latest time of an application in an excluding status */
  readonly appliedAt: ReadonlyMap<string, number>;
  readonly segment: string | null;
  /** adoption counts of the company's segment, by measure id (null without statistics or segment) */
  readonly adoption: ReadonlyMap<string, AdoptionCount> | null;
  /** the memo generation of this company */
  readonly generation: number;
}

function viewOf(prepared: PreparedCatalogue, company: EngineCompany, adoption: AdoptionStats | undefined): CompanyView {
  const receivedAt = new Map<string, number>();
  for (const receipt of company.received) {
    let time = receipt.on === null ? Infinity : timeOf(receipt.on);
    if (Number.isNaN(time)) time = Infinity;
    if (!(receivedAt.get(receipt.measureId)! >= time)) receivedAt.set(receipt.measureId, time);
  }
  const appliedAt = new Map<string, number>();
  for (const application of company.applications) {
    if (!prepared.excludingStatuses.has(application.status)) continue;
    let time = timeOf(application.at);
    if (Number.isNaN(time)) time = Infinity;
    if (!(appliedAt.get(application.measureId)! >= time)) appliedAt.set(application.measureId, time);
  }
  const facts = company.facts;
  const needs = Array.isArray(facts.needs) ? facts.needs.filter((need): need is string => typeof need === 'string') : [];
  const certifications = new Set(Array.isArray(facts.certifications) ? facts.certifications : []);
  const major = typeof facts.industryCode === 'string' && facts.industryCode.length > 0 ? facts.industryCode[0] : null;
  const size = typeof facts.smeCategory === 'string' && facts.smeCategory !== 'UNKNOWN' ? facts.smeCategory : null;
  const memo = prepared.memo;
  memo.generation = memo.generation >= 0xfffffffe ? 1 : memo.generation + 1;
  if (memo.generation === 1) memo.stamp.fill(0);
  const segment = major && size ? adoptionSegment(major, size) : null;
  return {
    facts, needs, certifications, receivedAt, appliedAt, segment,
    adoption: adoption && segment ? adoptionOfSegment(adoption, segment) : null,
    generation: memo.generation,
  };
}

/** The result of an interned rule for the view's company, evaluated at most once per company. */
function ruleValue(prepared: PreparedCatalogue, view: CompanyView, index: number): Truth3 {
  const memo = prepared.memo;
  if (memo.stamp[index] === view.generation) return memo.value[index] as Truth3;
  const value = prepared.compiledRules[index]!(view.facts);
  memo.value[index] = value;
  memo.stamp[index] = view.generation;
  return value;
}

/**
 * The first instant after `now` at which a measure's window state could differ: a round opening or closing, a round
 * entering the upcoming horizon, or the day count (days left, days until) going down.
 */
function stateChangesAt(measure: PreparedMeasure, state: WindowState, now: number, horizonDays: number): number {
  if (state.status === 'always') return Infinity;
  let next = Infinity;
  for (const round of measure.rounds) {
    if (round.from === -Infinity && round.until === Infinity) continue;
    if (round.from > now) next = Math.min(next, round.from, round.from - horizonDays * DAY_MS > now ? round.from - horizonDays * DAY_MS : Infinity);
    if (round.until >= now && Number.isFinite(round.until)) next = Math.min(next, round.until + 1);
  }
  if (state.status === 'open' && Number.isFinite(state.round.until) && state.daysLeft > 0) next = Math.min(next, state.round.until - (state.daysLeft - 1) * DAY_MS);
  if (state.status === 'upcoming' && state.daysUntil > 0) next = Math.min(next, state.round.from - (state.daysUntil - 1) * DAY_MS);
  return next > now ? next : now + 1;
}

/** Window states of every measure at `now`, reused while no measure's state can have changed (usually hours). */
function windowsAt(prepared: PreparedCatalogue, now: number): readonly WindowState[] {
  const cached = prepared.windows;
  if (cached && cached.from <= now && now < cached.until) return cached.states;
  const horizon = prepared.rules.settings.upcomingHorizonDays;
  let until = Infinity;
  const states = prepared.measures.map((measure) => {
    const state = windowStateOf(measure, now, horizon);
    until = Math.min(until, stateChangesAt(measure, state, now, horizon));
    return state;
  });
  prepared.windows = { from: now, until, states };
  return states;
}

/**
 * The items whose absence leaves undecided hard criteria unknown, in criterion order: what `evaluateEligibility`
 * reports as `missing` for an UNKNOWN verdict, without building its Japanese details.
 */
function missingItemsOf(hardCriteria: readonly Criterion[], facts: CompanyFacts): ItemName[] {
  const items = new Set<ItemName>();
  for (const criterion of hardCriteria) {
    const result = evaluateRule(criterion.rule, facts);
    if (result.value === null) for (const item of result.missing) items.add(item);
  }
  return [...items];
}

/** A rule application with the values its template needs. */
interface Contribution {
  readonly rule: ScoreRule;
  readonly points: number;
  readonly params: Record<string, string | number>;
}

/** What scoring one measure found (a reused scratch object on the fast path). */
interface Evaluation {
  excluded: ExcludeKind | null;
  unknown: boolean;
  upcoming: boolean;
  score: number;
}

const SIZE_LABELS: Readonly<Record<string, string>> = { SMALL: '小規模事業者', MEDIUM: '中規模企業', LARGE: '大企業', NOT_APPLICABLE: '中小企業基本法の対象外の法人' };

function sizeLabel(sizes: ReadonlySet<string>): string {
  if (sizes.size === 1) return SIZE_LABELS[[...sizes][0]!] ?? [...sizes][0]!;
  if (sizes.size === 2 && sizes.has('SMALL') && sizes.has('MEDIUM')) return '中小企業';
  return [...sizes].map((size) => SIZE_LABELS[size] ?? size).join('・');
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function industryName(codes: readonly string[], companyCode: string): string {
  const matched = codes.find((code) => companyCode.startsWith(code)) ?? codes[0]!;
  return jsicEntry(matched)?.name ?? matched;
}

/** True when `code` starts with one of the prefixes (a loop: no closure on the per-measure path). */
function startsWithAny(code: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (code.startsWith(prefix)) return true;
  return false;
}

/**
 * Evaluates one measure for one company into `result`. With `out` null nothing is allocated (the ranking pass);
 * with an array, every rule application is recorded with its template values (for the measures returned).
 */
function evaluateInto(
  prepared: PreparedCatalogue, measure: PreparedMeasure, view: CompanyView, window: WindowState, now: number,
  result: Evaluation, out: Contribution[] | null,
): void {
  result.excluded = null;
  result.unknown = false;
  result.upcoming = false;
  result.score = 0;
  if (window.status === 'closed') {
    result.excluded = 'closedWindow';
    return;
  }
  const id = measure.measure.id;
  const receivedAt = view.receivedAt.size > 0 ? view.receivedAt.get(id) : undefined;
  if (receivedAt !== undefined && now < addMonths(receivedAt, measure.exclusionMonths)) {
    result.excluded = 'receivedWithinExclusion';
    return;
  }
  const appliedAt = view.appliedAt.size > 0 ? view.appliedAt.get(id) : undefined;
  if (appliedAt !== undefined && now < addMonths(appliedAt, measure.exclusionMonths)) {
    result.excluded = 'appliedWithinExclusion';
    return;
  }
  let unknown = false;
  for (const rule of measure.hard) {
    const value = ruleValue(prepared, view, rule);
    if (value === FALSE) {
      result.excluded = 'hardCriteria';
      return;
    }
    if (value === UNKNOWN) unknown = true;
  }
  result.unknown = unknown;
  result.upcoming = window.status === 'upcoming';

  const rules = prepared.scoreRules;
  const facts = view.facts;

  if (unknown) {
    addPoints(result, out, rules.unknownCriteria, rules.unknownCriteria?.weight ?? 0, out && { items: missingItemsOf(measure.hardCriteria, facts).map((item) => itemLabel(item)).join('・') });
  } else if (measure.hard.length > 0) addPoints(result, out, rules.eligible, rules.eligible?.weight ?? 0, out && { count: measure.hard.length });

  const soft = rules.softCriterion;
  if (soft) {
    for (const entry of measure.soft) {
      if (ruleValue(prepared, view, entry.rule) === TRUE) addPoints(result, out, soft, round2(soft.weight * (entry.criterion.weight ?? 1)), out && { description: entry.criterion.description });
    }
  }

  if (view.needs.length > 0 && measure.usePurposes.size > 0) {
    let matched = 0;
    for (const need of view.needs) {
      if (measure.usePurposes.has(need)) {
        matched += 1;
        addPoints(result, out, rules.needMatch, rules.needMatch?.weight ?? 0, out && { need });
      }
    }
    if (matched === 0) addPoints(result, out, rules.needMismatch, rules.needMismatch?.weight ?? 0, out && { needs: view.needs.join('、') });
  }

  const industries = measure.measure.industries;
  if (industries.length > 0) {
    const industryCode = typeof facts.industryCode === 'string' ? facts.industryCode : null;
    if (industryCode && startsWithAny(industryCode, industries)) {
      addPoints(result, out, rules.industryFit, rules.industryFit?.weight ?? 0, out && { industry: industryName(industries, industryCode) });
    }
  }
  if (measure.prefectures.size > 0) {
    const prefecture = typeof facts.prefectureCode === 'string' ? facts.prefectureCode : null;
    if (prefecture && measure.prefectures.has(prefecture)) {
      addPoints(result, out, rules.regionFit, rules.regionFit?.weight ?? 0, out && { prefecture: PREFECTURE_NAMES[prefecture] ?? prefecture });
    }
  }
  const size = facts.smeCategory as SmeCategory | null | undefined;
  const targetSizes = measure.targetSizes;
  if (targetSizes && size && targetSizes.size < 4 && targetSizes.has(size)) {
    const rule = rules.sizeFit;
    addPoints(result, out, rule, targetSizes.size === 1 ? (rule?.narrowWeight ?? rule?.weight ?? 0) : (rule?.weight ?? 0), out && { size: sizeLabel(targetSizes) });
  }

  if (window.status === 'open') {
    const round = window.round;
    addPoints(result, out, rules.openWindow, rules.openWindow?.weight ?? 0, out && { round: round.label, until: formatJapaneseDate(round.until) });
    const bucket = deadlineBucket(rules.deadline, window.daysLeft);
    if (bucket !== null) addPoints(result, out, rules.deadline, rules.deadline!.buckets![bucket]!.weight, out && { days: window.daysLeft });
  } else if (window.status === 'always') addPoints(result, out, rules.alwaysOpen, rules.alwaysOpen?.weight ?? 0, null);
  else {
    const round = window.round;
    addPoints(result, out, rules.upcomingRound, rules.upcomingRound?.weight ?? 0, out && { round: round.label, from: formatJapaneseDate(round.from) });
  }

  if (receivedAt !== undefined) addPoints(result, out, rules.receivedBefore, rules.receivedBefore?.weight ?? 0, out && { on: formatJapaneseDate(receivedAt) });

  if (measure.unlockedBy.length > 0) {
    for (const certification of measure.unlockedBy) {
      if (view.certifications.has(certification)) addPoints(result, out, rules.certificationUnlock, rules.certificationUnlock?.weight ?? 0, out && { certification });
    }
  }
  const ownName = measure.certificationName;
  if (ownName && view.certifications.has(ownName)) addPoints(result, out, rules.alreadyCertified, rules.alreadyCertified?.weight ?? 0, out && { certification: ownName });
  else if (measure.unlocksTitles.length > 0 && rules.unlocksMeasures) {
    const count = Math.min(rules.unlocksMeasures.maxCount ?? Infinity, measure.unlocksTitles.length);
    addPoints(result, out, rules.unlocksMeasures, round2(rules.unlocksMeasures.weight * count), out && { measures: measure.unlocksTitles.slice(0, count).join('・'), count });
  }

  if (view.adoption && rules.similarAdoption) {
    const counts = view.adoption.get(id);
    if (counts && counts.decided >= (rules.similarAdoption.minDecided ?? 1)) {
      const rate = Math.round((counts.adopted / counts.decided) * 10) / 10;
      addPoints(result, out, rules.similarAdoption, round2(rules.similarAdoption.weight * rate), out && { rate: `${Math.round((counts.adopted / counts.decided) * 100)}%`, decided: counts.decided, adopted: counts.adopted });
    }
  }
  result.score = round2(result.score);
}

/**
 * Adds a rule's points to an evaluation and, when recording, the rule application with its template values. Callers
 * pass the values as `out && {…}`, so the ranking pass (out null) builds none of them.
 */
function addPoints(result: Evaluation, out: Contribution[] | null, rule: ScoreRule | undefined, points: number, params: Record<string, string | number> | null): void {
  if (!rule || points === 0) return;
  result.score += points;
  if (out) out.push({ rule, points, params: params ?? {} });
}

/** A measure that survived the exclusion rules, for ranking. */
interface Candidate {
  readonly measure: PreparedMeasure;
  readonly score: number;
  readonly unknown: boolean;
}

/** Best first: higher score, then ELIGIBLE before UNKNOWN, then measure id. Negative when `a` ranks first. */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.unknown !== b.unknown) return a.unknown ? 1 : -1;
  const x = a.measure.measure.id;
  const y = b.measure.measure.id;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Largest number of rendered reason lines kept. */
const LINE_CACHE_SIZE = 50_000;

/** The reason line of a contribution, rendered once per distinct rule, points and values. */
function lineOf(prepared: PreparedCatalogue, contribution: Contribution): string {
  let key = `${contribution.rule.id}\u0001${contribution.points}`;
  for (const name in contribution.params) key += `\u0001${contribution.params[name]}`;
  let line = prepared.lines.get(key);
  if (line === undefined) {
    line = reasonLine(contribution.rule.id, renderTemplate(contribution.rule.template, contribution.params), contribution.points);
    if (prepared.lines.size >= LINE_CACHE_SIZE) prepared.lines.clear();
    prepared.lines.set(key, line);
  }
  return line;
}

/** Renders a ranked candidate: its reasons (re-evaluated with recording on), rule ids and missing data. */
function render(prepared: PreparedCatalogue, candidate: Candidate, view: CompanyView, window: WindowState, now: number): EngineRecommendation {
  const contributions: Contribution[] = [];
  const result: Evaluation = { excluded: null, unknown: false, upcoming: false, score: 0 };
  evaluateInto(prepared, candidate.measure, view, window, now, result, contributions);
  const reasons = contributions.map((c) => lineOf(prepared, c));
  const ruleIds = [...new Set(contributions.map((c) => c.rule.id))];
  const missingData = result.unknown ? missingDataKeys(missingItemsOf(candidate.measure.hardCriteria, view.facts)) : [];
  return {
    measureId: candidate.measure.measure.id,
    score: result.score,
    verdict: result.unknown ? 'UNKNOWN' : 'ELIGIBLE',
    upcoming: result.upcoming,
    reasons,
    ruleIds,
    missingData,
  };
}

export interface RecommendOptions {
  /** The evaluation instant (windows, deadlines, exclusion periods). */
  readonly now: Date;
  /** At most this many recommendations (default: all). */
  readonly limit?: number;
  /** Only recommendations scoring at least this much. */
  readonly minScore?: number;
  /** Adoption counts of similar companies, for the similarAdoption rule. */
  readonly adoption?: AdoptionStats;
}

/**
 * Recommends measures to one company: every measure not excluded by a rule, best first (score, then ELIGIBLE
 * before UNKNOWN, then measure id), each with its reasons. Deterministic for equal inputs.
 *
 * Two passes: every measure is scored without allocating (distinct rules evaluated once per company), the best
 * `limit` are kept in a small sorted buffer, and only those are evaluated again with their reasons recorded.
 */
export function recommend(prepared: PreparedCatalogue, company: EngineCompany, options: RecommendOptions): EngineRecommendation[] {
  if (company.facts.isClosed === true) return [];
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return [];
  const view = viewOf(prepared, company, options.adoption);
  const now = options.now.getTime();
  const windows = windowsAt(prepared, now);
  const minScore = options.minScore ?? -Infinity;
  const scratch: Evaluation = { excluded: null, unknown: false, upcoming: false, score: 0 };
  const kept: Candidate[] = [];
  for (const measure of prepared.measures) {
    evaluateInto(prepared, measure, view, windows[measure.index]!, now, scratch, null);
    if (scratch.excluded !== null || scratch.score < minScore) continue;
    const candidate: Candidate = { measure, score: scratch.score, unknown: scratch.unknown };
    if (kept.length >= limit) {
      if (compareCandidates(candidate, kept[kept.length - 1]!) >= 0) continue;
      kept.pop();
    }
    let at = kept.length;
    while (at > 0 && compareCandidates(candidate, kept[at - 1]!) < 0) at -= 1;
    kept.splice(at, 0, candidate);
  }
  return kept.map((candidate) => render(prepared, candidate, view, windows[candidate.measure.index]!, now));
}

/** Explains one measure for one company: which exclusion rule removed it, or its full recommendation. */
export function explainMeasure(prepared: PreparedCatalogue, company: EngineCompany, measureId: string, options: Omit<RecommendOptions, 'limit' | 'minScore'>): MeasureOutcome {
  const measure = prepared.byId.get(measureId);
  if (!measure) throw new Error(`unknown measure ${measureId}`);
  if (company.facts.isClosed === true) return { excluded: true, kind: 'closedCompany', ruleId: prepared.excludeIds.closedCompany };
  const view = viewOf(prepared, company, options.adoption);
  const now = options.now.getTime();
  const window = windowsAt(prepared, now)[measure.index]!;
  const result: Evaluation = { excluded: null, unknown: false, upcoming: false, score: 0 };
  evaluateInto(prepared, measure, view, window, now, result, null);
  if (result.excluded !== null) return { excluded: true, kind: result.excluded, ruleId: prepared.excludeIds[result.excluded] };
  return { excluded: false, recommendation: render(prepared, { measure, score: result.score, unknown: result.unknown }, view, window, now) };
}
