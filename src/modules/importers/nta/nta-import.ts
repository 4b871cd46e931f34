import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database, RawQuery } from '../../../db/client.js';

import { NTA_COLUMNS, NTA_KIND_TO_CORPORATE_KIND, type NtaRecord } from './nta-record.js';
import { readNtaFile } from './nta-source.js';

/** What an import did, row by row. */
export interface NtaImportSummary {
  file: string;
  rows: number;
  /** companies first seen */
  new: number;
  /** rows that changed a known company (or added a history state) */
  changed: number;
  /** rows that closed a company (21 閉鎖, 71 合併 ...) */
  closed: number;
  /** rows already known (a rerun, or the same state in another file) */
  unchanged: number;
  rejected: number;
  /** rows skipped because an interrupted earlier run of the same file already applied them */
  resumedFrom: number;
  rejectsFile: string | null;
  seconds: number;
}

export interface NtaImportOptions {
  /** rows per transaction (default 10,000) */
  batchSize?: number;
  /** folder for rejects files (default: next to the data dir, ./rejects) */
  rejectsDir: string;
  onProgress?: (p: { bytesRead: number; totalBytes: number | null; rows: number }) => void;
}

/** Hash of a row's content (every column but the sequence number): the idempotency key of history rows. */
export function ntaRowHash(record: NtaRecord): string {
  // one update over the joined fields hashes the same bytes as one update per field (SHA-1 is a stream)
  let text = '';
  for (const column of NTA_COLUMNS) {
    if (column === 'sequenceNumber') continue;
    const v = record[column as keyof NtaRecord];
    text += `${v === null ? '\u0000' : String(v)}\u001f`;
  }
  return createHash('sha1').update(text).digest('base64url');
}

async function fileHash(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const h = createHash('sha256');
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
    return h.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * The `companies` columns an NTA row sets: each from one field of the record, or (kind, sme_category) from its kind
 * code. The same table gives the values in JavaScript (`ntaCompanyValues`) and the SQL that reads them from the
 * staged record (`record->>'field'`), so the two cannot drift apart.
 */
const COMPANY_FIELDS: ReadonlyArray<readonly [column: string, sqlType: 'text' | 'date' | 'boolean', field: keyof NtaRecord | 'corporateKind' | 'smeCategory']> = [
  ['corporate_number', 'text', 'corporateNumber'], ['name', 'text', 'name'], ['name_kana', 'text', 'furigana'], ['name_en', 'text', 'enName'],
  ['kind_code', 'text', 'kind'], ['kind', 'text', 'corporateKind'], ['prefecture_code', 'text', 'prefectureCode'], ['prefecture_name', 'text', 'prefectureName'],
  ['city_code', 'text', 'cityCode'], ['city_name', 'text', 'cityName'], ['street', 'text', 'streetNumber'], ['postal_code', 'text', 'postCode'],
  ['address_outside', 'text', 'addressOutside'], ['en_prefecture_name', 'text', 'enPrefectureName'], ['en_city_name', 'text', 'enCityName'],
  ['en_address_outside', 'text', 'enAddressOutside'], ['assignment_date', 'date', 'assignmentDate'], ['close_date', 'date', 'closeDate'],
  ['close_cause', 'text', 'closeCause'], ['successor_corporate_number', 'text', 'successorCorporateNumber'], ['change_cause', 'text', 'changeCause'],
  ['nta_update_date', 'date', 'updateDate'], ['nta_process', 'text', 'process'], ['nta_hidden', 'boolean', 'hihyoji'], ['sme_category', 'text', 'smeCategory'],
];

/** The `companies` columns an NTA row sets, in order (with their SQL types). */
export const NTA_COMPANY_COLUMNS: ReadonlyArray<readonly [string, string]> = COMPANY_FIELDS.map(([column, type]) => [column, type]);

const isPublicBody = (kind: string) => kind === '101' || kind === '201';

/** The values of NTA_COMPANY_COLUMNS for a row. */
export function ntaCompanyValues(r: NtaRecord): Array<string | boolean | null> {
  return COMPANY_FIELDS.map(([, , field]) => {
    if (field === 'corporateKind') return NTA_KIND_TO_CORPORATE_KIND[r.kind] ?? 'OTHER';
    if (field === 'smeCategory') return isPublicBody(r.kind) ? 'NOT_APPLICABLE' : 'UNKNOWN';
    return r[field] as string | boolean | null;
  });
}

/** The SQL expression of each company column over a staged record `s.record`. */
const COMPANY_EXPRESSIONS = COMPANY_FIELDS.map(([, type, field]) => {
  if (field === 'corporateKind') {
    const cases = Object.entries(NTA_KIND_TO_CORPORATE_KIND).map(([code, kind]) => `WHEN '${code}' THEN '${kind}'`).join(' ');
    return `CASE s.record->>'kind' ${cases} ELSE 'OTHER' END`;
  }
  if (field === 'smeCategory') return `CASE WHEN s.record->>'kind' IN ('101', '201') THEN 'NOT_APPLICABLE' ELSE 'UNKNOWN' END`;
  return type === 'text' ? `s.record->>'${field}'` : `(s.record->>'${field}')::${type}`;
}).join(', ');

/** Columns compared to decide whether an upsert changes anything. */
const CHANGE_COLUMNS = COMPANY_FIELDS.map(([c]) => c).filter((c) => c !== 'corporate_number' && c !== 'sme_category');
const COMPANY_LIST = COMPANY_FIELDS.map(([c]) => c).join(', ');

/**
 * The staging table a batch is loaded into before the set-based merge (a session temp table, emptied at every
 * commit): the record as received plus what the merge needs. `role`: C = the row that decides its company's current
 * state in the batch, M = a history-only row whose company may be missing (created minimal), H = history only.
 */
const STAGE_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['seq', 'integer'], ['role', 'text'], ['corporate_number', 'text'], ['row_hash', 'text'], ['source_ref', 'text'], ['record', 'jsonb'],
];
const CREATE_STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS nta_stage (${STAGE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}) ON COMMIT DELETE ROWS`;
const STAGE_FROM_JSON_SQL = `INSERT INTO nta_stage SELECT * FROM json_to_recordset($1::json) AS t(${STAGE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`;

const UPSERT_COMPANIES_SQL = `
INSERT INTO companies (${COMPANY_LIST})
SELECT ${COMPANY_EXPRESSIONS} FROM nta_stage s WHERE s.role = 'C'
ON CONFLICT (corporate_number) DO UPDATE SET
  ${CHANGE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(',\n  ')},
  updated_at = now()
WHERE (companies.nta_update_date IS NULL OR companies.nta_update_date <= excluded.nta_update_date)
  AND (${CHANGE_COLUMNS.map((c) => `companies.${c}`).join(', ')}) IS DISTINCT FROM (${CHANGE_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
RETURNING corporate_number, (xmax = 0) AS inserted`;

/** Creates a company for history-only rows whose latest state is not in the file (kept minimal; no overwrite). */
const INSERT_MISSING_SQL = `
INSERT INTO companies (${COMPANY_LIST})
SELECT ${COMPANY_EXPRESSIONS} FROM nta_stage s WHERE s.role = 'M'
ON CONFLICT (corporate_number) DO NOTHING
RETURNING corporate_number`;

const INSERT_HISTORY_SQL = `
INSERT INTO company_registry_history (company_id, corporate_number, row_hash, process, correct, latest, update_date, change_date, record, source, source_ref)
SELECT c.id, s.corporate_number, s.row_hash, s.record->>'process', (s.record->>'correct')::boolean, (s.record->>'latest')::boolean,
  (s.record->>'updateDate')::date, (s.record->>'changeDate')::date, s.record, 'NTA', s.source_ref
FROM nta_stage s JOIN companies c ON c.corporate_number = s.corporate_number
ORDER BY s.seq
ON CONFLICT (corporate_number, row_hash) DO NOTHING
RETURNING corporate_number, row_hash`;

const PROGRESS_SQL = `UPDATE import_runs SET lines_done = $1, summary = $2::jsonb WHERE id = $3`;

/** The row that decides a company's current state within a batch: the latest=1 row with the newest update date. */
function isNewer(a: NtaRecord, b: NtaRecord): boolean {
  if (a.updateDate !== b.updateDate) return a.updateDate > b.updateDate;
  return a.sequenceNumber > b.sequenceNumber;
}

interface StagedRow {
  record: NtaRecord;
  sourceRef: string;
  hash: string;
  role: 'C' | 'M' | 'H';
}

/** What the merge of a batch reports back: companies it created, history rows it added. */
interface MergeResult {
  inserted: Set<string>;
  fresh: Set<string>;
}

/** Loads a staged batch and merges it, with the run's progress, in one transaction. */
interface BatchMerger {
  merge(rows: readonly StagedRow[], progress: readonly [linesDone: number, summary: string, runId: number]): Promise<MergeResult>;
  close(): Promise<void>;
}

const stageValues = (row: StagedRow, seq: number): unknown[] => [seq, row.role, row.record.corporateNumber, row.hash, row.sourceRef, row.record];

const SPECIAL = /[\\\t\n\r]/;
/** A value in COPY text format. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : text;
}

/** The rows of a batch already in the registry history, by `corporateNumber|rowHash` (one indexed lookup per batch). */
const KNOWN_ROWS_SQL = `
SELECT h.corporate_number, h.row_hash
FROM json_to_recordset($1::text::json) AS k(corporate_number text, row_hash text)
JOIN company_registry_history h ON h.corporate_number = k.corporate_number AND h.row_hash = k.row_hash`;

/**
 * The rows of a batch that are not yet in the registry history. A row whose hash is stored was merged by an
 * earlier run in the same transaction as its history row (and a newer state is never rolled back), so merging it
 * again changes nothing: it is left out of the staging, which makes a rerun — or a resumed run's overlap — cost a
 * lookup instead of a merge. It still counts as unchanged, as before.
 */
async function unknownRows(q: RawQuery, rows: readonly StagedRow[]): Promise<StagedRow[]> {
  if (rows.length === 0) return [];
  const keys = JSON.stringify(rows.map((row) => ({ corporate_number: row.record.corporateNumber, row_hash: row.hash })));
  const known = new Set((await q<{ corporate_number: string; row_hash: string }>(KNOWN_ROWS_SQL, [keys])).map((r) => `${r.corporate_number}|${r.row_hash}`));
  return known.size === 0 ? [...rows] : rows.filter((row) => !known.has(`${row.record.corporateNumber}|${row.hash}`));
}

async function runMerge(q: RawQuery, progress: readonly [number, string, number]): Promise<MergeResult> {
  const inserted = new Set<string>();
  for (const r of await q<{ corporate_number: string; inserted: boolean }>(UPSERT_COMPANIES_SQL)) if (r.inserted) inserted.add(r.corporate_number);
  for (const r of await q<{ corporate_number: string }>(INSERT_MISSING_SQL)) inserted.add(r.corporate_number);
  const fresh = new Set((await q<{ corporate_number: string; row_hash: string }>(INSERT_HISTORY_SQL)).map((r) => `${r.corporate_number}|${r.row_hash}`));
  await q(PROGRESS_SQL, [...progress]);
  return { inserted, fresh };
}

/** PostgreSQL: the batch goes to the staging table with COPY … FROM STDIN on a connection of the import's own. */
async function copyMerger(url: string): Promise<BatchMerger> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  // room for a whole batch in the session's temp buffers (the default 8 MB spills the staging table to disk)
  await sql.unsafe(`SET temp_buffers = '128MB'`);
  await sql.unsafe(CREATE_STAGE_SQL);
  // GIN (trigram) index entries go to the pending list and are merged in bulk: much cheaper per row
  await sql.unsafe(`SET gin_pending_list_limit = '32MB'`);
  return {
    async merge(rows, progress) {
      let result: MergeResult | undefined;
      await sql.begin(async (tx) => {
        const q: RawQuery = (query, params = []) => tx.unsafe(query, params as never[]) as never;
        const staged = await unknownRows(q, rows);
        if (staged.length) {
          let text = '';
          staged.forEach((row, seq) => {
            text += `${stageValues(row, seq).map(copyField).join('\t')}\n`;
          });
          await pipeline(Readable.from([text]), await tx.unsafe('COPY nta_stage FROM STDIN').writable());
        }
        result = await runMerge(q, progress);
      });
      return result!;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Any driver (PGlite): the batch goes to the staging table as one json_to_recordset parameter. */
function recordsetMerger(database: Database): BatchMerger {
  return {
    async merge(rows, progress) {
      let result: MergeResult | undefined;
      await database.transaction(async (q) => {
        await q(CREATE_STAGE_SQL);
        const staged = await unknownRows(q, rows);
        if (staged.length) {
          const names = STAGE_COLUMNS.map(([c]) => c);
          await q(STAGE_FROM_JSON_SQL, [JSON.stringify(staged.map((row, seq) => Object.fromEntries(stageValues(row, seq).map((v, j) => [names[j], v]))))]);
        }
        result = await runMerge(q, progress);
      });
      return result!;
    },
    async close() {},
  };
}

/** Marks which rows of a batch decide their company's current state (C), may create a missing company (M), or are history (H). */
function stage(batch: ReadonlyArray<{ record: NtaRecord; sourceRef: string }>): StagedRow[] {
  const current = new Map<string, NtaRecord>();
  const historyOnly = new Map<string, NtaRecord>();
  for (const { record } of batch) {
    const target = record.latest ? current : historyOnly;
    const known = target.get(record.corporateNumber);
    if (!known || isNewer(record, known)) target.set(record.corporateNumber, record);
  }
  for (const n of current.keys()) historyOnly.delete(n);
  return batch.map(({ record, sourceRef }) => ({
    record, sourceRef, hash: ntaRowHash(record),
    role: current.get(record.corporateNumber) === record ? 'C' : historyOnly.get(record.corporateNumber) === record ? 'M' : 'H',
  }));
}

/** Counts each row of a merged batch as new, closed, changed or unchanged. */
function count(rows: readonly StagedRow[], result: MergeResult, summary: NtaImportSummary): void {
  const countedNew = new Set<string>();
  for (const { record, hash } of rows) {
    if (!result.fresh.has(`${record.corporateNumber}|${hash}`)) summary.unchanged += 1;
    else if (result.inserted.has(record.corporateNumber) && !countedNew.has(record.corporateNumber)) {
      countedNew.add(record.corporateNumber);
      summary.new += 1;
    } else if (record.latest && (record.process === '21' || record.process === '71' || record.process === '81')) summary.closed += 1;
    else summary.changed += 1;
  }
}

/** Files at least this large loaded into an empty registry build the secondary indexes once, at the end. */
const INITIAL_LOAD_BYTES = 64 * 1024 * 1024;

/**
 * The non-unique secondary indexes of the registry tables, with the statements that recreate them. An initial load
 * (a large file into an empty registry) drops them and builds them at the end, as pg_restore does: building a
 * trigram GIN index once is many times cheaper than maintaining it row by row. Unique indexes (the upsert and
 * idempotency keys) stay.
 */
async function registryIndexes(database: Database): Promise<Array<{ name: string; definition: string }>> {
  return database.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname IN ('companies', 'company_registry_history') AND NOT x.indisunique AND NOT x.indisprimary
     ORDER BY t.relname, i.relname`);
}

/** What an import run keeps in import_runs.summary besides its counts. */
interface RunState {
  /** CREATE INDEX statements of the indexes an initial load dropped (recreated when the run finishes) */
  deferredIndexes?: string[];
}

/**
 * Imports NTA files (bulk 全件, daily 差分, Web-API v4 CSV/XML; Shift_JIS or UTF-8; plain or zipped).
 * Streaming with flat memory. Each batch is staged (COPY on PostgreSQL) and merged set-based in one transaction,
 * together with the run's progress, while the next batch is parsed; rerunning a file changes nothing, and an
 * interrupted run resumes after the last committed batch. Malformed rows go to a rejects file. A large file into an
 * empty registry (an initial load) builds the secondary indexes once at the end.
 */
export async function importNtaFile(database: Database, path: string, options: NtaImportOptions): Promise<NtaImportSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 10_000;
  const hash = await fileHash(path);
  const summary: NtaImportSummary = {
    file: path, rows: 0, new: 0, changed: 0, closed: 0, unchanged: 0, rejected: 0, resumedFrom: 0, rejectsFile: null, seconds: 0,
  };
  const [previous] = await database.query<{ id: number; lines_done: number; status: string; summary: RunState | string }>(
    `SELECT id, lines_done::int AS lines_done, status, summary FROM import_runs WHERE kind = 'nta' AND file_hash = $1 ORDER BY id DESC LIMIT 1`, [hash]);
  const resuming = previous && previous.status === 'running';
  const resumeAfter = resuming ? Number(previous.lines_done) : 0;
  summary.resumedFrom = resumeAfter;
  const state: RunState = resuming ? { deferredIndexes: (typeof previous.summary === 'string' ? JSON.parse(previous.summary) : previous.summary)?.deferredIndexes } : {};
  let runId: number;
  if (resuming) runId = Number(previous.id);
  else {
    const [{ empty }] = await database.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM companies) AS empty');
    const deferred = empty && fileSize(path) >= INITIAL_LOAD_BYTES ? await registryIndexes(database) : [];
    if (deferred.length) state.deferredIndexes = deferred.map((i) => i.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
    runId = (await database.query<{ id: number }>(`INSERT INTO import_runs (kind, file, file_hash, status, summary) VALUES ('nta', $1, $2, 'running', $3::jsonb) RETURNING id`,
      [path, hash, JSON.stringify({ ...summary, ...state })]))[0].id;
    for (const index of deferred) await database.query(`DROP INDEX IF EXISTS "${index.name}"`);
  }

  const merger = database.driver === 'postgres' && database.url ? await copyMerger(database.url) : recordsetMerger(database);
  let rejects: WriteStream | null = null;
  const reader = readNtaFile(path);
  const name = basename(path);
  let batch: Array<{ record: NtaRecord; sourceRef: string }> = [];
  let lastRow = 0;
  // one batch merges in the database while the next one is parsed
  let inflight: Promise<unknown> | null = null;
  const settle = async () => {
    const outcome = await inflight;
    inflight = null;
    if (outcome instanceof Error) throw outcome;
  };
  const flush = async () => {
    await settle();
    const rows = stage(batch);
    batch = [];
    const linesDone = lastRow;
    inflight = merger.merge(rows, [linesDone, JSON.stringify({ ...summary, ...state }), runId]).then(
      (result) => {
        count(rows, result, summary);
        options.onProgress?.({ ...reader.progress, rows: summary.rows });
        return null;
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  };
  try {
    for await (const line of reader) {
      lastRow = line.rowIndex;
      if (line.rowIndex <= resumeAfter) continue;
      summary.rows += 1;
      if (!line.ok) {
        summary.rejected += 1;
        if (!rejects) {
          mkdirSync(options.rejectsDir, { recursive: true });
          summary.rejectsFile = `${options.rejectsDir}/${name}.rejects.tsv`;
          rejects = createWriteStream(summary.rejectsFile, { flags: resumeAfter ? 'a' : 'w' });
          if (!resumeAfter) rejects.write('line\treason\traw\n');
        }
        rejects.write(`${line.lineNumber}\t${line.reason.replace(/[\t\n]/g, ' ')}\t${line.raw.replace(/[\t\n\r]/g, ' ')}\n`);
        continue;
      }
      batch.push({ record: line.record, sourceRef: `${name}:${line.lineNumber}` });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await settle();
  } finally {
    await settle().catch(() => undefined);
    await merger.close();
    if (rejects) await new Promise<void>((resolve) => rejects!.end(resolve));
  }
  if (state.deferredIndexes?.length) {
    if (database.driver === 'postgres') await database.query(`SET maintenance_work_mem = '512MB'`);
    for (const statement of state.deferredIndexes) await database.query(statement);
  }
  summary.seconds = (Date.now() - started) / 1000;
  await database.query(`UPDATE import_runs SET status = 'done', finished_at = now(), summary = $1::jsonb WHERE id = $2`, [JSON.stringify(summary), runId]);
  return summary;
}

/** Size of a file in bytes (for progress before the reader knows it). */
export const fileSize = (path: string) => statSync(path).size;
