/**
 * Push-type recommendations for every company (`sdp recommend --all`).
 *
 * Set-based and in memory: companies are taken in id order, in chunks (a keyset cursor: `id > last`); a chunk's data
 * is read with one query per table by id range (batch-chunk.ts), each company is evaluated by the same engine and the
 * same fact gathering as the on-demand query, and the chunk is written back in one transaction with the run's
 * progress: new rows in one multi-row write (COPY on PostgreSQL, a JSON recordset on PGlite), changed and dropped rows
 * in one multi-row update each. On PostgreSQL worker threads process chunks in parallel (batch.worker.ts); in-process,
 * reading the next chunk and writing the previous one overlap with evaluating the current one.
 * See docs/adr/0009-recommendation-batch.md.
 *
 * - Push: a company's top `push.topN` recommendations scoring at least `push.minScore` are stored. A row keeps its
 *   `first_recommended_at` / `first_run_id` for as long as it exists, so "new" means new to the company; a row that
 *   leaves the top is kept with `dropped_at` (and is not new again if it comes back).
 * - Incremental: a rerun compares every measure's state (content hash, window and deadline bucket, adoption
 *   statistics) with the last finished run. If any measure changed, every company is recomputed (any company may
 *   now qualify), but only rows whose content changed are written. Otherwise only the companies that changed since
 *   the last run started are recomputed: companies.updated_at, facts.recorded_at, applications.updated_at, plus
 *   the time-driven changes (a business anniversary changes yearsInBusiness; an exclusion period ends).
 * - Interruptible: the run row records its resume point (the last company id of the longest prefix of finished
 *   chunks); an interrupted run (signal, or a killed process) is resumed by the next invocation when the catalogue
 *   and the measures' states are the same, else abandoned. Chunks done again write nothing (their digests match).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from '../../db/client.js';
import {
  evaluateChunk, factKeysFor, loadReasonDictionary, openChunkConnection, readChunk, readChunkCompanies, writeChunk,
  type ChunkCompany, type ChunkConnection, type ChunkReads, type ChunkReport,
} from './batch-chunk.js';
import type { BatchWorkerData, BatchWorkerRequest } from './batch.worker.js';
import { loadedCatalogue, readAdoptionStats } from './catalogue-cache.js';
import { measureTimeState, type AdoptionStats, type PreparedCatalogue } from './engine.js';
import { hashOf } from './rules.js';

/** Companies per chunk (one transaction each). */
export const DEFAULT_CHUNK_SIZE = 5_000;
/** Session advisory lock that keeps two batch runs from overlapping on PostgreSQL. */
const BATCH_LOCK = 724_101;

export interface BatchOptions {
  /** Recompute every company even when nothing changed. */
  readonly full?: boolean;
  readonly chunkSize?: number;
  /**
   * Worker threads that evaluate chunks in parallel (PostgreSQL, compiled code only; default: the number of CPUs,
   * at most 4). 1 evaluates in this thread, overlapping reads and writes with evaluation.
   */
  readonly workers?: number;
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

/**
 * Takes the batch lock. On PostgreSQL a dedicated connection holds a session advisory lock for the whole run (a
 * second `sdp recommend` fails at once) and carries the in-process chunk writes; PGlite is single-process already
 * (data-dir lock), so there the writes go through the database's own transactions.
 */
async function acquireBatchConnection(database: Database): Promise<(ChunkConnection & { release(): Promise<void> }) | null> {
  if (database.driver !== 'postgres' || !database.url) return null;
  const connection = await openChunkConnection(database.url);
  const [row] = await connection.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${BATCH_LOCK}) AS locked`);
  if (!row?.locked) {
    await connection.close();
    throw new Error('another `sdp recommend --all` is running on this database');
  }
  return {
    ...connection,
    async release() {
      await connection.query(`SELECT pg_advisory_unlock(${BATCH_LOCK})`);
      await connection.close();
    },
  };
}

const RUN_COLUMNS = `id::float8 AS id, status, mode, since, catalogue_hash, measure_states, last_company_id::float8 AS last_company_id, companies_done, companies_total, started_at,
  recommendations_new, recommendations_changed, recommendations_dropped`;

/** A json(b) column of a structure (both drivers parse json; a string here is the unparsed text). */
const asJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

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

/** How a run walks its companies: every company by id (keyset), or the listed changed ones. */
interface ChunkPlan {
  database: Database;
  incrementalIds: number[] | null;
  chunkSize: number;
}

/** The next chunk after `afterId`: its id range (and its ids in an incremental run), or null at the end. */
async function nextChunk(plan: ChunkPlan, afterId: number): Promise<BatchWorkerRequest | null> {
  if (plan.incrementalIds) {
    const ids = plan.incrementalIds.filter((id) => id > afterId).slice(0, plan.chunkSize);
    return ids.length === 0 ? null : { first: ids[0]!, last: ids[ids.length - 1]!, ids };
  }
  const rows = await plan.database.query<{ first: number | null; last: number | null }>(
    `SELECT min(id)::float8 AS first, max(id)::float8 AS last FROM (SELECT id FROM companies WHERE id > $1 ORDER BY id LIMIT $2) chunk`,
    [afterId, plan.chunkSize],
  );
  const row = rows[0];
  return row && row.first !== null ? { first: Number(row.first), last: Number(row.last), ids: null } : null;
}

/** Companies of the run's scope at or below the resume point (a resumed run's progress starts there). */
async function doneBelow(database: Database, lastId: number, incrementalIds: number[] | null): Promise<number> {
  if (lastId <= 0) return 0;
  if (incrementalIds) return incrementalIds.filter((id) => id <= lastId).length;
  const [row] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM companies WHERE id <= $1', [lastId]);
  return Number(row?.n ?? 0);
}

interface RunOutcome {
  status: BatchSummary['status'];
  processed: number;
  phases: { read: number; evaluate: number; write: number };
}

type ProgressCallback = (report: ChunkReport, counters: { new: number }) => void;

/**
 * Evaluates in this thread, pipelined: while chunk k is evaluated, chunk k+1 is read and chunk k-1 written. Chunks
 * are written in id order, each moving the run's resume point.
 */
async function runInProcess(
  database: Database, connection: ChunkConnection | null, runId: number, lastId: number, plan: ChunkPlan, prepared: PreparedCatalogue,
  adoption: AdoptionStats, now: Date, signal: AbortSignal | undefined, progress: ProgressCallback,
): Promise<RunOutcome> {
  const factKeys = factKeysFor(prepared);
  const dictionary = await loadReasonDictionary(database);
  const phases = { read: 0, evaluate: 0, write: 0 };
  const counters = { new: 0 };
  let processed = 0;
  let status: BatchSummary['status'] = 'DONE';
  const readAfter = async (afterId: number): Promise<{ companies: ChunkCompany[]; reads: ChunkReads | null; ms: number }> => {
    const startedAt = performance.now();
    const chunk = await nextChunk(plan, afterId);
    const companies = chunk ? await readChunkCompanies(database, chunk.first, chunk.last, chunk.ids) : [];
    const reads = companies.length === 0 ? null : await readChunk(database, companies, factKeys, chunk!.ids === null);
    return { companies, reads, ms: performance.now() - startedAt };
  };
  // a failure is raised where the promise is awaited; the no-op handlers only keep Node from calling it unhandled meanwhile
  let reading = readAfter(lastId);
  reading.catch(() => {});
  let writing: Promise<number> = Promise.resolve(0);
  try {
    for (;;) {
      const chunk = await reading;
      phases.read += chunk.ms;
      if (chunk.companies.length === 0 || !chunk.reads) break;
      if (signal?.aborted) {
        status = 'INTERRUPTED';
        break;
      }
      reading = readAfter(chunk.companies[chunk.companies.length - 1]!.id);
      reading.catch(() => {});
      const evaluatedAt = performance.now();
      const result = evaluateChunk(chunk.companies, chunk.reads, prepared, adoption, now);
      phases.evaluate += performance.now() - evaluatedAt;
      phases.write += await writing;
      processed += result.companies;
      counters.new += result.inserts.length;
      writing = (async () => {
        const writeStarted = performance.now();
        await writeChunk(database, connection, dictionary, runId, result, now, true);
        const writeMs = performance.now() - writeStarted;
        progress({ companies: result.companies, lastId: result.lastId, inserts: result.inserts.length, updates: result.updates.length, drops: result.drops.length, readMs: 0, evaluateMs: 0, writeMs }, counters);
        return writeMs;
      })();
      writing.catch(() => {});
    }
    phases.write += await writing;
  } finally {
    // never leave a write running behind the caller's back (its failure was already raised, or is raised here)
    await writing.catch(() => 0);
  }
  return { status, processed, phases };
}

/** The compiled worker script, or null when running from TypeScript sources (tests). */
function workerFile(): URL | null {
  const url = new URL('./batch.worker.js', import.meta.url);
  return url.protocol === 'file:' && import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Hands chunks to worker threads, each reading, evaluating and writing its chunks with its own connections. Chunks
 * finish out of order, so the run's resume point is the end of the longest run of finished chunks from the start:
 * after an interruption, chunks past it are done again, which writes nothing (their rows are unchanged).
 */
async function runInWorkers(
  database: Database, runId: number, lastId: number, plan: ChunkPlan, count: number, data: BatchWorkerData,
  signal: AbortSignal | undefined, progress: ProgressCallback,
): Promise<RunOutcome> {
  const file = workerFile()!;
  const phases = { read: 0, evaluate: 0, write: 0 };
  const counters = { new: 0 };
  let processed = 0;
  let failure: Error | null = null;
  let cursor = lastId;
  let exhausted = false;
  /** dispatched chunks in id order, with whether they finished */
  const inFlight: Array<{ last: number; finished: boolean }> = [];
  let resumePoint = lastId;
  let savingResumePoint: Promise<unknown> = Promise.resolve();

  const advanceResumePoint = () => {
    let moved = false;
    while (inFlight.length > 0 && inFlight[0]!.finished) {
      resumePoint = inFlight.shift()!.last;
      moved = true;
    }
    if (moved) {
      const point = resumePoint;
      savingResumePoint = savingResumePoint.then(() => database.query('UPDATE recommendation_runs SET last_company_id = greatest(last_company_id, $2) WHERE id = $1', [runId, point]));
    }
  };

  // chunks are handed out one at a time (a worker asking while another's request is pending waits its turn)
  let dispensing: Promise<unknown> = Promise.resolve();
  const claim = (): Promise<{ chunk: BatchWorkerRequest; slot: { last: number; finished: boolean } } | null> => {
    const next = dispensing.then(async () => {
      if (failure || exhausted || signal?.aborted) return null;
      const chunk = await nextChunk(plan, cursor);
      if (!chunk) {
        exhausted = true;
        return null;
      }
      cursor = chunk.last;
      const slot = { last: chunk.last, finished: false };
      inFlight.push(slot);
      return { chunk, slot };
    });
    dispensing = next.catch(() => null);
    return next;
  };

  const work = async (worker: Worker): Promise<void> => {
    for (;;) {
      const claimed = await claim().catch((error: Error) => {
        failure ??= error;
        return null;
      });
      if (!claimed) return;
      const { chunk, slot } = claimed;
      const report = await new Promise<ChunkReport>((resolve, reject) => {
        const onMessage = (message: { report?: ChunkReport; error?: string }) => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          if (message.error) reject(new Error(`recommendation worker: ${message.error}`));
          else resolve(message.report!);
        };
        const onError = (error: Error) => {
          worker.off('message', onMessage);
          reject(error);
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.postMessage(chunk);
      }).catch((error: Error) => {
        failure ??= error;
        return null;
      });
      if (!report) return;
      slot.finished = true;
      processed += report.companies;
      counters.new += report.inserts;
      phases.read += report.readMs;
      phases.evaluate += report.evaluateMs;
      phases.write += report.writeMs;
      advanceResumePoint();
      progress(report, counters);
    }
  };

  const threads = Array.from({ length: count }, () => new Worker(file, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 64 } }));
  try {
    await Promise.all(threads.map((worker) => work(worker)));
    await savingResumePoint;
  } finally {
    await Promise.all(threads.map(async (worker) => {
      const closed = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await worker.terminate();
    }));
  }
  if (failure) throw failure;
  return { status: signal?.aborted && !exhausted ? 'INTERRUPTED' : 'DONE', processed, phases };
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
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) throw new Error('workers must be a positive integer');
  const connection = await acquireBatchConnection(database);
  try {
    const [loaded, adoption] = await Promise.all([loadedCatalogue(database, { fresh: true }), readAdoptionStats(database)]);
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

    const plan: ChunkPlan = { database, incrementalIds, chunkSize };
    const newBefore = resumed ? Number(run.recommendations_new) : 0;
    let done = resumed ? await doneBelow(database, Number(run.last_company_id), incrementalIds) : 0;
    // chunks past the resume point may have been written already and are done again: count from the resume point
    if (resumed) await database.query('UPDATE recommendation_runs SET companies_done = $2 WHERE id = $1', [run.id, done]);
    const workers = options.workers ?? Math.min(4, availableParallelism());
    const useWorkers = workers > 1 && connection !== null && workerFile() !== null;
    const progress = (report: ChunkReport, counters: { new: number }) => {
      done += report.companies;
      options.onProgress?.({ companiesDone: done, companiesTotal: total, recommendationsNew: newBefore + counters.new });
    };
    const outcome = useWorkers
      ? await runInWorkers(database, run.id, Number(run.last_company_id), plan, workers, {
        url: database.url!, runId: run.id, nowMs: now.getTime(), catalogueHash: prepared.hash, adoption: [...adoption],
      }, options.signal, progress)
      : await runInProcess(database, connection, run.id, Number(run.last_company_id), plan, prepared, adoption, now, options.signal, progress);
    const { status, processed, phases } = outcome;
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
