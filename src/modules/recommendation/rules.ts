/**
 * Recommendation rules as data (seeds/recommendation-rules.json): which signals raise or lower a measure for a
 * company, by how much, and the Japanese line each one adds to a recommendation's reasons.
 *
 * The engine knows a fixed set of rule *kinds* (what a signal means: "stated need matches the measure's
 * use purposes", "deadline within N days", ...). The file chooses ids, weights, parameters and templates, and
 * may drop the optional kinds; the exclusion kinds are mandatory so that an INELIGIBLE measure, a closed window
 * or a measure received within its exclusion period can never be recommended.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';

/** Kinds that remove a measure from the recommendations. */
export const EXCLUDE_KINDS = ['closedCompany', 'hardCriteria', 'closedWindow', 'receivedWithinExclusion', 'appliedWithinExclusion'] as const;
export type ExcludeKind = (typeof EXCLUDE_KINDS)[number];

/** Kinds that add (or subtract) points, with the placeholders their template may use. */
export const SCORE_KIND_PLACEHOLDERS = {
  eligible: ['count'],
  unknownCriteria: ['items'],
  softCriterion: ['description'],
  needMatch: ['need'],
  needMismatch: ['needs'],
  industryFit: ['industry'],
  regionFit: ['prefecture'],
  sizeFit: ['size'],
  openWindow: ['round', 'until'],
  alwaysOpen: [],
  deadline: ['days'],
  upcomingRound: ['round', 'from'],
  receivedBefore: ['on'],
  certificationUnlock: ['certification'],
  unlocksMeasures: ['measures', 'count'],
  alreadyCertified: ['certification'],
  similarAdoption: ['rate', 'decided', 'adopted'],
} as const satisfies Record<string, readonly string[]>;
export type ScoreKind = keyof typeof SCORE_KIND_PLACEHOLDERS;
export const SCORE_KINDS = Object.keys(SCORE_KIND_PLACEHOLDERS) as ScoreKind[];

export type RuleKind = ExcludeKind | ScoreKind;

/** Application statuses (contract enum ApplicationStatus). */
export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'ADOPTED', 'REJECTED', 'WITHDRAWN'] as const;
export type ApplicationStatusValue = (typeof APPLICATION_STATUSES)[number];

interface RuleCommon {
  /** Stable id shown in reasons, e.g. "need-match". */
  readonly id: string;
  /** What the rule means (Japanese, documentation only). */
  readonly description: string;
}

export interface ExcludeRule extends RuleCommon {
  readonly kind: ExcludeKind;
  readonly effect: 'exclude';
  /** appliedWithinExclusion: the application statuses that count as "applied". */
  readonly statuses?: readonly ApplicationStatusValue[];
}

export interface DeadlineBucket {
  readonly withinDays: number;
  readonly weight: number;
}

export interface ScoreRule extends RuleCommon {
  readonly kind: ScoreKind;
  /** Points (a multiplier for softCriterion and similarAdoption); absent for deadline, which has buckets. */
  readonly weight: number;
  /** Japanese reason line with `{placeholder}`s of its kind. */
  readonly template: string;
  /** sizeFit: points when the measure targets a single size class. */
  readonly narrowWeight?: number;
  /** deadline: the first bucket whose withinDays covers the days left gives its weight. */
  readonly buckets?: readonly DeadlineBucket[];
  /** unlocksMeasures: at most this many unlocked measures count. */
  readonly maxCount?: number;
  /** similarAdoption: decided applications a segment needs before its rate counts. */
  readonly minDecided?: number;
}

export type RecommendationRule = ExcludeRule | ScoreRule;

export interface RecommendationSettings {
  /** A round starting within this many days is "upcoming"; later ones do not make a measure recommendable. */
  readonly upcomingHorizonDays: number;
  /** Exclusion period for measures whose catalogue entry sets none. */
  readonly defaultExclusionMonths: number;
  /** Batch (push-type): how many recommendations per company are stored, and the least score stored. */
  readonly push: { readonly topN: number; readonly minScore: number };
  /** Measure id of a certification or declaration → the canonical certification name companies hold. */
  readonly certificationNames: Readonly<Record<string, string>>;
}

export interface RecommendationRules {
  readonly version: string;
  /** The catalogue version these rules were written for. */
  readonly catalogueVersion: string;
  readonly description: string;
  readonly settings: RecommendationSettings;
  readonly rules: readonly RecommendationRule[];
  /** sha256 of the canonical JSON, part of the batch's catalogue hash. */
  readonly hash: string;
}

/** A rules document that failed validation; `problems` lists every problem with its path. */
export class RulesError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid recommendation rules (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'RulesError';
  }
}

const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** Stable JSON (sorted keys) for hashing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((key) => value[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 hex of a value's canonical JSON. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function parseSettings(json: unknown, problems: string[]): RecommendationSettings {
  if (!isObject(json)) {
    problems.push('settings: must be an object');
    return { upcomingHorizonDays: 0, defaultExclusionMonths: 1, push: { topN: 1, minScore: 0 }, certificationNames: {} };
  }
  if (!isPositiveInteger(json.upcomingHorizonDays)) problems.push('settings.upcomingHorizonDays: must be a positive integer (days)');
  if (!isPositiveInteger(json.defaultExclusionMonths)) problems.push('settings.defaultExclusionMonths: must be a positive integer (months)');
  const push = isObject(json.push) ? json.push : {};
  if (!isObject(json.push)) problems.push('settings.push: must be an object');
  if (!isPositiveInteger(push.topN)) problems.push('settings.push.topN: must be a positive integer');
  if (!isFiniteNumber(push.minScore)) problems.push('settings.push.minScore: must be a number');
  const names = isObject(json.certificationNames) ? json.certificationNames : {};
  if (!isObject(json.certificationNames)) problems.push('settings.certificationNames: must be an object (measure id → certification name)');
  for (const [measureId, name] of Object.entries(names)) {
    if (!isText(name)) problems.push(`settings.certificationNames.${measureId}: must be a non-empty certification name`);
  }
  return {
    upcomingHorizonDays: json.upcomingHorizonDays as number,
    defaultExclusionMonths: json.defaultExclusionMonths as number,
    push: { topN: push.topN as number, minScore: push.minScore as number },
    certificationNames: names as Record<string, string>,
  };
}

function parseRule(json: unknown, path: string, problems: string[]): RecommendationRule | null {
  if (!isObject(json)) {
    problems.push(`${path}: must be an object`);
    return null;
  }
  const at = isText(json.id) ? `${path}(${json.id})` : path;
  if (typeof json.id !== 'string' || !RULE_ID.test(json.id)) problems.push(`${at}.id: must be a lowercase dashed id such as "need-match"`);
  if (!isText(json.description)) problems.push(`${at}.description: must be a non-empty string`);
  const kind = json.kind;
  if ((EXCLUDE_KINDS as readonly unknown[]).includes(kind)) {
    const allowed = ['id', 'kind', 'effect', 'description', 'statuses'];
    for (const key of Object.keys(json)) if (!allowed.includes(key)) problems.push(`${at}.${key}: unknown field for an exclusion rule`);
    if (json.effect !== 'exclude') problems.push(`${at}.effect: must be "exclude" for kind ${String(kind)}`);
    if (kind === 'appliedWithinExclusion') {
      const statuses = json.statuses;
      if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every((s) => (APPLICATION_STATUSES as readonly unknown[]).includes(s))) {
        problems.push(`${at}.statuses: must be a non-empty list of ${APPLICATION_STATUSES.join(', ')}`);
      }
    } else if (json.statuses !== undefined) problems.push(`${at}.statuses: only appliedWithinExclusion takes statuses`);
    return json as unknown as ExcludeRule;
  }
  if (!(SCORE_KINDS as readonly unknown[]).includes(kind)) {
    problems.push(`${at}.kind: must be one of ${[...EXCLUDE_KINDS, ...SCORE_KINDS].join(', ')}`);
    return null;
  }
  const scoreKind = kind as ScoreKind;
  const allowed = ['id', 'kind', 'description', 'weight', 'template', 'narrowWeight', 'buckets', 'maxCount', 'minDecided'];
  for (const key of Object.keys(json)) if (!allowed.includes(key)) problems.push(`${at}.${key}: unknown field`);
  if (scoreKind === 'deadline') {
    if (json.weight !== undefined) problems.push(`${at}.weight: a deadline rule weighs by its buckets`);
    const buckets = json.buckets;
    if (!Array.isArray(buckets) || buckets.length === 0) problems.push(`${at}.buckets: must be a non-empty list of {withinDays, weight}`);
    else {
      let previous = 0;
      buckets.forEach((bucket: unknown, index: number) => {
        if (!isObject(bucket) || !isPositiveInteger(bucket.withinDays) || !isFiniteNumber(bucket.weight)) {
          problems.push(`${at}.buckets[${index}]: must be {withinDays: positive integer, weight: number}`);
        } else if ((bucket.withinDays as number) <= previous) problems.push(`${at}.buckets[${index}].withinDays: buckets must be in increasing order`);
        else previous = bucket.withinDays as number;
      });
    }
  } else {
    if (!isFiniteNumber(json.weight)) problems.push(`${at}.weight: must be a number`);
    if (json.buckets !== undefined) problems.push(`${at}.buckets: only a deadline rule has buckets`);
  }
  if (json.narrowWeight !== undefined && (scoreKind !== 'sizeFit' || !isFiniteNumber(json.narrowWeight))) problems.push(`${at}.narrowWeight: only a sizeFit rule takes it, as a number`);
  if (json.maxCount !== undefined && (scoreKind !== 'unlocksMeasures' || !isPositiveInteger(json.maxCount))) problems.push(`${at}.maxCount: only an unlocksMeasures rule takes it, as a positive integer`);
  if (json.minDecided !== undefined && (scoreKind !== 'similarAdoption' || !isPositiveInteger(json.minDecided))) problems.push(`${at}.minDecided: only a similarAdoption rule takes it, as a positive integer`);
  if (!isText(json.template)) problems.push(`${at}.template: must be a non-empty Japanese reason template`);
  else {
    const known: readonly string[] = SCORE_KIND_PLACEHOLDERS[scoreKind];
    for (const match of json.template.matchAll(PLACEHOLDER)) {
      if (!known.includes(match[1]!)) problems.push(`${at}.template: unknown placeholder {${match[1]}} (kind ${scoreKind} has ${known.length ? known.map((p) => `{${p}}`).join(', ') : 'none'})`);
    }
  }
  const weight = scoreKind === 'deadline' ? 0 : (json.weight as number);
  return { ...(json as unknown as ScoreRule), weight };
}

/**
 * Validates a rules document: known kinds with the fields they take, unique ids, each kind at most once, every
 * exclusion kind present, templates that use only their kind's placeholders. Throws {@link RulesError}.
 */
export function parseRecommendationRules(json: unknown): RecommendationRules {
  if (!isObject(json)) throw new RulesError(['rules document: must be an object']);
  const problems: string[] = [];
  for (const key of Object.keys(json)) if (!['version', 'catalogueVersion', 'description', 'settings', 'rules'].includes(key)) problems.push(`${key}: unknown field`);
  if (!isText(json.version)) problems.push('version: must be a non-empty string');
  if (!isText(json.catalogueVersion)) problems.push('catalogueVersion: must be the catalogue version the rules were written for');
  const settings = parseSettings(json.settings, problems);
  if (!Array.isArray(json.rules)) throw new RulesError([...problems, 'rules: must be an array']);
  const rules = json.rules.map((rule, index) => parseRule(rule, `rules[${index}]`, problems)).filter((rule): rule is RecommendationRule => rule !== null);
  const ids = new Set<string>();
  const kinds = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) problems.push(`rules: duplicate id "${rule.id}"`);
    if (kinds.has(rule.kind)) problems.push(`rules: kind ${rule.kind} appears more than once`);
    ids.add(rule.id);
    kinds.add(rule.kind);
  }
  for (const kind of EXCLUDE_KINDS) if (!kinds.has(kind)) problems.push(`rules: the exclusion rule of kind ${kind} is mandatory`);
  if (problems.length > 0) throw new RulesError(problems);
  const document = { version: json.version as string, catalogueVersion: json.catalogueVersion as string, description: String(json.description ?? ''), settings, rules };
  return { ...document, hash: hashOf(document) };
}

/** Path of the committed rules (works from src/ and dist/src/). */
export function defaultRulesPath(): string {
  return seedPath('recommendation-rules.json');
}

/** Reads and validates a rules file (default: seeds/recommendation-rules.json). */
export function loadRecommendationRules(file: string = defaultRulesPath()): RecommendationRules {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RulesError([`${file}: ${(error as Error).message}`]);
  }
  return parseRecommendationRules(json);
}

/** Fills a template's `{placeholder}`s (every placeholder was checked at load). */
export function renderTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Points as shown in a reason: "+3", "+0.5", "-1". */
export function formatPoints(points: number): string {
  const rounded = Math.round(Math.abs(points) * 100) / 100;
  return `${points < 0 ? '-' : '+'}${rounded}`;
}

/** One reason line: "[need-match] 経営課題「設備整備・IT導入をしたい」に対応 (+3)". */
export function reasonLine(ruleId: string, text: string, points: number): string {
  return `[${ruleId}] ${text} (${formatPoints(points)})`;
}
