/**
 * EBPM applicationStats benchmark on PostgreSQL:
 *   `npm run build && DATABASE_URL=postgres://… node dist/bench/ebpm.js [--applications 3000000] [--reuse]`
 *
 * 1. Loads N synthetic applications (default 3,000,000; skewed like real programmes: a few large measures,
 *    prefectures and industries; 4 % DRAFTs) into a fresh database `sdp_bench_ebpm` on DATABASE_URL's server, with
 *    generate_series in SQL (the rollup triggers run as in production). `--reuse` keeps a database that already
 *    holds them.
 * 2. Times the GROUP BYs the cube could be built from: six dimensions and two dimensions over `applications`,
 *    and over the rollup `ebpm_application_cells`; the version check; reading the rollup into the server.
 * 3. Builds the protected cube (a worker thread at this size) and times `applicationStats` as the API answers it
 *    (warm cache: version check + cube query), the event-loop delay while a rebuild runs, and the write-path cost
 *    of the triggers (one submitted application, one decision) against the same statements without them.
 *
 * Writes bench/results/ebpm.json.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { databaseUrl, freshDatabase, withAdmin } from './postgres.js';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { ApplicationCubeCache, DEFAULT_REFRESH_INTERVAL_MS, loadCellColumns, readStatsVersion } from '../src/modules/ebpm/application-cube.js';
import { cubeOptionsOf, publishedApplicationStats } from '../src/modules/ebpm/ebpm.service.js';
import { EbpmDimension } from '../src/shared/enums.js';
import { projectRoot } from '../src/shared/paths.js';

const BENCH_DATABASE = 'sdp_bench_ebpm';
const MEASURES = 40;
const CHUNK = 250_000;

interface Args {
  applications: number;
  reuse: boolean;
}

function parseArgs(argv: string[]): Args {
  const index = argv.indexOf('--applications');
  const raw = index >= 0 ? argv[index + 1] : process.env.BENCH_APPLICATIONS;
  const applications = raw === undefined ? 3_000_000 : Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(applications) || applications < 1) throw new Error('--applications must be a positive whole number');
  return { applications, reuse: argv.includes('--reuse') };
}

interface Timing {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

async function time(runs: number, work: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { runs, medianMs: round(samples[Math.floor(samples.length / 2)]!), minMs: round(samples[0]!), maxMs: round(samples[samples.length - 1]!) };
}

function log(message: string): void {
  console.log(`[bench ebpm ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Creates (or reuses) the bench database; returns its URL. */
async function benchDatabaseUrl(adminUrl: string, args: Args): Promise<{ url: string; fresh: boolean }> {
  const exists = await withAdmin(adminUrl, async (sql) => (await sql`SELECT 1 FROM pg_database WHERE datname = ${BENCH_DATABASE}`).length > 0);
  if (exists && args.reuse) return { url: databaseUrl(adminUrl, BENCH_DATABASE), fresh: false };
  return { url: await freshDatabase(adminUrl, BENCH_DATABASE), fresh: true };
}

/** Synthetic applications in SQL: skewed measures, prefectures and industries; counts by status like real programmes. */
async function loadApplications(database: Database, applications: number): Promise<{ seconds: number; companies: number }> {
  const started = performance.now();
  const companies = Math.max(1, Math.ceil(applications / 5));
  await database.query(
    `INSERT INTO measures (id, title, kind, agency, source, content_hash)
     SELECT 'bench-m' || lpad(i::text, 2, '0'), 'bench measure ' || i, 'SUBSIDY', 'bench', 'BENCH', md5(i::text) FROM generate_series(1, ${MEASURES}) i`,
  );
  await database.query(`INSERT INTO companies (name, kind) SELECT 'bench company ' || g, 'OTHER' FROM generate_series(1, $1::int) g`, [companies]);
  log(`${companies} companies`);
  for (let offset = 0; offset < applications; offset += CHUNK) {
    const count = Math.min(CHUNK, applications - offset);
    await database.transaction(async (query) => {
      await query('SELECT setseed($1)', [((offset / CHUNK) % 1000) / 1000]);
      await query(
        `INSERT INTO applications (company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category,
                                   start_key, start_input_hash, created_by, submitted_at)
         SELECT 1 + (g * 7919) % $3, 'bench-m' || lpad((1 + floor(${MEASURES} * random() ^ 3))::int::text, 2, '0'), s.status,
                2019 + floor(6 * random())::int, lpad((1 + floor(47 * random() ^ 2))::int::text, 2, '0'),
                substr('EIGDKMPRHLNOFJQBCAST', 1 + floor(20 * random() ^ 1.6)::int, 1) || '00',
                (ARRAY['SMALL', 'SMALL', 'SMALL', 'SMALL', 'SMALL', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'UNKNOWN'])[1 + floor(10 * random())::int],
                'bench-' || g, 'bench', 'bench', CASE WHEN s.status <> 'DRAFT' THEN now() END
         FROM generate_series($1::bigint, $2::bigint) g
         CROSS JOIN LATERAL (SELECT (ARRAY['ADOPTED', 'ADOPTED', 'ADOPTED', 'ADOPTED', 'ADOPTED', 'ADOPTED', 'ADOPTED', 'ADOPTED',
                                           'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED',
                                           'SUBMITTED', 'SUBMITTED', 'WITHDRAWN', 'DRAFT'])[1 + floor(20 * random() + g * 0)::int] AS status) s`,
        [offset + 1, offset + count, companies],
      );
    });
    log(`${offset + count} applications`);
  }
  await database.query('ANALYZE applications');
  await database.query('ANALYZE ebpm_application_cells');
  return { seconds: Math.round((performance.now() - started) / 100) / 10, companies };
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set DATABASE_URL to a PostgreSQL server (the bench creates the database sdp_bench_ebpm there)');
  const args = parseArgs(process.argv.slice(2));
  const { url, fresh } = await benchDatabaseUrl(adminUrl, args);
  const database = await openDatabase({ databaseUrl: url, dataDir: '/tmp', purpose: 'bench ebpm', poolSize: 4 });
  await migrateDatabase(database);
  const [{ n: existing }] = await database.query<{ n: string }>('SELECT count(*)::text AS n FROM applications');
  let load: { seconds: number; companies: number } | null = null;
  if (fresh || Number(existing) === 0) load = await loadApplications(database, args.applications);
  else log(`reusing ${existing} applications`);

  const settings = Object.fromEntries(
    (await database.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit')`,
    )).map((s) => [s.name, `${s.setting}${s.unit ?? ''}`]),
  );
  const [{ server_version: serverVersion }] = await database.query<{ server_version: string }>('SHOW server_version');
  const [shape] = await database.query<{ applications: string; counted: string; cells: string; rollup_total: string }>(
    `SELECT (SELECT count(*) FROM applications)::text AS applications,
            (SELECT count(*) FROM applications WHERE ebpm_counted(status, submitted_at))::text AS counted,
            (SELECT count(*) FROM ebpm_application_cells WHERE applications > 0)::text AS cells,
            (SELECT sum(applications) FROM ebpm_application_cells)::text AS rollup_total`,
  );
  log(`shape ${JSON.stringify(shape)}`);
  if (shape!.counted !== shape!.rollup_total) throw new Error(`the rollup (${shape!.rollup_total}) disagrees with the applications (${shape!.counted})`);

  const counted = `WHERE status IN ('SUBMITTED', 'ADOPTED', 'REJECTED') OR (status = 'WITHDRAWN' AND submitted_at IS NOT NULL)`;
  log('GROUP BY over applications');
  const baseSix = await time(2, () => database.query(
    `SELECT measure_id, fiscal_year, coalesce(prefecture_code, 'UNKNOWN'), ebpm_industry(industry_code), coalesce(sme_category, 'UNKNOWN'), status, count(*)
     FROM applications ${counted} GROUP BY 1, 2, 3, 4, 5, 6`,
  ));
  const baseTwo = await time(3, () => database.query(`SELECT measure_id, fiscal_year, count(*) FROM applications ${counted} GROUP BY 1, 2`));
  log('GROUP BY over the rollup');
  const rollupTwo = await time(5, () => database.query(
    `SELECT measure_id, fiscal_year, sum(applications) FROM ebpm_application_cells WHERE applications > 0 GROUP BY 1, 2`,
  ));
  const readDelay = monitorEventLoopDelay({ resolution: 10 });
  readDelay.enable();
  const rollupRead = await time(3, () => loadCellColumns(database));
  readDelay.disable();
  const versionCheck = await time(20, () => readStatsVersion(database));

  log('cube build');
  const options = cubeOptionsOf({ disclosureThreshold: 10 });
  const cache = new ApplicationCubeCache(database, options);
  const buildStarted = performance.now();
  const snapshot = await cache.snapshot();
  const coldMs = Math.round(performance.now() - buildStarted);
  log(`cube: ${snapshot.cells} cells, ${snapshot.mode}, ${coldMs} ms, ${JSON.stringify(snapshot.summary)}`);

  // Warm answers as the API gives them: version check + query of the cached cube.
  const ask = (groupBy: EbpmDimension[], filter: Parameters<typeof publishedApplicationStats>[3]) => async () => {
    const started = performance.now();
    const answer = await cache.snapshot();
    const cells = await answer.handle.publishedTable(groupBy, filter ? { ...(filter.prefectureCodes ? { PREFECTURE: filter.prefectureCodes } : {}), ...(filter.measureIds ? { MEASURE: filter.measureIds } : {}) } : {});
    return { cells: cells.length, ms: performance.now() - started };
  };
  const measureByYear = await time(30, ask([EbpmDimension.MEASURE, EbpmDimension.FISCAL_YEAR], null));
  const measureByYearInTokyo = await time(30, ask([EbpmDimension.MEASURE, EbpmDimension.FISCAL_YEAR], { prefectureCodes: ['13'] }));
  const prefectureByIndustryOfOneMeasure = await time(30, ask([EbpmDimension.PREFECTURE, EbpmDimension.INDUSTRY], { measureIds: ['bench-m01'] }));
  const sample = await publishedApplicationStats(database, options, [EbpmDimension.MEASURE, EbpmDimension.FISCAL_YEAR], null);

  log('rebuild after a change, event-loop delay meanwhile');
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  await database.query(
    `INSERT INTO applications (company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category, start_key, start_input_hash, created_by, submitted_at)
     VALUES (1, 'bench-m01', 'SUBMITTED', 2024, '13', 'E00', 'SMALL', 'bench-extra-' || random(), 'bench', 'bench', now())`,
  );
  const stale = await cache.snapshot();
  histogram.enable();
  const rebuildStarted = performance.now();
  const rebuilt = await cache.rebuild();
  const rebuildMs = Math.round(performance.now() - rebuildStarted);
  histogram.disable();
  if (stale !== snapshot || rebuilt.version <= snapshot.version) throw new Error('expected a stale answer, then a newer cube');

  log('write path: triggers on and off');
  const insertOne = (prefix: string) => () => database.query(
    `INSERT INTO applications (company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category, start_key, start_input_hash, created_by, submitted_at)
     VALUES (1, 'bench-m02', 'SUBMITTED', 2024, '27', 'G00', 'MEDIUM', $1 || random(), 'bench', 'bench', now())`,
    [prefix],
  );
  const [{ max: maxIdBefore }] = await database.query<{ max: string }>('SELECT max(id)::text AS max FROM applications');
  /** Decides the applications just submitted with `prefix`, by primary key, one statement each. */
  const decideAll = async (prefix: string) => {
    const ids = (await database.query<{ id: string }>(
      `SELECT id::text FROM applications WHERE id > $1 AND start_key LIKE $2 || '%' AND status = 'SUBMITTED'`,
      [maxIdBefore, prefix],
    )).map((r) => Number(r.id));
    return time(ids.length, () => database.query(`UPDATE applications SET status = 'ADOPTED', decided_at = now() WHERE id = $1`, [ids.pop()]));
  };
  const submitWithTrigger = await time(30, insertOne('bench-on-'));
  const decideWithTrigger = await decideAll('bench-on-');
  // Without the triggers: rows that never enter the rollup, removed again without it (the rollup stays exact).
  await database.query('ALTER TABLE applications DISABLE TRIGGER ebpm_rollup_insert, DISABLE TRIGGER ebpm_rollup_update, DISABLE TRIGGER ebpm_rollup_delete');
  let submitWithout: Timing;
  let decideWithout: Timing;
  try {
    submitWithout = await time(30, insertOne('bench-off-'));
    decideWithout = await decideAll('bench-off-');
    await database.query(`DELETE FROM applications WHERE start_key LIKE 'bench-off-%'`);
  } finally {
    await database.query('ALTER TABLE applications ENABLE TRIGGER ebpm_rollup_insert, ENABLE TRIGGER ebpm_rollup_update, ENABLE TRIGGER ebpm_rollup_delete');
  }
  cache.dispose();

  const result = {
    benchmark: 'ebpm applicationStats',
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage1m: loadavg()[0] },
    postgres: { version: serverVersion, settings },
    data: {
      applications: Number(shape!.applications),
      countedApplications: Number(shape!.counted),
      rollupCells: Number(shape!.cells),
      measures: MEASURES,
      loadSeconds: load?.seconds ?? null,
      companies: load?.companies ?? null,
    },
    groupBy: {
      'six dimensions over applications (what the cube needs, without the rollup)': baseSix,
      'MEASURE × FISCAL_YEAR over applications': baseTwo,
      'MEASURE × FISCAL_YEAR over the rollup': rollupTwo,
      'read the rollup cells in the server thread (PGlite path; on PostgreSQL the worker reads them)': {
        ...rollupRead,
        eventLoopDelayMaxMs: Math.round(readDelay.max / 1e5) / 10,
      },
      'data-version check (ebpm_stats_version)': versionCheck,
    },
    cube: {
      mode: snapshot.mode,
      cells: snapshot.cells,
      summary: snapshot.summary,
      coldBuildMs: coldMs,
      rebuildAfterChangeMs: rebuildMs,
      eventLoopDelayDuringRebuildMs: { max: Math.round(histogram.max / 1e5) / 10, p99: Math.round(histogram.percentile(99) / 1e5) / 10 },
      stalenessBoundAtScale: `refresh interval (${DEFAULT_REFRESH_INTERVAL_MS / 1000} s) + rebuild (${Math.round(rebuildMs / 1000)} s)`,
    },
    applicationStats: {
      'groupBy [MEASURE, FISCAL_YEAR]': { ...measureByYear, cells: sample.length, suppressed: sample.filter((c) => c.suppressed).length },
      'groupBy [MEASURE, FISCAL_YEAR], filter prefecture 13': measureByYearInTokyo,
      'groupBy [PREFECTURE, INDUSTRY], filter one measure': prefectureByIndustryOfOneMeasure,
    },
    writePath: {
      'submit one application, with the rollup trigger': submitWithTrigger,
      'submit one application, triggers disabled': submitWithout!,
      'decide one application, with the rollup trigger': decideWithTrigger,
      'decide one application, triggers disabled': decideWithout!,
    },
  };
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ebpm.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  await database.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
