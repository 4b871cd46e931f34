/**
 * Support measures: loading the catalogue into the database, reading measures and their rounds (batched
 * per request), listing them with filters, and judging a company's eligibility for one.
 *
 * The catalogue (seeds/measures/catalogue.json) and Jグランツ imports are the only writers of the measure
 * tables; both go through measure-store.ts, which is idempotent by content hash.
 */
import DataLoader from 'dataloader';
import { and, asc, eq, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { groupInOrder } from '../../context.js';
import { arrayParameter, equalsAnyOf, preparedOnce } from '../../db/prepared.js';
import type { Database } from '../../db/client.js';
import {
  applications, certifications, measureRounds, measures, storedRecommendations, supportRecords,
} from '../../db/schema/index.js';
import { EligibilityVerdict } from '../../shared/enums.js';
import { badInput, notFound } from '../../shared/errors.js';
import { decodeCursor, pageSize, toPage, type Page } from '../../shared/pagination.js';
import { assertCanRead } from '../consent/access.service.js';
import { invalidateRecommendationCatalogue, loadedCatalogue } from '../recommendation/catalogue-cache.js';
import { findByCorporateNumber, parseCorporateNumber } from '../company/company.service.js';
import { sanitizeDetailHtml } from '../importers/jgrants/jgrants-parse.js';
import { loadCatalogue, type MeasureCatalogue, type MeasureDefinition, type MeasureFormField } from './catalogue.js';
import { companyProfileFor, dataItemLabel, missingDataFor } from './company-facts.js';
import { evaluateEligibility, parseCriterion, type Criterion } from './criteria.js';
import type { MeasureFilter } from './measure.input.js';
import { displayRoundAt, isOpenAt, roundStatusAt, sortRounds } from './measure-rounds.js';
import { lockMeasureWrites, writeMeasureRecords, type MeasureRecord } from './measure-store.js';
import type { Eligibility, MeasureRoundRow, MeasureRow, RoundStatus } from './measure.type.js';

/** `measures.source` of catalogue measures. */
export const CATALOGUE_SOURCE = 'CATALOGUE';

// ---------------------------------------------------------------------------------------------
// Reading (per-request loaders)
// ---------------------------------------------------------------------------------------------

/** Measures by id (one query per batch). */
export function measureByIdLoader(ctx: Context) {
  return ctx.loader('measure.byId', () => new DataLoader<string, MeasureRow | null>(async (ids) => {
    // the measure rows the recommendation catalogue keeps in memory answer most ids without a statement (checked
    // against the measure tables every 2 s, dropped at once by this process's own measure writes); ids not in it
    // (a measure written by another process within that time) are read
    const cached = await cachedMeasureRows(ctx.database);
    const missing = cached ? ids.filter((id) => !cached.has(id)) : ids;
    const read = missing.length === 0 ? [] : await preparedOnce(ctx.db, 'measures_by_ids', (db) => db.select().from(measures).where(equalsAnyOf(measures.id, 'ids', 'text'))
      ).execute({ ids: arrayParameter(missing) });
    const readById = new Map(read.map((row) => [row.id, row]));
    return ids.map((id) => cached?.get(id) ?? readById.get(id) ?? null);
  }));
}

/** The stored measure rows of the process's catalogue cache, or null when the catalogue cannot be loaded. */
async function cachedMeasureRows(database: Database): Promise<ReadonlyMap<string, MeasureRow> | null> {
  try {
    return (await loadedCatalogue(database)).rows;
  } catch {
    return null; // e.g. a stored criterion the engine refuses: the measures are still readable one by one
  }
}

/** Rounds of measures by measure id, in chronological order (one query per batch). */
export function measureRoundsLoader(ctx: Context) {
  return ctx.loader('measure.rounds', () => new DataLoader<string, MeasureRoundRow[]>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'measure_rounds_by_measures', (db) => db.select().from(measureRounds).where(equalsAnyOf(measureRounds.measureId, 'ids', 'text'))
      .orderBy(asc(measureRounds.measureId), asc(measureRounds.acceptingFrom), asc(measureRounds.id))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (row) => row.measureId).map((rounds) => sortRounds(rounds));
  }));
}

/** A measure by id, or null. */
export function findMeasure(ctx: Context, id: string): Promise<MeasureRow | null> {
  return measureByIdLoader(ctx).load(id);
}

/** A measure by id; NOT_FOUND when there is none. */
export async function requireMeasure(ctx: Context, id: string, field = 'measureId'): Promise<MeasureRow> {
  if (id.trim().length === 0) throw badInput('measure id must not be blank', field);
  const measure = await findMeasure(ctx, id.trim());
  if (!measure) throw notFound(`no support measure with id "${id}"`);
  return measure;
}

/** The rounds of a measure, in chronological order. */
export function roundsOf(ctx: Context, measure: Pick<MeasureRow, 'id'>): Promise<MeasureRoundRow[]> {
  return measureRoundsLoader(ctx).load(measure.id);
}

/** The criteria of a stored measure, validated (a stored rule that does not parse is a bug: it throws). */
export function criteriaOf(measure: Pick<MeasureRow, 'id' | 'criteria'>): Criterion[] {
  const raw = Array.isArray(measure.criteria) ? measure.criteria : [];
  return raw.map((json, index) => parseCriterion(json, `measures(${measure.id}).criteria[${index}]`));
}

/** The application form of a stored measure. */
export function formFieldsOf(measure: Pick<MeasureRow, 'formFields'>): MeasureFormField[] {
  return Array.isArray(measure.formFields) ? (measure.formFields as MeasureFormField[]) : [];
}

/** The terms of a measure at an instant: the round shown then, and the cap and rate in force (the round's, else the measure's). */
export interface MeasureTerms {
  round: MeasureRoundRow | null;
  maxAmountYen: number | null;
  subsidyRate: string | null;
}

/**
 * The terms in force at an instant: the open round, else the next, else the last (as acceptingFrom/Until show),
 * with that round's cap and rate when it sets them. Applications use it to check a granted amount against the cap.
 */
export function measureTermsAt(measure: Pick<MeasureRow, 'maxAmountYen' | 'subsidyRate'>, rounds: readonly MeasureRoundRow[], at: Date): MeasureTerms {
  const round = displayRoundAt(rounds, at);
  return {
    round,
    maxAmountYen: round?.maxAmountYen ?? measure.maxAmountYen ?? null,
    subsidyRate: round?.subsidyRate ?? measure.subsidyRate ?? null,
  };
}

/** Whether a measure accepts applications at an instant (always-open, or inside a round; bounds inclusive). */
export async function isMeasureOpenAt(ctx: Context, measure: Pick<MeasureRow, 'id' | 'alwaysOpen'>, at: Date): Promise<boolean> {
  if (measure.alwaysOpen) return true;
  return isOpenAt(false, await roundsOf(ctx, measure), at);
}

/** A round with its status at an instant (GraphQL MeasureRound). */
export function roundWithStatus(round: MeasureRoundRow, at: Date): MeasureRoundRow & { status: RoundStatus } {
  return { ...round, status: roundStatusAt(round, at) as RoundStatus };
}

/** The detail HTML of a measure, sanitised again on the way out (whatever wrote it). */
export function safeDetailHtml(measure: Pick<MeasureRow, 'detailHtml'>): string | null {
  return measure.detailHtml ? sanitizeDetailHtml(measure.detailHtml) || null : null;
}

// ---------------------------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------------------------

const PREFECTURE_CODE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;
const JSIC_CODE = /^[A-T]([0-9]{2,4})?$/;
const SOURCES = ['CATALOGUE', 'JGRANTS'];

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE conditions of a measure filter (validated; BAD_USER_INPUT names the field). */
export function measureFilterConditions(filter: MeasureFilter | null | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (!filter) return conditions;
  if (filter.keyword !== null && filter.keyword !== undefined) {
    const term = filter.keyword.trim();
    if (term.length === 0) throw badInput('keyword must not be blank', 'filter.keyword');
    if (term.length > 200) throw badInput('keyword must be at most 200 characters', 'filter.keyword');
    // full-width letters and digits (ＩＴ, ３) match their half-width forms too
    const terms = [...new Set([term, term.normalize('NFKC')])];
    conditions.push(or(...terms.flatMap((t) => [ilike(measures.title, likePattern(t)), ilike(measures.summary, likePattern(t))]))!);
  }
  if (filter.kind && filter.kind.length > 0) conditions.push(inArray(measures.kind, filter.kind));
  if (filter.source && filter.source.length > 0) {
    const unknown = filter.source.find((s) => !SOURCES.includes(s));
    if (unknown !== undefined) throw badInput(`source must be one of ${SOURCES.join(', ')}, got "${unknown}"`, 'filter.source');
    conditions.push(inArray(measures.source, filter.source));
  }
  if (filter.openAt !== null && filter.openAt !== undefined) {
    if (!(filter.openAt instanceof Date) || Number.isNaN(filter.openAt.getTime())) throw badInput('openAt must be a date-time', 'filter.openAt');
    const at = filter.openAt.toISOString();
    conditions.push(sql`(${measures.alwaysOpen} OR EXISTS (
      SELECT 1 FROM measure_rounds r
      WHERE r.measure_id = ${measures.id}
        AND (r.accepting_from IS NOT NULL OR r.accepting_until IS NOT NULL)
        AND (r.accepting_from IS NULL OR r.accepting_from <= ${at}::timestamptz)
        AND (r.accepting_until IS NULL OR r.accepting_until >= ${at}::timestamptz)))`);
  }
  if (filter.prefectureCode !== null && filter.prefectureCode !== undefined) {
    if (!PREFECTURE_CODE.test(filter.prefectureCode)) throw badInput(`prefectureCode must be a JIS X 0401 code 01..47, got "${filter.prefectureCode}"`, 'filter.prefectureCode');
    conditions.push(sql`(cardinality(${measures.targetPrefectures}) = 0 OR ${filter.prefectureCode}::text = ANY(${measures.targetPrefectures}))`);
  }
  if (filter.industryCode !== null && filter.industryCode !== undefined) {
    const code = filter.industryCode.trim().toUpperCase();
    if (!JSIC_CODE.test(code)) throw badInput(`industryCode must be a JSIC code such as "E", "E24" or "G391", got "${filter.industryCode}"`, 'filter.industryCode');
    // a measure for E covers a company in E24 (the code lies within it); a filter on E also finds a measure for E24
    conditions.push(sql`(cardinality(${measures.industries}) = 0 OR EXISTS (
      SELECT 1 FROM unnest(${measures.industries}) AS i(code)
      WHERE starts_with(${code}::text, i.code) OR starts_with(i.code, ${code}::text)))`);
  }
  return conditions;
}

/** Lists measures matching a filter, ordered by id (byte order: stable), with Relay cursors and the total count. */
export async function listMeasures(ctx: Context, filter: MeasureFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<MeasureRow>> {
  const limit = pageSize(first);
  const conditions = measureFilterConditions(filter);
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const cursor = decodeCursor(after, 1);
  // byte order (COLLATE "C"), so pages come in the same order whatever the database's collation
  const pageWhere = cursor ? and(where, sql`${measures.id} COLLATE "C" > ${String(cursor[0])}`) : where;
  const [rows, [counted]] = await Promise.all([
    ctx.db.select().from(measures).where(pageWhere).orderBy(sql`${measures.id} COLLATE "C"`).limit(limit + 1),
    ctx.db.select({ total: sql<number>`count(*)::int` }).from(measures).where(where),
  ]);
  for (const row of rows) measureByIdLoader(ctx).prime(row.id, row);
  return toPage(rows, limit, Number(counted!.total), (row) => [row.id]);
}

// ---------------------------------------------------------------------------------------------
// Eligibility
// ---------------------------------------------------------------------------------------------

/** The result of {@link eligibilityFor} (GraphQL Eligibility, with the measure as its row). */
export interface EligibilityOutcome extends Omit<Eligibility, 'measure'> {
  measure: MeasureRow;
}

/**
 * Judges one company against one measure: every criterion (hard and soft) with its outcome and a Japanese detail,
 * and the verdict. The company's data is confidential: the viewer needs PROFILE access (anonymous → FORBIDDEN).
 * BAD_USER_INPUT for a malformed 法人番号; NOT_FOUND for an unknown company or measure.
 */
export async function eligibilityFor(ctx: Context, corporateNumber: string, measureId: string): Promise<EligibilityOutcome> {
  const number = parseCorporateNumber(corporateNumber);
  const [company, measure] = await Promise.all([findByCorporateNumber(ctx, number), requireMeasure(ctx, measureId)]);
  if (!company) throw notFound(`no company with 法人番号 ${number}`);
  await assertCanRead(ctx, company, 'PROFILE', 'Query.eligibility');
  const profile = await companyProfileFor(ctx, company);
  const result = evaluateEligibility(criteriaOf(measure), profile.facts);
  const checks = result.checks.map((check) => {
    const missingData = check.passed === null ? missingDataFor(profile, check.missing) : [];
    // derived items (中小企業区分, みなし大企業 …) name the data they wait for
    const derived = check.missing.some((item) => item in profile.missingInputs);
    const detail = derived && missingData.length > 0 ? `${check.detail} — 必要なデータ: ${missingData.map(dataItemLabel).join('、')}` : check.detail;
    return {
      criterion: { id: check.criterion.id, description: check.criterion.description, hard: check.criterion.hard, weight: check.criterion.weight ?? null, rule: check.criterion.rule },
      passed: check.passed,
      detail,
      missingData,
    };
  });
  return {
    measure,
    verdict: result.verdict as EligibilityVerdict,
    checks,
    missingData: missingDataFor(profile, result.missing),
    softScore: result.softScore,
    evaluatedAt: ctx.now,
  };
}

// ---------------------------------------------------------------------------------------------
// Catalogue → database
// ---------------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The stored form of a catalogue measure (rounds keyed `<measure id>:<round id>`; notes become the detail HTML). */
export function catalogueMeasureRecord(definition: MeasureDefinition, catalogueVersion: string): MeasureRecord {
  const notes = definition.notes.length > 0
    ? `<h3>注記</h3><ul>${definition.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`
    : null;
  return {
    measure: {
      id: definition.id,
      title: definition.title,
      kind: definition.kind,
      agency: definition.agency,
      summary: definition.summary,
      detailHtml: notes,
      maxAmountYen: definition.maxAmountYen,
      subsidyRate: definition.subsidyRate,
      url: definition.url,
      alwaysOpen: definition.alwaysOpen,
      targetPrefectures: [...definition.targetPrefectures],
      industries: [...definition.industries],
      usePurposes: [...definition.usePurposes],
      unlocks: [...definition.unlocks],
      exclusionMonths: definition.exclusionMonths,
      criteria: definition.criteria,
      formFields: definition.formFields,
      source: CATALOGUE_SOURCE,
      sourceRef: `seeds/measures/catalogue.json#${definition.id}`,
      jgrantsId: null,
      catalogueVersion,
    },
    rounds: definition.rounds.map((round) => ({
      id: `${definition.id}:${round.id}`,
      label: round.label,
      acceptingFrom: new Date(round.acceptingFrom),
      acceptingUntil: new Date(round.acceptingUntil),
      maxAmountYen: round.maxAmountYen ?? null,
      subsidyRate: round.subsidyRate ?? null,
      targetPrefectures: null,
    })),
  };
}

/** What {@link syncCatalogue} did. */
export interface CatalogueSyncSummary {
  version: string;
  created: string[];
  changed: string[];
  unchanged: string[];
  /** catalogue measures no longer in the file and referenced by nothing: deleted with their rounds */
  removed: string[];
  /** catalogue measures no longer in the file but referenced by applications or records: kept as they are */
  retained: string[];
}

/**
 * Loads the measure catalogue into the database, idempotently: every measure and its rounds is upserted by id with
 * a content hash, so unchanged measures are not touched (and a rerun writes nothing). Catalogue measures that left
 * the file are deleted unless applications, support records or certifications reference them (then they are kept
 * as they were). Jグランツ measures are never touched. Safe to run from several processes at once (advisory lock).
 * Call it at server start after the migrations.
 */
export async function syncCatalogue(database: Database, catalogue: MeasureCatalogue = loadCatalogue()): Promise<CatalogueSyncSummary> {
  const records = catalogue.measures.map((definition) => catalogueMeasureRecord(definition, catalogue.version));
  const ids = records.map((record) => record.measure.id);
  const summary = await database.db.transaction(async (tx) => {
    await lockMeasureWrites(tx);
    const written = await writeMeasureRecords(tx, records);
    const gone = (await tx.select({ id: measures.id }).from(measures)
      .where(and(eq(measures.source, CATALOGUE_SOURCE), notInArray(measures.id, ids)))).map((row) => row.id);
    let retained: string[] = [];
    if (gone.length > 0) {
      const applied = await tx.selectDistinct({ id: applications.measureId }).from(applications).where(inArray(applications.measureId, gone));
      const received = await tx.selectDistinct({ id: supportRecords.measureId }).from(supportRecords).where(inArray(supportRecords.measureId, gone));
      const certified = await tx.selectDistinct({ id: certifications.measureId }).from(certifications).where(inArray(certifications.measureId, gone));
      const referenced = new Set([...applied, ...received, ...certified].map((row) => row.id));
      retained = gone.filter((id) => referenced.has(id));
      const removable = gone.filter((id) => !referenced.has(id));
      if (removable.length > 0) {
        // stored recommendations point at measures without a foreign key: drop the ones that would dangle
        await tx.delete(storedRecommendations).where(inArray(storedRecommendations.measureId, removable));
        await tx.delete(measures).where(inArray(measures.id, removable));
      }
      return { version: catalogue.version, ...written, removed: removable, retained };
    }
    return { version: catalogue.version, ...written, removed: [], retained };
  });
  invalidateRecommendationCatalogue(database);
  return summary;
}

/** One line about a catalogue sync, for logs: "measure catalogue 2026-11-25.1: 66 measures (3 new, 1 changed, …)". */
export function catalogueSyncMessage(summary: CatalogueSyncSummary): string {
  const total = summary.created.length + summary.changed.length + summary.unchanged.length;
  const parts = [`${summary.created.length} new`, `${summary.changed.length} changed`, `${summary.unchanged.length} unchanged`];
  if (summary.removed.length > 0) parts.push(`${summary.removed.length} removed`);
  if (summary.retained.length > 0) parts.push(`${summary.retained.length} kept for their applications`);
  return `measure catalogue ${summary.version}: ${total} measures (${parts.join(', ')})`;
}
