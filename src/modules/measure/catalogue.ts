/**
 * The national support-measure catalogue (seeds/measures/catalogue.json): loading, validation and the
 * round (公募回) logic that decides whether a measure accepts applications at an instant.
 *
 * Validation is strict and collects every problem, so a bad catalogue fails at load with a list of paths
 * rather than at run time. The format is described in seeds/measures/README.md.
 */
import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';
import { parseCriterion, RuleParseError, type Criterion } from './criteria.js';

/** Contract enum MeasureKind, as string values. */
export const MEASURE_KINDS = ['SUBSIDY', 'LOAN', 'MUTUAL_AID', 'TAX', 'CERTIFICATION', 'CONSULTING', 'TRAINING', 'FUND', 'GUARANTEE', 'OTHER'] as const;
export type MeasureKindValue = (typeof MEASURE_KINDS)[number];

/** Contract FormField.type values. */
export const FORM_FIELD_TYPES = ['string', 'integer', 'yen', 'date', 'boolean', 'text', 'enum'] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** Jグランツ use_purpose values (domain.md §4), used by `usePurposes` and the `needs` item. */
export const USE_PURPOSES = [
  '新たな事業を行いたい',
  '販路拡大・海外展開をしたい',
  'イベント・事業運営支援がほしい',
  '事業を引き継ぎたい',
  '研究開発・実証事業を行いたい',
  '人材育成を行いたい',
  '資金繰りを改善したい',
  '設備整備・IT導入をしたい',
  '雇用・職場環境を改善したい',
  'エコ・SDGs活動支援がほしい',
  '災害（自然災害、感染症等）支援がほしい',
  '教育・子育て・少子化支援がほしい',
  'スポーツ・文化支援がほしい',
  '安全・防災対策支援がほしい',
  'まちづくり・地域振興支援がほしい',
] as const;

/** One application round (公募回) or validity window. */
export interface MeasureRound {
  readonly id: string;
  /** e.g. "第17回" */
  readonly label: string;
  /** ISO-8601 with offset, e.g. 2026-10-01T00:00:00+09:00 */
  readonly acceptingFrom: string;
  /** ISO-8601 with offset; inclusive */
  readonly acceptingUntil: string;
  readonly maxAmountYen?: number;
  readonly subsidyRate?: string;
  readonly note?: string;
}

export interface MeasureFormField {
  /** Canonical data item key when the field maps to one, else a measure-specific key. */
  readonly key: string;
  readonly label: string;
  readonly required: boolean;
  readonly type: FormFieldType;
  /** Choices of an enum field. */
  readonly options?: readonly string[];
  /** An enum field that takes several choices (stored as a JSON array). */
  readonly multiple?: boolean;
}

export interface MeasureDefinition {
  readonly id: string;
  readonly title: string;
  readonly kind: MeasureKindValue;
  /** 実施機関 */
  readonly agency: string;
  readonly summary: string;
  readonly maxAmountYen: number | null;
  readonly subsidyRate: string | null;
  readonly url: string;
  /** JIS prefecture codes; empty = nationwide */
  readonly targetPrefectures: readonly string[];
  /** JSIC codes; empty = every industry */
  readonly industries: readonly string[];
  /** Months during which a past recipient may not apply again (二重受給 / re-application), when the guidelines set one. */
  readonly exclusionMonths: number | null;
  /** Jグランツ use_purpose values the measure serves. */
  readonly usePurposes: readonly string[];
  /** Ids of measures this one unlocks (a certification unlocking a tax measure, a loan rate, ...). */
  readonly unlocks: readonly string[];
  /** Open at every instant (共済, loans, consulting); then `rounds` is empty. */
  readonly alwaysOpen: boolean;
  /** Rounds in chronological order, not overlapping. */
  readonly rounds: readonly MeasureRound[];
  readonly criteria: readonly Criterion[];
  readonly formFields: readonly MeasureFormField[];
  /** Which values are estimates, and other caveats. */
  readonly notes: readonly string[];
}

export interface MeasureCatalogue {
  readonly version: string;
  readonly source: readonly string[];
  readonly measures: readonly MeasureDefinition[];
}

/** A catalogue that failed validation; `problems` lists every problem with its path. */
export class CatalogueError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid measure catalogue (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogueError';
  }
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ROUND_ID = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;
const PREFECTURE_CODE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;
const JSIC_CODE = /^[A-T][0-9]{0,4}$/;
const DATETIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$/;
const FIELD_KEY = /^[a-z][A-Za-z0-9]*$/;

const MEASURE_KEYS = [
  'id', 'title', 'kind', 'agency', 'summary', 'maxAmountYen', 'subsidyRate', 'url', 'targetPrefectures', 'industries',
  'exclusionMonths', 'usePurposes', 'unlocks', 'alwaysOpen', 'rounds', 'criteria', 'formFields', 'notes',
] as const;
const ROUND_KEYS = ['id', 'label', 'acceptingFrom', 'acceptingUntil', 'maxAmountYen', 'subsidyRate', 'note'];
const FIELD_KEYS = ['key', 'label', 'required', 'type', 'options', 'multiple'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isYen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates one measure; pushes problems and returns the typed measure (meaningful only without problems). */
function validateMeasure(json: unknown, path: string, problems: string[]): MeasureDefinition | null {
  if (!isObject(json)) {
    problems.push(`${path}: must be an object`);
    return null;
  }
  const at = isNonEmptyString(json.id) ? `${path}(${json.id})` : path;
  const problem = (field: string, message: string): void => {
    problems.push(`${at}.${field}: ${message}`);
  };
  for (const key of Object.keys(json)) if (!(MEASURE_KEYS as readonly string[]).includes(key)) problem(key, 'unknown field');
  for (const key of MEASURE_KEYS) if (!(key in json)) problem(key, 'missing');

  if (typeof json.id !== 'string' || !SLUG.test(json.id)) problem('id', 'must be a lowercase dashed slug');
  for (const key of ['title', 'agency', 'summary'] as const) if (!isNonEmptyString(json[key])) problem(key, 'must be a non-empty string');
  if (!(MEASURE_KINDS as readonly unknown[]).includes(json.kind)) problem('kind', `must be one of ${MEASURE_KINDS.join(', ')}`);
  if (json.maxAmountYen !== null && !isYen(json.maxAmountYen)) problem('maxAmountYen', 'must be a non-negative integer (yen) or null');
  if (json.subsidyRate !== null && !isNonEmptyString(json.subsidyRate)) problem('subsidyRate', 'must be a non-empty string or null');
  if (typeof json.url !== 'string' || !/^https:\/\/[^\s]+$/.test(json.url)) problem('url', 'must be an https URL');
  if (json.exclusionMonths !== null && !(Number.isInteger(json.exclusionMonths) && (json.exclusionMonths as number) > 0)) {
    problem('exclusionMonths', 'must be a positive integer or null');
  }
  if (typeof json.alwaysOpen !== 'boolean') problem('alwaysOpen', 'must be true or false');

  const stringList = (field: string, check: (value: string) => boolean, what: string): string[] => {
    const value = json[field];
    if (!Array.isArray(value)) {
      problem(field, 'must be an array');
      return [];
    }
    value.forEach((element, index) => {
      if (typeof element !== 'string' || !check(element)) problem(`${field}[${index}]`, `${JSON.stringify(element)} is not ${what}`);
    });
    if (new Set(value).size !== value.length) problem(field, 'has duplicates');
    return value as string[];
  };
  stringList('targetPrefectures', (v) => PREFECTURE_CODE.test(v), 'a prefecture code 01..47');
  stringList('industries', (v) => JSIC_CODE.test(v), 'a JSIC code');
  stringList('usePurposes', (v) => (USE_PURPOSES as readonly string[]).includes(v), 'a Jグランツ use_purpose value');
  stringList('unlocks', (v) => SLUG.test(v) && v !== json.id, 'the id of another measure');
  stringList('notes', (v) => v.trim().length > 0, 'a non-empty note');

  // rounds
  const rounds = Array.isArray(json.rounds) ? json.rounds : [];
  if (!Array.isArray(json.rounds)) problem('rounds', 'must be an array');
  if (json.alwaysOpen === true && rounds.length > 0) problem('rounds', 'must be empty when alwaysOpen is true');
  if (json.alwaysOpen === false && rounds.length === 0) problem('rounds', 'needs at least one round unless alwaysOpen is true');
  const roundIds = new Set<string>();
  let previousUntil = Number.NEGATIVE_INFINITY;
  rounds.forEach((round: unknown, index: number) => {
    const roundPath = `rounds[${index}]`;
    if (!isObject(round)) {
      problem(roundPath, 'must be an object');
      return;
    }
    for (const key of Object.keys(round)) if (!ROUND_KEYS.includes(key)) problem(`${roundPath}.${key}`, 'unknown field');
    if (typeof round.id !== 'string' || !ROUND_ID.test(round.id)) problem(`${roundPath}.id`, 'must be a lowercase slug');
    else if (roundIds.has(round.id)) problem(`${roundPath}.id`, `duplicate round id "${round.id}"`);
    else roundIds.add(round.id);
    if (!isNonEmptyString(round.label)) problem(`${roundPath}.label`, 'must be a non-empty string');
    const instant = (field: 'acceptingFrom' | 'acceptingUntil'): number => {
      const value = round[field];
      const time = typeof value === 'string' && DATETIME_WITH_OFFSET.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time)) problem(`${roundPath}.${field}`, 'must be an ISO-8601 date-time with an offset, e.g. 2026-10-01T00:00:00+09:00');
      return time;
    };
    const from = instant('acceptingFrom');
    const until = instant('acceptingUntil');
    if (!Number.isNaN(from) && !Number.isNaN(until)) {
      if (from >= until) problem(roundPath, 'acceptingFrom must be before acceptingUntil');
      if (from <= previousUntil) problem(roundPath, 'rounds must be in chronological order without overlapping');
      previousUntil = until;
    }
    if (round.maxAmountYen !== undefined && !isYen(round.maxAmountYen)) problem(`${roundPath}.maxAmountYen`, 'must be a non-negative integer (yen)');
    if (round.subsidyRate !== undefined && !isNonEmptyString(round.subsidyRate)) problem(`${roundPath}.subsidyRate`, 'must be a non-empty string');
    if (round.note !== undefined && !isNonEmptyString(round.note)) problem(`${roundPath}.note`, 'must be a non-empty string');
  });

  // criteria
  const criteria: Criterion[] = [];
  if (!Array.isArray(json.criteria)) problem('criteria', 'must be an array');
  else {
    const criterionIds = new Set<string>();
    json.criteria.forEach((raw: unknown, index: number) => {
      try {
        const criterion = parseCriterion(raw, `${at}.criteria[${index}]`);
        if (criterionIds.has(criterion.id)) problem(`criteria[${index}].id`, `duplicate criterion id "${criterion.id}"`);
        criterionIds.add(criterion.id);
        criteria.push(criterion);
      } catch (error) {
        if (error instanceof RuleParseError) problems.push(error.message);
        else throw error;
      }
    });
  }

  // form fields
  if (!Array.isArray(json.formFields)) problem('formFields', 'must be an array');
  else {
    const keys = new Set<string>();
    json.formFields.forEach((field: unknown, index: number) => {
      const fieldPath = `formFields[${index}]`;
      if (!isObject(field)) {
        problem(fieldPath, 'must be an object');
        return;
      }
      for (const key of Object.keys(field)) if (!FIELD_KEYS.includes(key)) problem(`${fieldPath}.${key}`, 'unknown field');
      if (typeof field.key !== 'string' || !FIELD_KEY.test(field.key)) problem(`${fieldPath}.key`, 'must be a camelCase key');
      else if (keys.has(field.key)) problem(`${fieldPath}.key`, `duplicate form field "${field.key}"`);
      else keys.add(field.key);
      if (!isNonEmptyString(field.label)) problem(`${fieldPath}.label`, 'must be a non-empty string');
      if (typeof field.required !== 'boolean') problem(`${fieldPath}.required`, 'must be true or false');
      if (!(FORM_FIELD_TYPES as readonly unknown[]).includes(field.type)) problem(`${fieldPath}.type`, `must be one of ${FORM_FIELD_TYPES.join(', ')}`);
      const hasOptions = Array.isArray(field.options) && field.options.length > 0 && field.options.every(isNonEmptyString);
      if (field.type === 'enum' && !hasOptions) problem(`${fieldPath}.options`, 'an enum field needs a non-empty list of options');
      if (field.type !== 'enum' && (field.options !== undefined || field.multiple !== undefined)) problem(fieldPath, 'only enum fields take options or multiple');
      if (field.multiple !== undefined && typeof field.multiple !== 'boolean') problem(`${fieldPath}.multiple`, 'must be true or false');
    });
  }
  return { ...(json as unknown as MeasureDefinition), criteria };
}

/**
 * Validates a parsed catalogue JSON document: every criterion parses, measure ids are unique slugs, kinds
 * and form field types are valid, rounds are well-formed and in order, `unlocks` point at existing measures.
 * Throws {@link CatalogueError} listing every problem.
 */
export function parseCatalogue(json: unknown): MeasureCatalogue {
  const problems: string[] = [];
  if (!isObject(json)) throw new CatalogueError(['catalogue: must be an object']);
  for (const key of Object.keys(json)) if (!['version', 'source', 'measures'].includes(key)) problems.push(`${key}: unknown field`);
  if (!isNonEmptyString(json.version)) problems.push('version: must be a non-empty string');
  if (!Array.isArray(json.source) || json.source.length === 0 || !json.source.every(isNonEmptyString)) {
    problems.push('source: must be a non-empty array of strings');
  }
  if (!Array.isArray(json.measures)) throw new CatalogueError([...problems, 'measures: must be an array']);
  const measures = json.measures.map((measure, index) => validateMeasure(measure, `measures[${index}]`, problems));
  const ids = new Map<string, number>();
  measures.forEach((measure, index) => {
    if (!measure || typeof measure.id !== 'string') return;
    if (ids.has(measure.id)) problems.push(`measures[${index}].id: duplicate measure id "${measure.id}" (first at measures[${ids.get(measure.id)}])`);
    else ids.set(measure.id, index);
  });
  measures.forEach((measure, index) => {
    if (!measure || !Array.isArray(measure.unlocks)) return;
    for (const target of measure.unlocks) {
      if (typeof target === 'string' && !ids.has(target)) problems.push(`measures[${index}](${measure.id}).unlocks: unknown measure "${target}"`);
    }
  });
  if (problems.length > 0) throw new CatalogueError(problems);
  return { version: json.version as string, source: json.source as string[], measures: measures as MeasureDefinition[] };
}

/** Path of the committed catalogue, resolved from the project root (works from src/ and dist/src/). */
export function defaultCataloguePath(): string {
  return seedPath('measures', 'catalogue.json');
}

/** Reads and validates a catalogue file (default: seeds/measures/catalogue.json). */
export function loadCatalogue(file: string = defaultCataloguePath()): MeasureCatalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogueError([`${file}: ${(error as Error).message}`]);
  }
  return parseCatalogue(json);
}

// ---------------------------------------------------------------------------------------------
// Rounds
// ---------------------------------------------------------------------------------------------

function timeOf(at: Date | string): number {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(time)) throw new Error(`invalid instant: ${String(at)}`);
  return time;
}

/** The round accepting applications at an instant (bounds inclusive), or null. */
export function roundOpenAt(measure: MeasureDefinition, at: Date | string): MeasureRound | null {
  const time = timeOf(at);
  return measure.rounds.find((round) => Date.parse(round.acceptingFrom) <= time && time <= Date.parse(round.acceptingUntil)) ?? null;
}

/** Whether a measure accepts applications at an instant: always for `alwaysOpen`, else inside a round. */
export function isMeasureOpen(measure: MeasureDefinition, at: Date | string): boolean {
  return measure.alwaysOpen || roundOpenAt(measure, at) !== null;
}

/** The first round that opens after an instant, or null. */
export function nextRound(measure: MeasureDefinition, at: Date | string): MeasureRound | null {
  const time = timeOf(at);
  return measure.rounds.find((round) => Date.parse(round.acceptingFrom) > time) ?? null;
}

/**
 * The round to show for a measure at an instant (SupportMeasure.acceptingFrom/Until): the open round, else the
 * next one, else the last one; null for always-open measures.
 */
export function displayRound(measure: MeasureDefinition, at: Date | string): MeasureRound | null {
  return roundOpenAt(measure, at) ?? nextRound(measure, at) ?? measure.rounds.at(-1) ?? null;
}

/** The measure's amount cap in force at an instant: the displayed round's cap when it has one, else the measure's. */
export function maxAmountAt(measure: MeasureDefinition, at: Date | string): number | null {
  return displayRound(measure, at)?.maxAmountYen ?? measure.maxAmountYen;
}
