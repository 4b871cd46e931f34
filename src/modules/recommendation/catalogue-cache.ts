/**
 * The catalogue as the engine needs it, read from the measure tables and kept in memory.
 *
 * Preparing 1,000 measures (parsing and compiling every criterion) takes milliseconds; doing it per request
 * would dominate an on-demand call. The prepared catalogue is cached per database and keyed by a signature of the
 * measure tables (every id with its content hash, which the measure store rewrites whenever a measure or one of
 * its rounds changes) plus the rules' hash. The signature is re-read in the background at most once per
 * {@link SIGNATURE_TTL_MS}, so a change made by another process is served soon after that time (the batch asks for
 * a fresh read and waits for it); {@link invalidateRecommendationCatalogue} drops the
 * cache at once for changes made in this process (the catalogue sync, the Jグランツ import and the generator call
 * it). The stored rows also answer SupportMeasure reads by id (measureByIdLoader), so a company's applications need
 * no statement for their measures.
 */
import { statementCounterStorage, type Database } from '../../db/client.js';
import { asc } from 'drizzle-orm';
import { measureRounds, measures } from '../../db/schema/index.js';
import { parseCriterion } from '../measure/criteria.js';
import { adoptionKey, prepareCatalogue, type AdoptionCount, type AdoptionStats, type EngineMeasure, type PreparedCatalogue } from './engine.js';
import { loadRecommendationRules, type RecommendationRules } from './rules.js';

/** A stored measure (the root value of GraphQL SupportMeasure). */
export type MeasureRow = typeof measures.$inferSelect;
type RoundRow = typeof measureRounds.$inferSelect;

/** How long a read signature is trusted before the measure tables are looked at again. */
export const SIGNATURE_TTL_MS = 2_000;
/** How long adoption statistics are reused (they move slowly: decisions come in batches). */
export const ADOPTION_TTL_MS = 10 * 60_000;

/** The prepared catalogue plus the stored rows of its measures, by id. */
export interface LoadedCatalogue {
  readonly prepared: PreparedCatalogue;
  readonly rows: ReadonlyMap<string, MeasureRow>;
  /** Signature of the measure tables this was prepared from. */
  readonly signature: string;
}

/**
 * A value read from the database once, then re-read in the background when it is older than `ttlMs`: once a read
 * has succeeded, no caller waits for another unless it asks for a fresh one. A background read runs outside the
 * caller's statement count (no request waits for it); a failed one is retried by the next call. Concurrent callers
 * share a read under way. `read` gets the last value read, if any (to keep it when nothing changed).
 */
export class BackgroundRefreshed<T> {
  /** the last value read, with the settled promise callers get for it */
  #current: { value: T; served: Promise<T>; at: number } | null = null;
  #reading: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly read: (previous: T | null) => Promise<T>,
  ) {}

  /** The value at hand (starting a background re-read when it is old), or, with `fresh`, a new read's. */
  get(now: number, fresh = false): Promise<T> {
    const current = this.#current;
    if (current && !fresh) {
      if (now - current.at >= this.ttlMs && !this.#reading) this.#start(now, true).catch(() => {});
      return current.served;
    }
    return this.#reading ?? this.#start(now, false);
  }

  #start(now: number, background: boolean): Promise<T> {
    const previous = this.#current?.value ?? null;
    const reading = background ? statementCounterStorage.exit(() => this.read(previous)) : this.read(previous);
    this.#reading = reading;
    // registered before any caller's: both are settled by the time a caller of this read resumes
    const done = () => {
      if (this.#reading === reading) this.#reading = null;
    };
    reading.then(
      (value) => {
        this.#current = { value, served: Promise.resolve(value), at: now };
        done();
      },
      done,
    );
    return reading;
  }
}

interface CacheEntry {
  catalogue: BackgroundRefreshed<LoadedCatalogue>;
  adoption: BackgroundRefreshed<AdoptionStats>;
}

const caches = new WeakMap<Database, CacheEntry>();
let rulesCache: RecommendationRules | null = null;

/** The committed recommendation rules (read once per process). */
export function recommendationRules(): RecommendationRules {
  rulesCache ??= loadRecommendationRules();
  return rulesCache;
}

/** Drops a database's cached catalogue and adoption statistics, e.g. right after changing measures in-process. */
export function invalidateRecommendationCatalogue(database: Database): void {
  caches.delete(database);
}

function entryOf(database: Database): CacheEntry {
  let entry = caches.get(database);
  if (!entry) {
    entry = {
      catalogue: new BackgroundRefreshed(SIGNATURE_TTL_MS, (previous) => checkSignature(database, previous)),
      adoption: new BackgroundRefreshed(ADOPTION_TTL_MS, () => readAdoptionStats(database)),
    };
    caches.set(database, entry);
  }
  return entry;
}

/** Signature of the measure tables: count plus a digest of every id and content hash. */
async function readSignature(database: Database): Promise<string> {
  const [row] = await database.query<{ n: number; digest: string | null }>(
    `SELECT count(*)::int AS n, md5(string_agg(id || ':' || content_hash, ',' ORDER BY id)) AS digest FROM measures`,
  );
  return `${row?.n ?? 0}:${row?.digest ?? ''}:${recommendationRules().hash}`;
}

/** Reads every measure with its rounds and turns them into engine measures. */
async function loadFromTables(database: Database, signature: string): Promise<LoadedCatalogue> {
  const [rows, roundRows] = await Promise.all([
    database.db.select().from(measures).orderBy(asc(measures.id)),
    database.db.select({ id: measureRounds.id, measureId: measureRounds.measureId, label: measureRounds.label, acceptingFrom: measureRounds.acceptingFrom, acceptingUntil: measureRounds.acceptingUntil })
      .from(measureRounds).orderBy(asc(measureRounds.measureId), asc(measureRounds.id)),
  ]);
  const roundsByMeasure = new Map<string, typeof roundRows>();
  for (const round of roundRows) {
    const list = roundsByMeasure.get(round.measureId) ?? [];
    list.push(round);
    roundsByMeasure.set(round.measureId, list);
  }
  const engineMeasures = rows.map((row) => toEngineMeasure(row, roundsByMeasure.get(row.id) ?? []));
  return { prepared: prepareCatalogue(engineMeasures, recommendationRules()), rows: new Map(rows.map((row) => [row.id, row])), signature };
}

/** A stored measure and its rounds as an engine measure (criteria validated; a bad stored rule throws). */
export function toEngineMeasure(row: MeasureRow, rounds: ReadonlyArray<Pick<RoundRow, 'id' | 'label' | 'acceptingFrom' | 'acceptingUntil'>>): EngineMeasure {
  const criteria = Array.isArray(row.criteria) ? row.criteria : [];
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    targetPrefectures: row.targetPrefectures,
    industries: row.industries,
    exclusionMonths: row.exclusionMonths,
    usePurposes: row.usePurposes,
    unlocks: row.unlocks,
    alwaysOpen: row.alwaysOpen,
    rounds: rounds.map((round) => ({ id: round.id, label: round.label, acceptingFrom: round.acceptingFrom, acceptingUntil: round.acceptingUntil })),
    criteria: criteria.map((json, index) => parseCriterion(json, `measures(${row.id}).criteria[${index}]`)),
  };
}

/**
 * The prepared catalogue of a database, from the cache while the measure tables' signature is unchanged.
 *
 * Once a catalogue is loaded, a caller never waits for the signature: when it is older than
 * {@link SIGNATURE_TTL_MS}, the check starts in the background (outside the caller's statement count, as no
 * request waits for it) and the caller gets the catalogue at hand; a change made by another process is thus served
 * from the first call after the check finds it. `fresh: true` (the batch, which stores what it computes) waits for
 * the check and so for the current tables. The first call of a process, or after an invalidation, loads and waits.
 */
export function loadedCatalogue(database: Database, options: { fresh?: boolean; now?: number } = {}): Promise<LoadedCatalogue> {
  return entryOf(database).catalogue.get(options.now ?? Date.now(), options.fresh);
}

/** The catalogue of the measure tables as they are now: `previous` when their signature has not changed. */
async function checkSignature(database: Database, previous: LoadedCatalogue | null): Promise<LoadedCatalogue> {
  const signature = await readSignature(database);
  return previous && previous.signature === signature ? previous : loadFromTables(database, signature);
}

/**
 * Adoption counts of decided applications per measure × JSIC major division × SME category (the attributes the
 * application copied at submission), for the similar-adoption rule.
 */
export async function readAdoptionStats(database: Database): Promise<AdoptionStats> {
  const rows = await database.query<{ measure_id: string; major: string; sme_category: string; decided: number; adopted: number }>(
    `SELECT measure_id, left(industry_code, 1) AS major, sme_category,
            count(*)::int AS decided, count(*) FILTER (WHERE status = 'ADOPTED')::int AS adopted
       FROM applications
      WHERE status IN ('ADOPTED', 'REJECTED') AND industry_code IS NOT NULL AND sme_category IS NOT NULL
      GROUP BY 1, 2, 3`,
  );
  const stats = new Map<string, AdoptionCount>();
  for (const row of rows) stats.set(adoptionKey(row.measure_id, row.major, row.sme_category), { decided: Number(row.decided), adopted: Number(row.adopted) });
  return stats;
}

/**
 * Adoption statistics, reused for {@link ADOPTION_TTL_MS}. Like the catalogue, once read they are never waited for
 * again: when they are older, the caller gets them as they are and a re-read starts in the background (on a large
 * database the GROUP BY over every decided application takes a good fraction of a second, which the request that
 * happened to find them expired used to wait for).
 */
export function cachedAdoptionStats(database: Database, now = Date.now()): Promise<AdoptionStats> {
  return entryOf(database).adoption.get(now);
}
