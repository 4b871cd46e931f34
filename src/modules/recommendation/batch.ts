/**
 * Push-type recommendations for every company (`sdp recommend --all`).
 *
 * Set-based and in memory: companies are read in id order, in chunks (a keyset cursor: `id > last`), with one query
 * per source table per chunk (companies, facts, certifications, support records, applications, sales, stored
 * recommendations); each company is evaluated by the same engine and the same fact gathering as the on-demand
 * query; each chunk is written back in one transaction with the run row's progress: new rows in one multi-row write
 * (COPY on PostgreSQL, a JSON recordset on PGlite), changed and dropped rows in one multi-row update each. Reading the
 * next chunk and writing the previous one overlap with evaluating the current one (PostgreSQL works on one core while
 * Node evaluates on the other). See docs/adr/0005-recommendation-batch.md.
 *
 * - Push: a company's top `push.topN` recommendations scoring at least `push.minScore` are stored. A row keeps its
 *   `first_recommended_at` / `first_run_id` for as long as it exists, so "new" means new to the company; a row that
 *   leaves the top is kept with `dropped_at` (and is not new again if it comes back).
 * - Incremental: a rerun compares every measure's state (content hash, window and deadline bucket, adoption
 *   statistics) with the last finished run. If any measure changed, every company is recomputed (any company may
 *   now qualify), but only rows whose content changed are written. Otherwise only the companies that changed since
 *   the last run started are recomputed: companies.updated_at, facts.recorded_at, applications.updated_at, plus
 *   the time-driven changes (a business anniversary changes yearsInBusiness; an exclusion period ends).
 * - Interruptible: the run row records the last company id done after each chunk; an interrupted run (signal, or a
 *   killed process) is resumed by the next invocation when the catalogue is the same, else abandoned.
 */
import type { Database, RawQuery } from '../../db/client.js';
import { pickCurrent, type FactVersion } from '../facts/precedence.js';
import { buildCompanyFacts } from '../measure/company-facts.js';
import { ruleItems } from '../measure/criteria.js';
import { loadedCatalogue, readAdoptionStats } from './catalogue-cache.js';
import { applicationRecordOf, receivedSupportOf } from './company-history.js';
import { measureTimeState, recommend, type AdoptionStats, type EngineRecommendation, type PreparedCatalogue } from './engine.js';
import { hashOf } from './rules.js';

/** Companies per chunk (one transaction each). */
export const DEFAULT_CHUNK_SIZE = 5_000;
/** Session advisory lock that keeps two batch runs from overlapping on PostgreSQL. */
const BATCH_LOCK = 724_101;

/** The fact keys the company-facts gathering reads, besides the `ext.` items the catalogue's criteria use. */
const GATHERED_FACT_KEYS = [
  'industryCode', 'capitalYen', 'employees', 'establishedOn', 'averageTaxableIncomeYen', 'majorShareholders', 'officersTotal',
  'officersFromLargeEnterprises', 'officersFromDeemedLargeEnterprises', 'certifications', 'supportReceived', 'netSalesYen',
  'prefectureCode', 'closedOn', 'closeDate', 'needs',
];

export interface BatchOptions {
  /** Recompute every company even when nothing changed. */
  readonly full?: boolean;
  readonly chunkSize?: number;
  /** The evaluation instant (default: now). */
  readonly now?: Date;
  /** Stops after the current chunk; the run is left INTERRUPTED and resumes next time. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BatchProgress) => void;
}

export interface BatchProgress {
  readonly companiesDone: number;
  readonly companiesTotal: number;
  readonly recommendationsNew: number;
}

export interface BatchSummary {
  readonly runId: number;
  readonly status: 'DONE' | 'INTERRUPTED';
  readonly mode: 'FULL' | 'INCREMENTAL';
  readonly resumed: boolean;
  /** Measures whose state differs from the last finished run (all of them on the first run). */
  readonly changedMeasures: readonly string[];
  readonly companiesTotal: number;
  /** Companies processed by this invocation. */
  readonly companiesProcessed: number;
  readonly recommendationsNew: number;
  readonly recommendationsChanged: number;
  readonly recommendationsDropped: number;
  readonly elapsedMs: number;
  /** Time spent by this invocation reading chunks, evaluating them in memory, and writing them back. */
  readonly phasesMs: { readonly read: number; readonly evaluate: number; readonly write: number };
}

interface RunRow {
  id: number;
  status: string;
  mode: 'FULL' | 'INCREMENTAL';
  since: Date | null;
  catalogue_hash: string;
  measure_states: Record<string, string>;
  last_company_id: number;
  companies_done: number;
  companies_total: number | null;
  started_at: Date;
  recommendations_new: number;
  recommendations_changed: number;
  recommendations_dropped: number;
}

/** The state of every measure a rerun compares: content, time state, adoption signature. */
export function measureStates(prepared: PreparedCatalogue, now: Date, adoption: AdoptionStats): Record<string, string> {
  const adoptionByMeasure = new Map<string, string[]>();
  const minDecided = prepared.scoreRules.similarAdoption?.minDecided ?? 1;
  if (prepared.scoreRules.similarAdoption) {
    for (const [key, counts] of adoption) {
      if (counts.decided < minDecided) continue;
      const [measureId, ...segment] = key.split('|');
      const list = adoptionByMeasure.get(measureId!) ?? [];
      list.push(`${segment.join('|')}:${Math.round((counts.adopted / counts.decided) * 10)}`);
      adoptionByMeasure.set(measureId!, list);
    }
  }
  const states: Record<string, string> = {};
  for (const measure of prepared.measures) {
    const adoptionSignature = (adoptionByMeasure.get(measure.measure.id) ?? []).sort().join(',');
    states[measure.measure.id] = `${measure.hash.slice(0, 16)}|${measureTimeState(prepared, measure, now)}|${adoptionSignature ? hashOf(adoptionSignature).slice(0, 12) : '-'}`;
  }
  return states;
}

function changedMeasureIds(before: Record<string, string>, after: Record<string, string>): string[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids].filter((id) => before[id] !== after[id]).sort();
}

const sameStates = (a: Record<string, string>, b: Record<string, string>) => changedMeasureIds(a, b).length === 0;

/** A connection of our own on PostgreSQL: it holds the batch lock for the run and does the chunk writes (COPY). */
interface BatchConnection {
  /** runs statements in one transaction; `copy` streams COPY … FROM STDIN text inside it */
  transaction(work: (query: RawQuery, copy: (statement: string, text: string) => Promise<void>) => Promise<void>): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the batch lock. On PostgreSQL a dedicated connection holds a session advisory lock for the whole run (a
 * second `sdp recommend` fails at once) and carries the writes; PGlite is single-process already (data-dir lock),
 * so there the writes go through the database's own transactions.
 */
async function acquireBatchConnection(database: Database): Promise<BatchConnection | null> {
  if (database.driver !== 'postgres' || !database.url) return null;
  const { default: postgres } = await import('postgres');
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  const [row] = await client`SELECT pg_try_advisory_lock(${BATCH_LOCK}) AS locked`;
  if (!row?.locked) {
    await client.end({ timeout: 5 });
    throw new Error('another `sdp recommend --all` is running on this database');
  }
  return {
    async transaction(work) {
      await client.begin(async (tx) => {
        const query: RawQuery = async <T>(text: string, params: unknown[] = []) => (await tx.unsafe(text, params as never[])) as unknown as T[];
        const copy = async (statement: string, text: string) => {
          const stream = await tx.unsafe(statement).writable();
          await new Promise<void>((resolve, reject) => {
            stream.on('error', reject);
            stream.on('finish', resolve);
            stream.end(text);
          });
        };
        await work(query, copy);
      });
    },
    async release() {
      await client`SELECT pg_advisory_unlock(${BATCH_LOCK})`;
      await client.end({ timeout: 5 });
    },
  };
}

const RUN_COLUMNS = `id::float8 AS id, status, mode, since, catalogue_hash, measure_states, last_company_id::float8 AS last_company_id, companies_done, companies_total, started_at,
  recommendations_new, recommendations_changed, recommendations_dropped`;

function yearsDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Ids of the companies whose recommendations may have changed since `since` (see the module comment). */
async function changedCompanyIds(database: Database, since: Date, now: Date, prepared: PreparedCatalogue): Promise<number[]> {
  const statuses = [...prepared.excludingStatuses];
  const rows = await database.query<{ id: number }>(
    `SELECT id::float8 AS id FROM (
        SELECT id FROM companies WHERE updated_at > $1
        UNION SELECT company_id FROM facts WHERE recorded_at > $1
        UNION SELECT company_id FROM applications WHERE updated_at > $1
        UNION SELECT id FROM companies
          WHERE established_on IS NOT NULL AND date_part('year', age($3::date, established_on)) <> date_part('year', age($4::date, established_on))
        UNION SELECT s.company_id FROM support_records s JOIN measures m ON m.id = s.measure_id
          WHERE s.approved_on IS NOT NULL
            AND ((s.approved_on::timestamp AT TIME ZONE 'Asia/Tokyo') + make_interval(months => coalesce(m.exclusion_months, $5))) BETWEEN $1 AND $2
        UNION SELECT a.company_id FROM applications a JOIN measures m ON m.id = a.measure_id
          WHERE a.status = ANY($6::text[])
            AND (coalesce(a.decided_at, a.submitted_at, a.updated_at) + make_interval(months => coalesce(m.exclusion_months, $5))) BETWEEN $1 AND $2
      ) changed ORDER BY id`,
    [since.toISOString(), now.toISOString(), yearsDate(now), yearsDate(since), prepared.rules.settings.defaultExclusionMonths, `{${statuses.join(',')}}`],
  );
  return rows.map((row) => Number(row.id));
}

interface ChunkCompany {
  id: number;
  kind: string;
  industry_code: string | null;
  capital_yen: number | null;
  employees: number | null;
  established_on: string | null;
  prefecture_code: string | null;
  close_date: string | null;
}

const COMPANY_COLUMNS = `id::float8 AS id, kind, industry_code, capital_yen::float8 AS capital_yen, employees, established_on::text AS established_on, prefecture_code, close_date::text AS close_date`;

/** One chunk's reads, grouped by company id. */
type ChunkReads = Awaited<ReturnType<typeof readChunk>>;

/** One chunk's reads: one query per table, all for the chunk's companies. */
async function readChunk(database: Database, companies: ChunkCompany[], factKeys: ReadonlySet<string>, contiguous: boolean) {
  const ids = companies.map((company) => company.id);
  // An id range lets PostgreSQL walk the company_id indexes; a list of 5,000 ids alone makes it scan whole tables.
  // A chunk of a full run is every company in its range; an incremental chunk also names its companies.
  const where = contiguous ? 'company_id BETWEEN $1 AND $2' : 'company_id BETWEEN $1 AND $2 AND company_id = ANY($3::bigint[])';
  const params = contiguous ? [ids[0], ids[ids.length - 1]] : [ids[0], ids[ids.length - 1], `{${ids.join(',')}}`];
  const [facts, certifications, support, applications, sales, stored] = await Promise.all([
    // only the items the gathering reads (PostgreSQL filters for less than Node would spend parsing the rest)
    database.query<{ id: number; company_id: number; key: string; value: unknown; source: string; as_of: Date }>(
      `SELECT id::float8 AS id, company_id::float8 AS company_id, key, value, source, as_of FROM facts WHERE ${where} AND key = ANY($${params.length + 1}::text[])`,
      [...params, `{${[...factKeys].join(',')}}`],
    ),
    database.query<{ company_id: number; title: string }>(`SELECT company_id::float8 AS company_id, title FROM certifications WHERE ${where}`, params),
    database.query<{ company_id: number; measure_id: string | null; title: string; approved_on: string | null }>(
      `SELECT company_id::float8 AS company_id, measure_id, title, approved_on::text AS approved_on FROM support_records WHERE ${where}`, params,
    ),
    database.query<{ company_id: number; measure_id: string; status: string; decided_at: Date | null; submitted_at: Date | null; updated_at: Date }>(
      `SELECT company_id::float8 AS company_id, measure_id, status, decided_at, submitted_at, updated_at FROM applications WHERE ${where}`, params,
    ),
    database.query<{ company_id: number; net_sales_yen: number }>(
      `SELECT DISTINCT ON (company_id) company_id::float8 AS company_id, net_sales_yen::float8 AS net_sales_yen
         FROM financials WHERE ${where} AND net_sales_yen IS NOT NULL ORDER BY company_id, fiscal_year DESC`, params,
    ),
    database.query<StoredRow>(
      `SELECT company_id::float8 AS company_id, measure_id, content_hash, dropped_at IS NOT NULL AS dropped FROM stored_recommendations WHERE ${where}`, params,
    ),
  ]);
  const group = <R extends { company_id: number }>(rows: R[]) => {
    const map = new Map<number, R[]>();
    for (const row of rows) {
      const key = Number(row.company_id);
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(row);
    }
    return map;
  };
  return {
    facts: group(facts),
    certifications: group(certifications),
    support: group(support),
    applications: group(applications),
    sales: new Map(sales.map((row) => [Number(row.company_id), Number(row.net_sales_yen)])),
    stored: group(stored),
  };
}

interface StoredRow {
  company_id: number;
  measure_id: string;
  content_hash: string | null;
  dropped: boolean;
}

/** One stored row to write; missing data and rule ids are kept as the JSON / array text they are written as. */
interface RowRecord {
  company_id: number;
  measure_id: string;
  score: number;
  verdict: string;
  /** reason lines (ids are given by the writer's dictionary) */
  reasons: readonly string[];
  missingJson: string;
  upcoming: boolean;
  ruleIds: string;
  rank: number;
  content_hash: string;
}

/** 53-bit string hash (cyrb53): fast, allocation-free; collisions only cost a missed rewrite of an equal-looking row. */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Hashes of reason lines: lines repeat across companies, so each is hashed once. */
const lineHashes = new Map<string, number>();

function reasonsHash(reasons: readonly string[]): number {
  let hash = reasons.length;
  for (const line of reasons) {
    let lineHash = lineHashes.get(line);
    if (lineHash === undefined) {
      if (lineHashes.size >= 100_000) lineHashes.clear();
      lineHashes.set(line, (lineHash = hash53(line, 7)));
    }
    hash = hash53(`${hash}:${lineHash}`, 3);
  }
  return hash;
}

/** Digest of what a stored row says (score, verdict, upcoming, rank, reasons, missing data, rule ids). */
function contentHash(score: number, verdict: string, upcoming: boolean, rank: number, reasons: readonly string[], missingJson: string, ruleIds: string): string {
  return `${hash53(`${Math.fround(score)}|${verdict}|${upcoming ? 1 : 0}|${rank}|${ruleIds}|${missingJson}`).toString(36)}.${reasonsHash(reasons).toString(36)}`;
}

/** Digest of what a stored row would say for a recommendation at a rank. */
export function contentHashOf(recommendation: EngineRecommendation, rank: number): string {
  return contentHash(recommendation.score, recommendation.verdict, recommendation.upcoming, rank, recommendation.reasons, JSON.stringify(recommendation.missingData), `{${recommendation.ruleIds.join(',')}}`);
}

/** A json(b) column of a structure (both drivers parse json; a string here is the unparsed text). */
const asJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Facts of one company from the chunk's rows, through the same gathering as the on-demand path. */
function companyFactsOf(company: ChunkCompany, reads: ChunkReads, now: Date) {
  const versions: FactVersion[] = (reads.facts.get(company.id) ?? []).map((row) => ({
    key: row.key, value: row.value, source: row.source, sourceRef: null, asOf: row.as_of instanceof Date ? row.as_of : new Date(row.as_of), id: Number(row.id),
  }));
  const current = new Map(pickCurrent(versions).map((version) => [version.key, version.value]));
  return buildCompanyFacts({
    company: {
      kind: company.kind,
      industryCode: company.industry_code,
      capitalYen: company.capital_yen === null ? null : Number(company.capital_yen),
      employees: company.employees,
      establishedOn: company.established_on,
      prefectureCode: company.prefecture_code,
      closeDate: company.close_date,
    },
    currentFacts: current,
    certificationTitles: (reads.certifications.get(company.id) ?? []).map((row) => row.title),
    supportReceived: (reads.support.get(company.id) ?? []).map((row) => ({ measureId: row.measure_id, title: row.title })),
    latestNetSalesYen: reads.sales.get(company.id) ?? null,
  }, now).facts;
}

/** What evaluating a chunk decided to write. */
interface ChunkResult {
  /** rows new to their company */
  inserts: RowRecord[];
  /** rows whose content changed, or that come back after being dropped */
  updates: RowRecord[];
  drops: Array<{ company_id: number; measure_id: string }>;
  lastId: number;
  companies: number;
}

/** Evaluates a chunk (CPU only): the top recommendations of every company, compared with what is stored. */
function evaluateChunk(companies: ChunkCompany[], reads: ChunkReads, prepared: PreparedCatalogue, adoption: AdoptionStats, now: Date): ChunkResult {
  const { topN, minScore } = prepared.rules.settings.push;
  const result: ChunkResult = { inserts: [], updates: [], drops: [], lastId: companies[companies.length - 1]!.id, companies: companies.length };
  for (const company of companies) {
    const facts = companyFactsOf(company, reads, now);
    const received = receivedSupportOf((reads.support.get(company.id) ?? []).map((row) => ({ measureId: row.measure_id, approvedOn: row.approved_on })));
    const applications = (reads.applications.get(company.id) ?? []).map((row) => applicationRecordOf({
      measureId: row.measure_id, status: row.status, decidedAt: row.decided_at, submittedAt: row.submitted_at, updatedAt: row.updated_at,
    }));
    const fresh = recommend(prepared, { facts, received, applications }, { now, limit: topN, minScore, adoption });
    const storedRows = reads.stored.get(company.id);
    const stored = new Map<string, StoredRow>();
    if (storedRows) for (const row of storedRows) stored.set(row.measure_id, row);
    fresh.forEach((recommendation, index) => {
      const rank = index + 1;
      const missingJson = JSON.stringify(recommendation.missingData);
      const ruleIds = `{${recommendation.ruleIds.join(',')}}`;
      const hash = contentHash(recommendation.score, recommendation.verdict, recommendation.upcoming, rank, recommendation.reasons, missingJson, ruleIds);
      const before = stored.get(recommendation.measureId);
      stored.delete(recommendation.measureId);
      if (before && !before.dropped && before.content_hash === hash) return;
      const row: RowRecord = {
        company_id: company.id, measure_id: recommendation.measureId, score: recommendation.score, verdict: recommendation.verdict,
        reasons: recommendation.reasons, missingJson, upcoming: recommendation.upcoming, ruleIds, rank, content_hash: hash,
      };
      (before ? result.updates : result.inserts).push(row);
    });
    for (const left of stored.values()) if (!left.dropped) result.drops.push({ company_id: company.id, measure_id: left.measure_id });
  }
  return result;
}

const ROW_COLUMNS = 'company_id, measure_id, score, verdict, reason_ids, missing_data, first_recommended_at, computed_at, run_id, first_run_id, upcoming, rule_ids, rank, content_hash, dropped_at';
const RECORD_TYPE = 'company_id bigint, measure_id text, score real, verdict text, reason_ids integer[], missing_data jsonb, upcoming boolean, rule_ids text[], rank smallint, content_hash text';

/** New rows from a JSON recordset (PGlite; ON CONFLICT keeps a rerun of a chunk harmless). */
const INSERT_SQL = `
  INSERT INTO stored_recommendations AS s (${ROW_COLUMNS})
  SELECT x.company_id, x.measure_id, x.score, x.verdict, x.reason_ids, x.missing_data, $2::timestamptz, $2::timestamptz, $3, $3, x.upcoming, x.rule_ids, x.rank, x.content_hash, NULL
    FROM jsonb_to_recordset($1::text::jsonb) AS x(${RECORD_TYPE})
  ON CONFLICT (company_id, measure_id) DO NOTHING`;

/** Changed rows (first_recommended_at and first_run_id stay). */
const UPDATE_SQL = `
  UPDATE stored_recommendations s SET
    score = x.score, verdict = x.verdict, reason_ids = x.reason_ids, missing_data = x.missing_data, computed_at = $2::timestamptz, run_id = $3,
    upcoming = x.upcoming, rule_ids = x.rule_ids, rank = x.rank, content_hash = x.content_hash, dropped_at = NULL
    FROM jsonb_to_recordset($1::text::jsonb) AS x(${RECORD_TYPE})
   WHERE s.company_id = x.company_id AND s.measure_id = x.measure_id`;

const DROP_SQL = `
  UPDATE stored_recommendations s SET dropped_at = $2::timestamptz, run_id = $3
    FROM jsonb_to_recordset($1::text::jsonb) AS x(company_id bigint, measure_id text)
   WHERE s.company_id = x.company_id AND s.measure_id = x.measure_id`;

const PROGRESS_SQL = `
  UPDATE recommendation_runs SET last_company_id = $2, companies_done = companies_done + $3, recommendations_new = recommendations_new + $4,
         recommendations_changed = recommendations_changed + $5, recommendations_dropped = recommendations_dropped + $6 WHERE id = $1`;

/** Reason line → id of recommendation_reason_lines, kept for the run; grown by the writer. */
type ReasonDictionary = Map<string, number>;

/** Loads the reason-line dictionary (thousands of lines at most: they repeat across companies). */
async function loadReasonDictionary(database: Database): Promise<ReasonDictionary> {
  const rows = await database.query<{ id: number; line: string }>('SELECT id, line FROM recommendation_reason_lines');
  return new Map(rows.map((row) => [row.line, Number(row.id)]));
}

/** Adds the chunk's new lines to the dictionary table (append-only, committed on its own) and to the map. */
async function extendReasonDictionary(query: RawQuery, dictionary: ReasonDictionary, rows: readonly RowRecord[]): Promise<void> {
  const fresh = new Set<string>();
  for (const row of rows) for (const line of row.reasons) if (!dictionary.has(line)) fresh.add(line);
  if (fresh.size === 0) return;
  const json = JSON.stringify([...fresh]);
  await query(`INSERT INTO recommendation_reason_lines (line) SELECT value FROM jsonb_array_elements_text($1::text::jsonb) ON CONFLICT (line) DO NOTHING`, [json]);
  const known = await query<{ id: number; line: string }>(
    `SELECT id, line FROM recommendation_reason_lines WHERE line IN (SELECT value FROM jsonb_array_elements_text($1::text::jsonb))`, [json],
  );
  for (const row of known) dictionary.set(row.line, Number(row.id));
}

const idsOf = (dictionary: ReasonDictionary, reasons: readonly string[]): string => `{${reasons.map((line) => dictionary.get(line)!).join(',')}}`;

/** JSON text inside COPY's text format: backslashes doubled (JSON has no raw tabs or newlines). */
function copyJson(json: string): string {
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}

/** The COPY text of new rows (ids, slugs, words and digests: only the JSON needs escaping). */
function copyText(rows: readonly RowRecord[], dictionary: ReasonDictionary, at: string, runId: number): string {
  let text = '';
  for (const row of rows) {
    text += `${row.company_id}\t${row.measure_id}\t${row.score}\t${row.verdict}\t${idsOf(dictionary, row.reasons)}\t${copyJson(row.missingJson)}\t${at}\t${at}\t${runId}\t${runId}\t${row.upcoming ? 't' : 'f'}\t${row.ruleIds}\t${row.rank}\t${row.content_hash}\t\\N\n`;
  }
  return text;
}

/** The rows as a JSON recordset for jsonb_to_recordset. */
function recordsetJson(rows: readonly RowRecord[], dictionary: ReasonDictionary): string {
  const parts = rows.map((row) => `{"company_id":${row.company_id},"measure_id":${JSON.stringify(row.measure_id)},"score":${row.score},"verdict":"${row.verdict}",`
    + `"reason_ids":[${row.reasons.map((line) => dictionary.get(line)!).join(',')}],"missing_data":${row.missingJson},"upcoming":${row.upcoming},`
    + `"rule_ids":${JSON.stringify(row.ruleIds.slice(1, -1).split(',').filter(Boolean))},"rank":${row.rank},"content_hash":"${row.content_hash}"}`);
  return `[${parts.join(',')}]`;
}

/** Writes a chunk's result and the run's progress in one transaction (new reason lines first, on their own). */
async function writeChunk(database: Database, connection: BatchConnection | null, dictionary: ReasonDictionary, runId: number, result: ChunkResult, now: Date): Promise<void> {
  const at = now.toISOString();
  const written = [...result.inserts, ...result.updates];
  if (connection) await connection.transaction((query) => extendReasonDictionary(query, dictionary, written));
  else await extendReasonDictionary(database.query.bind(database) as RawQuery, dictionary, written);
  const statements = async (query: RawQuery, copy: ((statement: string, text: string) => Promise<void>) | null) => {
    if (result.inserts.length > 0) {
      if (copy) await copy(`COPY stored_recommendations (${ROW_COLUMNS}) FROM STDIN`, copyText(result.inserts, dictionary, at, runId));
      else await query(INSERT_SQL, [recordsetJson(result.inserts, dictionary), at, runId]);
    }
    if (result.updates.length > 0) await query(UPDATE_SQL, [recordsetJson(result.updates, dictionary), at, runId]);
    if (result.drops.length > 0) await query(DROP_SQL, [JSON.stringify(result.drops), at, runId]);
    await query(PROGRESS_SQL, [runId, result.lastId, result.companies, result.inserts.length, result.updates.length, result.drops.length]);
  };
  if (connection) await connection.transaction((query, copy) => statements(query, copy));
  else await database.transaction((query) => statements(query, null));
}

/** The fact keys to read: what the gathering uses plus every extension item a criterion reads. */
function factKeysFor(prepared: PreparedCatalogue): Set<string> {
  const keys = new Set(GATHERED_FACT_KEYS);
  for (const measure of prepared.measures) {
    for (const criterion of measure.measure.criteria) {
      for (const item of ruleItems(criterion.rule)) if (item.startsWith('ext.')) keys.add(item.slice(4));
    }
  }
  return keys;
}

/** Per measure: companies pushed to (ever), holding it now, new in this run. */
async function computeRunStats(database: Database, runId: number): Promise<Record<string, { pushed: number; active: number; new: number }>> {
  const rows = await database.query<{ measure_id: string; pushed: number; active: number; fresh: number }>(
    `SELECT measure_id, count(*)::int AS pushed, count(*) FILTER (WHERE dropped_at IS NULL)::int AS active,
            count(*) FILTER (WHERE first_run_id = $1 AND dropped_at IS NULL)::int AS fresh
       FROM stored_recommendations GROUP BY measure_id ORDER BY measure_id`,
    [runId],
  );
  return Object.fromEntries(rows.map((row) => [row.measure_id, { pushed: Number(row.pushed), active: Number(row.active), new: Number(row.fresh) }]));
}

/**
 * Computes and stores the push-type recommendations of every company (or of the companies that changed since the
 * last run), resuming an interrupted run. Returns what it did; with `signal` aborted it stops after the current
 * chunk and leaves the run INTERRUPTED.
 */
export async function runRecommendationBatch(database: Database, options: BatchOptions = {}): Promise<BatchSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error('chunk size must be a positive integer');
  const connection = await acquireBatchConnection(database);
  try {
    const [loaded, adoption] = await Promise.all([loadedCatalogue(database), readAdoptionStats(database)]);
    const prepared = loaded.prepared;
    const states = measureStates(prepared, now, adoption);
    const [latest] = await database.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM recommendation_runs ORDER BY id DESC LIMIT 1`);
    const [previousDone] = await database.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM recommendation_runs WHERE status = 'DONE' ORDER BY id DESC LIMIT 1`);
    let run: RunRow;
    let resumed = false;
    const unfinished = latest && (latest.status === 'RUNNING' || latest.status === 'INTERRUPTED');
    if (unfinished && !options.full && latest.catalogue_hash === prepared.hash && sameStates(asJson(latest.measure_states) as Record<string, string>, states)) {
      run = latest;
      resumed = true;
      await database.query(`UPDATE recommendation_runs SET status = 'RUNNING' WHERE id = $1`, [run.id]);
    } else {
      if (unfinished) await database.query(`UPDATE recommendation_runs SET status = 'ABANDONED', finished_at = now() WHERE id = $1`, [latest.id]);
      const previousStates = previousDone ? (asJson(previousDone.measure_states) as Record<string, string>) : {};
      const changed = changedMeasureIds(previousStates, states);
      const mode = options.full || !previousDone || changed.length > 0 ? 'FULL' : 'INCREMENTAL';
      const since = mode === 'INCREMENTAL' ? previousDone!.started_at : null;
      const [inserted] = await database.query<RunRow>(
        `INSERT INTO recommendation_runs (catalogue_hash, status, mode, since, measure_states, rules_version, started_at)
         VALUES ($1, 'RUNNING', $2, $3, $4::jsonb, $5, $6) RETURNING ${RUN_COLUMNS}`,
        [prepared.hash, mode, since ? new Date(since).toISOString() : null, JSON.stringify(states), prepared.rules.version, now.toISOString()],
      );
      run = inserted!;
    }
    const previousStates = previousDone && previousDone.id !== run.id ? (asJson(previousDone.measure_states) as Record<string, string>) : {};
    const changedMeasures = changedMeasureIds(previousStates, states);

    // the run's scope: every company (keyset over ids) or the changed ones
    const incrementalIds = run.mode === 'INCREMENTAL' ? await changedCompanyIds(database, new Date(run.since!), now, prepared) : null;
    let total: number;
    if (incrementalIds) total = incrementalIds.length;
    else total = Number((await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM companies`))[0]!.n);
    await database.query(`UPDATE recommendation_runs SET companies_total = $2 WHERE id = $1`, [run.id, total]);

    const factKeys = factKeysFor(prepared);
    const dictionary = await loadReasonDictionary(database);
    let done = resumed ? Number(run.companies_done) : 0;
    const counters = { new: 0, changed: 0, dropped: 0 };
    const phases = { read: 0, evaluate: 0, write: 0 };
    const newBefore = resumed ? Number(run.recommendations_new) : 0;
    let processed = 0;
    let status: BatchSummary['status'] = 'DONE';

    /** Reads the chunk after `afterId`: its companies, then every other table for them. */
    const readAfter = async (afterId: number): Promise<{ companies: ChunkCompany[]; reads: ChunkReads | null; ms: number }> => {
      const startedAt = performance.now();
      let companies: ChunkCompany[];
      if (incrementalIds) {
        const ids = incrementalIds.filter((id) => id > afterId).slice(0, chunkSize);
        companies = ids.length === 0 ? [] : await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id = ANY($1::bigint[]) ORDER BY id`, [`{${ids.join(',')}}`]);
      } else {
        companies = await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, chunkSize]);
      }
      for (const company of companies) company.id = Number(company.id);
      const reads = companies.length === 0 ? null : await readChunk(database, companies, factKeys, incrementalIds === null);
      return { companies, reads, ms: performance.now() - startedAt };
    };

    // pipeline: while chunk k is evaluated, chunk k+1 is being read and chunk k-1 written
    // a failure is raised where the promise is awaited; the no-op handlers only keep Node from calling it unhandled meanwhile
    let reading = readAfter(Number(run.last_company_id));
    reading.catch(() => {});
    let writing: Promise<number> = Promise.resolve(0);
    try {
      for (;;) {
        const chunk = await reading;
        phases.read += chunk.ms;
        if (chunk.companies.length === 0 || !chunk.reads) break;
        if (options.signal?.aborted) {
          status = 'INTERRUPTED';
          break;
        }
        reading = readAfter(chunk.companies[chunk.companies.length - 1]!.id);
        reading.catch(() => {});
        const evaluatedAt = performance.now();
        const result = evaluateChunk(chunk.companies, chunk.reads, prepared, adoption, now);
        phases.evaluate += performance.now() - evaluatedAt;
        phases.write += await writing;
        done += result.companies;
        processed += result.companies;
        counters.new += result.inserts.length;
        counters.changed += result.updates.length;
        counters.dropped += result.drops.length;
        writing = (async () => {
          const writeStarted = performance.now();
          await writeChunk(database, connection, dictionary, run.id, result, now);
          options.onProgress?.({ companiesDone: done, companiesTotal: total, recommendationsNew: newBefore + counters.new });
          return performance.now() - writeStarted;
        })();
        writing.catch(() => {});
      }
      phases.write += await writing;
    } finally {
      // never leave a write running behind the caller's back (its failure was already raised, or is raised here)
      await writing.catch(() => 0);
    }
    if (status === 'DONE') {
      const stats = await computeRunStats(database, run.id);
      await database.query(`UPDATE recommendation_runs SET status = 'DONE', finished_at = now(), stats = $2::jsonb WHERE id = $1`, [run.id, JSON.stringify(stats)]);
    } else {
      await database.query(`UPDATE recommendation_runs SET status = 'INTERRUPTED' WHERE id = $1`, [run.id]);
    }
    const [final] = await database.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM recommendation_runs WHERE id = $1`, [run.id]);
    return {
      runId: run.id,
      status,
      mode: run.mode,
      resumed,
      changedMeasures,
      companiesTotal: total,
      companiesProcessed: processed,
      recommendationsNew: Number(final!.recommendations_new),
      recommendationsChanged: Number(final!.recommendations_changed),
      recommendationsDropped: Number(final!.recommendations_dropped),
      elapsedMs: Date.now() - started,
      phasesMs: { read: Math.round(phases.read), evaluate: Math.round(phases.evaluate), write: Math.round(phases.write) },
    };
  } finally {
    await connection?.release();
  }
}
