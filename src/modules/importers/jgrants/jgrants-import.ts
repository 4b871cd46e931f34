/**
 * `sdp import jgrants FILE...`: Jグランツ documents (list items, detail objects, API envelopes, detail caches; see
 * jgrants-parse.ts) → support measures in the database.
 *
 * Each Jグランツ subsidy becomes the measure `jgrants-<id>` (source JGRANTS, kind SUBSIDY) with its windows as
 * rounds; the employee band, the target areas and the industries become hard criteria in the rule language, the
 * use_purpose values a soft one. Writing is idempotent by Jグランツ id with a content hash (measure-store.ts): a
 * rerun changes nothing, and a list item never replaces a stored detail record (it carries less). Records that
 * cannot become a measure are rejected with the reason; the rest of the file still loads.
 *
 * Jグランツ data is public catalogue data; credit the source as Jグランツ (デジタル庁) when reusing it.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { measures } from '../../../db/schema/index.js';
import { PREFECTURE_NAMES, type Criterion } from '../../measure/criteria.js';
import type { MeasureFormField } from '../../measure/catalogue.js';
import { lockMeasureWrites, writeMeasureRecords, type MeasureRecord } from '../../measure/measure-store.js';
import { invalidateRecommendationCatalogue } from '../../recommendation/catalogue-cache.js';
import { JSIC_MAJOR_DIVISIONS } from '../shared/jsic-major.js';
import { parseJgrantsDocument, sanitizeDetailHtml, type JgrantsMeasure } from './jgrants-parse.js';

/** `measures.source` of Jグランツ measures. */
export const JGRANTS_SOURCE = 'JGRANTS';

/** The measure id of a Jグランツ subsidy. */
export function jgrantsMeasureId(jgrantsId: string): string {
  return `jgrants-${jgrantsId}`;
}

/** A record (or a whole file) that was not imported. */
export interface JgrantsImportReject {
  file: string;
  /** where in the file, e.g. `$.result[3]`; `$` for the whole file */
  path: string;
  jgrantsId: string | null;
  reason: string;
}

/** What an import did. */
export interface JgrantsImportSummary {
  files: number;
  /** distinct subsidies read (a detail and a list item of the same id count once) */
  measures: number;
  /** application windows of those subsidies */
  windows: number;
  new: number;
  changed: number;
  unchanged: number;
  /** list items not applied because the stored record came from a detail (which says more) */
  keptDetail: number;
  rejected: number;
  rejects: JgrantsImportReject[];
  /** values that did not map to codes, with how many measures carried each */
  unmapped: { industries: Record<string, number>; areas: Record<string, number>; employeeCriteria: Record<string, number> };
  seconds: number;
}

export interface JgrantsImportOptions {
  /** called after each file is read and after each batch is written */
  onProgress?: (progress: { stage: 'read' | 'write'; done: number; total: number; measures: number }) => void;
  /** measures per transaction (default 200) */
  batchSize?: number;
  /** the clock (tests) */
  now?: Date;
}

// ---------------------------------------------------------------------------------------------
// Mapping (pure)
// ---------------------------------------------------------------------------------------------

/** The application form of a Jグランツ measure: the applicant data every Jグランツ form asks for (canonical keys). */
export const JGRANTS_FORM_FIELDS: readonly MeasureFormField[] = Object.freeze([
  { key: 'name', label: '商号又は名称（屋号）', required: true, type: 'string' },
  { key: 'corporateNumber', label: '法人番号（個人事業主は空欄）', required: false, type: 'string' },
  { key: 'postalCode', label: '郵便番号', required: true, type: 'string' },
  { key: 'address', label: '本社（主たる事業所）所在地', required: true, type: 'string' },
  { key: 'representativeName', label: '代表者氏名', required: true, type: 'string' },
  { key: 'phone', label: '電話番号', required: true, type: 'string' },
  { key: 'industryCode', label: '主たる業種（日本標準産業分類）', required: true, type: 'string' },
  { key: 'employees', label: '常時使用する従業員数', required: true, type: 'integer' },
  { key: 'capitalYen', label: '資本金又は出資の総額（個人事業主は0円）', required: false, type: 'yen' },
  { key: 'businessPlanSummary', label: '事業計画の概要', required: true, type: 'text' },
  { key: 'requestedAmountYen', label: '補助金交付申請額', required: true, type: 'yen' },
] as const);

const AGENCY_IN_BRACKETS = /^[【［[]([^】］\]]{2,30})[】］\]]/;
const LOOKS_LIKE_AGENCY = /(都|道|府|県|市|区|町|村)$|庁|省|機構|財団|公社|協会|センター|会議所|商工会|振興/;

/** 実施機関: a 【…】 prefix naming a body or a municipality (【飯塚市】…), else a note to read the guidelines. */
export function jgrantsAgency(measure: Pick<JgrantsMeasure, 'title' | 'institutionName'>): string {
  for (const text of [measure.title, measure.institutionName ?? '']) {
    const match = AGENCY_IN_BRACKETS.exec(text.trim());
    const name = match?.[1]?.trim();
    if (name && LOOKS_LIKE_AGENCY.test(name)) return name;
  }
  return 'Jグランツ掲載（実施機関は公募要領を参照）';
}

function summaryOf(measure: JgrantsMeasure): string | null {
  if (measure.catchPhrase) return measure.catchPhrase;
  const firstParagraph = measure.detailText?.split(/\n{2,}/)[0]?.replace(/\s+/g, ' ').trim();
  if (!firstParagraph) return null;
  return firstParagraph.length > 200 ? `${firstParagraph.slice(0, 199)}…` : firstParagraph;
}

function listNames(names: readonly string[], max = 8): string {
  return names.length > max ? `${names.slice(0, max).join('、')} ほか${names.length - max}件` : names.join('、');
}

/** The hard and soft criteria a Jグランツ record implies (employee band, areas, industries, operating, use purposes). */
export function jgrantsCriteria(measure: JgrantsMeasure): Criterion[] {
  const criteria: Criterion[] = [];
  const band = measure.employeeCriterion;
  if (band && (band.minEmployees !== null || band.maxEmployees !== null)) {
    const { minEmployees: min, maxEmployees: max } = band;
    const wording = min !== null && max !== null ? `${min}人以上${max}人以下` : max !== null ? `${max}人以下` : `${min}人以上`;
    const rule = min !== null && max !== null
      ? { all: [{ item: 'employees' as const, gte: min }, { item: 'employees' as const, lte: max }] }
      : max !== null ? { item: 'employees' as const, lte: max } : { item: 'employees' as const, gte: min! };
    criteria.push({ id: 'jgrants.employees', description: `常時使用する従業員数が${wording}であること（Jグランツ: ${band.labels.join(' / ')}）`, hard: true, rule });
  }
  if (measure.targetPrefectures.length > 0) {
    const names = measure.targetPrefectures.map((code) => PREFECTURE_NAMES[code] ?? code);
    const detail = measure.targetAreaDetails.length > 0 ? `。地域の限定は公募要領で確認: ${listNames(measure.targetAreaDetails, 3)}` : '';
    criteria.push({
      id: 'jgrants.area',
      description: `所在地が対象地域（${listNames(names)}）にあること${detail}`,
      hard: true,
      rule: { item: 'prefectureCode', in: [...measure.targetPrefectures] },
    });
  }
  if (!measure.industries.allIndustries && measure.industries.jsicCodes.length > 0) {
    const names = JSIC_MAJOR_DIVISIONS.filter((d) => measure.industries.jsicCodes.includes(d.code)).map((d) => d.name);
    criteria.push({
      id: 'jgrants.industry',
      description: `主たる業種が対象業種（${listNames(names, 5)}）であること`,
      hard: true,
      rule: { item: 'industryCode', prefixIn: [...measure.industries.jsicCodes] },
    });
  }
  criteria.push({ id: 'jgrants.in-business', description: '事業を営んでいること（廃業・閉鎖していないこと）', hard: true, rule: { item: 'isClosed', eq: false } });
  if (measure.usePurposes.length > 0) {
    criteria.push({
      id: 'jgrants.needs',
      description: `支援ニーズが「${measure.usePurposes.join('」「')}」のいずれかに合致すること`,
      hard: false,
      rule: { item: 'needs', in: [...measure.usePurposes] },
    });
  }
  return criteria;
}

/** The stored form of a normalised Jグランツ measure (rounds keyed `<measure id>:<window id>`). */
export function jgrantsMeasureRecord(measure: JgrantsMeasure): MeasureRecord {
  const id = jgrantsMeasureId(measure.jgrantsId);
  return {
    measure: {
      id,
      title: measure.title,
      kind: 'SUBSIDY',
      agency: jgrantsAgency(measure),
      summary: summaryOf(measure),
      detailHtml: measure.detailHtml ? sanitizeDetailHtml(measure.detailHtml) || null : null,
      maxAmountYen: measure.maxAmountYen,
      subsidyRate: measure.subsidyRate,
      url: measure.url,
      alwaysOpen: false,
      targetPrefectures: [...measure.targetPrefectures],
      industries: measure.industries.allIndustries ? [] : [...measure.industries.jsicCodes],
      usePurposes: [...measure.usePurposes],
      unlocks: [],
      exclusionMonths: null,
      criteria: jgrantsCriteria(measure),
      formFields: [...JGRANTS_FORM_FIELDS],
      source: JGRANTS_SOURCE,
      sourceRef: `${measure.shape}:${measure.managementNumber ?? measure.jgrantsId}`,
      jgrantsId: measure.jgrantsId,
      catalogueVersion: null,
    },
    rounds: measure.windows.map((window) => ({
      id: `${id}:${window.id}`,
      label: window.label,
      acceptingFrom: window.acceptingFrom ? new Date(window.acceptingFrom) : null,
      acceptingUntil: window.acceptingUntil ? new Date(window.acceptingUntil) : null,
      maxAmountYen: null,
      subsidyRate: null,
      targetPrefectures: window.targetPrefectures.length > 0 ? [...window.targetPrefectures] : null,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

function bumpAll(target: Record<string, number>, source: Record<string, number>): void {
  for (const [key, count] of Object.entries(source)) target[key] = (target[key] ?? 0) + count;
}

/** A document to import: parsed JSON with a label for messages (usually the file name). */
export interface JgrantsDocument {
  file: string;
  json: unknown;
}

/**
 * Imports already-read Jグランツ documents. Records of the same id across documents merge as in one document
 * (a detail replaces a list item). Returns the summary; rejects carry the file, path and reason.
 */
export async function importJgrantsDocuments(database: Database, documents: readonly JgrantsDocument[], options: JgrantsImportOptions = {}): Promise<JgrantsImportSummary> {
  const started = Date.now();
  const summary: JgrantsImportSummary = {
    files: documents.length, measures: 0, windows: 0, new: 0, changed: 0, unchanged: 0, keptDetail: 0, rejected: 0, rejects: [],
    unmapped: { industries: {}, areas: {}, employeeCriteria: {} }, seconds: 0,
  };
  const byId = new Map<string, JgrantsMeasure>();
  documents.forEach((document, index) => {
    const parsed = parseJgrantsDocument(document.json, document.file);
    if (!parsed.ok) summary.rejects.push({ file: document.file, path: '$', jgrantsId: null, reason: parsed.errors.join('; ') || 'not a Jグランツ document' });
    for (const reject of parsed.rejects) summary.rejects.push({ file: document.file, ...reject });
    for (const measure of parsed.measures) {
      const known = byId.get(measure.jgrantsId);
      if (!known || (known.shape === 'list' && measure.shape === 'detail')) byId.set(measure.jgrantsId, measure);
    }
    bumpAll(summary.unmapped.industries, parsed.unmapped.industries);
    bumpAll(summary.unmapped.areas, parsed.unmapped.areas);
    bumpAll(summary.unmapped.employeeCriteria, parsed.unmapped.employeeCriteria);
    options.onProgress?.({ stage: 'read', done: index + 1, total: documents.length, measures: byId.size });
  });
  const all = [...byId.values()];
  summary.measures = all.length;
  summary.windows = all.reduce((n, m) => n + m.windows.length, 0);

  const batchSize = options.batchSize ?? 200;
  for (let i = 0; i < all.length; i += batchSize) {
    const batch = all.slice(i, i + batchSize);
    await database.db.transaction(async (tx) => {
      await lockMeasureWrites(tx);
      // a list item carries less than a detail: never let it replace a stored detail record
      const ids = batch.filter((m) => m.shape === 'list').map((m) => jgrantsMeasureId(m.jgrantsId));
      const storedDetails = new Set(ids.length === 0 ? [] : (await tx.select({ id: measures.id, sourceRef: measures.sourceRef }).from(measures)
        .where(inArray(measures.id, ids))).filter((row) => row.sourceRef?.startsWith('detail:')).map((row) => row.id));
      const records = batch.filter((m) => !storedDetails.has(jgrantsMeasureId(m.jgrantsId))).map(jgrantsMeasureRecord);
      summary.keptDetail += batch.length - records.length;
      const written = await writeMeasureRecords(tx, records, options.now);
      summary.new += written.created.length;
      summary.changed += written.changed.length;
      summary.unchanged += written.unchanged.length;
    });
    invalidateRecommendationCatalogue(database);
    options.onProgress?.({ stage: 'write', done: Math.min(i + batchSize, all.length), total: all.length, measures: all.length });
  }
  summary.unchanged += summary.keptDetail;
  summary.rejected = summary.rejects.length;
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/**
 * Reads and imports Jグランツ JSON files (see the module comment). A file that cannot be read or is not JSON is
 * rejected as a whole; the other files still load.
 */
export async function importJgrantsFiles(database: Database, files: readonly string[], options: JgrantsImportOptions = {}): Promise<JgrantsImportSummary> {
  const documents: JgrantsDocument[] = [];
  const unreadable: JgrantsImportReject[] = [];
  for (const file of files) {
    try {
      documents.push({ file: basename(file), json: JSON.parse(await readFile(file, 'utf8')) });
    } catch (error) {
      unreadable.push({ file: basename(file), path: '$', jgrantsId: null, reason: `cannot read the file as JSON: ${(error as Error).message}` });
    }
  }
  const summary = await importJgrantsDocuments(database, documents, options);
  summary.files = files.length;
  summary.rejects.unshift(...unreadable);
  summary.rejected = summary.rejects.length;
  return summary;
}
