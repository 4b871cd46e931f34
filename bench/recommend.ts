/**
 * Recommendation benchmark: `npm run build && node dist/bench/recommend.js [--companies N] [--sample N] [--measures N]`
 *
 * 1. On demand: server-side time of `recommendationsFor` (the Query.recommendations service: company lookup,
 *    access check, facts and history reads, in-memory evaluation) for a few hundred companies against a catalogue
 *    scaled to 1,000 measures (deterministic variants of the real ones), p50/p90/p99, as staff (whose read writes an audit entry) and as the company's owner; plus the engine alone.
 *    Runs on a fresh database on DATABASE_URL's server when set, else on an in-memory PGlite. On PostgreSQL, also
 *    the whole GraphQL request through the production server in its own process: the server's time per request
 *    from its Server-Timing header (token check, parse, execution, audit write) and the client's round trip.
 * 2. Batch (DATABASE_URL only): `sdp recommend --all` over N generated companies (default 100,000) against the real
 *    catalogue on PostgreSQL: a full run, a rerun with nothing changed, a rerun after 1 % of the companies changed,
 *    and, for comparison, the same eligibility evaluated in SQL (criteria compiled with compileEligibilityToSql over
 *    a companies + facts projection). Figures are extrapolated linearly to 1,000,000 companies.
 *
 * `--on-demand-only` reruns part 1 and keeps part 2's figures from the last full run (with their date).
 *
 * Writes bench/results/recommend.json. With BENCH_USE_EXISTING=1 the batch runs on DATABASE_URL's database as it
 * is (e.g. after `sdp generate --companies 1000000`) instead of a fresh generated one.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { findByCorporateNumber } from '../src/modules/company/company.service.js';
import { corporateNumberFromBase } from '../src/modules/company/corporate-number.js';
import { classifySme, type CorporateKindName } from '../src/modules/company/sme-classification.js';
import { buildDemoCompanies, type DemoCompany } from '../src/modules/demo/demo-data.js';
import { insertDemoCompanies } from '../src/modules/demo/demo.service.js';
import { loadCatalogue } from '../src/modules/measure/catalogue.js';
import { companyFactsFor } from '../src/modules/measure/company-facts.js';
import { compileEligibilityToSql, type ColumnMap } from '../src/modules/measure/criteria.js';
import { syncCatalogue } from '../src/modules/measure/measure.service.js';
import { runRecommendationBatch } from '../src/modules/recommendation/batch.js';
import { loadedCatalogue } from '../src/modules/recommendation/catalogue-cache.js';
import { companyHistoryFor } from '../src/modules/recommendation/company-history.js';
import { recommend } from '../src/modules/recommendation/engine.js';
import { recommendationsFor } from '../src/modules/recommendation/recommendation.service.js';
import { scaleCatalogue } from '../src/modules/recommendation/scaled-catalogue.js';
import { loadOrCreateLocalKey, signLocalToken } from '../src/shared/auth/tokens.js';
import type { Viewer } from '../src/shared/auth/viewer.js';
import { projectRoot } from '../src/shared/paths.js';
import { startBenchServer, stopChild } from './child.js';
import { dropDatabase, freePort, freshDatabase } from './postgres.js';
import { percentile } from './stats.js';

interface Args {
  companies: number;
  sample: number;
  measures: number;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    const raw = index >= 0 ? argv[index + 1] : process.env[`BENCH_${name.toUpperCase()}`];
    if (raw === undefined) return fallback;
    const parsed = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive whole number`);
    return parsed;
  };
  return { companies: value('companies', 100_000), sample: value('sample', 300), measures: value('measures', 1000) };
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    calls: samples.length,
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
  };
}

async function openFresh(url: string | undefined, label: string): Promise<{ database: Database; close: () => Promise<void> }> {
  // a fresh database on the server of `url` (dropped when done), else an in-memory PGlite
  const name = `sdp_bench_${label}_${process.pid}`;
  const freshUrl = url ? await freshDatabase(url, name) : undefined;
  const database = await openDatabase({ databaseUrl: freshUrl, dataDir: join(projectRoot(), '.data-bench'), purpose: 'bench recommend', inMemory: !freshUrl });
  await migrateDatabase(database);
  return {
    database,
    close: async () => {
      await database.close();
      if (url && process.env.BENCH_KEEP !== '1') await dropDatabase(url, name);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. On demand
// ---------------------------------------------------------------------------------------------

/** Passes over the sampled companies per caller: 5 × 300 calls, so p99 rests on 15 calls, not 6. */
const SERVICE_PASSES = 5;

const RECOMMENDATIONS_QUERY = `query($n: String!) { recommendations(corporateNumber: $n, first: 10) {
  measure { id title } score verdict upcoming reasons ruleIds missingData } }`;

/**
 * The same recommendations through the production server (its own process, over HTTP): the server-side time of
 * each request from its Server-Timing header, and the client's round trip, per caller.
 */
async function benchOverHttp(databaseUrl: string, corporateNumbers: readonly string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdp-bench-recommend-'));
  const key = await loadOrCreateLocalKey(dataDir);
  const { child, endpoint } = await startBenchServer(databaseUrl, await freePort(), dataDir);
  try {
    const staff = await signLocalToken(key, { role: 'STAFF', sub: 'bench-staff' }, '6h');
    const owners = await Promise.all(corporateNumbers.map((n) => signLocalToken(key, { role: 'OWNER', corporateNumber: n, sub: `bench-owner-${n}` }, '6h')));
    const send = async (corporateNumber: string, token: string) => {
      const started = performance.now();
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: RECOMMENDATIONS_QUERY, variables: { n: corporateNumber } }),
      });
      const body = (await res.json()) as { errors?: unknown; data?: { recommendations: unknown[] } };
      const roundTripMs = performance.now() - started;
      if (body.errors || !body.data) throw new Error(`recommendations over HTTP failed for ${corporateNumber}: ${JSON.stringify(body.errors).slice(0, 300)}`);
      const timing = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
      if (!timing) throw new Error('the server sent no Server-Timing header');
      return { serverMs: Number(timing[1]), roundTripMs };
    };
    const measure = async (tokenOf: (index: number) => string) => {
      const server: number[] = [];
      const roundTrip: number[] = [];
      for (let pass = 0; pass < SERVICE_PASSES; pass++) {
        for (let k = 0; k < corporateNumbers.length; k++) {
          const { serverMs, roundTripMs } = await send(corporateNumbers[k]!, tokenOf(k));
          server.push(serverMs);
          roundTrip.push(roundTripMs);
        }
      }
      return { serverTiming: summarise(server), clientRoundTrip: summarise(roundTrip) };
    };
    // warm-up: a pass of each caller, so both are measured on a server whose code paths are compiled and whose
    // connections have their statements prepared (a fresh process compiles its hot functions over the first
    // hundreds of requests)
    for (let k = 0; k < corporateNumbers.length; k++) {
      await send(corporateNumbers[k]!, staff);
      await send(corporateNumbers[k]!, owners[k]!);
    }
    return {
      query: RECOMMENDATIONS_QUERY.replace(/\s+/g, ' '),
      server: 'dist/src/server-main.js in its own process, NODE_ENV=production, one request at a time',
      staff: await measure(() => staff),
      owner: await measure((k) => owners[k]!),
    };
  } finally {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchOnDemand(args: Args) {
  const config = loadConfig();
  const { database, close } = await openFresh(config.databaseUrl, 'ondemand');
  try {
    const scaled = scaleCatalogue(loadCatalogue(), args.measures);
    await syncCatalogue(database, scaled);
    const companies = buildDemoCompanies(Math.ceil(args.sample * 1.2), 2026).filter((c) => c.corporateNumber && !c.closeDate).slice(0, args.sample);
    await insertDemoCompanies(database, companies);

    const prepareStarted = performance.now();
    const loaded = await loadedCatalogue(database);
    const prepareMs = performance.now() - prepareStarted;

    const viewer: Viewer = { kind: 'USER', role: 'STAFF', sub: 'bench' };
    const call = async (corporateNumber: string, by: Viewer = viewer) => {
      const ctx = createContext(config, database, by, new Date());
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await recommendationsFor(ctx, corporateNumber, 10);
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, count: result.length };
    };
    for (const company of companies.slice(0, 50)) await call(company.corporateNumber!); // warm-up (JIT, caches)
    const samples: number[] = [];
    const cpuSamples: number[] = [];
    let returned = 0;
    for (let pass = 0; pass < SERVICE_PASSES; pass++) {
      for (const company of companies) {
        const { ms, cpuMs, count } = await call(company.corporateNumber!);
        samples.push(ms);
        cpuSamples.push(cpuMs);
        returned += count;
      }
    }
    // the same call by the company's owner (the main caller: an SME owner asking for support that fits), which
    // reads the same inputs but writes no audit entry (a staff read of confidential data writes one per call)
    const ownerSamples: number[] = [];
    for (let pass = 0; pass < SERVICE_PASSES; pass++) {
      for (const company of companies) {
        const owner: Viewer = { kind: 'USER', role: 'OWNER', sub: `owner-${company.corporateNumber}`, corporateNumber: company.corporateNumber! };
        ownerSamples.push((await call(company.corporateNumber!, owner)).ms);
      }
    }

    // the engine alone, on facts read beforehand
    const inputs = [];
    for (const company of companies) {
      const ctx = createContext(config, database, viewer, new Date());
      const row = (await findByCorporateNumber(ctx, company.corporateNumber!))!;
      const [facts, history] = await Promise.all([companyFactsFor(ctx, row), companyHistoryFor(ctx, row.id)]);
      inputs.push({ facts, ...history });
    }
    const now = new Date();
    for (const input of inputs.slice(0, 50)) recommend(loaded.prepared, input, { now, limit: 10 });
    const engineSamples: number[] = [];
    const engineCpuSamples: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      for (const input of inputs) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        recommend(loaded.prepared, input, { now, limit: 10 });
        engineSamples.push(performance.now() - started);
        const used = process.cpuUsage(cpu);
        engineCpuSamples.push((used.user + used.system) / 1000);
      }
    }
    // through the production server, when the database is a PostgreSQL one it can open too
    const overHttp = database.driver === 'postgres' && database.url
      ? await benchOverHttp(database.url, companies.map((company) => company.corporateNumber!))
      : null;
    return {
      driver: database.driver,
      measures: loaded.prepared.measures.length,
      companies: companies.length,
      catalogueLoadAndPrepareMs: Math.round(prepareMs),
      meanRecommendationsReturned: Math.round((returned / samples.length) * 10) / 10,
      serviceCall: summarise(samples),
      serviceCallByOwner: summarise(ownerSamples),
      serviceCallCpu: summarise(cpuSamples),
      engineOnly: summarise(engineSamples),
      engineOnlyCpu: summarise(engineCpuSamples),
      overHttp,
      loadAverageDuringRun: loadavg().map((x) => Math.round(x * 10) / 10),
      note: 'wall time per call (…Ms) and this process\'s CPU time per call (…Cpu, user+system, ~1 ms timer granularity on some kernels); the machine is shared, see loadAverageDuringRun',
    };
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Batch
// ---------------------------------------------------------------------------------------------

/** The facts the demo loader records (as insertDemoCompanies does). */
function factsOf(company: DemoCompany): Array<[string, unknown]> {
  const latest = company.financials[company.financials.length - 1]!;
  const items: Array<[string, unknown]> = [
    ['postalCode', company.postalCode], ['address', `${company.prefectureName}${company.cityName}${company.street}`], ['representativeName', company.representativeName],
    ['capitalYen', company.capitalYen], ['employees', company.employees], ['industryCode', company.industryCode], ['establishedOn', company.establishedOn],
    ['netSalesYen', latest.netSalesYen], ['majorShareholders', company.majorShareholders], ['needs', company.needs],
    ['officersTotal', company.majorShareholders ? 3 : null], ['officersFromLargeEnterprises', company.majorShareholders ? 0 : null],
  ];
  return items.filter(([, value]) => value !== null && value !== undefined);
}

/**
 * Loads N generated companies fast (chunks of 10,000 demo companies with their own seeds, renumbered so every
 * 法人番号 is unique; facts and certifications as the demo loader writes them; no financial statements, which the
 * recommendations do not read when the sales fact exists).
 */
async function loadCompanies(database: Database, count: number, onProgress: (done: number) => void): Promise<void> {
  const chunk = 10_000;
  const asOf = new Date('2026-04-01T00:00:00+09:00').toISOString();
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const list = buildDemoCompanies(size, 1_000 + start / chunk);
    const rows = list.map((company, k) => {
      const index = start + k;
      const sme = classifySme({
        kind: company.kind as CorporateKindName, industryCode: company.industryCode, capitalYen: company.capitalYen, employees: company.employees,
        majorShareholders: company.majorShareholders, officersTotal: company.majorShareholders ? 3 : null, officersFromLargeEnterprises: company.majorShareholders ? 0 : null,
      });
      return {
        ord: k,
        corporate_number: company.corporateNumber ? corporateNumberFromBase(`98${String(index).padStart(10, '0')}`) : null,
        name: company.name, name_kana: company.nameKana, kind_code: company.kindCode, kind: company.kind, prefecture_code: company.prefectureCode,
        prefecture_name: company.prefectureName, city_code: company.cityCode, city_name: company.cityName, street: company.street, postal_code: company.postalCode,
        industry_code: company.industryCode, capital_yen: company.capitalYen, employees: company.employees, established_on: company.establishedOn,
        representative_name: company.representativeName, close_date: company.closeDate, sme_category: sme.category, deemed_large: sme.deemedLarge,
      };
    });
    await database.transaction(async (query) => {
      const ids = await query<{ id: number }>(
        `INSERT INTO companies (corporate_number, name, name_kana, kind_code, kind, prefecture_code, prefecture_name, city_code, city_name, street, postal_code,
                                industry_code, capital_yen, employees, established_on, representative_name, close_date, sme_category, deemed_large)
         SELECT corporate_number, name, name_kana, kind_code, kind, prefecture_code, prefecture_name, city_code, city_name, street, postal_code,
                industry_code, capital_yen, employees, established_on, representative_name, close_date, sme_category, deemed_large
           FROM jsonb_to_recordset($1::jsonb) AS x(ord int, corporate_number text, name text, name_kana text, kind_code text, kind text, prefecture_code text,
                prefecture_name text, city_code text, city_name text, street text, postal_code text, industry_code text, capital_yen bigint, employees int,
                established_on date, representative_name text, close_date date, sme_category text, deemed_large boolean)
          ORDER BY ord
         RETURNING id::float8 AS id`,
        [JSON.stringify(rows)],
      );
      const facts = list.flatMap((company, k) => factsOf(company).map(([key, value]) => ({ company_id: Number(ids[k]!.id), key, value })));
      await query(
        `INSERT INTO facts (company_id, key, value, source, source_ref, as_of)
         SELECT company_id, key, value, 'DEMO', 'bench', $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS x(company_id bigint, key text, value jsonb)`,
        [JSON.stringify(facts), asOf],
      );
      const certifications = list.flatMap((company, k) => company.certifications.map((c) => ({ company_id: Number(ids[k]!.id), ...c, approved_on: c.approvedOn })));
      if (certifications.length > 0) {
        await query(
          `INSERT INTO certifications (company_id, title, category, approved_on, authority, source, source_ref)
           SELECT company_id, title, category, approved_on, authority, 'DEMO', 'bench' FROM jsonb_to_recordset($1::jsonb) AS x(company_id bigint, title text, category text, approved_on date, authority text)`,
          [JSON.stringify(certifications)],
        );
      }
    });
    onProgress(start + size);
  }
  for (const table of ['companies', 'facts', 'certifications']) await database.query(`ANALYZE ${table}`);
}

/** The same eligibility, in SQL: every measure's hard criteria compiled over a companies + facts projection. */
async function benchSqlEligibility(database: Database, companies: number) {
  const catalogue = loadCatalogue();
  const ext = (key: string, type: 'number' | 'boolean' | 'string') => ({ column: `(f.items->>'${key}')`, type });
  const columns: ColumnMap = {
    smeCategory: 'co.sme_category', deemedLarge: 'co.deemed_large', industryCode: 'co.industry_code', employees: 'co.employees', capitalYen: 'co.capital_yen',
    prefectureCode: 'co.prefecture_code', yearsInBusiness: `date_part('year', age(current_date, co.established_on))`, kind: 'co.kind',
    certifications: 'coalesce(c.certs, ARRAY[]::text[])', supportReceived: 'ARRAY[]::text[]', averageTaxableIncomeYen: `(f.items->>'averageTaxableIncomeYen')`,
    netSalesYen: `(f.items->>'netSalesYen')`, establishedOn: 'co.established_on', isClosed: '(co.close_date IS NOT NULL)',
    needs: `ARRAY(SELECT jsonb_array_elements_text(f.items->'needs'))`,
  };
  const extensionTypes: Record<string, 'number' | 'boolean' | 'string'> = {};
  for (const measure of catalogue.measures) {
    for (const criterion of measure.criteria) {
      const visit = (rule: object): void => {
        const r = rule as Record<string, unknown>;
        if (typeof r.item === 'string' && r.item.startsWith('ext.')) {
          const operand = Object.entries(r).find(([key]) => key !== 'item')![1];
          const sample = Array.isArray(operand) ? operand[0] : operand;
          extensionTypes[r.item.slice(4)] = typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'boolean' : 'string';
        }
        for (const key of ['all', 'any']) if (Array.isArray(r[key])) (r[key] as object[]).forEach(visit);
        if (r.not) visit(r.not as object);
      };
      visit(criterion.rule);
    }
  }
  const columnMap: Record<string, unknown> = { ...columns };
  for (const [key, type] of Object.entries(extensionTypes)) columnMap[`ext.${key}`] = ext(key, type);
  const params: unknown[] = [];
  const verdicts = catalogue.measures.map((measure, index) => {
    const compiled = compileEligibilityToSql(measure.criteria, columnMap as ColumnMap, { firstParamIndex: params.length + 1 });
    params.push(...compiled.params);
    return `count(*) FILTER (WHERE ${compiled.sql} <> 'INELIGIBLE') AS m${index}`;
  });
  const keys = ['needs', 'averageTaxableIncomeYen', 'netSalesYen', ...Object.keys(extensionTypes)];
  const sql = `
    WITH f AS (
      SELECT company_id, jsonb_object_agg(key, value) AS items FROM (
        SELECT DISTINCT ON (company_id, key) company_id, key, value FROM facts WHERE key = ANY('{${keys.join(',')}}'::text[]) ORDER BY company_id, key, as_of DESC
      ) latest GROUP BY company_id
    ), c AS (SELECT company_id, array_agg(title) AS certs FROM certifications GROUP BY company_id)
    SELECT ${verdicts.join(', ')}
      FROM companies co LEFT JOIN f ON f.company_id = co.id LEFT JOIN c ON c.company_id = co.id`;
  const started = performance.now();
  await database.query(sql, params);
  const ms = performance.now() - started;
  return { measures: catalogue.measures.length, companies, ms: Math.round(ms), extrapolatedTo1MSeconds: Math.round((ms / companies) * 1_000_000 / 100) / 10 };
}

/**
 * CPU seconds used by the PostgreSQL backends of one database, when the server runs on this machine (Linux /proc):
 * sampled while a run lasts, because pooled backends exit when their pool closes. Null when it cannot be seen.
 */
function pgCpuMeter(databaseName: string) {
  if (!existsSync('/proc/self/stat')) return null;
  const ticks = 100; // USER_HZ
  const seen = new Map<string, number>();
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!command.startsWith('postgres: ') || !command.includes(` ${databaseName} `)) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        seen.set(pid, Math.max(seen.get(pid) ?? 0, (Number(fields[11]) + Number(fields[12])) / ticks));
      } catch {
        // the backend exited between listing and reading
      }
    }
  };
  sample();
  const baseline = new Map(seen);
  const timer = setInterval(sample, 250);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      let total = 0;
      for (const [pid, cpu] of seen) total += cpu - (baseline.get(pid) ?? 0);
      return Math.round(total * 10) / 10;
    },
  };
}

/** Runs the batch once, with the CPU time of this process (all threads) and of the database's backends. */
async function measuredRun(database: Database, databaseName: string, options: Parameters<typeof runRecommendationBatch>[1]) {
  const meter = pgCpuMeter(databaseName);
  const load = loadavg()[0]!;
  const cpu = process.cpuUsage();
  const summary = await runRecommendationBatch(database, options);
  const used = process.cpuUsage(cpu);
  return {
    summary,
    cpu: {
      nodeSeconds: Math.round((used.user + used.system) / 1e5) / 10,
      postgresSeconds: meter?.stop() ?? null,
      loadAverageAtStart: Math.round(load * 10) / 10,
    },
  };
}

function batchFigures({ summary, cpu }: Awaited<ReturnType<typeof measuredRun>>) {
  return {
    cpu,
    status: summary.status,
    mode: summary.mode,
    companies: summary.companiesProcessed,
    seconds: Math.round(summary.elapsedMs / 100) / 10,
    companiesPerSecond: Math.round(summary.companiesProcessed / Math.max(0.001, summary.elapsedMs / 1000)),
    phasesSeconds: { read: summary.phasesMs.read / 1000, evaluate: summary.phasesMs.evaluate / 1000, write: summary.phasesMs.write / 1000 },
    recommendationsNew: summary.recommendationsNew,
    recommendationsChanged: summary.recommendationsChanged,
    recommendationsDropped: summary.recommendationsDropped,
  };
}

async function benchBatch(args: Args) {
  const config = loadConfig();
  if (!config.databaseUrl) return { skipped: 'DATABASE_URL is not set: the batch benchmark runs on PostgreSQL only' };
  const useExisting = process.env.BENCH_USE_EXISTING === '1';
  const existing = useExisting ? await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, purpose: 'bench recommend' }) : null;
  const opened = existing ? { database: existing, close: () => existing.close() } : await openFresh(config.databaseUrl, 'batch');
  const { database } = opened;
  try {
    if (useExisting) await migrateDatabase(database);
    await syncCatalogue(database);
    const loadStarted = performance.now();
    if (!useExisting) {
      await loadCompanies(database, args.companies, (done) => process.stderr.write(`\rloading companies ${done}/${args.companies}`));
      process.stderr.write('\n');
    }
    const loadSeconds = Math.round((performance.now() - loadStarted) / 100) / 10;
    const [{ n }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM companies');
    const companies = Number(n);

    if (useExisting && process.env.BENCH_RESET_STORED === '1') {
      // measure a first run on an existing database: forget what earlier runs stored
      await database.query('TRUNCATE stored_recommendations');
      await database.query('DELETE FROM recommendation_runs');
    }
    const databaseName = new URL(database.url!).pathname.slice(1);
    const progress = (p: { companiesDone: number; companiesTotal: number }) => process.stderr.write(`\rrecommend ${p.companiesDone}/${p.companiesTotal}`);
    const full = await measuredRun(database, databaseName, { full: true, onProgress: progress });
    process.stderr.write('\n');
    const quiet = await measuredRun(database, databaseName, { onProgress: progress });
    process.stderr.write('\n');
    await database.query(`UPDATE companies SET updated_at = now() WHERE id % 100 = 7`);
    const onePercent = await measuredRun(database, databaseName, { onProgress: progress });
    process.stderr.write('\n');
    const [{ rows }] = await database.query<{ rows: number }>('SELECT count(*)::int AS rows FROM stored_recommendations');
    const sql = await benchSqlEligibility(database, companies);
    const perMillion = (seconds: number) => Math.round((seconds / companies) * 1_000_000);
    return {
      driver: database.driver,
      companies,
      generatedCompanies: !useExisting,
      loadSeconds: useExisting ? null : loadSeconds,
      measures: (await loadedCatalogue(database)).prepared.measures.length,
      storedRecommendations: Number(rows),
      fullRun: batchFigures(full),
      rerunNothingChanged: batchFigures(quiet),
      rerunOnePercentChanged: batchFigures(onePercent),
      extrapolatedTo1M: {
        fullRunSeconds: perMillion(full.summary.elapsedMs / 1000),
        fullRunCpuSeconds: full.cpu.postgresSeconds === null ? null : perMillion(full.cpu.nodeSeconds + full.cpu.postgresSeconds),
        rerunOnePercentSeconds: perMillion(onePercent.summary.elapsedMs / 1000),
        note: companies >= 1_000_000 ? 'measured, not extrapolated' : `linear extrapolation from ${companies} companies (the run is chunked and keyset-paged, so its cost per company is flat)`,
      },
      sqlEligibilityOnly: sql,
    };
  } finally {
    await opened.close();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  process.stderr.write(`on-demand: ${args.sample} companies × ${args.measures} measures\n`);
  const onDemand = await benchOnDemand(args);
  process.stderr.write(`on-demand p50 ${onDemand.serviceCall.p50Ms} ms, p99 ${onDemand.serviceCall.p99Ms} ms (engine alone p99 ${onDemand.engineOnly.p99Ms} ms; by the owner p50 ${onDemand.serviceCallByOwner.p50Ms} ms, p99 ${onDemand.serviceCallByOwner.p99Ms} ms)\n`);
  if (onDemand.overHttp) {
    const { staff, owner } = onDemand.overHttp;
    process.stderr.write(`over HTTP, server-side (Server-Timing): staff p50 ${staff.serverTiming.p50Ms} ms, p99 ${staff.serverTiming.p99Ms} ms; owner p50 ${owner.serverTiming.p50Ms} ms, p99 ${owner.serverTiming.p99Ms} ms (client round trip p99 ${staff.clientRoundTrip.p99Ms} / ${owner.clientRoundTrip.p99Ms} ms)\n`);
  }
  // --on-demand-only: keeps the batch figures of the last full run (they take minutes at 1,000,000 companies)
  const previousFile = join(projectRoot(), 'bench', 'results', 'recommend.json');
  const onDemandOnly = process.argv.includes('--on-demand-only') && existsSync(previousFile);
  const previous = onDemandOnly ? (JSON.parse(readFileSync(previousFile, 'utf8')) as { startedAt?: string; batch?: unknown }) : null;
  const batch = previous ? { recordedAt: previous.startedAt ?? null, ...(previous.batch as object) } : await benchBatch(args);
  const result = {
    benchmark: 'recommendations',
    startedAt: started.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    onDemand,
    batch,
  };
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'recommend.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
