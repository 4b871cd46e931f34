import { createHash } from 'node:crypto';
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Database } from '../../../db/client.js';

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
  /** rows per transaction */
  batchSize?: number;
  /** folder for rejects files (default: next to the data dir, ./rejects) */
  rejectsDir: string;
  onProgress?: (p: { bytesRead: number; totalBytes: number | null; rows: number }) => void;
}

/** Hash of a row's content (every column but the sequence number): the idempotency key of history rows. */
export function ntaRowHash(record: NtaRecord): string {
  const h = createHash('sha1');
  for (const column of NTA_COLUMNS) {
    if (column === 'sequenceNumber') continue;
    const v = record[column as keyof NtaRecord];
    h.update(v === null ? '\u0000' : String(v));
    h.update('\u001f');
  }
  return h.digest('base64url');
}

async function fileHash(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const h = createHash('sha256');
    for await (const chunk of handle.createReadStream()) h.update(chunk as Buffer);
    return h.digest('hex');
  } finally {
    await handle.close();
  }
}

const COMPANY_COLUMNS = [
  ['corporate_number', 'text'], ['name', 'text'], ['name_kana', 'text'], ['name_en', 'text'], ['kind_code', 'text'], ['kind', 'text'],
  ['prefecture_code', 'text'], ['prefecture_name', 'text'], ['city_code', 'text'], ['city_name', 'text'], ['street', 'text'],
  ['postal_code', 'text'], ['address_outside', 'text'], ['en_prefecture_name', 'text'], ['en_city_name', 'text'], ['en_address_outside', 'text'],
  ['assignment_date', 'date'], ['close_date', 'date'], ['close_cause', 'text'], ['successor_corporate_number', 'text'], ['change_cause', 'text'],
  ['nta_update_date', 'date'], ['nta_process', 'text'], ['nta_hidden', 'boolean'], ['sme_category', 'text'],
] as const;

/** Columns compared to decide whether an upsert changes anything. */
const CHANGE_COLUMNS = COMPANY_COLUMNS.map(([c]) => c).filter((c) => c !== 'corporate_number' && c !== 'sme_category');

function companyValues(r: NtaRecord): unknown[] {
  const kind = NTA_KIND_TO_CORPORATE_KIND[r.kind] ?? 'OTHER';
  const publicBody = r.kind === '101' || r.kind === '201';
  return [
    r.corporateNumber, r.name, r.furigana, r.enName, r.kind, kind, r.prefectureCode, r.prefectureName, r.cityCode, r.cityName, r.streetNumber,
    r.postCode, r.addressOutside, r.enPrefectureName, r.enCityName, r.enAddressOutside, r.assignmentDate, r.closeDate, r.closeCause,
    r.successorCorporateNumber, r.changeCause, r.updateDate, r.process, r.hihyoji, publicBody ? 'NOT_APPLICABLE' : 'UNKNOWN',
  ];
}

/** Column list with SQL types, for json_to_recordset (one JSON parameter works the same on PGlite and postgres.js). */
const RECORDSET = COMPANY_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');

const UPSERT_COMPANIES_SQL = `
INSERT INTO companies (${COMPANY_COLUMNS.map(([c]) => c).join(', ')})
SELECT ${COMPANY_COLUMNS.map(([c]) => c).join(', ')} FROM json_to_recordset($1::json) AS t(${RECORDSET})
ON CONFLICT (corporate_number) DO UPDATE SET
  ${CHANGE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(',\n  ')},
  updated_at = now()
WHERE (companies.nta_update_date IS NULL OR companies.nta_update_date <= excluded.nta_update_date)
  AND (${CHANGE_COLUMNS.map((c) => `companies.${c}`).join(', ')}) IS DISTINCT FROM (${CHANGE_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
RETURNING corporate_number, (xmax = 0) AS inserted`;

/** Creates a company for history-only rows whose latest state is not in the file (kept minimal; no overwrite). */
const INSERT_MISSING_SQL = `
INSERT INTO companies (${COMPANY_COLUMNS.map(([c]) => c).join(', ')})
SELECT ${COMPANY_COLUMNS.map(([c]) => c).join(', ')} FROM json_to_recordset($1::json) AS t(${RECORDSET})
ON CONFLICT (corporate_number) DO NOTHING
RETURNING corporate_number`;

const INSERT_HISTORY_SQL = `
INSERT INTO company_registry_history (company_id, corporate_number, row_hash, process, correct, latest, update_date, change_date, record, source, source_ref)
SELECT c.id, t.corporate_number, t.row_hash, t.process, t.correct, t.latest, t.update_date, t.change_date, t.record, 'NTA', t.source_ref
FROM json_to_recordset($1::json)
  AS t(corporate_number text, row_hash text, process text, correct boolean, latest boolean, update_date date, change_date date, record jsonb, source_ref text)
JOIN companies c ON c.corporate_number = t.corporate_number
ON CONFLICT (corporate_number, row_hash) DO NOTHING
RETURNING corporate_number, row_hash`;

/** Rows as one JSON array of objects keyed by column name. */
function recordset(columns: readonly string[], rows: unknown[][]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))));
}

const COMPANY_COLUMN_NAMES = COMPANY_COLUMNS.map(([c]) => c);
const HISTORY_COLUMN_NAMES = ['corporate_number', 'row_hash', 'process', 'correct', 'latest', 'update_date', 'change_date', 'record', 'source_ref'];

/** The row that decides a company's current state within a batch: the latest=1 row with the newest update date. */
function isNewer(a: NtaRecord, b: NtaRecord): boolean {
  if (a.updateDate !== b.updateDate) return a.updateDate > b.updateDate;
  return a.sequenceNumber > b.sequenceNumber;
}

/**
 * Applies one batch in a transaction: upserts the companies' current state (only when the row is at
 * least as new as what is stored and differs from it), then appends every row to the registry history
 * (idempotent by row hash). Returns per-row outcomes for the summary.
 */
async function applyBatch(database: Database, batch: Array<{ record: NtaRecord; sourceRef: string }>, summary: NtaImportSummary) {
  const current = new Map<string, NtaRecord>();
  const historyOnly = new Map<string, NtaRecord>();
  for (const { record } of batch) {
    const target = record.latest ? current : historyOnly;
    const known = target.get(record.corporateNumber);
    if (!known || isNewer(record, known)) target.set(record.corporateNumber, record);
  }
  for (const n of current.keys()) historyOnly.delete(n);
  const hashes = batch.map(({ record }) => ntaRowHash(record));
  await database.transaction(async (q) => {
    const inserted = new Set<string>();
    if (current.size) {
      const rows = await q<{ corporate_number: string; inserted: boolean }>(UPSERT_COMPANIES_SQL, [recordset(COMPANY_COLUMN_NAMES, [...current.values()].map(companyValues))]);
      for (const r of rows) if (r.inserted) inserted.add(r.corporate_number);
    }
    if (historyOnly.size) {
      const rows = await q<{ corporate_number: string }>(INSERT_MISSING_SQL, [recordset(COMPANY_COLUMN_NAMES, [...historyOnly.values()].map(companyValues))]);
      for (const r of rows) inserted.add(r.corporate_number);
    }
    const historyRows = batch.map(({ record, sourceRef }, i) => [
      record.corporateNumber, hashes[i], record.process, record.correct, record.latest, record.updateDate, record.changeDate,
      record, sourceRef,
    ]);
    const fresh = await q<{ corporate_number: string; row_hash: string }>(INSERT_HISTORY_SQL, [recordset(HISTORY_COLUMN_NAMES, historyRows)]);
    const freshKeys = new Set(fresh.map((r) => `${r.corporate_number}|${r.row_hash}`));
    const countedNew = new Set<string>();
    batch.forEach(({ record }, i) => {
      if (!freshKeys.has(`${record.corporateNumber}|${hashes[i]}`)) summary.unchanged += 1;
      else if (inserted.has(record.corporateNumber) && !countedNew.has(record.corporateNumber)) {
        countedNew.add(record.corporateNumber);
        summary.new += 1;
      } else if (record.latest && (record.process === '21' || record.process === '71' || record.process === '81')) summary.closed += 1;
      else summary.changed += 1;
    });
  });
}

/**
 * Imports NTA files (bulk 全件, daily 差分, Web-API v4 CSV/XML; Shift_JIS or UTF-8; plain or zipped).
 * Streaming with flat memory; each batch is one transaction; rerunning a file changes nothing, and an
 * interrupted run resumes after the last committed batch. Malformed rows go to a rejects file.
 */
export async function importNtaFile(database: Database, path: string, options: NtaImportOptions): Promise<NtaImportSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2000;
  const hash = await fileHash(path);
  const summary: NtaImportSummary = {
    file: path, rows: 0, new: 0, changed: 0, closed: 0, unchanged: 0, rejected: 0, resumedFrom: 0, rejectsFile: null, seconds: 0,
  };
  const [previous] = await database.query<{ id: number; lines_done: number; status: string }>(
    `SELECT id, lines_done::int AS lines_done, status FROM import_runs WHERE kind = 'nta' AND file_hash = $1 ORDER BY id DESC LIMIT 1`, [hash]);
  const resumeAfter = previous && previous.status === 'running' ? Number(previous.lines_done) : 0;
  summary.resumedFrom = resumeAfter;
  const runId = previous && previous.status === 'running'
    ? previous.id
    : (await database.query<{ id: number }>(`INSERT INTO import_runs (kind, file, file_hash, status) VALUES ('nta', $1, $2, 'running') RETURNING id`, [path, hash]))[0].id;

  let rejects: WriteStream | null = null;
  const reader = readNtaFile(path);
  const name = basename(path);
  let batch: Array<{ record: NtaRecord; sourceRef: string }> = [];
  let lastRow = 0;
  const flush = async () => {
    if (batch.length) await applyBatch(database, batch, summary);
    batch = [];
    await database.query(`UPDATE import_runs SET lines_done = $1, summary = $2::jsonb WHERE id = $3`, [lastRow, JSON.stringify(summary), runId]);
    options.onProgress?.({ ...reader.progress, rows: summary.rows });
  };
  for await (const line of reader) {
    lastRow = line.rowIndex;
    if (line.rowIndex <= resumeAfter) continue;
    summary.rows += 1;
    if (!line.ok) {
      summary.rejected += 1;
      if (!rejects) {
        const { mkdirSync } = await import('node:fs');
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
  if (rejects) await new Promise<void>((resolve) => rejects!.end(resolve));
  summary.seconds = (Date.now() - started) / 1000;
  await database.query(`UPDATE import_runs SET status = 'done', finished_at = now(), summary = $1::jsonb WHERE id = $2`, [JSON.stringify(summary), runId]);
  return summary;
}

/** Size of a file in bytes (for progress before the reader knows it). */
export const fileSize = (path: string) => statSync(path).size;
