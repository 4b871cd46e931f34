/**
 * NTA import benchmark: `npm run bench:import` (options: --copies N, --skip-pglite-large, --json-out FILE).
 *
 * Imports the real Tottori bulk file (20,214 rows, Shift_JIS) and a large file made from it (default 50 copies =
 * 1,010,700 rows, every copy with fresh valid 法人番号 in the fictitious registry-office range 8000–8999, written
 * once to SDP_BENCH_DIR) with `importNtaFile`, into PostgreSQL (the benchmark server, see bench/postgres.ts) and
 * into PGlite (on disk, as `npm start` uses it), each into a fresh database. For each it reports rows/s and the
 * peak RSS of this process (sampled every 50 ms; the PostgreSQL server's memory is its own), and compares with a
 * raw COPY of the same rows (the `companies` columns the import sets, prepared in advance) into the same table of a
 * fresh database: the ceiling of any importer that writes that table. The reader alone (decode + parse + validate,
 * no database) is timed too.
 *
 * Writes bench/results/import.json (or --json-out) and prints a table.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import postgres from 'postgres';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { corporateNumberFromBase } from '../src/modules/company/corporate-number.js';
import { importNtaFile, NTA_COMPANY_COLUMNS, ntaCompanyValues } from '../src/modules/importers/nta/nta-import.js';
import { readNtaFile } from '../src/modules/importers/nta/nta-source.js';
import { projectRoot } from '../src/shared/paths.js';
import { benchDir, benchPostgres, dropDatabase, freshDatabase } from './postgres.js';

const TOTTORI = join(projectRoot(), '..', 'shared', 'data', 'real', 'nta', 'bulk', '31_tottori_all_20260731.sjis.csv');

interface Args {
  copies: number;
  skipPgliteLarge: boolean;
  jsonOut: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const copies = Number(value('--copies') ?? process.env.BENCH_IMPORT_COPIES ?? 50);
  if (!Number.isInteger(copies) || copies < 1 || copies > 999) throw new Error('--copies must be a whole number 1..999');
  return {
    copies,
    skipPgliteLarge: argv.includes('--skip-pglite-large') || process.env.BENCH_SKIP_PGLITE_LARGE === '1',
    jsonOut: value('--json-out') ?? join(projectRoot(), 'bench', 'results', 'import.json'),
  };
}

function log(message: string): void {
  console.log(`[bench import ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Splits one NTA CSV line (every field quoted; quotes doubled inside) into its fields. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) throw new Error(`unterminated quote: ${line.slice(0, 80)}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      i += 1; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

const quote = (field: string) => `"${field.replace(/"/g, '""')}"`;

/**
 * The large file: `copies` copies of the Tottori file, copy c giving every 法人番号 (and successor number) the base
 * `8` + c (3 digits) + the number's index in the file (8 digits), with a valid check digit; sequence numbers run on.
 * Shift_JIS and CRLF like the original. Made once and kept in SDP_BENCH_DIR.
 */
async function largeFile(copies: number): Promise<{ path: string; rows: number }> {
  const dir = join(benchDir(), 'nta');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `tottori_x${copies}.sjis.csv`);
  const lines = iconv.decode(readFileSync(TOTTORI), 'cp932').split(/\r?\n/).filter((l) => l.length > 0);
  const rows = lines.length * copies;
  if (existsSync(path) && existsSync(`${path}.rows`) && Number(readFileSync(`${path}.rows`, 'utf8')) === rows) return { path, rows };
  log(`writing ${rows} rows to ${path}`);
  const parsed = lines.map(splitCsvLine);
  const index = new Map<string, number>();
  for (const fields of parsed) if (!index.has(fields[1])) index.set(fields[1], index.size);
  let seq = 0;
  async function* copiesOf() {
    for (let c = 0; c < copies; c++) {
      const renumber = (n: string) => {
        const k = index.get(n);
        return k === undefined ? n : corporateNumberFromBase(`8${String(c).padStart(3, '0')}${String(k).padStart(8, '0')}`);
      };
      let text = '';
      for (const fields of parsed) {
        const copy = [...fields];
        copy[0] = String(++seq);
        copy[1] = renumber(copy[1]);
        if (copy[20]) copy[20] = renumber(copy[20]);
        text += `${copy.map(quote).join(',')}\r\n`;
      }
      yield iconv.encode(text, 'cp932');
    }
  }
  await pipeline(Readable.from(copiesOf()), createWriteStream(path));
  writeFileSync(`${path}.rows`, String(rows));
  return { path, rows };
}

/** Samples this process's RSS while `work` runs; returns its result, seconds and the peak RSS in MB. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

/** The reader alone: decode, parse and validate every row. */
async function readerOnly(path: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  let rows = 0;
  for await (const line of readNtaFile(path)) if (line.ok) rows += 1;
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** The `companies` values the import writes, as a COPY text file (prepared before the timed COPY). */
async function copyFileFor(path: string): Promise<{ file: string; rows: number }> {
  // kept in SDP_BENCH_DIR, never next to the input (the real files are read-only shared data)
  const dir = join(benchDir(), 'nta');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(path)}.companies.copy`);
  if (existsSync(file) && statSync(file).mtimeMs > statSync(path).mtimeMs) {
    return { file, rows: Number(readFileSync(`${file}.rows`, 'utf8')) };
  }
  const out = createWriteStream(file);
  const latest = new Map<string, string>();
  const escape = (v: string | boolean | null) =>
    v === null ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  // one row per company (its latest state), as the import leaves the table
  for await (const line of readNtaFile(path)) {
    if (!line.ok || !line.record.latest) continue;
    latest.set(line.record.corporateNumber, ntaCompanyValues(line.record).map(escape).join('\t'));
  }
  let text = '';
  for (const row of latest.values()) {
    text += `${row}\n`;
    if (text.length > 1 << 20) {
      out.write(text);
      text = '';
    }
  }
  out.end(text);
  await new Promise<void>((resolve) => out.on('finish', () => resolve()));
  writeFileSync(`${file}.rows`, String(latest.size));
  return { file, rows: latest.size };
}

interface Figures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

const figures = (rows: number, seconds: number, peakRssMb: number): Figures => ({ rows, seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(rows / seconds), peakRssMb });

/**
 * Imports `path` in a child process (this script with --child), so that its peak RSS is the import's own and not
 * this process's (which holds the prepared COPY data).
 */
function importInChild(target: { databaseUrl: string } | { dataDir: string }, path: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], '--child', JSON.stringify({ target, path })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`import child failed (exit ${code}): ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as Figures);
    });
  });
}

/** The child: one import, then its figures as the last line of stdout. */
async function child(spec: string): Promise<void> {
  const { target, path } = JSON.parse(spec) as { target: { databaseUrl?: string; dataDir?: string }; path: string };
  const database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir ?? '', purpose: 'bench import' });
  const rejectsDir = mkdtempSync(join(tmpdir(), 'sdp-bench-rejects-'));
  try {
    await migrateDatabase(database);
    const run = await measured(() => importNtaFile(database, path, { rejectsDir }));
    const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify(figures(run.result.rows, run.seconds, Math.max(run.peakRssMb, maxRssMb))));
  } finally {
    await database.close();
    rmSync(rejectsDir, { recursive: true, force: true });
  }
}

const COPY_SQL = `COPY companies (${NTA_COMPANY_COLUMNS.map(([c]) => c).join(', ')}) FROM STDIN`;

async function postgresCase(adminUrl: string, name: string, path: string, copy: { file: string; rows: number }) {
  const db = `sdp_bench_import_${name}`;
  const url = await freshDatabase(adminUrl, db);
  log(`PostgreSQL: importing ${name}`);
  const first = await importInChild({ databaseUrl: url }, path);
  log(`PostgreSQL: rerunning ${name} (changes nothing)`);
  const rerun = await importInChild({ databaseUrl: url }, path);
  const rawUrl = await freshDatabase(adminUrl, `${db}_raw`);
  const migrated = await openDatabase({ databaseUrl: rawUrl, dataDir: '', purpose: 'bench import' });
  await migrateDatabase(migrated);
  await migrated.close();
  log(`PostgreSQL: raw COPY of ${copy.rows} company rows`);
  const sql = postgres(rawUrl, { max: 1, onnotice: () => {} });
  const raw = await measured(async () => {
    await pipeline(createReadStream(copy.file, { highWaterMark: 1 << 20 }), await sql.unsafe(COPY_SQL).writable());
  });
  await sql.end({ timeout: 5 });
  await dropDatabase(adminUrl, db);
  await dropDatabase(adminUrl, `${db}_raw`);
  return { import: first, rerun, rawCopy: figures(copy.rows, raw.seconds, raw.peakRssMb) };
}

async function pgliteCase(name: string, path: string, copy: { file: string; rows: number }) {
  const dir = mkdtempSync(join(benchDir(), `pglite-${name}-`));
  try {
    log(`PGlite: importing ${name}`);
    const first = await importInChild({ dataDir: join(dir, 'import') }, path);
    // the raw COPY needs PGlite's own COPY FROM '/dev/blob'
    const migrated = await openDatabase({ databaseUrl: undefined, dataDir: join(dir, 'raw'), purpose: 'bench import' });
    await migrateDatabase(migrated);
    await migrated.close();
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const pg = await PGlite.create({ dataDir: join(dir, 'raw', 'pgdata'), extensions: { pg_trgm } });
    log(`PGlite: raw COPY of ${copy.rows} company rows`);
    const blob = new Blob([readFileSync(copy.file)]);
    const raw = await measured(() => pg.query(`COPY companies (${NTA_COMPANY_COLUMNS.map(([c]) => c).join(', ')}) FROM '/dev/blob'`, [], { blob }));
    await pg.close();
    return { import: first, rawCopy: figures(copy.rows, raw.seconds, raw.peakRssMb) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    await child(process.argv[childAt + 1]);
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(TOTTORI)) {
    console.log(`[bench import] skipped: ${TOTTORI} is not there (the real NTA files live in ../shared/data/real)`);
    return;
  }
  const pg = await benchPostgres();
  const started = Date.now();
  const load = loadavg();
  const large = await largeFile(args.copies);
  const files = { tottori: { path: TOTTORI, rows: 20_214 }, large };
  const results: Record<string, unknown> = {};
  try {
    for (const [name, file] of Object.entries(files)) {
      const copy = await copyFileFor(file.path);
      log(`reader only: ${name}`);
      const reader = await readerOnly(file.path);
      const postgresFigures = await postgresCase(pg.adminUrl, name, file.path, copy);
      const pgliteFigures = name === 'large' && args.skipPgliteLarge ? null : await pgliteCase(name, file.path, copy);
      results[name] = {
        file: file.path,
        bytes: statSync(file.path).size,
        rows: reader.rows,
        readerRowsPerSecond: Math.round(reader.rows / reader.seconds),
        postgres: { ...postgresFigures, ratioToRawCopy: Math.round((postgresFigures.import.rowsPerSecond / postgresFigures.rawCopy.rowsPerSecond) * 100) / 100 },
        pglite: pgliteFigures && { ...pgliteFigures, ratioToRawCopy: Math.round((pgliteFigures.import.rowsPerSecond / pgliteFigures.rawCopy.rowsPerSecond) * 100) / 100 },
      };
    }
  } finally {
    await pg.stop();
  }
  const output = {
    benchmark: 'import',
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), loadAverageAtStart: load.map((x) => Math.round(x * 100) / 100), node: process.version },
    postgres: pg.origin,
    targets: { postgresRowsPerSecond: 50_000, ratioToRawCopy: 0.5, peakRssMb: 300 },
    files: results,
  };
  mkdirSync(join(args.jsonOut, '..'), { recursive: true });
  writeFileSync(args.jsonOut, `${JSON.stringify(output, null, 2)}\n`);
  printTable(output.files as Record<string, ImportFileResult>);
  log(`wrote ${args.jsonOut}`);
}

interface Case {
  import: Figures;
  rawCopy: Figures;
  ratioToRawCopy: number;
  rerun?: Figures;
}
interface ImportFileResult {
  rows: number;
  readerRowsPerSecond: number;
  postgres: Case;
  pglite: Case | null;
}

function printTable(files: Record<string, ImportFileResult>): void {
  const rows: string[][] = [['file', 'target', 'rows', 'import rows/s', 'raw COPY rows/s', 'ratio', 'peak RSS MB', 'rerun rows/s', 'reader rows/s']];
  for (const [name, f] of Object.entries(files)) {
    for (const [target, c] of [['PostgreSQL', f.postgres], ['PGlite', f.pglite]] as const) {
      if (!c) continue;
      rows.push([name, target, String(f.rows), String(c.import.rowsPerSecond), String(c.rawCopy.rowsPerSecond), c.ratioToRawCopy.toFixed(2), String(c.import.peakRssMb), c.rerun ? String(c.rerun.rowsPerSecond) : '', String(f.readerRowsPerSecond)]);
    }
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  for (const r of rows) console.log(r.map((cell, j) => cell.padEnd(widths[j])).join('  '));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

