/**
 * One chunk of the push-type batch: read its companies' data (one query per table, by id range), evaluate them
 * (CPU only), write what changed (one transaction). Used by the batch in-process and by its worker threads.
 */
import type { Database, RawQuery } from '../../db/client.js';
import { pickCurrent, type FactVersion } from '../facts/precedence.js';
import { buildCompanyFacts } from '../measure/company-facts.js';
import { ruleItems } from '../measure/criteria.js';
import { applicationRecordOf, receivedSupportOf } from './company-history.js';
import { recommend, type AdoptionStats, type EngineRecommendation, type PreparedCatalogue } from './engine.js';

/** The fact keys the company-facts gathering reads, besides the `ext.` items the catalogue's criteria use. */
export const GATHERED_FACT_KEYS = [
  'industryCode', 'capitalYen', 'employees', 'establishedOn', 'averageTaxableIncomeYen', 'majorShareholders', 'officersTotal',
  'officersFromLargeEnterprises', 'officersFromDeemedLargeEnterprises', 'certifications', 'supportReceived', 'netSalesYen',
  'prefectureCode', 'closedOn', 'closeDate', 'needs',
];

/** A connection of our own on PostgreSQL that writes chunks (COPY inside transactions). */
export interface ChunkConnection {
  /** runs statements in one transaction; `copy` streams COPY … FROM STDIN text inside it */
  transaction(work: (query: RawQuery, copy: (statement: string, text: string) => Promise<void>) => Promise<void>): Promise<void>;
  /** the underlying client, for statements outside a transaction */
  query: RawQuery;
  close(): Promise<void>;
}

/** Opens a single-connection PostgreSQL client for chunk writes. */
export async function openChunkConnection(url: string): Promise<ChunkConnection> {
  const { default: postgres } = await import('postgres');
  const client = postgres(url, { max: 1, onnotice: () => {} });
  return {
    async transaction(work) {
      await client.begin(async (tx) => {
        const query: RawQuery = async <T>(text: string, params: unknown[] = []) => (await tx.unsafe(text, params as never[])) as unknown as T[];
        const copy = async (statement: string, text: string) => {
          const pending = tx.unsafe(statement);
          const stream = await pending.writable();
          // a failing COPY (e.g. a duplicate key) rejects the statement, not the stream: listen to both
          await new Promise<void>((resolve, reject) => {
            stream.on('error', reject);
            stream.on('finish', resolve);
            (pending as unknown as Promise<unknown>).then(undefined, reject);
            stream.end(text);
          });
          await pending;
        };
        await work(query, copy);
      });
    },
    query: async <T>(text: string, params: unknown[] = []) => (await client.unsafe(text, params as never[])) as unknown as T[],
    close: () => client.end({ timeout: 5 }),
  };
}

export interface ChunkCompany {
  id: number;
  kind: string;
  industry_code: string | null;
  capital_yen: number | null;
  employees: number | null;
  established_on: string | null;
  prefecture_code: string | null;
  close_date: string | null;
}

export const COMPANY_COLUMNS = `id::float8 AS id, kind, industry_code, capital_yen::float8 AS capital_yen, employees, established_on::text AS established_on, prefecture_code, close_date::text AS close_date`;

/** One chunk's reads, grouped by company id. */
export type ChunkReads = Awaited<ReturnType<typeof readChunk>>;

/** One chunk's reads: one query per table, all for the chunk's companies. */
export async function readChunk(database: Database, companies: ChunkCompany[], factKeys: ReadonlySet<string>, contiguous: boolean) {
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
  let h1 = 0x9e3779b1 ^ reasons.length;
  let h2 = 0x85ebca6b;
  for (const line of reasons) {
    let lineHash = lineHashes.get(line);
    if (lineHash === undefined) {
      if (lineHashes.size >= 100_000) lineHashes.clear();
      lineHashes.set(line, (lineHash = hash53(line, 7)));
    }
    h1 = Math.imul(h1 ^ (lineHash >>> 0), 2654435761);
    h2 = Math.imul(h2 ^ Math.floor(lineHash / 4294967296), 1597334677);
  }
  return 4294967296 * (2097151 & (h2 ^ (h1 >>> 7))) + ((h1 ^ Math.imul(h2, 3266489909)) >>> 0);
}

/** Digest of what a stored row says (score, verdict, upcoming, rank, reasons, missing data, rule ids). */
function contentHash(score: number, verdict: string, upcoming: boolean, rank: number, reasons: readonly string[], missingJson: string, ruleIds: string): string {
  return `${hash53(`${Math.fround(score)}|${verdict}|${upcoming ? 1 : 0}|${rank}|${ruleIds}|${missingJson}`).toString(36)}.${reasonsHash(reasons).toString(36)}`;
}

/** Digest of what a stored row would say for a recommendation at a rank. */
export function contentHashOf(recommendation: EngineRecommendation, rank: number): string {
  return contentHash(recommendation.score, recommendation.verdict, recommendation.upcoming, rank, recommendation.reasons, JSON.stringify(recommendation.missingData), `{${recommendation.ruleIds.join(',')}}`);
}

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
export interface ChunkResult {
  /** rows new to their company */
  inserts: RowRecord[];
  /** rows whose content changed, or that come back after being dropped */
  updates: RowRecord[];
  drops: Array<{ company_id: number; measure_id: string }>;
  lastId: number;
  companies: number;
}

/** Evaluates a chunk (CPU only): the top recommendations of every company, compared with what is stored. */
export function evaluateChunk(companies: ChunkCompany[], reads: ChunkReads, prepared: PreparedCatalogue, adoption: AdoptionStats, now: Date): ChunkResult {
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
  UPDATE recommendation_runs SET last_company_id = coalesce($2, last_company_id), companies_done = companies_done + $3, recommendations_new = recommendations_new + $4,
         recommendations_changed = recommendations_changed + $5, recommendations_dropped = recommendations_dropped + $6 WHERE id = $1`;

/** Reason line → id of recommendation_reason_lines, kept for the run; grown by the writer. */
export type ReasonDictionary = Map<string, number>;

/** Loads the reason-line dictionary (thousands of lines at most: they repeat across companies). */
export async function loadReasonDictionary(database: Database): Promise<ReasonDictionary> {
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
export async function writeChunk(database: Database, connection: ChunkConnection | null, dictionary: ReasonDictionary, runId: number, result: ChunkResult, now: Date, movesResumePoint: boolean): Promise<void> {
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
    // in-process chunks come in id order and move the resume point; worker chunks leave it to the coordinator
    await query(PROGRESS_SQL, [runId, movesResumePoint ? result.lastId : null, result.companies, result.inserts.length, result.updates.length, result.drops.length]);
  };
  if (connection) await connection.transaction((query, copy) => statements(query, copy));
  else await database.transaction((query) => statements(query, null));
}

/** The fact keys to read: what the gathering uses plus every extension item a criterion reads. */
export function factKeysFor(prepared: PreparedCatalogue): Set<string> {
  const keys = new Set(GATHERED_FACT_KEYS);
  for (const measure of prepared.measures) {
    for (const criterion of measure.measure.criteria) {
      for (const item of ruleItems(criterion.rule)) if (item.startsWith('ext.')) keys.add(item.slice(4));
    }
  }
  return keys;
}

/** The companies of a chunk: a range of ids (full run) or the listed ids within it (incremental run). */
export async function readChunkCompanies(database: Database, first: number, last: number, ids: readonly number[] | null): Promise<ChunkCompany[]> {
  const rows = ids
    ? await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id BETWEEN $1 AND $2 AND id = ANY($3::bigint[]) ORDER BY id`, [first, last, `{${ids.join(',')}}`])
    : await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id BETWEEN $1 AND $2 ORDER BY id`, [first, last]);
  for (const row of rows) row.id = Number(row.id);
  return rows;
}

/** Timings and counts of one processed chunk. */
export interface ChunkReport {
  companies: number;
  lastId: number;
  inserts: number;
  updates: number;
  drops: number;
  readMs: number;
  evaluateMs: number;
  writeMs: number;
}

/** Reads, evaluates and writes one chunk (the worker's loop; the in-process batch pipelines the same steps). */
export async function processChunk(
  database: Database, connection: ChunkConnection | null, dictionary: ReasonDictionary, prepared: PreparedCatalogue, adoption: AdoptionStats,
  factKeys: ReadonlySet<string>, runId: number, now: Date, chunk: { first: number; last: number; ids: readonly number[] | null },
): Promise<ChunkReport> {
  const t0 = performance.now();
  const companies = await readChunkCompanies(database, chunk.first, chunk.last, chunk.ids);
  if (companies.length === 0) return { companies: 0, lastId: chunk.last, inserts: 0, updates: 0, drops: 0, readMs: performance.now() - t0, evaluateMs: 0, writeMs: 0 };
  const reads = await readChunk(database, companies, factKeys, chunk.ids === null);
  const t1 = performance.now();
  const result = evaluateChunk(companies, reads, prepared, adoption, now);
  const t2 = performance.now();
  await writeChunk(database, connection, dictionary, runId, result, now, false);
  return {
    companies: result.companies, lastId: chunk.last, inserts: result.inserts.length, updates: result.updates.length, drops: result.drops.length,
    readMs: t1 - t0, evaluateMs: t2 - t1, writeMs: performance.now() - t2,
  };
}
