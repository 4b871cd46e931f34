/**
 * Writing support measures (`measures` + `measure_rounds`) idempotently, whatever their source (the
 * catalogue, Jグランツ). Each measure is stored with a content hash over everything it says, so a rerun
 * with the same content touches nothing, and a changed measure is rewritten with its rounds in one go.
 */
import { createHash } from 'node:crypto';
import { getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { measureRounds, measures } from '../../db/schema/index.js';

/** A measure row as written (the hash and timestamps are filled in here). */
export type MeasureRowInput = Omit<typeof measures.$inferInsert, 'contentHash' | 'updatedAt'>;
/** A round row as written (the measure id is filled in here). */
export type MeasureRoundInput = Omit<typeof measureRounds.$inferInsert, 'measureId'>;

/** One measure with its rounds, ready to store. */
export interface MeasureRecord {
  measure: MeasureRowInput;
  rounds: MeasureRoundInput[];
}

/** What a write did, per measure id. */
export interface MeasureWriteResult {
  created: string[];
  changed: string[];
  unchanged: string[];
}

/** A transaction (or the database) of drizzle. */
type Tx = Pick<Db, 'select' | 'insert' | 'delete' | 'execute'>;

/** Serialises writers of the measure tables (server start on several nodes, concurrent imports). */
const MEASURE_WRITE_LOCK = 724_002;

/** JSON with sorted object keys and dates as ISO strings: the same content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Hash of a measure's content: every column but bookkeeping (`catalogueVersion`, `sourceRef`), plus its rounds in
 * the order given. Equal hashes mean nothing a user could see has changed.
 */
export function measureContentHash(record: MeasureRecord): string {
  const { catalogueVersion: _version, sourceRef: _ref, ...content } = record.measure;
  const normalised = {
    ...content,
    summary: content.summary ?? null,
    detailHtml: content.detailHtml ?? null,
    maxAmountYen: content.maxAmountYen ?? null,
    subsidyRate: content.subsidyRate ?? null,
    url: content.url ?? null,
    alwaysOpen: content.alwaysOpen ?? false,
    targetPrefectures: content.targetPrefectures ?? [],
    industries: content.industries ?? [],
    usePurposes: content.usePurposes ?? [],
    unlocks: content.unlocks ?? [],
    exclusionMonths: content.exclusionMonths ?? null,
    criteria: content.criteria ?? [],
    formFields: content.formFields ?? [],
    jgrantsId: content.jgrantsId ?? null,
  };
  const rounds = record.rounds.map((round) => ({
    id: round.id,
    label: round.label,
    acceptingFrom: round.acceptingFrom ?? null,
    acceptingUntil: round.acceptingUntil ?? null,
    maxAmountYen: round.maxAmountYen ?? null,
    subsidyRate: round.subsidyRate ?? null,
    targetPrefectures: round.targetPrefectures ?? null,
  }));
  return createHash('sha256').update(canonicalJson({ measure: normalised, rounds })).digest('base64url');
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const MEASURE_COLUMNS = getTableColumns(measures);
/** On conflict, every column but the key takes the incoming value. */
const UPDATE_ALL: Record<string, SQL> = Object.fromEntries(
  Object.entries(MEASURE_COLUMNS)
    .filter(([key]) => key !== 'id')
    .map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
);

/** Takes the measure-table write lock for the rest of the transaction. */
export async function lockMeasureWrites(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${MEASURE_WRITE_LOCK})`);
}

/**
 * Writes measures and their rounds inside the caller's transaction (call {@link lockMeasureWrites} first): new ids
 * are inserted; ids whose content hash differs are updated and their rounds replaced; the others are left alone.
 * A constant number of statements per 200 measures.
 */
export async function writeMeasureRecords(tx: Tx, records: readonly MeasureRecord[], now: Date = new Date()): Promise<MeasureWriteResult> {
  const result: MeasureWriteResult = { created: [], changed: [], unchanged: [] };
  if (records.length === 0) return result;
  const ids = records.map((record) => record.measure.id);
  if (new Set(ids).size !== ids.length) throw new Error('writeMeasureRecords: the same measure id appears twice');
  const stored = new Map<string, string>();
  for (const part of chunks(ids, 1000)) {
    const rows = await tx.select({ id: measures.id, contentHash: measures.contentHash }).from(measures).where(inArray(measures.id, part));
    for (const row of rows) stored.set(row.id, row.contentHash);
  }
  const toWrite: Array<{ record: MeasureRecord; hash: string }> = [];
  for (const record of records) {
    const hash = measureContentHash(record);
    const known = stored.get(record.measure.id);
    if (known === hash) {
      result.unchanged.push(record.measure.id);
      continue;
    }
    (known === undefined ? result.created : result.changed).push(record.measure.id);
    toWrite.push({ record, hash });
  }
  for (const part of chunks(toWrite, 200)) {
    await tx.insert(measures)
      .values(part.map(({ record, hash }) => ({ ...record.measure, contentHash: hash, updatedAt: now })))
      .onConflictDoUpdate({ target: measures.id, set: UPDATE_ALL });
    await tx.delete(measureRounds).where(inArray(measureRounds.measureId, part.map(({ record }) => record.measure.id)));
    const rounds = part.flatMap(({ record }) => record.rounds.map((round) => ({ ...round, measureId: record.measure.id })));
    for (const roundPart of chunks(rounds, 1000)) await tx.insert(measureRounds).values(roundPart);
  }
  return result;
}
