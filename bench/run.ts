/**
 * The benchmark suite: `npm run bench` (builds first). Options: --companies N (default 1,000,000), --seed S (1),
 * --applications-per-company x (3), --seconds T per load phase (20), --regenerate (generate the world even when it is
 * already there), --skip-peer, --skip-import, --skip-recommend, --skip-ebpm. Not part of `npm test` or .ci/run.
 *
 * 1. PostgreSQL: SDP_BENCH_DATABASE_URL's server, or a local one started (and installed if needed) in SDP_BENCH_DIR
 *    (bench/postgres.ts). The generated world goes to database `sdp_bench`, once: a later run that finds the same
 *    seed and size there skips generation.
 * 2. Starts the real server (dist/src/server-main.js) on that database and measures, with autocannon, the company
 *    profile query (company, fiscal years of financials, applications with their measures' titles, top-5
 *    recommendations) as the company's OWNER: latency p50/p99 at concurrency 1, throughput at concurrency 32, SQL
 *    statements per request (x-sdp-sql-statements); the same without recommendations (the "core" shape).
 * 3. The peer: PostGraphile 5 (installed into SDP_BENCH_DIR at run time, never a project dependency) on the same
 *    database, the core shape: throughput and p50 ratios.
 * 4. The raw-SQL limit: the core shape fetched by one minimal SQL statement through postgres.js in this process.
 * 5. `companies(first: N)` with industry, smeStatus and application counts: statements per request for N = 10, 50, 100.
 * 6. The import, recommendation and EBPM benchmarks (bench/import.ts, bench/recommend.ts, bench/ebpm.ts), run as
 *    they are; their figures are read from bench/results/*.json.
 *
 * Writes bench/results.json and bench/results.md (the table the README shows) and prints the table.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { generateDatabase, generatedWorld, GENERATOR_VERSION } from '../src/modules/generator/generator.service.js';
import { loadOrCreateLocalKey, signLocalToken } from '../src/shared/auth/tokens.js';
import { projectRoot } from '../src/shared/paths.js';
import { startBenchServer, stopChild, waitFor } from './child.js';
import { benchDir, benchPostgres, databaseUrl, ensureDatabase, freePort } from './postgres.js';
import { percentile } from './stats.js';
import { committedSchema, listQuery, profileQuery } from './queries.js';

interface Args {
  companies: number;
  seed: number;
  applicationsPerCompany: number;
  seconds: number;
  regenerate: boolean;
  skip: Set<string>;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const raw = i >= 0 ? argv[i + 1] : undefined;
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a number`);
    return parsed;
  };
  return {
    companies: value('companies', 1_000_000),
    seed: value('seed', 1),
    applicationsPerCompany: value('applications-per-company', 3),
    seconds: value('seconds', 20),
    regenerate: argv.includes('--regenerate'),
    skip: new Set(argv.filter((a) => a.startsWith('--skip-')).map((a) => a.slice(7))),
  };
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

// --------------------------------------------------------------------------------------------- the generated world

/** Generates the world into `sdp_bench` unless it is already there. */
async function ensureWorld(database: Database, args: Args) {
  const world = await generatedWorld(database);
  const same = world.runs.length === 1 && world.runs[0].seed === args.seed && world.runs[0].companies === args.companies
    && world.runs[0].applicationsPerCompany === args.applicationsPerCompany && world.runs[0].version === GENERATOR_VERSION && !world.unfinished;
  const [{ seconds: cachedSeconds } = { seconds: null }] = await database.query<{ seconds: number | null }>(
    `SELECT extract(epoch FROM finished_at - started_at)::float AS seconds FROM import_runs WHERE kind = 'generate' AND status = 'done' ORDER BY id DESC LIMIT 1`);
  if (same && world.companies === args.companies && !args.regenerate) {
    log(`the database already holds the generated world (seed ${args.seed}, ${args.companies} companies): not generating it again`);
    return { generatedNow: false, seconds: cachedSeconds === null ? null : round(Number(cachedSeconds), 1), rows: world.runs[0].rows };
  }
  const resume = !args.regenerate && world.unfinished && world.unfinished.seed === args.seed && world.unfinished.companies === args.companies && world.unfinished.applicationsPerCompany === args.applicationsPerCompany;
  log(`generating ${args.companies} companies (seed ${args.seed}, ${args.applicationsPerCompany} applications per company)${resume ? ', resuming the interrupted run' : ''}`);
  let last = 0;
  const summary = await generateDatabase(database, {
    companies: args.companies, seed: args.seed, applicationsPerCompany: args.applicationsPerCompany, mode: resume ? 'fresh' : 'reset',
    onProgress: (p) => {
      if (Date.now() - last > 15_000) {
        last = Date.now();
        log(`generated ${p.companiesDone} / ${p.companiesTotal} companies`);
      }
    },
  });
  return { generatedNow: true, seconds: round(summary.seconds, 1), rows: summary.rows };
}

// --------------------------------------------------------------------------------------------- HTTP load

interface Load {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  errors: number;
}

/**
 * Sends `bodies` (round-robin) to a GraphQL endpoint with autocannon for `seconds`; latency percentiles from every
 * response time (autocannon's own histogram keeps whole milliseconds only).
 */
async function load(url: string, connections: number, seconds: number, bodies: ReadonlyArray<{ body: string; token?: string }>): Promise<Load> {
  let next = 0;
  const times: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{
      method: 'POST',
      setupRequest: (request) => {
        const item = bodies[next++ % bodies.length];
        return { ...request, method: 'POST', headers: { 'content-type': 'application/json', ...(item.token ? { authorization: `Bearer ${item.token}` } : {}) }, body: item.body };
      },
    }],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 300) times.push(responseTime);
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    meanMs: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** Sends one operation and checks it answers without errors; returns the statement count header. */
async function check(url: string, body: string, token?: string): Promise<{ statements: number | null; errors: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const json = (await res.json()) as { errors?: unknown; data?: unknown };
  const header = res.headers.get('x-sdp-sql-statements');
  return { statements: header === null ? null : Number(header), errors: json.errors ?? (json.data ? null : 'no data') };
}

/** Latency at concurrency 1 and throughput at concurrency 32 (after a short warm-up). */
async function profileLoad(url: string, bodies: ReadonlyArray<{ body: string; token?: string }>, seconds: number) {
  await load(url, 8, Math.min(5, seconds), bodies);
  const single = await load(url, 1, seconds, bodies);
  const many = await load(url, 32, seconds, bodies);
  return { concurrency1: single, concurrency32: many };
}

// --------------------------------------------------------------------------------------------- the peer

/** PostGraphile: installed (npm install --prefix) into SDP_BENCH_DIR; version 5 first, 4 when 5 cannot run. */
async function startPeer(url: string): Promise<{ child: ChildProcess; endpoint: string; version: string; note: string } | { error: string }> {
  const attempts: Array<{ major: 5 | 4; note: string }> = [
    { major: 5, note: 'PostGraphile 5 (amber preset) on Node 20 with a Promise.withResolvers polyfill (docs/adr/0008)' },
    { major: 4, note: 'PostGraphile 4: version 5 could not run here (see docs/adr/0008)' },
  ];
  const failures: string[] = [];
  for (const { major, note } of attempts) {
    const dir = join(benchDir(), `postgraphile-${major}`);
    const pkg = join(dir, 'node_modules', 'postgraphile', 'package.json');
    if (!existsSync(pkg)) {
      log(`installing postgraphile@${major} into ${dir}`);
      mkdirSync(dir, { recursive: true });
      const install = spawn('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `postgraphile@${major}`], { stdio: 'inherit' });
      const code = await new Promise<number | null>((resolve) => install.on('exit', resolve));
      if (code !== 0 || !existsSync(pkg)) {
        failures.push(`postgraphile@${major}: npm install failed (exit ${code})`);
        continue;
      }
    }
    const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string; bin: string | Record<string, string> };
    const bin = join(dir, 'node_modules', 'postgraphile', typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.postgraphile);
    const port = await freePort();
    const argv = major === 5
      ? ['--require', join(projectRoot(), 'bench', 'node22-polyfill.cjs'), bin, '-P', 'postgraphile/presets/amber', '-c', url, '-s', 'public', '-p', String(port), '-n', '127.0.0.1']
      : [bin, '-c', url, '-s', 'public', '-p', String(port), '-n', '127.0.0.1', '--disable-query-log'];
    const child = spawn(process.execPath, argv, { cwd: dir, env: { ...process.env, GRAPHILE_ENV: 'production', NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const endpoint = `http://127.0.0.1:${port}/graphql`;
    try {
      await waitFor(endpoint, child, 120, `PostGraphile ${manifest.version}`);
      const probe = await check(endpoint, JSON.stringify({ query: '{ allCompanies(first: 1) { nodes { name } } }' }));
      if (probe.errors) throw new Error(`a probe query failed: ${JSON.stringify(probe.errors).slice(0, 300)}`);
      return { child, endpoint, version: manifest.version, note };
    } catch (error) {
      failures.push(`postgraphile@${manifest.version}: ${(error as Error).message}`);
      await stopChild(child);
    }
  }
  return { error: failures.join('; ') };
}

/** The core profile shape in PostGraphile's generated schema (same columns; no JSIC names, no computed SME status). */
const PEER_CORE_QUERY = `query Core($n: String!) { allCompanies(condition: { corporateNumber: $n }, first: 1) { nodes {
  corporateNumber name kind prefectureCode prefectureName cityName street capitalYen employees industryCode smeCategory deemedLarge
  financialsByCompanyId { nodes { fiscalYear netSalesYen operatingProfitYen laborCostYen employees } }
  applicationsByCompanyId(first: 50) { totalCount nodes { status fiscalYear submittedAt decidedAt grantedAmountYen measureByMeasureId { title } } }
} } }`;

// --------------------------------------------------------------------------------------------- raw SQL

/** The core profile shape as one minimal SQL statement (JSON built by PostgreSQL). */
const RAW_CORE_SQL = `
SELECT c.id, c.corporate_number, c.name, c.kind, c.prefecture_code, c.prefecture_name, c.city_name, c.street, c.capital_yen, c.employees,
  c.industry_code, c.sme_category, c.deemed_large,
  (SELECT coalesce(json_agg(f ORDER BY f.fiscal_year DESC), '[]') FROM (
     SELECT fiscal_year, net_sales_yen, operating_profit_yen, labor_cost_yen, employees FROM financials WHERE company_id = c.id) f) AS financials,
  (SELECT count(*) FROM applications WHERE company_id = c.id) AS application_count,
  (SELECT coalesce(json_agg(a ORDER BY a.id DESC), '[]') FROM (
     SELECT a.id, a.status, a.fiscal_year, a.submitted_at, a.decided_at, a.granted_amount_yen, m.title
     FROM applications a JOIN measures m ON m.id = a.measure_id WHERE a.company_id = c.id ORDER BY a.id DESC LIMIT 50) a) AS applications
FROM companies c WHERE c.corporate_number = $1`;

async function rawLoad(url: string, numbers: readonly string[], seconds: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const n of numbers.slice(0, 200)) await sql.unsafe(RAW_CORE_SQL, [n]);
    const times: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    let k = 0;
    while (performance.now() < deadline) {
      const started = performance.now();
      const rows = await sql.unsafe(RAW_CORE_SQL, [numbers[k++ % numbers.length]]);
      JSON.stringify(rows);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { requests: times.length, p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// --------------------------------------------------------------------------------------------- the other benchmarks

/** Runs another benchmark script of dist/bench as it is; returns its results file (or why there is none). */
async function subBench(name: string, argv: string[], env: Record<string, string>, resultFile: string): Promise<{ ok: boolean; seconds: number; results: unknown; error?: string }> {
  const script = join(projectRoot(), 'dist', 'bench', `${name}.js`);
  if (!existsSync(script)) return { ok: false, seconds: 0, results: null, error: `${script} is not there` };
  log(`running bench/${name}.ts`);
  const started = Date.now();
  const before = existsSync(resultFile) ? readFileSync(resultFile, 'utf8') : null;
  const child = spawn(process.execPath, [script, ...argv], { env: { ...process.env, ...env }, stdio: 'inherit', cwd: projectRoot() });
  // a benchmark that hangs (it happened) must not hold the suite: stopped after SDP_BENCH_SUB_TIMEOUT_MINUTES (60)
  const limitMinutes = Number(process.env.SDP_BENCH_SUB_TIMEOUT_MINUTES || 60);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    log(`bench/${name}.ts is still running after ${limitMinutes} minutes: stopping it`);
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref();
  }, limitMinutes * 60_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, sig) => resolve([c, sig])));
  clearTimeout(timer);
  const seconds = round((Date.now() - started) / 1000, 0);
  const text = existsSync(resultFile) ? readFileSync(resultFile, 'utf8') : null;
  // only a results file this run wrote counts
  const fresh = text !== null && text !== before ? JSON.parse(text) : null;
  if (code !== 0) return { ok: false, seconds, results: fresh, error: timedOut ? `stopped after ${limitMinutes} minutes` : signal ? `killed by ${signal}` : `exit code ${code}` };
  return { ok: true, seconds, results: fresh };
}

/**
 * A skipped sub-benchmark: the figures of its last separate run (its results file), marked as such with their date,
 * so the table stays complete; nothing when it never ran.
 */
function recorded(resultFile: string): { ok: boolean; skipped: true; seconds: number; results: unknown; recordedAt?: string; error?: string } {
  if (!existsSync(resultFile)) return { ok: false, skipped: true, seconds: 0, results: null, error: 'skipped, and never run on its own' };
  const results = JSON.parse(readFileSync(resultFile, 'utf8')) as { at?: string; startedAt?: string };
  return { ok: true, skipped: true, seconds: 0, results, recordedAt: results.at ?? results.startedAt ?? statSync(resultFile).mtime.toISOString() };
}

/** Reads a value at a path of property names, or null. */
function pick(value: unknown, ...path: string[]): number | null {
  let cursor = value;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object' || !(key in (cursor as object))) return null;
    cursor = (cursor as Record<string, unknown>)[key];
  }
  return typeof cursor === 'number' ? cursor : null;
}

// --------------------------------------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = loadavg().map((x) => round(x));
  const pg = await benchPostgres();
  const benchUrl = await ensureDatabase(pg.adminUrl, 'sdp_bench');
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version, loadAverageAtStart: loadAtStart },
    postgres: pg.origin,
    world: { companies: args.companies, seed: args.seed, applicationsPerCompany: args.applicationsPerCompany },
  };
  let server: ChildProcess | null = null;
  let peerChild: ChildProcess | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'sdp-bench-server-'));
  try {
    // 1. the generated world
    const database = await openDatabase({ databaseUrl: benchUrl, dataDir, purpose: 'bench' });
    let sample: Array<{ corporate_number: string; applications: number }>;
    try {
      await migrateDatabase(database);
      results.generation = await ensureWorld(database, args);
      const [{ n: applications }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM applications');
      results.world = { ...(results.world as object), applications: Number(applications) };
      // open corporations with applications, spread over the id range (a fixed sample, the same for every target)
      sample = (await database.query<{ corporate_number: string; applications: number }>(
        `SELECT c.corporate_number, count(a.id)::int AS applications FROM companies c JOIN applications a ON a.company_id = c.id
         WHERE c.corporate_number IS NOT NULL AND c.close_date IS NULL AND c.id % 499 = 7 GROUP BY c.id ORDER BY c.id LIMIT 2000`))
        .map((r) => ({ ...r, applications: Number(r.applications) }));
    } finally {
      await database.close();
    }
    if (!sample.length) throw new Error('no company with applications in the generated database');

    // 2. our server
    const key = await loadOrCreateLocalKey(dataDir);
    const port = await freePort();
    log(`starting the server on port ${port}`);
    const started = await startBenchServer(benchUrl, port, dataDir);
    server = started.child;
    const endpoint = started.endpoint;
    const schema = committedSchema();
    const full = profileQuery(schema, { recommendations: true });
    const core = profileQuery(schema, { recommendations: false });
    const tokens = await Promise.all(sample.map((c) => signLocalToken(key, { role: 'OWNER', corporateNumber: c.corporate_number, sub: `bench-owner-${c.corporate_number}` }, '6h')));
    const bodiesOf = (query: string) => sample.map((c, k) => ({ body: JSON.stringify({ query, variables: { n: c.corporate_number } }), token: tokens[k] }));
    const statementsOf = async (query: string) => {
      // the first requests of a server also fill process-wide caches (the measure catalogue): counted after them
      for (let k = 0; k < 5; k++) await check(endpoint, JSON.stringify({ query, variables: { n: sample[sample.length - 1 - k].corporate_number } }), tokens[sample.length - 1 - k]);
      const counts: Array<{ applications: number; statements: number }> = [];
      for (let k = 0; k < Math.min(100, sample.length); k++) {
        const res = await check(endpoint, JSON.stringify({ query, variables: { n: sample[k].corporate_number } }), tokens[k]);
        if (res.errors) throw new Error(`the profile query failed for ${sample[k].corporate_number}: ${JSON.stringify(res.errors).slice(0, 500)}`);
        counts.push({ applications: sample[k].applications, statements: res.statements ?? Number.NaN });
      }
      const statements = counts.map((c) => c.statements);
      const most = (list: typeof counts) => Math.max(...list.map((c) => c.statements));
      const few = counts.filter((c) => c.applications <= 2);
      const many = counts.filter((c) => c.applications >= 5);
      // an N+1 over applications would make companies with many applications cost more than those with one or two
      return { min: Math.min(...statements), max: Math.max(...statements), independentOfApplications: !few.length || !many.length || most(many) <= most(few) };
    };
    log('profile query (with recommendations)');
    const fullStatements = await statementsOf(full.query);
    const fullLoad = await profileLoad(endpoint, bodiesOf(full.query), args.seconds);
    log('profile query, core shape (no recommendations)');
    const coreStatements = await statementsOf(core.query);
    const coreLoad = await profileLoad(endpoint, bodiesOf(core.query), args.seconds);
    results.profile = {
      viewer: 'OWNER of each company (a token per company; 2,000 companies round-robin)',
      missingFields: full.missing,
      full: { query: full.query, statementsPerRequest: fullStatements, ...fullLoad },
      core: { query: core.query, statementsPerRequest: coreStatements, ...coreLoad },
    };

    // 5. the list query
    log('list query');
    const staff = await signLocalToken(key, { role: 'STAFF', sub: 'bench-staff' }, '6h');
    const list = listQuery(schema);
    const listStatements: Record<string, number | null> = {};
    for (const first of [10, 50, 100]) {
      const res = await check(endpoint, JSON.stringify({ query: list.query, variables: { first } }), staff);
      if (res.errors) throw new Error(`the list query failed: ${JSON.stringify(res.errors).slice(0, 500)}`);
      listStatements[String(first)] = res.statements;
    }
    const listLoad = await load(endpoint, 1, Math.min(10, args.seconds), [{ body: JSON.stringify({ query: list.query, variables: { first: 100 } }), token: staff }]);
    const counted = listQuery(schema, { totalCount: true });
    const countedLoad = await load(endpoint, 1, Math.min(10, args.seconds), [{ body: JSON.stringify({ query: counted.query, variables: { first: 100 } }), token: staff }]);
    results.list = {
      query: list.query, missingFields: list.missing, statementsPerRequest: listStatements, constantInPageSize: new Set(Object.values(listStatements)).size === 1,
      first100: listLoad, first100WithTotalCount: countedLoad,
    };
    await stopChild(server);
    server = null;

    // 3. the peer
    if (!args.skip.has('peer')) {
      log('peer: PostGraphile');
      const peer = await startPeer(benchUrl);
      if ('error' in peer) results.peer = { error: peer.error };
      else {
        peerChild = peer.child;
        const probe = await check(peer.endpoint, JSON.stringify({ query: PEER_CORE_QUERY, variables: { n: sample[0].corporate_number } }));
        if (probe.errors) results.peer = { version: peer.version, error: `the core query failed: ${JSON.stringify(probe.errors).slice(0, 500)}` };
        else {
          const peerLoad = await profileLoad(peer.endpoint, sample.map((c) => ({ body: JSON.stringify({ query: PEER_CORE_QUERY, variables: { n: c.corporate_number } }) })), args.seconds);
          results.peer = {
            product: 'PostGraphile', version: peer.version, note: peer.note, query: PEER_CORE_QUERY, ...peerLoad,
            differences: 'no authentication, access checks or audit; industry as a code (no JSIC names) and the stored SME category (no classification with reasons)',
            throughputRatio: round(coreLoad.concurrency32.requestsPerSecond / peerLoad.concurrency32.requestsPerSecond),
            p50Ratio: round(coreLoad.concurrency1.p50Ms / peerLoad.concurrency1.p50Ms),
          };
        }
        await stopChild(peerChild);
        peerChild = null;
      }
    }

    // 4. the raw-SQL limit
    log('raw SQL (postgres.js, one statement per profile)');
    const raw = await rawLoad(benchUrl, sample.map((c) => c.corporate_number), Math.min(10, args.seconds));
    results.rawSql = { query: RAW_CORE_SQL.trim(), ...raw, p50Ratio: round(coreLoad.concurrency1.p50Ms / raw.p50Ms) };
    results.loadAverageAfterHttp = loadavg().map((x) => round(x));

    // 6. the other benchmarks, as they are
    const resultsDir = join(projectRoot(), 'bench', 'results');
    const subEnv = { SDP_BENCH_DATABASE_URL: pg.adminUrl };
    results.import = args.skip.has('import')
      ? recorded(join(resultsDir, 'import.json'))
      : await subBench('import', ['--json-out', join(resultsDir, 'import.json')], subEnv, join(resultsDir, 'import.json'));
    results.recommend = args.skip.has('recommend')
      ? recorded(join(resultsDir, 'recommend.json'))
      : await subBench('recommend', [], { ...subEnv, DATABASE_URL: databaseUrl(pg.adminUrl, 'sdp_bench'), BENCH_USE_EXISTING: '1' }, join(resultsDir, 'recommend.json'));
    results.ebpm = args.skip.has('ebpm')
      ? recorded(join(resultsDir, 'ebpm.json'))
      : await subBench('ebpm', ['--reuse'], { ...subEnv, DATABASE_URL: pg.adminUrl }, join(resultsDir, 'ebpm.json'));
  } finally {
    await stopChild(server);
    await stopChild(peerChild);
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  results.loadAverageAtEnd = loadavg().map((x) => round(x));
  const table = resultTable(results);
  results.table = table;
  writeFileSync(join(projectRoot(), 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(projectRoot(), 'bench', 'results.md'), `${table}\n`);
  console.log(`\n${table}\n`);
  log('wrote bench/results.json and bench/results.md');
}

// --------------------------------------------------------------------------------------------- the table

type Row = [measure: string, value: string, goal: string, verdict: string];

function resultTable(r: Record<string, unknown>): string {
  const rows: Row[] = [];
  const n = (x: number | null | undefined, unit = '', digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${round(x, digits).toLocaleString('en-US')}${unit}`);
  const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : 'not met');
  const gen = r.generation as { seconds: number | null; generatedNow: boolean } | undefined;
  const world = r.world as { companies: number; applications?: number };
  if (gen) {
    rows.push([`generate ${world.companies.toLocaleString('en-US')} companies (${(world.applications ?? 0).toLocaleString('en-US')} applications) into PostgreSQL`,
      gen.seconds === null ? 'n/a' : `${n(gen.seconds, ' s', 0)}${gen.generatedNow ? '' : ' (cached run)'}`, '≤ 300 s', gen.seconds === null ? '' : verdict(gen.seconds <= 300)]);
  }
  const profile = r.profile as { full: ProfileFigures; core: ProfileFigures; missingFields: string[] } | undefined;
  if (profile) {
    for (const [label, p] of [['profile (with top-5 recommendations)', profile.full], ['profile, core shape (no recommendations)', profile.core]] as const) {
      rows.push([`${label}: p50 / p99 at concurrency 1`, `${n(p.concurrency1.p50Ms, ' ms', 2)} / ${n(p.concurrency1.p99Ms, ' ms', 2)}`, '', '']);
      rows.push([`${label}: throughput at concurrency 32`, n(p.concurrency32.requestsPerSecond, ' req/s', 0), '', '']);
      rows.push([`${label}: SQL statements per request`, p.statementsPerRequest.min === p.statementsPerRequest.max ? String(p.statementsPerRequest.min) : `${p.statementsPerRequest.min}–${p.statementsPerRequest.max}`,
        'no N+1 (same for 1 or 10 applications)', verdict(p.statementsPerRequest.independentOfApplications)]);
    }
  }
  const peer = r.peer as { version?: string; throughputRatio?: number; p50Ratio?: number; concurrency32?: Load; concurrency1?: Load; error?: string } | undefined;
  if (peer?.error) rows.push(['PostGraphile peer', `failed: ${peer.error.slice(0, 120)}`, '', '']);
  else if (peer?.concurrency32) {
    rows.push([`PostGraphile ${peer.version} (core shape): p50 at c=1 / throughput at c=32`, `${n(peer.concurrency1!.p50Ms, ' ms', 2)} / ${n(peer.concurrency32.requestsPerSecond, ' req/s', 0)}`, '', '']);
    rows.push(['ours / PostGraphile: throughput (c=32)', n(peer.throughputRatio ?? null, '×', 2), '≥ 1.0', verdict((peer.throughputRatio ?? 0) >= 1)]);
    rows.push(['ours / PostGraphile: p50 (c=1)', n(peer.p50Ratio ?? null, '×', 2), '', '']);
  }
  const raw = r.rawSql as { p50Ms: number; p50Ratio: number } | undefined;
  if (raw) {
    rows.push(['raw SQL (postgres.js, one statement) p50', n(raw.p50Ms, ' ms', 3), '', '']);
    rows.push(['ours / raw SQL: p50 (core shape)', n(raw.p50Ratio, '×', 2), '≤ 2.0', verdict(raw.p50Ratio <= 2)]);
  }
  const list = r.list as { statementsPerRequest: Record<string, number>; constantInPageSize: boolean; first100: Load; first100WithTotalCount?: Load } | undefined;
  if (list) {
    rows.push(['companies(first: 10 / 50 / 100): SQL statements', Object.values(list.statementsPerRequest).join(' / '), 'constant', verdict(list.constantInPageSize)]);
    rows.push(['companies(first: 100): p50 at c=1', n(list.first100.p50Ms, ' ms', 2), '', '']);
    if (list.first100WithTotalCount) rows.push(['companies(first: 100) with totalCount: p50 at c=1', n(list.first100WithTotalCount.p50Ms, ' ms', 2), '', '']);
  }
  // a skipped sub-benchmark shows its own last run: said in the row's label, with the date
  const runOf = (at: string | undefined) => (at ? ` [own run of ${at.slice(0, 16).replace('T', ' ')} UTC]` : '');
  const ownRun = (part: unknown) => {
    const recorded = part as { skipped?: boolean; recordedAt?: string } | undefined;
    return recorded?.skipped ? runOf(recorded.recordedAt) : '';
  };
  const imp = (r.import as { results?: { files?: Record<string, { postgres?: { import: { rowsPerSecond: number; peakRssMb: number }; ratioToRawCopy: number }; pglite?: { import: { rowsPerSecond: number } } | null }> }; error?: string } | undefined);
  if (imp?.results?.files) {
    for (const [file, f] of Object.entries(imp.results.files)) {
      const name = `${file}${ownRun(imp)}`;
      if (f.postgres) {
        rows.push([`NTA import (${name}) into PostgreSQL`, n(f.postgres.import.rowsPerSecond, ' rows/s', 0), '≥ 50,000 rows/s', verdict(f.postgres.import.rowsPerSecond >= 50_000)]);
        rows.push([`NTA import (${name}) / raw COPY`, n(f.postgres.ratioToRawCopy, '×', 2), '≥ 0.5', verdict(f.postgres.ratioToRawCopy >= 0.5)]);
        rows.push([`NTA import (${name}) peak RSS`, n(f.postgres.import.peakRssMb, ' MB', 0), '< 300 MB', verdict(f.postgres.import.peakRssMb < 300)]);
      }
      if (f.pglite) rows.push([`NTA import (${name}) into PGlite`, n(f.pglite.import.rowsPerSecond, ' rows/s', 0), '', '']);
    }
  } else if (imp?.error) rows.push(['NTA import', `failed: ${imp.error}`, '', '']);
  const rec = (r.recommend as { results?: unknown; error?: string } | undefined);
  if (rec?.results) {
    const p99 = pick(rec.results, 'onDemand', 'serviceCall', 'p99Ms');
    const batch = pick(rec.results, 'batch', 'fullRun', 'seconds');
    const batchCompanies = pick(rec.results, 'batch', 'fullRun', 'companies');
    rows.push([`recommendations on demand (1,000 measures): p99 of the service call, by staff${ownRun(rec)}`, n(p99, ' ms', 1), '≤ 10 ms', p99 === null ? '' : verdict(p99 <= 10)]);
    for (const caller of ['staff', 'owner']) {
      const overHttp = pick(rec.results, 'onDemand', 'overHttp', caller, 'serverTiming', 'p99Ms');
      if (overHttp !== null) rows.push([`the same query through the server over HTTP, by ${caller}: p99 server time (Server-Timing)${ownRun(rec)}`, n(overHttp, ' ms', 1), '≤ 10 ms', verdict(overHttp <= 10)]);
    }
    const batchAt = (rec.results as { batch?: { recordedAt?: string } }).batch?.recordedAt;
    const batchRun = batchAt ? runOf(batchAt) : ownRun(rec);
    if (batch !== null) rows.push([`recommendation batch over ${n(batchCompanies, '', 0)} companies${batchRun}`, n(batch, ' s', 0), '≤ 300 s for 1,000,000', batchCompanies === 1_000_000 ? verdict(batch <= 300) : '']);
  } else if (rec?.error) rows.push(['recommendations', `failed: ${rec.error}`, '', '']);
  const ebpm = (r.ebpm as { results?: { applicationStats?: Record<string, { medianMs?: number }> }; error?: string } | undefined);
  if (ebpm?.results?.applicationStats) {
    const first = Object.entries(ebpm.results.applicationStats)[0];
    if (first) rows.push([`EBPM applicationStats ${first[0].replace(/^groupBy /, '')} over ~3,000,000 applications (median)${ownRun(ebpm)}`, n(first[1].medianMs ?? null, ' ms', 1), '≤ 1,000 ms', verdict((first[1].medianMs ?? Infinity) <= 1000)]);
  } else if (ebpm?.error) rows.push(['EBPM', `failed: ${ebpm.error}`, '', '']);
  const header: Row = ['measure', 'value', 'goal', ''];
  const lines = [header, ['---', '---:', '---', '---'] as Row, ...rows].map((row) => `| ${row.join(' | ')} |`);
  const machine = r.machine as { cpus: number; loadAverageAtStart: number[] };
  const end = r.loadAverageAtEnd as number[] | undefined;
  return `${lines.join('\n')}\n\nMachine: ${machine.cpus} cores; 1-minute load average ${machine.loadAverageAtStart[0]} at the start${end ? ` and ${end[0]} at the end` : ''} (the machine is shared with other work).`;
}

interface ProfileFigures {
  statementsPerRequest: { min: number; max: number; independentOfApplications: boolean };
  concurrency1: Load;
  concurrency32: Load;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
