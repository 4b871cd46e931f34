/**
 * `sdp generate`: writes a generated world into the database, in chunks of companies, one transaction per chunk.
 *
 * - PostgreSQL: every table of a chunk is loaded with COPY … FROM STDIN on a dedicated connection; PGlite: one
 *   INSERT … SELECT FROM json_to_recordset per table and chunk.
 * - The run is recorded in `import_runs` (kind `generate`) with its parameters and the companies done, in the same
 *   transaction as each chunk: an interrupted run resumes after its last committed chunk (same options), and
 *   because company `index` always comes out the same, the result equals an uninterrupted run.
 * - A database that already holds companies is refused unless the caller appends (new indexes, so new 法人番号)
 *   or resets (deletes every company and what hangs off it first).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Database, RawQuery } from '../../db/client.js';
import { loadCatalogue, type MeasureCatalogue } from '../measure/catalogue.js';
import { invalidateRecommendationCatalogue } from '../recommendation/catalogue-cache.js';
import { MAX_APPLICATIONS_PER_COMPANY } from './calibration.js';
import { createGeneratorModel, MAX_GENERATED_COMPANIES, type GeneratorParams } from './generator-model.js';
import {
  buildChunk, copyTextRecords, GENERATED_TABLE_NAMES, GENERATED_TABLES, recordsetInsertSql, type ChunkRequest, type ChunkText, type GeneratedTable,
} from './generator-rows.js';
import type { GeneratorWorkerData } from './generator.worker.js';

/** Bumped whenever the same seed would generate different rows (invalidates cached benchmark databases). */
export const GENERATOR_VERSION = 1;

/** What to do with a database that already holds companies. */
export type GenerateMode = 'fresh' | 'append' | 'reset';

export interface GenerateOptions extends GeneratorParams {
  companies: number;
  mode: GenerateMode;
  /** companies per transaction (default 5000 on PostgreSQL, 500 on PGlite) */
  chunkSize?: number;
  /** build chunks in a worker thread while the previous one loads (PostgreSQL from compiled code; default true) */
  useWorker?: boolean;
  onProgress?: (p: { companiesDone: number; companiesTotal: number; rows: number }) => void;
  /** the catalogue the applications go to (default: seeds/measures/catalogue.json) */
  catalogue?: MeasureCatalogue;
}

export interface GenerateSummary {
  /** generated: a new run; resumed: an interrupted run finished; unchanged: the same world was already there */
  outcome: 'generated' | 'resumed' | 'unchanged';
  seed: number;
  companies: number;
  applicationsPerCompany: number;
  /** index of the first company of this run (0 unless appended) */
  firstIndex: number;
  /** companies an interrupted run had already written */
  resumedFrom: number;
  rows: Record<GeneratedTable, number>;
  seconds: number;
}

/** The refusal of a run that would mix worlds; the message says what to do. */
export class GenerateRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateRefused';
  }
}

interface RunSummary {
  version: number;
  seed: number;
  companies: number;
  applicationsPerCompany: number;
  firstIndex: number;
  rows: Record<GeneratedTable, number>;
  /** id of the run's first company; the others follow in index order */
  companyIdStart: number;
  /** id of the run's first application; the others follow in company order */
  applicationIdStart: number;
  /** statements that recreate the indexes and foreign keys dropped for a bulk load into empty tables (run at the end) */
  deferredDdl?: string[];
}

interface RunRow {
  id: number;
  status: string;
  lines_done: number;
  summary: RunSummary;
}

const emptyCounts = () => Object.fromEntries(GENERATED_TABLE_NAMES.map((t) => [t, 0])) as Record<GeneratedTable, number>;

/** The identity of a run's parameters (import_runs.file_hash). */
function runKey(p: { seed: number; companies: number; applicationsPerCompany: number; firstIndex: number }): string {
  return createHash('sha256').update(JSON.stringify(['generate', GENERATOR_VERSION, p.seed, p.companies, p.applicationsPerCompany, p.firstIndex])).digest('hex');
}

async function generateRuns(database: Database): Promise<RunRow[]> {
  const rows = await database.query<{ id: number; status: string; lines_done: number; summary: RunSummary | string }>(
    `SELECT id, status, lines_done::int AS lines_done, summary FROM import_runs WHERE kind = 'generate' ORDER BY id`);
  return rows.map((r) => ({ id: Number(r.id), status: r.status, lines_done: Number(r.lines_done), summary: typeof r.summary === 'string' ? JSON.parse(r.summary) : r.summary }));
}

/**
 * The generated world a database holds: the finished generate runs (seed, companies, applications per company,
 * first index) and whether one is unfinished. Benchmarks use it to skip generating what is already there.
 */
export async function generatedWorld(database: Database): Promise<{ runs: RunSummary[]; unfinished: RunSummary | null; companies: number }> {
  const runs = await generateRuns(database);
  const [{ n }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM companies');
  return {
    runs: runs.filter((r) => r.status === 'done').map((r) => r.summary),
    unfinished: runs.find((r) => r.status === 'running')?.summary ?? null,
    companies: Number(n),
  };
}

/**
 * Tables emptied by a reset: companies and everything that hangs off them, plus run bookkeeping. The audit log is
 * append-only and stays; identities are not restarted, so its entries never point at a different company later.
 */
const RESET_TABLES = [
  'companies', 'company_registry_history', 'facts', 'financials', 'certifications', 'support_records', 'applications', 'application_events',
  'access_requests', 'consents', 'owner_bindings', 'stored_recommendations', 'recommendation_runs', 'import_runs',
];

/** Deletes every company and what hangs off it (TRUNCATE … CASCADE); measures and the audit log stay. */
export async function resetCompanyData(database: Database): Promise<void> {
  const existing = await database.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY($1::text[])`, [RESET_TABLES]);
  if (existing.length) await database.query(`TRUNCATE ${existing.map((r) => r.name).join(', ')} CASCADE`);
}

/**
 * Makes sure the catalogue's measures are in the database: through the measure module's `syncCatalogue`
 * when it is there, else by inserting the missing measures and rounds (never overwriting existing ones).
 */
export async function ensureCatalogueMeasures(database: Database, catalogue: MeasureCatalogue): Promise<void> {
  const modulePath = '../measure/measure.service.js';
  const measureModule = (await import(modulePath).catch(() => null)) as { syncCatalogue?: (db: Database, c: MeasureCatalogue) => Promise<unknown> } | null;
  if (measureModule?.syncCatalogue) {
    await measureModule.syncCatalogue(database, catalogue);
    return;
  }
  const measures = catalogue.measures.map((m) => ({
    id: m.id, title: m.title, kind: m.kind, agency: m.agency, summary: m.summary, max_amount_yen: m.maxAmountYen, subsidy_rate: m.subsidyRate, url: m.url,
    always_open: m.alwaysOpen, target_prefectures: m.targetPrefectures, industries: m.industries, use_purposes: m.usePurposes, unlocks: m.unlocks,
    exclusion_months: m.exclusionMonths, criteria: m.criteria, form_fields: m.formFields, source: 'CATALOGUE', source_ref: `seeds/measures/catalogue.json#${m.id}`,
    catalogue_version: catalogue.version, content_hash: createHash('sha256').update(JSON.stringify(m)).digest('hex'),
  }));
  const rounds = catalogue.measures.flatMap((m) => m.rounds.map((r) => ({
    id: `${m.id}:${r.id}`, measure_id: m.id, label: r.label, accepting_from: r.acceptingFrom, accepting_until: r.acceptingUntil,
    max_amount_yen: r.maxAmountYen ?? null, subsidy_rate: r.subsidyRate ?? null,
  })));
  await database.transaction(async (q) => {
    await q(`INSERT INTO measures (id, title, kind, agency, summary, max_amount_yen, subsidy_rate, url, always_open, target_prefectures, industries, use_purposes,
        unlocks, exclusion_months, criteria, form_fields, source, source_ref, catalogue_version, content_hash)
      SELECT * FROM json_to_recordset($1::json) AS t(id text, title text, kind text, agency text, summary text, max_amount_yen bigint, subsidy_rate text, url text,
        always_open boolean, target_prefectures text[], industries text[], use_purposes text[], unlocks text[], exclusion_months integer, criteria jsonb,
        form_fields jsonb, source text, source_ref text, catalogue_version text, content_hash text)
      ON CONFLICT (id) DO NOTHING`, [JSON.stringify(measures)]);
    await q(`INSERT INTO measure_rounds (id, measure_id, label, accepting_from, accepting_until, max_amount_yen, subsidy_rate)
      SELECT * FROM json_to_recordset($1::json) AS t(id text, measure_id text, label text, accepting_from timestamptz, accepting_until timestamptz,
        max_amount_yen bigint, subsidy_rate text)
      ON CONFLICT (id) DO NOTHING`, [JSON.stringify(rounds)]);
  });
  invalidateRecommendationCatalogue(database);
}

/** Builds chunks, in this thread or in a worker. */
interface ChunkSource {
  build(request: ChunkRequest): Promise<ChunkText>;
  close(): Promise<void>;
}

function inlineSource(params: GeneratorParams, catalogue: MeasureCatalogue, sourceRef: string): ChunkSource {
  const model = createGeneratorModel(params, catalogue);
  return {
    async build(request) {
      return buildChunk(model, request, sourceRef);
    },
    async close() {},
  };
}

function workerSource(params: GeneratorParams, catalogue: MeasureCatalogue, sourceRef: string): ChunkSource {
  const workerData: GeneratorWorkerData = { params, catalogue, sourceRef };
  // a larger young generation: chunk building allocates many short-lived objects (GC took ~40 % with the default)
  const worker = new Worker(new URL('./generator.worker.js', import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  let failure: Error | null = null;
  let waiting: { resolve: (chunk: ChunkText) => void; reject: (error: Error) => void } | null = null;
  worker.on('message', (message: ChunkText & { error?: string }) => {
    const w = waiting;
    waiting = null;
    if (message.error) w?.reject(new Error(`generator worker: ${message.error}`));
    else w?.resolve(message);
  });
  worker.on('error', (error) => {
    failure = error;
    waiting?.reject(error);
    waiting = null;
  });
  return {
    build(request) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        worker.postMessage(request);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Writes chunks through one driver. */
interface ChunkWriter {
  /** writes the chunk and the run's progress in one transaction */
  write(chunk: ChunkText, progress: { runId: number; linesDone: number; summary: RunSummary }): Promise<void>;
  close(): Promise<void>;
}

const PROGRESS_SQL = `UPDATE import_runs SET lines_done = $1, summary = $2::jsonb WHERE id = $3`;

/** PostgreSQL: COPY … FROM STDIN per table on a connection of its own. */
async function copyWriter(database: Database): Promise<ChunkWriter> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
  // a crash loses at most the last commits, and the run's progress is in the same transactions as its rows
  await sql.unsafe('SET synchronous_commit = off');
  return {
    async write(chunk, progress) {
      await sql.begin(async (tx) => {
        for (const name of GENERATED_TABLE_NAMES) {
          if (!chunk.counts[name]) continue;
          const spec = GENERATED_TABLES[name];
          const stream = await tx.unsafe(`COPY ${spec.table} (${spec.columns.map(([c]) => c).join(', ')}) FROM STDIN`).writable();
          await pipeline(Readable.from([chunk.texts[name]]), stream);
        }
        await tx.unsafe(PROGRESS_SQL, [progress.linesDone, JSON.stringify(progress.summary), progress.runId]);
      });
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Any driver (PGlite): one INSERT … SELECT FROM json_to_recordset per table. */
function recordsetWriter(database: Database): ChunkWriter {
  return {
    async write(chunk, progress) {
      await database.transaction(async (q: RawQuery) => {
        for (const name of GENERATED_TABLE_NAMES) {
          if (!chunk.counts[name]) continue;
          const spec = GENERATED_TABLES[name];
          await q(recordsetInsertSql(spec), [JSON.stringify(copyTextRecords(spec, chunk.texts[name]))]);
        }
        await q(PROGRESS_SQL, [progress.linesDone, JSON.stringify(progress.summary), progress.runId]);
      });
    },
    async close() {},
  };
}

/**
 * Reserves `count` consecutive ids of a table's identity sequence (the table is locked against inserts for the
 * instant it takes, so nobody else draws an id inside the range). Returns the first id.
 */
async function reserveIdRange(database: Database, table: string, count: number): Promise<number> {
  let first = 0;
  await database.transaction(async (q) => {
    await q(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    const [row] = await q<{ last: string | number }>(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), nextval(pg_get_serial_sequence('${table}', 'id')) + $1::bigint - 1) AS last`, [count]);
    first = Number(row.last) - count + 1;
  });
  return first;
}

/** Gives back the unused tail of the applications id range (ids above the highest id in the table). */
async function trimApplicationIds(database: Database): Promise<void> {
  await database.transaction(async (q) => {
    await q('LOCK TABLE applications IN EXCLUSIVE MODE');
    await q(`SELECT setval(pg_get_serial_sequence('applications', 'id'), greatest((SELECT max(id) FROM applications), 1))`);
  });
}

/**
 * The secondary indexes and foreign keys of the generated tables, with the statements that recreate them. A bulk
 * load into empty tables drops them and rebuilds them at the end, as pg_restore does: building an index once is
 * several times faster than maintaining it row by row (the trigram GIN indexes of company names alone slow COPY down
 * ~8×), and adding a foreign key checks all rows in one join instead of one lookup per row. Primary keys stay.
 */
async function deferrableDdl(database: Database): Promise<{ drop: string[]; recreate: string[] }> {
  const tables = GENERATED_TABLE_NAMES.map((t) => GENERATED_TABLES[t].table);
  const constraints = await database.query<{ table_name: string; name: string; definition: string }>(
    `SELECT t.relname AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND c.contype = 'f' AND t.relname = ANY($1::text[]) ORDER BY t.relname, c.conname`, [tables]);
  const indexes = await database.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname = ANY($1::text[]) AND NOT x.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY t.relname, i.relname`, [tables]);
  return {
    drop: [
      ...constraints.map((c) => `ALTER TABLE "${c.table_name}" DROP CONSTRAINT IF EXISTS "${c.name}"`),
      ...indexes.map((i) => `DROP INDEX IF EXISTS "${i.name}"`),
    ],
    recreate: [
      ...indexes.map((i) => i.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')),
      // ADD CONSTRAINT has no IF NOT EXISTS: drop first, so a second run after an interruption is harmless
      ...constraints.map((c) => `ALTER TABLE "${c.table_name}" DROP CONSTRAINT IF EXISTS "${c.name}", ADD CONSTRAINT "${c.name}" ${c.definition}`),
    ],
  };
}

/** Runs deferred index and foreign-key statements. */
async function runDeferredDdl(database: Database, statements: readonly string[]): Promise<void> {
  const run = (statement: string) => database.transaction(async (q) => {
    if (database.driver === 'postgres') await q(`SET LOCAL maintenance_work_mem = '512MB'`);
    await q(statement);
  });
  // indexes build two at a time on PostgreSQL (two cores; a GIN build uses one); foreign keys one after the other,
  // as each locks the tables it joins against concurrent ALTERs anyway
  // the slow trigram GIN builds first, so that the two builders finish together
  const queue = statements.filter((s) => s.startsWith('CREATE')).sort((a, b) => Number(/USING gin/i.test(b)) - Number(/USING gin/i.test(a)));
  const builders = Array.from({ length: database.driver === 'postgres' ? 2 : 1 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await run(next);
  });
  await Promise.all(builders);
  for (const statement of statements.filter((s) => !s.startsWith('CREATE'))) await run(statement);
}

/** Lets the event loop run (socket writes, signals) between chunks. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether this code runs compiled (dist/*.js), where the worker file exists. */
const compiled = import.meta.url.endsWith('.js');

/**
 * Generates `companies` companies of world `seed` into the database (see the module comment for the rules about
 * non-empty databases and interrupted runs).
 * @throws GenerateRefused when the database holds other data and neither append nor reset was asked for.
 */
export async function generateDatabase(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const { seed, applicationsPerCompany, companies } = options;
  if (!Number.isInteger(companies) || companies < 1) throw new RangeError(`companies must be a positive whole number, got ${companies}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a whole number 0..4294967295, got ${seed}`);
  if (!(applicationsPerCompany >= 0 && applicationsPerCompany <= 20)) throw new RangeError(`applications per company must be between 0 and 20, got ${applicationsPerCompany}`);
  const catalogue = options.catalogue ?? loadCatalogue();

  let runs = await generateRuns(database);
  if (options.mode === 'reset') {
    await resetCompanyData(database);
    // an interrupted bulk load may have left indexes and foreign keys dropped: put them back on the empty tables
    for (const run of runs) if (run.status === 'running' && run.summary.deferredDdl) await runDeferredDdl(database, run.summary.deferredDdl);
    runs = [];
  }
  const unfinished = runs.find((r) => r.status === 'running') ?? null;
  const sameParams = (s: RunSummary) => s.version === GENERATOR_VERSION && s.seed === seed && s.companies === companies && s.applicationsPerCompany === applicationsPerCompany;

  let run: RunRow;
  let outcome: GenerateSummary['outcome'] = 'generated';
  if (unfinished) {
    if (!sameParams(unfinished.summary)) {
      const u = unfinished.summary;
      throw new GenerateRefused(
        `an interrupted run (seed ${u.seed}, ${u.companies} companies, ${u.applicationsPerCompany} applications per company) is unfinished: ` +
          `rerun it with the same options to resume it, or use --reset to delete all companies and start again`);
    }
    run = unfinished;
    outcome = 'resumed';
  } else {
    const [{ n }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM companies');
    const existing = Number(n);
    const finished = runs.filter((r) => r.status === 'done');
    if (existing > 0 && options.mode === 'fresh') {
      const only = finished.length === 1 ? finished[0].summary : null;
      if (only && sameParams(only) && only.firstIndex === 0) {
        return { outcome: 'unchanged', seed, companies, applicationsPerCompany, firstIndex: 0, resumedFrom: 0, rows: only.rows, seconds: (Date.now() - started) / 1000 };
      }
      throw new GenerateRefused(`the database already holds ${existing} companies: use --append to add generated companies to them, or --reset to delete every company (and its applications, financials, …) first`);
    }
    const firstIndex = options.mode === 'append' ? Math.max(0, ...finished.map((r) => r.summary.firstIndex + r.summary.companies)) : 0;
    if (firstIndex + companies > MAX_GENERATED_COMPANIES) throw new RangeError(`at most ${MAX_GENERATED_COMPANIES} generated companies`);
    const summary: RunSummary = {
      version: GENERATOR_VERSION, seed, companies, applicationsPerCompany, firstIndex, rows: emptyCounts(),
      companyIdStart: await reserveIdRange(database, 'companies', companies),
      applicationIdStart: await reserveIdRange(database, 'applications', companies * MAX_APPLICATIONS_PER_COMPANY),
    };
    // a bulk load into empty tables (PostgreSQL; PGlite loads are small) builds indexes and foreign keys at the end;
    // the run records them before they are dropped, so an interrupted run still rebuilds them (on resume or reset)
    const bulk = existing === 0 && database.driver === 'postgres' && companies >= 50_000 ? await deferrableDdl(database) : null;
    if (bulk) summary.deferredDdl = bulk.recreate;
    const description = `sdp generate --seed ${seed} --companies ${companies} --applications-per-company ${applicationsPerCompany}${firstIndex ? ` (from index ${firstIndex})` : ''}`;
    const [row] = await database.query<{ id: number }>(
      `INSERT INTO import_runs (kind, file, file_hash, status, summary) VALUES ('generate', $1, $2, 'running', $3::jsonb) RETURNING id`,
      [description, runKey(summary), JSON.stringify(summary)]);
    run = { id: Number(row.id), status: 'running', lines_done: 0, summary };
    if (bulk) for (const statement of bulk.drop) await database.query(statement);
  }

  await ensureCatalogueMeasures(database, catalogue);
  const summary = run.summary;
  const params = { seed, applicationsPerCompany };
  const sourceRef = `sdp generate --seed ${seed}`;
  const usePostgresCopy = database.driver === 'postgres' && Boolean(database.url);
  const source = usePostgresCopy && compiled && options.useWorker !== false ? workerSource(params, catalogue, sourceRef) : inlineSource(params, catalogue, sourceRef);
  const writer = usePostgresCopy ? await copyWriter(database) : recordsetWriter(database);
  const chunkSize = options.chunkSize ?? (usePostgresCopy ? 5000 : 500);
  const resumedFrom = run.lines_done;
  let done = resumedFrom;
  let applicationsDone = summary.rows.applications;
  let rowsWritten = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  const request = (offset: number, appsBefore: number): ChunkRequest => ({
    firstCompanyIndex: summary.firstIndex + offset,
    size: Math.min(chunkSize, companies - offset),
    companyIdStart: summary.companyIdStart + offset,
    applicationIdStart: summary.applicationIdStart + appsBefore,
  });
  try {
    let pending = done < companies ? source.build(request(done, applicationsDone)) : null;
    const trace = process.env.SDP_GENERATE_TRACE ? { build: 0, write: 0 } : null;
    while (pending) {
      const waitStarted = performance.now();
      const chunk = await pending;
      const writeStarted = performance.now();
      const size = Math.min(chunkSize, companies - done);
      // start the next chunk (in the worker) before writing this one, so building and loading overlap
      pending = done + size < companies ? source.build(request(done + size, applicationsDone + chunk.applications)) : null;
      for (const name of GENERATED_TABLE_NAMES) summary.rows[name] += chunk.counts[name];
      await writer.write(chunk, { runId: run.id, linesDone: done + size, summary });
      if (trace) {
        trace.build += writeStarted - waitStarted;
        trace.write += performance.now() - writeStarted;
        process.stderr.write(`[generate] waited for chunks ${Math.round(trace.build)} ms, wrote for ${Math.round(trace.write)} ms\n`);
      }
      done += size;
      applicationsDone += chunk.applications;
      rowsWritten += Object.values(chunk.counts).reduce((a, b) => a + b, 0);
      options.onProgress?.({ companiesDone: done, companiesTotal: companies, rows: rowsWritten });
      await yieldToLoop();
    }
  } finally {
    await Promise.all([source.close(), writer.close()]);
  }
  if (summary.deferredDdl?.length) await runDeferredDdl(database, summary.deferredDdl);
  await trimApplicationIds(database);
  await database.query(`UPDATE import_runs SET status = 'done', finished_at = now(), lines_done = $1, summary = $2::jsonb WHERE id = $3`, [done, JSON.stringify(summary), run.id]);
  await database.query(`ANALYZE ${GENERATED_TABLE_NAMES.map((t) => GENERATED_TABLES[t].table).join(', ')}`);
  return {
    outcome, seed, companies, applicationsPerCompany, firstIndex: summary.firstIndex, resumedFrom, rows: summary.rows, seconds: (Date.now() - started) / 1000,
  };
}
