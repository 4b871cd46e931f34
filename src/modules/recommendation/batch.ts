/**
 * Push-type recommendations for every company (`sdp recommend --all`).
 *
 * Set-based and in memory: companies are read in id order, in chunks (a keyset cursor: `id > last`), with one query
 * per source table per chunk (companies, facts, certifications, support records, applications, sales, stored
 * recommendations); each company is evaluated by the same engine and the same fact gathering as the on-demand
 * query; each chunk is written back in one transaction with one multi-row upsert (plus one multi-row update for the
 * recommendations that left a company's top) and the run row's progress. See docs/adr/0004-recommendation-batch.md.
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

/** Holds the batch lock for the run (PostgreSQL); PGlite is single-process already (data-dir lock). */
async function acquireBatchLock(database: Database): Promise<() => Promise<void>> {
  if (database.driver !== 'postgres' || !database.url) return async () => {};
  const { default: postgres } = await import('postgres');
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  const [row] = await client`SELECT pg_try_advisory_lock(${BATCH_LOCK}) AS locked`;
  if (!row?.locked) {
    await client.end({ timeout: 5 });
    throw new Error('another `sdp recommend --all` is running on this database');
  }
  return async () => {
    await client`SELECT pg_advisory_unlock(${BATCH_LOCK})`;
    await client.end({ timeout: 5 });
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

/** One chunk's reads: one query per table, all for the chunk's id range. */
async function readChunk(database: Database, companies: ChunkCompany[], factKeys: string[]) {
  const ids = companies.map((company) => company.id);
  const idList = `{${ids.join(',')}}`;
  const [facts, certifications, support, applications, sales, stored] = await Promise.all([
    database.query<{ id: number; company_id: number; key: string; value: unknown; source: string; as_of: Date }>(
      `SELECT id::float8 AS id, company_id::float8 AS company_id, key, value, source, as_of FROM facts WHERE company_id = ANY($1::bigint[]) AND key = ANY($2::text[])`,
      [idList, `{${factKeys.join(',')}}`],
    ),
    database.query<{ company_id: number; title: string }>(`SELECT company_id::float8 AS company_id, title FROM certifications WHERE company_id = ANY($1::bigint[])`, [idList]),
    database.query<{ company_id: number; measure_id: string | null; title: string; approved_on: string | null }>(
      `SELECT company_id::float8 AS company_id, measure_id, title, approved_on::text AS approved_on FROM support_records WHERE company_id = ANY($1::bigint[])`,
      [idList],
    ),
    database.query<{ company_id: number; measure_id: string; status: string; decided_at: Date | null; submitted_at: Date | null; updated_at: Date }>(
      `SELECT company_id::float8 AS company_id, measure_id, status, decided_at, submitted_at, updated_at FROM applications WHERE company_id = ANY($1::bigint[])`,
      [idList],
    ),
    database.query<{ company_id: number; net_sales_yen: number }>(
      `SELECT DISTINCT ON (company_id) company_id::float8 AS company_id, net_sales_yen::float8 AS net_sales_yen
         FROM financials WHERE company_id = ANY($1::bigint[]) AND net_sales_yen IS NOT NULL ORDER BY company_id, fiscal_year DESC`,
      [idList],
    ),
    database.query<StoredRow>(
      `SELECT company_id::float8 AS company_id, measure_id, score, verdict, reasons, missing_data, upcoming, rule_ids, rank, dropped_at IS NOT NULL AS dropped
         FROM stored_recommendations WHERE company_id = ANY($1::bigint[])`,
      [idList],
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
  score: number;
  verdict: string;
  reasons: unknown;
  missing_data: unknown;
  upcoming: boolean;
  rule_ids: string[] | string;
  rank: number;
  dropped: boolean;
}

/** One row to upsert (the JSON record the upsert statement reads). */
interface UpsertRecord {
  company_id: number;
  measure_id: string;
  score: number;
  verdict: string;
  reasons: string[];
  missing_data: string[];
  upcoming: boolean;
  rule_ids: string[];
  rank: number;
}

/** A json(b) column of a structure (both drivers parse json; a string here is the unparsed text). */
const asJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const asTextArray = (value: string[] | string): string[] => (Array.isArray(value) ? value : value.length <= 2 ? [] : value.slice(1, -1).split(','));
const sameList = (a: readonly string[], b: unknown): boolean => Array.isArray(b) && a.length === b.length && a.every((value, index) => value === b[index]);

/** Whether a stored row already says what a fresh recommendation says. */
function unchanged(stored: StoredRow, fresh: EngineRecommendation, rank: number): boolean {
  return !stored.dropped
    && Math.fround(fresh.score) === Math.fround(Number(stored.score))
    && stored.verdict === fresh.verdict
    && stored.upcoming === fresh.upcoming
    && Number(stored.rank) === rank
    && sameList(fresh.reasons, asJson(stored.reasons))
    && sameList(fresh.missingData, asJson(stored.missing_data))
    && sameList(fresh.ruleIds, asTextArray(stored.rule_ids));
}

/** Facts of one company from the chunk's rows, through the same gathering as the on-demand path. */
function companyFactsOf(company: ChunkCompany, reads: Awaited<ReturnType<typeof readChunk>>, now: Date) {
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

const UPSERT_SQL = `
  INSERT INTO stored_recommendations AS s
    (company_id, measure_id, score, verdict, reasons, missing_data, first_recommended_at, computed_at, run_id, first_run_id, upcoming, rule_ids, rank, dropped_at)
  SELECT x.company_id, x.measure_id, x.score, x.verdict, x.reasons, x.missing_data, $2::timestamptz, $2::timestamptz, $3, $3, x.upcoming, x.rule_ids, x.rank, NULL
    FROM jsonb_to_recordset($1::jsonb) AS x(company_id bigint, measure_id text, score real, verdict text, reasons jsonb, missing_data jsonb, upcoming boolean, rule_ids text[], rank smallint)
  ON CONFLICT (company_id, measure_id) DO UPDATE SET
    score = EXCLUDED.score, verdict = EXCLUDED.verdict, reasons = EXCLUDED.reasons, missing_data = EXCLUDED.missing_data,
    computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id, upcoming = EXCLUDED.upcoming, rule_ids = EXCLUDED.rule_ids,
    rank = EXCLUDED.rank, dropped_at = NULL`;

const DROP_SQL = `
  UPDATE stored_recommendations s SET dropped_at = $2::timestamptz, run_id = $3
    FROM jsonb_to_recordset($1::jsonb) AS x(company_id bigint, measure_id text)
   WHERE s.company_id = x.company_id AND s.measure_id = x.measure_id`;

/** Evaluates a chunk and writes what changed, in one transaction with the run's progress. */
async function processChunk(
  database: Database, run: RunRow, companies: ChunkCompany[], loaded: PreparedCatalogue, adoption: AdoptionStats, factKeys: string[], now: Date,
): Promise<{ new: number; changed: number; dropped: number }> {
  const reads = await readChunk(database, companies, factKeys);
  const { topN, minScore } = loaded.rules.settings.push;
  const upserts: UpsertRecord[] = [];
  const drops: Array<{ company_id: number; measure_id: string }> = [];
  let created = 0;
  let changed = 0;
  for (const company of companies) {
    const facts = companyFactsOf(company, reads, now);
    const received = receivedSupportOf((reads.support.get(company.id) ?? []).map((row) => ({ measureId: row.measure_id, approvedOn: row.approved_on })));
    const applications = (reads.applications.get(company.id) ?? []).map((row) => applicationRecordOf({
      measureId: row.measure_id, status: row.status, decidedAt: row.decided_at, submittedAt: row.submitted_at, updatedAt: row.updated_at,
    }));
    const fresh = recommend(loaded, { facts, received, applications }, { now, limit: topN, minScore, adoption });
    const stored = new Map((reads.stored.get(company.id) ?? []).map((row) => [row.measure_id, row]));
    fresh.forEach((recommendation, index) => {
      const before = stored.get(recommendation.measureId);
      stored.delete(recommendation.measureId);
      if (before && unchanged(before, recommendation, index + 1)) return;
      if (before) changed += 1;
      else created += 1;
      upserts.push({
        company_id: company.id, measure_id: recommendation.measureId, score: recommendation.score, verdict: recommendation.verdict,
        reasons: recommendation.reasons, missing_data: recommendation.missingData, upcoming: recommendation.upcoming, rule_ids: recommendation.ruleIds, rank: index + 1,
      });
    });
    for (const left of stored.values()) if (!left.dropped) drops.push({ company_id: company.id, measure_id: left.measure_id });
  }
  const lastId = companies[companies.length - 1]!.id;
  const at = now.toISOString();
  await database.transaction(async (query: RawQuery) => {
    if (upserts.length > 0) await query(UPSERT_SQL, [JSON.stringify(upserts), at, run.id]);
    if (drops.length > 0) await query(DROP_SQL, [JSON.stringify(drops), at, run.id]);
    await query(
      `UPDATE recommendation_runs SET last_company_id = $2, companies_done = companies_done + $3, recommendations_new = recommendations_new + $4,
              recommendations_changed = recommendations_changed + $5, recommendations_dropped = recommendations_dropped + $6 WHERE id = $1`,
      [run.id, lastId, companies.length, created, changed, drops.length],
    );
  });
  return { new: created, changed, dropped: drops.length };
}

/** The fact keys to read: what the gathering uses plus every extension item a criterion reads. */
function factKeysFor(prepared: PreparedCatalogue): string[] {
  const keys = new Set(GATHERED_FACT_KEYS);
  for (const measure of prepared.measures) {
    for (const criterion of measure.measure.criteria) {
      for (const item of ruleItems(criterion.rule)) if (item.startsWith('ext.')) keys.add(item.slice(4));
    }
  }
  return [...keys].sort();
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
  const release = await acquireBatchLock(database);
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
    let lastId = Number(run.last_company_id);
    let done = resumed ? Number(run.companies_done) : 0;
    const counters = { new: 0, changed: 0, dropped: 0 };
    const newBefore = resumed ? Number(run.recommendations_new) : 0;
    let processed = 0;
    let status: BatchSummary['status'] = 'DONE';
    for (;;) {
      if (options.signal?.aborted) {
        status = 'INTERRUPTED';
        break;
      }
      let companies: ChunkCompany[];
      if (incrementalIds) {
        const ids = incrementalIds.filter((id) => id > lastId).slice(0, chunkSize);
        companies = ids.length === 0 ? [] : await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id = ANY($1::bigint[]) ORDER BY id`, [`{${ids.join(',')}}`]);
      } else {
        companies = await database.query<ChunkCompany>(`SELECT ${COMPANY_COLUMNS} FROM companies WHERE id > $1 ORDER BY id LIMIT $2`, [lastId, chunkSize]);
      }
      if (companies.length === 0) break;
      for (const company of companies) company.id = Number(company.id);
      const result = await processChunk(database, run, companies, prepared, adoption, factKeys, now);
      lastId = companies[companies.length - 1]!.id;
      done += companies.length;
      processed += companies.length;
      counters.new += result.new;
      counters.changed += result.changed;
      counters.dropped += result.dropped;
      options.onProgress?.({ companiesDone: done, companiesTotal: total, recommendationsNew: newBefore + counters.new });
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
    };
  } finally {
    await release();
  }
}
